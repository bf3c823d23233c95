/** Radial spectrum: known answers for a flat image and a single cosine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { radialSpectrum } from './spectrum';

test('flat image: zero residual, flat (all-zero after centring) spectrum', () => {
  const s = 32, rgb = new Float32Array(s * s * 3).fill(100);
  for (const v of radialSpectrum(rgb, s, 8)) assert.ok(Math.abs(v) < 1e-9);
});

test('a vertical cosine of frequency 8/32 peaks in the radius bin of 8 (of 16)', () => {
  const s = 32, bins = 16, rgb = new Float32Array(s * s * 3);
  for (let r = 0; r < s; r++) for (let c = 0; c < s; c++) for (let k = 0; k < 3; k++) rgb[(r * s + c) * 3 + k] = 128 + 50 * Math.cos((2 * Math.PI * 8 * c) / s);
  const sp = radialSpectrum(rgb, s, bins);
  const argmax = sp.indexOf(Math.max(...sp));
  assert.equal(argmax, 8); // radius 8 of s/2 = 16 → bin floor(8/16·16) = 8
});
