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

test('explainImage over tiles (issue 12): the verdict\'s tiles, stitched maps, both directions, LIME over all tiles, no leaks', async () => {
  const { createScorer } = await import('../../extension/shared/detector');
  const { validateTiling } = await import('../../extension/shared/tiling');
  const model = buildNprPatch({ widths: [8, 8, 8, 8], seed: 5 });
  const manifest = {
    arch: 'npr-patch-cnn', output: 'logit', preprocess: { inputSize: 32, geometry: 'center-crop', normalization: 'zero-one' },
    calibration: { type: 'platt', a: 2, b: 0.5 }, threshold: 0.5,
    tiling: validateTiling({ tileSize: 32, stride: 32, mapStride: 4, minTiles: 4, maxTiles: 64, maxEvidenceCells: 1024 }),
  } as unknown as ModelManifest;
  // 100 × 70: 3 × 2 tiles of 32 px from (2, 3); wasm/cpu read a spread sample of 4 (the corners).
  const data = new Uint8Array(100 * 70 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37 + (i >> 9) * 11) % 251));
  const image = { width: 100, height: 70, data };
  const [score] = await createScorer(tf, model, manifest).score([{ image }], { mode: 'sample' });
  const start = tf.memory().numTensors;
  const r = await explainImage(tf, { model, manifest }, image, { method: 'gradcam', mode: 'sample' });
  assert.ok(Math.abs(r.logit - score!.logit) < 1e-5, `explained logit ${r.logit} = verdict logit ${score!.logit}`);
  assert.equal(r.target, score!.probability >= 0.5 ? 'synthetic' : 'real');
  assert.deepEqual(r.analysed, [{ x: 2, y: 3, width: 32, height: 32 }, { x: 66, y: 3, width: 32, height: 32 }, { x: 2, y: 35, width: 32, height: 32 }, { x: 66, y: 35, width: 32, height: 32 }]);
  assert.deepEqual(r.region, { x: 2, y: 3, width: 96, height: 64 });
  const cell = 32 / 8; // b4_relu: 8 × 8 per 32 px tile
  assert.deepEqual([r.mapWidth, r.mapHeight], [96 / cell, 64 / cell]);
  // The middle column of tiles was not read: its cells are 0, the corners' cells are in [0, 1] with a peak of 1.
  for (let y = 0; y < r.mapHeight; y++) for (let x = 8; x < 16; x++) assert.equal(r.map[y * r.mapWidth + x], 0);
  assert.ok(r.empty || Math.max(...r.map) > 0.999);
  const both = await explainImage(tf, { model, manifest }, image, { method: 'gradcam', mode: 'sample', both: true });
  assert.equal(both.target, 'synthetic');
  assert.equal(both.other!.length, both.map.length);
  // Grad-CAM of "real" is the negative part of the same weighted sum: the two directions never overlap.
  assert.ok(both.map.every((v, i) => v === 0 || both.other![i] === 0));
  assert.ok(Math.max(...both.map, ...both.other!) > 0.999);
  const all = await explainImage(tf, { model, manifest }, image, { method: 'layercam', mode: 'all' });
  assert.equal(all.analysed.length, 6);
  assert.ok(all.map.every((v) => Number.isFinite(v)));
  const lime = await explainImage(tf, { model, manifest }, image, { method: 'lime', mode: 'sample', samples: 24, segments: 12 });
  assert.equal(lime.segments!.length, lime.mapWidth * lime.mapHeight);
  assert.deepEqual(lime.region, { x: 2, y: 3, width: 96, height: 64 });
  const used = new Set(lime.segments!.filter((l) => l >= 0));
  assert.equal(used.size, lime.weights!.length, 'every LIME feature occurs inside the analysed tiles');
  assert.equal(lime.segments![Math.floor(lime.mapHeight / 2) * lime.mapWidth + Math.floor(lime.mapWidth / 2)], -1, 'the unread middle is no feature');
  assert.ok(Math.abs(lime.logit - score!.logit) < 1e-5);
  assert.equal(tf.memory().numTensors, start);
  model.dispose();
});
