/**
 * Every architecture of the backbone registry (`training/models/registry.ts`) can be explained at its
 * declared layer by all five methods (cpu backend; EfficientNetB4 built test-sized with the same layer
 * names and head, the npr-patch CNN fully convolutional at 64 px).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { REGISTRY } from './registry';
import { buildEfficientNetB4 } from './efficientnet-b4';
import { buildNprPatch } from './npr-patch';
import { explain, explainImage, modelParts, DEFAULT_EXPLAIN_LAYERS, EXPLAIN_METHODS } from '../../extension/shared/explain/index';
import type { ModelManifest } from '../../extension/shared/model-manifest';

before(async () => { await tf.setBackend('cpu'); await tf.ready(); });

test('the explain-layer table covers every registry architecture', () => {
  for (const name of Object.keys(REGISTRY)) assert.ok(DEFAULT_EXPLAIN_LAYERS[name], `no explain layer for ${name}`);
});

const builds: Array<[string, () => tf.LayersModel, number]> = [
  ['efficientnet-b4', () => buildEfficientNetB4({ width: 0.2, depth: 0.1, inputSize: 64, seed: 3 }), 64],
  ['npr-patch-cnn', () => buildNprPatch({ widths: [8, 8, 8, 8], seed: 3 }), 64],
];

for (const [arch, build, S] of builds) {
  test(`${arch}: all methods at "${DEFAULT_EXPLAIN_LAYERS[arch]}" give finite maps without leaking`, async () => {
    const model = build();
    const layer = DEFAULT_EXPLAIN_LAYERS[arch]!;
    const parts = modelParts(tf, model, layer);
    assert.equal(parts.layer, layer);
    assert.equal(parts.logitSource, arch === 'efficientnet-b4' ? 'pre-activation' : 'output');
    const input = Float32Array.from({ length: S * S * 3 }, (_, i) => (arch === 'efficientnet-b4' ? 127.5 + 100 * Math.sin(i * 0.37) : 0.5 + 0.4 * Math.sin(i * 0.37)));
    const start = tf.memory().numTensors;
    for (const method of EXPLAIN_METHODS) {
      const r = await explain(tf, model, input, { method, targetLayer: layer, samples: 24, topK: 4, segments: 16 });
      assert.ok(Number.isFinite(r.logit));
      assert.ok(r.map.length === r.mapWidth * r.mapHeight && r.map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), `${arch}/${method}`);
    }
    assert.equal(tf.memory().numTensors, start);
    model.dispose();
  });
}

test('explainImage: detector spec, region of the centre crop, verdict target, calibrated probability', async () => {
  const model = buildNprPatch({ widths: [8, 8, 8, 8], seed: 4 });
  const manifest = {
    arch: 'npr-patch-cnn', preprocess: { inputSize: 32, geometry: 'center-crop', normalization: 'zero-one' },
    calibration: { type: 'platt', a: 2, b: 0.5 }, threshold: 0.5,
  } as unknown as ModelManifest;
  const data = new Uint8Array(50 * 40 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251));
  const image = { width: 50, height: 40, data };
  const start = tf.memory().numTensors;
  const r = await explainImage(tf, { model, manifest }, image, { method: 'gradcam' });
  assert.equal(tf.memory().numTensors, start);
  assert.deepEqual(r.region, { x: 9, y: 4, width: 32, height: 32 });
  assert.equal(r.layer, 'b4_relu');
  assert.ok(Math.abs(r.probability - 1 / (1 + Math.exp(-(2 * r.logit + 0.5)))) < 1e-9);
  assert.equal(r.target, r.probability >= 0.5 ? 'synthetic' : 'real');
  const other = await explainImage(tf, { model, manifest }, image, { method: 'gradcam', threshold: r.probability >= 0.5 ? 1 : 0 });
  assert.notEqual(other.target, r.target); // the user's threshold decides the verdict, hence the target
  model.dispose();
});
