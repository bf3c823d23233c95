import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTf } from '../node/backend';
import { loadDetectorFromDir } from '../node/model-dir';
import { exportModel, float32ToFloat16Bits, float16BitsToFloat32, quantizeWeights } from './export';
import { validateManifest } from '../../extension/shared/model-manifest';
import { sha256Hex } from '../../extension/shared/detector';
import { mulberry32 } from '../data/rng';

test('float16 bits: known values and round-to-nearest-even', () => {
  assert.equal(float32ToFloat16Bits(1), 0x3c00);
  assert.equal(float32ToFloat16Bits(-2), 0xc000);
  assert.equal(float32ToFloat16Bits(65504), 0x7bff);
  assert.equal(float32ToFloat16Bits(65520), 0x7c00); // rounds up to +Inf
  assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(float32ToFloat16Bits(0.1), 0x2e66);
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie → even
  assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
  assert.equal(float16BitsToFloat32(0x3555), 0.333251953125);
  const r = mulberry32(5);
  for (let i = 0; i < 1000; i++) {
    const v = (r() - 0.5) * 20;
    const back = float16BitsToFloat32(float32ToFloat16Bits(v));
    assert.ok(Math.abs(back - v) <= Math.abs(v) * 2 ** -11 + 1e-12, `${v} → ${back}`);
  }
});

test('uint8 quantisation: q·scale + min within scale/2', () => {
  const vals = new Float32Array([-1, 0, 0.5, 1, 3]);
  const { specs, data } = quantizeWeights([{ name: 'w', shape: [5], dtype: 'float32' }], new Uint8Array(vals.buffer), 'uint8');
  const qz = specs[0]!.quantization!;
  assert.equal(qz.dtype, 'uint8');
  assert.equal(qz.min, -1);
  assert.ok(Math.abs(qz.scale! - 4 / 255) < 1e-12);
  assert.deepEqual(Array.from(data), [0, 64, 96, 128, 255]);
  const big = new Float32Array([1, 70000]);
  assert.throws(() => quantizeWeights([{ name: 'b', shape: [2], dtype: 'float32' }], new Uint8Array(big.buffer), 'float16'), /b\[1\] = 70000 overflows float16/);
  const h = quantizeWeights([{ name: 'h', shape: [2], dtype: 'float32' }], new Uint8Array(new Float32Array([1, -0.5]).buffer), 'float16');
  assert.deepEqual(Array.from(new Uint16Array(h.data.buffer)), [0x3c00, 0xb800]);
  assert.deepEqual(h.specs[0]!.quantization, { dtype: 'float16' });
});

test('export → loadDetector gives the same logits (float16 and uint8 tolerance), sha256 pinned', async () => {
  const { tf } = await initTf({ want: 'inference', quiet: true });
  const dir = await mkdtemp(join(tmpdir(), 'ss-export-'));
  try {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.constant({ value: 0.25 }) }),
    ] });
    const r = mulberry32(11);
    const inputs = Array.from({ length: 4 }, () => Float32Array.from({ length: 16 * 16 * 3 }, () => r() * 2 - 1));
    const ref = Array.from(await (model.predict(tf.tensor4d(Float32Array.from(inputs.flatMap((x) => Array.from(x))), [4, 16, 16, 3])) as import('@tensorflow/tfjs').Tensor).data());
    const common = {
      name: 'test-model', version: '0.0.1', arch: 'tiny-cnn', output: 'logit' as const,
      preprocess: { inputSize: 16, geometry: 'resize' as const, normalization: 'minus-one-one' as const },
      calibration: { type: 'platt' as const, a: 2, b: -0.5 }, threshold: 0.5, unsureBand: 0.1,
      provenance: { command: 'test', split_seed: 7 }, createdAt: '2026-01-01T00:00:00.000Z',
    };
    for (const [quantize, tol] of [['none', 1e-6], ['float16', 2e-3], ['uint8', 5e-2]] as const) {
      const out = join(dir, quantize);
      const m = await exportModel(tf, model, { ...common, dir: out, quantize, shardBytes: 100 });
      validateManifest(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
      assert.equal(m.files[0]!.path, 'model.json');
      assert.ok(m.files.length >= 3, 'weights split into several 100-byte shards');
      for (const f of m.files) assert.equal(await sha256Hex(await readFile(join(out, f.path))), f.sha256);
      const total = m.files.slice(1).reduce((a, f) => a + f.bytes, 0);
      const nParams = 3 * 3 * 3 * 4 + 4 + 4 + 1;
      assert.equal(total, nParams * { none: 4, float16: 2, uint8: 1 }[quantize]);
      const det = await loadDetectorFromDir(tf, out);
      const z = await det.logits(inputs);
      z.forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) < tol, `${quantize}: ${v} vs ${ref[i]}`));
      const [s] = await det.score([{ image: { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(200) } }]);
      assert.ok(Math.abs(s!.probability - 1 / (1 + Math.exp(-(2 * s!.logit - 0.5)))) < 1e-9);
      det.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
