/**
 * mobilenet-v2: the converted Coral MobileNetV2 must give the known ImageNet top-1 on Coral's test photos
 * (cat.bmp → Egyptian cat, hot_dog.jpg → hotdog, dragonfly.bmp → dragonfly; `../shared/weights/README.md`),
 * the feature taps have the baseline's widths, and the registry entry explains the async loader.
 * Tests that need `../shared/weights` skip with a message when it is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tfns from '@tensorflow/tfjs';
import { normalizePixels, resizeRgba, type RgbaImage } from '../../extension/shared/preprocess';
import { decodeFile } from '../node/decode';
import { initTf } from '../node/backend';
import { REGISTRY } from './registry';
import {
  loadMobileNetV2Classifier, loadMobileNetV2Features, mobileNetV2Path, mobileNetV2Pixels, mobileNetV2Taps,
  makeExtractor, MOBILENET_V2_PREPROCESS,
} from './mobilenet-v2';
import { parseTflite } from './tflite';

const MODEL = mobileNetV2Path();
const SKIP = MODEL === null && '../shared/weights/coral-test-data/mobilenet_v2_1.0_224_quant.tflite not found (expected in ../shared next to the repo root, or SYNTHSCREEN_SHARED_DIR); skipping test that needs the Coral MobileNetV2';

/**
 * Decodes an uncompressed 24- or 32-bit BMP (BITMAPINFOHEADER or later; sharp/libvips cannot read BMP).
 * Rows are stored bottom-up when the height is positive, padded to 4 bytes, pixels as B, G, R(, A).
 */
