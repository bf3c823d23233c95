import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { degrade, fitLongerSide, augment, drawAugmentParams, applyAugment, debias, jpegRoundTrip } from './degrade';
import { makeImage } from './fixtures';
import { mulberry32 } from './rng';

test('fitLongerSide keeps aspect and never upsizes', () => {
  assert.deepEqual(fitLongerSide(2160, 1440, 1080), { width: 1080, height: 720 });
  assert.deepEqual(fitLongerSide(300, 1200, 256), { width: 64, height: 256 });
  assert.deepEqual(fitLongerSide(200, 100, 256), { width: 200, height: 100 });
});

test('web and avatar levels resize and JPEG-compress', async () => {
  const img = makeImage(1300, 400, 'synthetic');
  assert.equal(await degrade(img, 'clean'), img);
  const web = await degrade(img, 'web');
  assert.deepEqual([web.width, web.height], [1080, 332]);
  const av = await degrade(img, 'avatar');
  assert.deepEqual([av.width, av.height], [256, 79]);
  assert.equal(av.data[3], 255);
  // JPEG q60 of a ±40 checkerboard at 1080 px changes pixels; a small image only gets the JPEG stage.
  const small = makeImage(100, 80, 'synthetic');
  const ws = await degrade(small, 'web');
  assert.deepEqual([ws.width, ws.height], [100, 80]);
  let diff = 0;
  for (let i = 0; i < small.data.length; i++) diff += Math.abs(small.data[i]! - ws.data[i]!);
  assert.ok(diff / (100 * 80 * 3) > 1, `mean abs diff ${diff / 24000}`);
  await assert.rejects(degrade(img, 'bogus' as 'web'), RangeError);
});

test('JPEG round trip at q60 matches sharp encoding then decoding', async () => {
  const img = makeImage(48, 48, 'real');
  const a = await jpegRoundTrip(img, 60);
  const enc = await sharp(Buffer.from(img.data), { raw: { width: 48, height: 48, channels: 4 } }).flatten({ background: '#000' }).jpeg({ quality: 60 }).toBuffer();
  const dec = await sharp(enc).ensureAlpha().raw().toBuffer();
  assert.deepEqual(Buffer.from(a.data), dec);
});

test('augment params: ranges, determinism, fixed draw count', () => {
  const r = mulberry32(9);
  let flips = 0, blurs = 0;
  for (let i = 0; i < 2000; i++) {
    const p = drawAugmentParams(r);
    assert.ok(p.scale >= 0.5 && p.scale < 1);
    assert.ok(Number.isInteger(p.jpegQuality) && p.jpegQuality >= 50 && p.jpegQuality <= 95, String(p.jpegQuality));
    if (p.blurSigma !== undefined) { blurs++; assert.ok(p.blurSigma >= 0.3 && p.blurSigma <= 1); }
    if (p.flip) flips++;
  }
  assert.ok(Math.abs(flips / 2000 - 0.5) < 0.05);
  assert.ok(Math.abs(blurs / 2000 - 0.2) < 0.04);
  const a = mulberry32(4), b = mulberry32(4);
  drawAugmentParams(a, { pBlur: 1 }); drawAugmentParams(b, { pBlur: 0 });
  assert.equal(a(), b());
  const q = new Set<number>();
  const r2 = mulberry32(1);
  for (let i = 0; i < 3000; i++) q.add(drawAugmentParams(r2).jpegQuality);
  assert.equal(q.size, 46); // every quality 50..95 occurs
});

test('augment applies flip and scale; same seed → same pixels', async () => {
  const img = makeImage(200, 100, 'real');
  const out = await applyAugment(img, { scale: 0.5, resizeBack: false, flip: true, jpegQuality: 95 });
  assert.deepEqual([out.width, out.height], [128, 64]); // minSide 64 caps the downscale at 0.64
  // flipped: red ramps with x, so after a flop the left column is redder than the right one
  assert.ok(out.data[0]! > out.data[(out.width - 1) * 4]!);
  const a = await augment(img, mulberry32(3));
  const b = await augment(img, mulberry32(3));
  assert.deepEqual(a, b);
  const d = await debias(img, mulberry32(3));
  assert.deepEqual([d.width, d.height], [200, 100]);
});
