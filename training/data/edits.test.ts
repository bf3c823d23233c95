/**
 * Issue 13, item 9 (edits): the film-like edit of the regression measurement is deterministic and does
 * what it says — exact tint values without grain, the grain's spread, the same bytes for the same seed.
 * (The detector's robustness to it is measured by `npm run bench -- --only-edits` and reported in the
 * model card; it is not asserted, because the shipped model does not hold up to it.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILM_EDIT, filmEdit, grainAndTint } from './edits';
import { gaussian, mulberry32 } from './rng';

const flat = (w: number, h: number, v: [number, number, number]) => {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i += 4) { data[i] = v[0]; data[i + 1] = v[1]; data[i + 2] = v[2]; data[i + 3] = 200; }
  return { width: w, height: h, data };
};

test('item 9: the tint alone gives the stated values (100 → 114, 102, 90; clamped at 255)', () => {
  const noGrain = { ...FILM_EDIT, grainStd: 0, chromaStd: 0 };
  const a = grainAndTint(flat(2, 2, [100, 100, 100]), 1, noGrain);
  assert.deepEqual([...a.data.slice(0, 4)], [114, 102, 90, 200]);
  const b = grainAndTint(flat(1, 1, [250, 0, 255]), 1, noGrain);
  assert.deepEqual([...b.data], [255, 2, 230, 200]); // 250·1.06+8 → 255; 0+2; 255·0.9 = 229.5 → 230
});

test('item 9: the grain is the seeded draw sequence, with the stated spread', () => {
  const img = flat(128, 128, [120, 120, 120]);
  const a = grainAndTint(img, 42);
  assert.deepEqual(a.data, grainAndTint(img, 42).data, 'same seed, same bytes');
  assert.notDeepEqual(a.data, grainAndTint(img, 43).data);
  // First pixel by hand: one luma draw, then three chroma draws.
  const rng = mulberry32(42);
  const g = gaussian(rng);
  const want = [0, 1, 2].map((k) => Math.round(Math.min(255, Math.max(0, 120 * FILM_EDIT.gain[k]! + FILM_EDIT.offset[k]! + 8 * g + 2 * gaussian(rng)))));
  assert.deepEqual([...a.data.slice(0, 3)], want);
  // Spread of the red channel: sqrt(8² + 2²) ≈ 8.25 levels around 120 · 1.06 + 8 = 135.2.
  let s = 0, s2 = 0;
  const n = 128 * 128;
  for (let i = 0; i < a.data.length; i += 4) { s += a.data[i]!; s2 += a.data[i]! ** 2; }
  const mean = s / n;
  const std = Math.sqrt(s2 / n - mean * mean);
  assert.ok(Math.abs(mean - 135.2) < 0.3, `mean ${mean}`);
  assert.ok(Math.abs(std - Math.hypot(8, 2)) < 0.3, `std ${std}`);
});

test('item 9: filmEdit adds the JPEG stage (alpha 255) and stays deterministic', async () => {
  const img = flat(64, 48, [90, 140, 60]);
  const a = await filmEdit(img, 7);
  const b = await filmEdit(img, 7);
  assert.deepEqual([a.width, a.height], [64, 48]);
  assert.equal(a.data[3], 255);
  assert.deepEqual(a.data, b.data);
});