function decodeBmp(b: Uint8Array): RgbaImage {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b[0] !== 0x42 || b[1] !== 0x4d) throw new Error('not a BMP');
  const dataOff = dv.getUint32(10, true), w = dv.getInt32(18, true), hRaw = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true), comp = dv.getUint32(30, true);
  if ((bpp !== 24 && bpp !== 32) || (comp !== 0 && comp !== 3)) throw new Error(`unsupported BMP: ${bpp} bpp, compression ${comp}`);
  const h = Math.abs(hRaw), step = bpp / 8, stride = Math.ceil((w * step) / 4) * 4;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const row = dataOff + (hRaw > 0 ? h - 1 - y : y) * stride;
    for (let x = 0; x < w; x++) {
      const p = row + x * step, o = (y * w + x) * 4;
      data[o] = b[p + 2]!; data[o + 1] = b[p + 1]!; data[o + 2] = b[p]!; data[o + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

test('decodeBmp reads a hand-made 2×2 bottom-up 24-bit BMP', () => {
  // 54-byte header + 2 rows of 2 pixels (6 bytes + 2 bytes padding); bottom row first.
  const b = new Uint8Array(54 + 16);
  const dv = new DataView(b.buffer);
  b[0] = 0x42; b[1] = 0x4d; dv.setUint32(10, 54, true); dv.setInt32(18, 2, true); dv.setInt32(22, 2, true); dv.setUint16(28, 24, true);
  b.set([0, 0, 255, 0, 255, 0, 0, 0], 54); // bottom row: red, green (BGR)
  b.set([255, 0, 0, 10, 20, 30, 0, 0], 62); // top row: blue, (R30 G20 B10)
  const img = decodeBmp(b);
  assert.deepEqual(Array.from(img.data), [0, 0, 255, 255, 30, 20, 10, 255, 255, 0, 0, 255, 0, 255, 0, 255]);
});

test('mobilenet-v2 registry entry: 224 input, (x−128)/128, build explains the async loader', () => {
  const e = REGISTRY['mobilenet-v2']!;
  assert.equal(e.preprocess.inputSize, 224);
  const img = { width: 224, height: 224, data: new Uint8ClampedArray(224 * 224 * 4) };
  img.data[0] = 255; img.data[1] = 128; img.data[2] = 0;
  const v = normalizePixels(img, e.preprocess);
  assert.deepEqual([v[0], v[1], v[2]], [127 / 128, 0, -1]);
  assert.throws(() => e.build(), /loadMobileNetV2Features/);
});

test('mobilenet-v2 taps: last 32-ch block 28×28, last 96-ch block 14×14, pool 1×1×1280', { skip: SKIP }, () => {
  const m = parseTflite(new Uint8Array(readFileSync(MODEL!)));
  const t = mobileNetV2Taps(m);
  assert.deepEqual(m.tensors[t.block32]!.shape, [1, 28, 28, 32]);
  assert.deepEqual(m.tensors[t.block96]!.shape, [1, 14, 14, 96]);
  assert.deepEqual(m.tensors[t.pool]!.shape, [1, 1, 1, 1280]);
});

test('mobilenet-v2 classifies the Coral test photos (known ImageNet top-1) and features agree', { skip: SKIP }, async () => {
  const { tf } = await initTf({ want: 'inference', backend: 'wasm', quiet: true });
  const dir = dirname(MODEL!);
  const labels = readFileSync(join(dir, 'imagenet_labels.txt'), 'utf8').split('\n').map((l) => l.split(',')[0]!.trim());
  assert.equal(labels[0], 'background');
  const cases: Array<[string, string]> = [['cat.bmp', 'Egyptian cat'], ['hot_dog.jpg', 'hotdog'], ['dragonfly.bmp', 'dragonfly']];
  const clf = await loadMobileNetV2Classifier(tf);
  assert.deepEqual(clf.outputs[0]!.shape, [null, 1001]);
  const feat = await loadMobileNetV2Features(tf, { layer: 'concat' });
  assert.deepEqual(feat.outputs[0]!.shape, [null, 32 + 96 + 1280]);
  const pool = await loadMobileNetV2Features(tf);
  assert.deepEqual(pool.outputs[0]!.shape, [null, 1280]);
  for (const [file, want] of cases) {
    const p = join(dir, file);
    if (!existsSync(p)) { assert.fail(`${p} missing from the shared folder`); }
    const img = file.endsWith('.bmp') ? decodeBmp(new Uint8Array(readFileSync(p))) : await decodeFile(p);
    // Both the plain 224×224 resize (Coral's classify example) and the baseline geometry must agree.
    for (const px of [resizeRgba(img, 224, 224), await mobileNetV2Pixels(img)]) {
      const x = tf.tensor4d(normalizePixels(px, MOBILENET_V2_PREPROCESS), [1, 224, 224, 3]);
      const prob = (clf.predict(x) as tfns.Tensor).dataSync() as Float32Array;
      const top = prob.indexOf(Math.max(...prob));
      assert.equal(labels[top], want, `${file}: top-1 "${labels[top]}" (p ${prob[top]!.toFixed(3)}), expected "${want}"`);
      const total = prob.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-3, `softmax sums to ${total}`);
      // The concat features end with the final pool.
      const fc = (feat.predict(x) as tfns.Tensor).dataSync() as Float32Array;
      const fp = (pool.predict(x) as tfns.Tensor).dataSync() as Float32Array;
      for (let i = 0; i < 1280; i += 97) assert.ok(Math.abs(fc[128 + i]! - fp[i]!) < 1e-4);
      assert.ok(fp.every((v) => v >= 0 && v <= 6), 'pool features are post-ReLU6 means in [0, 6]');
      tf.dispose(x);
    }
  }
  clf.dispose(); feat.dispose(); pool.dispose();
});

test('mobilenet-v2 makeExtractor: 1280-d finite vectors for any image size', { skip: SKIP }, async () => {
  const ex = await makeExtractor({ args: {} });
  assert.equal(ex.dim, 1280);
  assert.match(ex.name, /^mobilenet-v2-pool@1\//);
  const mk = (w: number, h: number): RgbaImage => {
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256, 255], i * 4);
    return { width: w, height: h, data };
  };
  const v = await ex.extract([mk(300, 200), mk(100, 180)]);
  assert.equal(v.length, 2);
  for (const f of v) { assert.equal(f.length, 1280); assert.ok(f.every(Number.isFinite)); }
  ex.dispose?.();
});
