/**
 * Issue 13, item 1: the perceptual hash that confirms the checked bytes show what the page shows. A known
 * synthetic picture has a known hash; re-encoded, resized and thumbnail-then-cropped copies stay within
 * `MISMATCH_DISTANCE`; a different picture is beyond it; flat images are "unconfirmed", never "mismatch".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  CENTRAL_REGION, compareHashes, dctHash, hammingDistance, HASH_BITS, lumaGrid, lumaThumbnail, MISMATCH_DISTANCE, perceptualHash,
  THUMB_SIDE,
} from './perceptual-hash';

/** A 320×240 RGB picture with large shapes (deterministic): a diagonal ramp, a disc and a bar. */
function scene(variant: 0 | 1): { width: number; height: number; data: Uint8Array } {
  const width = 320;
  const height = 240;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      let r = variant === 0 ? (x * 200) / width : 220 - (y * 180) / height;
      let g = variant === 0 ? (y * 160) / height : (x * 90) / width + 40;
      let b = 90;
      const disc = variant === 0 ? (x - 210) ** 2 + (y - 90) ** 2 < 55 ** 2 : (x - 80) ** 2 + (y - 170) ** 2 < 45 ** 2;
      if (disc) { r = 250; g = 240; b = 60; }
      if (variant === 0 ? y > 170 && y < 200 && x > 30 && x < 200 : x > 230 && x < 260) { r = 20; g = 30; b = 160; }
      data[i] = r; data[i + 1] = g; data[i + 2] = b; data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

async function viaSharp(img: { width: number; height: number; data: Uint8Array }, f: (s: sharp.Sharp) => sharp.Sharp): Promise<{ width: number; height: number; data: Uint8Array }> {
  const encoded = await f(sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 4 } })).toBuffer();
  const { data, info } = await sharp(encoded).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

const hashOf = (img: { width: number; height: number; data: Uint8Array }) => perceptualHash({ ...img, channels: 4 }, CENTRAL_REGION);

test('item 1: a picture built from known DCT coefficients has the hash those coefficients give', () => {
  // luma = 128 + Σ ±20 · basis(u, v) over the 63 AC terms, + where u + v is odd except (7, 0): 31 positive,
  // 32 negative coefficients, so the median is negative and exactly the positive ones give 1 bits.
  const on = (a: number, b: number) => (a + b) % 2 === 1 && !(a === 7 && b === 0);
  const n = 32;
  const basis = (k: number, x: number) => (k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n)) * Math.cos(((2 * x + 1) * k * Math.PI) / (2 * n));
  const data = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let v = 128;
      for (let b = 0; b < 8; b++) for (let a = 0; a < 8; a++) if (a || b) v += (on(a, b) ? 20 : -20) * basis(a, x) * basis(b, y);
      data[y * n + x] = Math.round(v);
    }
  }
  let bits = '';
  for (let b = 0; b < 8; b++) for (let a = 0; a < 8; a++) if (a || b) bits += on(a, b) ? '1' : '0';
  const want = BigInt(`0b${bits}`).toString(16).padStart(16, '0');
  const h = perceptualHash({ width: n, height: n, data, channels: 1 });
  assert.equal(h.hex, want);
  assert.ok(Math.abs(h.acRms - 20) < 0.5, `acRms ${h.acRms}`);
});

test('item 1: a known picture has a known hash', () => {
  const h = hashOf(scene(0));
  assert.equal(h.hex, '15916656366e4e36'); // pinned: a change to the method or the luma grid changes it
  assert.ok(h.acRms > 10, `acRms ${h.acRms}`);
  assert.equal(hammingDistance(h.hex, h.hex), 0);
  assert.equal(hammingDistance('0000000000000000', '7fffffffffffffff'), HASH_BITS);
  assert.throws(() => hammingDistance('xyz', h.hex), RangeError);
});

test('item 1: re-encoded and resized copies are within the threshold; a different picture is beyond it', async () => {
  const a = scene(0);
  const ha = hashOf(a);
  const copies = {
    jpeg40: await viaSharp(a, (s) => s.jpeg({ quality: 40 })),
    webp50: await viaSharp(a, (s) => s.webp({ quality: 50 })),
    half: await viaSharp(a, (s) => s.resize(160, 120).png()),
    up15: await viaSharp(a, (s) => s.resize(480, 360, { kernel: 'cubic' }).jpeg({ quality: 80 })),
    squashed: await viaSharp(a, (s) => s.resize(300, 300, { fit: 'fill' }).png()),
  };
  const distances: Record<string, number> = {};
  for (const [name, img] of Object.entries(copies)) {
    const r = compareHashes(hashOf(img), ha);
    assert.equal(r.status, 'match', `${name}: ${JSON.stringify(r)}`);
    distances[name] = hammingDistance(hashOf(img).hex, ha.hex);
  }
  assert.ok(Math.max(...Object.values(distances)) <= 8, JSON.stringify(distances));
  const other = compareHashes(hashOf(scene(1)), ha);
  assert.equal(other.status, 'mismatch', JSON.stringify(other));
  assert.ok(other.status === 'mismatch' && other.distance > MISMATCH_DISTANCE + 4, JSON.stringify(other));
});

test('item 1: the worker\'s luma thumbnail hashes like the full image (also for a sub-region)', () => {
  const a = scene(0);
  const thumb = lumaThumbnail(a);
  assert.equal(thumb.length, THUMB_SIDE * THUMB_SIDE);
  const full = hashOf(a);
  const fromThumb = perceptualHash({ width: THUMB_SIDE, height: THUMB_SIDE, data: thumb, channels: 1 }, CENTRAL_REGION);
  assert.ok(hammingDistance(full.hex, fromThumb.hex) <= 4, `${full.hex} vs ${fromThumb.hex}`);
  // object-fit: cover shows the left 60 %: the sub-region of the thumbnail equals the crop of the image.
  const sub = { x: 0.2 * 0.6, y: 0.15, width: 0.6 * 0.7, height: 0.7 };
  const cropped = perceptualHash({ width: THUMB_SIDE, height: THUMB_SIDE, data: thumb, channels: 1 }, sub);
  const direct = perceptualHash({ ...a, channels: 4 }, sub);
  assert.ok(hammingDistance(cropped.hex, direct.hex) <= 4);
});

test('item 1: flat regions are unconfirmed, never a mismatch', () => {
  const flat = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(128), channels: 4 as const };
  const r = compareHashes(perceptualHash(flat), hashOf(scene(0)));
  assert.equal(r.status, 'unconfirmed');
  const grid = lumaGrid(flat);
  assert.equal(grid.length, 32 * 32);
  assert.ok(Math.abs(grid[0]! - 128) < 1e-3);
  assert.throws(() => dctHash(new Float32Array(10)), RangeError);
  assert.throws(() => lumaGrid(flat, { x: 0.5, y: 0.5, width: 0, height: 0.2 }), RangeError);
});
