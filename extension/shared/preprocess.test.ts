import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropRgba, inputRegion, normalizePixels, parseCropBox, preprocess, resizeRgba, toInputPixels, type RgbaImage } from './preprocess';

function img(width: number, height: number, f: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 4);
  return { width, height, data };
}

test('parseCropBox reads x,y,w,h and rejects bad text', () => {
  assert.deepEqual(parseCropBox('58,58,240,240'), { x: 58, y: 58, width: 240, height: 240 });
  assert.equal(parseCropBox(''), undefined);
  assert.throws(() => parseCropBox('1,2,3'), SyntaxError);
  assert.throws(() => parseCropBox('1,2,0,4'), SyntaxError);
  assert.throws(() => parseCropBox('a,2,3,4'), SyntaxError);
});

test('cropRgba cuts the box and clamps to the image', () => {
  const src = img(4, 3, (x, y) => [x, y, 10 * x + y, 255]);
  const c = cropRgba(src, { x: 1, y: 1, width: 2, height: 2 });
  assert.equal(c.width, 2);
  assert.deepEqual(Array.from(c.data), [1, 1, 11, 255, 2, 1, 21, 255, 1, 2, 12, 255, 2, 2, 22, 255]);
  const clamped = cropRgba(src, { x: 3, y: 2, width: 10, height: 10 });
  assert.deepEqual([clamped.width, clamped.height], [1, 1]);
  assert.throws(() => cropRgba(src, { x: 9, y: 9, width: 1, height: 1 }), RangeError);
});

test('resizeRgba: 2x downscale of a 2x2 block is its mean (triangle filter at scale 2 covers the block)', () => {
  // 2x2 -> 1x1: centre 1.0, support 2, taps j=0,1 with weights 1-|0.5-1|/2 = 0.75 each -> equal -> mean.
  const src = img(2, 2, (x, y) => [x * 100 + y * 50, 0, 200, 255]);
  const out = resizeRgba(src, 1, 1);
  assert.deepEqual(Array.from(out.data), [75, 0, 200, 255]);
});

test('resizeRgba: identity size leaves pixels unchanged; alpha is composited over black', () => {
  const src = img(3, 2, (x, y) => [x * 40, y * 90, 7, x === 2 ? 0 : 255]);
  const out = resizeRgba(src, 3, 2);
  assert.deepEqual(Array.from(out.data.slice(0, 8)), [0, 0, 7, 255, 40, 0, 7, 255]);
  assert.deepEqual(Array.from(out.data.slice(8, 12)), [0, 0, 0, 255]); // transparent -> black
});

test('resizeRgba: 1-D upscale 2 -> 4 interpolates linearly (known values)', () => {
  const src = img(2, 1, (x) => [x === 0 ? 0 : 200, 0, 0, 255]);
  const out = resizeRgba(src, 4, 1);
  // centres at 0.25, 0.75, 1.25, 1.75 in source px; weights from the triangle filter, border-renormalised.
  assert.deepEqual([0, 1, 2, 3].map((i) => out.data[i * 4]), [0, 50, 150, 200]);
});

test('inputRegion per geometry', () => {
  assert.deepEqual(inputRegion(400, 200, 100, 'resize'), { x: 0, y: 0, width: 400, height: 200 });
  assert.deepEqual(inputRegion(400, 200, 100, 'shorter-side-center-crop'), { x: 100, y: 0, width: 200, height: 200 });
  assert.deepEqual(inputRegion(400, 200, 100, 'center-crop'), { x: 150, y: 50, width: 100, height: 100 });
  assert.deepEqual(inputRegion(80, 60, 100, 'center-crop'), { x: 10, y: 0, width: 60, height: 60 });
});

test('center-crop keeps native pixels; normalisations give known values', () => {
  const src = img(6, 6, (x, y) => [x * 10, y * 10, 255, 255]);
  const px = toInputPixels(src, { inputSize: 2, geometry: 'center-crop', normalization: 'raw' });
  assert.deepEqual(Array.from(px.data), [20, 20, 255, 255, 30, 20, 255, 255, 20, 30, 255, 255, 30, 30, 255, 255]);
  const z = normalizePixels(px, { inputSize: 2, geometry: 'center-crop', normalization: 'zero-one' });
  assert.ok(Math.abs(z[0]! - 20 / 255) < 1e-7 && z[2] === 1);
  const m = normalizePixels(px, { inputSize: 2, geometry: 'center-crop', normalization: 'minus-one-one' });
  assert.ok(Math.abs(m[0]! - (20 / 127.5 - 1)) < 1e-6);
  const bgr = normalizePixels(px, {
    inputSize: 2, geometry: 'center-crop', channelOrder: 'bgr',
    normalization: { mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
  });
  // channel 0 of the BGR input is blue (255) minus 103.939
  assert.ok(Math.abs(bgr[0]! - (255 - 103.939)) < 1e-4);
  assert.ok(Math.abs(bgr[2]! - (20 - 123.68)) < 1e-4);
});

test('preprocess applies the crop first and returns size*size*3 floats', () => {
  const src = img(10, 10, (x) => [x < 5 ? 255 : 0, 0, 0, 255]);
  const out = preprocess(src, { inputSize: 4, geometry: 'resize', normalization: 'zero-one' }, { x: 0, y: 0, width: 5, height: 10 });
  assert.equal(out.length, 4 * 4 * 3);
  assert.ok(out.filter((_, i) => i % 3 === 0).every((v) => v === 1));
});

test('normalizeRegion equals crop → identity resize → normalise, bit for bit, also with alpha and bgr', async () => {
  const { normalizeRegion } = await import('./preprocess');
  const { mulberry32 } = await import('./rng');
  const r = mulberry32(11);
  const src = img(37, 29, () => [Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256), r() < 0.5 ? 255 : Math.floor(r() * 256)]);
  const box = { x: 5, y: 3, width: 24, height: 24 };
  const specs = [
    { inputSize: 24, geometry: 'center-crop' as const, normalization: 'zero-one' as const },
    { inputSize: 24, geometry: 'center-crop' as const, normalization: { mean: [103.9, 116.8, 123.7] as [number, number, number], std: [1, 2, 3] as [number, number, number] }, channelOrder: 'bgr' as const },
  ];
  for (const spec of specs) {
    const want = normalizePixels(resizeRgba(cropRgba(src, box), 24, 24), spec);
    const got = normalizeRegion(src, box, spec);
    assert.deepEqual(Array.from(got), Array.from(want));
  }
  // Non-square regions too (whole-image passes).
  const rect = { x: 0, y: 1, width: 37, height: 20 };
  const px = resizeRgba(cropRgba(src, rect), 37, 20);
  const manual = Float32Array.from({ length: 37 * 20 * 3 }, (_, k) => px.data[Math.floor(k / 3) * 4 + (k % 3)]! * (1 / 255));
  assert.deepEqual(Array.from(normalizeRegion(src, rect, specs[0]!)), Array.from(manual));
  assert.throws(() => normalizeRegion(src, { x: 30, y: 0, width: 8, height: 8 }, specs[0]!), RangeError);
});
