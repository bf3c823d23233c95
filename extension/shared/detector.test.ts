import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ModelIntegrityError, loadDetector, sha256Hex } from './detector';
import type { ModelManifest } from './model-manifest';

/** A 4x4 model whose logit is the sum of the inputs times 0.1 (Dense with fixed weights). */
async function tinyModelFiles(): Promise<Map<string, Uint8Array>> {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [4, 4, 3] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.constant({ value: 0.1 }), biasInitializer: 'zeros' });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  const files = new Map<string, Uint8Array>();
  await model.save(tf.io.withSaveHandler(async (art) => {
    const topo = { modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] };
    files.set('model.json', new TextEncoder().encode(JSON.stringify(topo)));
    files.set('weights.bin', new Uint8Array(art.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  return files;
}

async function manifestFor(files: Map<string, Uint8Array>): Promise<ModelManifest> {
  return {
    schemaVersion: 1, name: 'tiny', version: '0.0.1', arch: 'test-dense', modelJson: 'model.json', output: 'logit',
    preprocess: { inputSize: 4, geometry: 'resize', normalization: 'zero-one' },
    calibration: { type: 'platt', a: 1, b: 0 }, threshold: 0.5, unsureBand: 0.1, createdAt: '2026-11-29T00:00:00Z',
    files: await Promise.all([...files].map(async ([path, b]) => ({ path, sha256: await sha256Hex(b), bytes: b.byteLength }))),
  };
}

test('sha256Hex matches the known digest of "abc"', async () => {
  assert.equal(await sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('loadDetector verifies files and scores a white image to a known logit', async () => {
  const files = await tinyModelFiles();
  const det = await loadDetector(tf, await manifestFor(files), async (p) => files.get(p)!);
  const white = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).fill(255) };
  const [r] = await det.score([{ image: white }]);
  // 48 inputs of 1.0 times 0.1 = 4.8
  assert.ok(Math.abs(r!.logit - 4.8) < 1e-4, `logit ${r!.logit}`);
  assert.ok(Math.abs(r!.probability - 1 / (1 + Math.exp(-4.8))) < 1e-6);
  det.dispose();
});

test('loadDetector refuses a weight file whose sha256 differs', async () => {
  const files = await tinyModelFiles();
  const manifest = await manifestFor(files);
  const w = files.get('weights.bin')!.slice();
  w[0] = w[0]! ^ 1;
  files.set('weights.bin', w);
  await assert.rejects(loadDetector(tf, manifest, async (p) => files.get(p)!), ModelIntegrityError);
});
