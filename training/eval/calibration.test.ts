import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPlatt, fitIsotonic, thresholdForFpr, calibrateAll } from './calibration';
import { confusionAt } from './metrics';

test('Platt without smoothing recovers the MLE a = ln 3, b = 0', () => {
  // z = −1: 1 of 4 synthetic; z = +1: 3 of 4 synthetic → σ(−a+b) = 1/4, σ(a+b) = 3/4 → a = ln 3, b = 0
  const z = [-1, -1, -1, -1, 1, 1, 1, 1], y = [1, 0, 0, 0, 1, 1, 1, 0];
  const c = fitPlatt(z, y, { smooth: false });
  assert.ok(Math.abs(c.a - Math.log(3)) < 1e-8, String(c.a));
  assert.ok(Math.abs(c.b) < 1e-8, String(c.b));
  // separable data stays finite with Platt's targets: N₊ = N₋ = 2 → t₊ = 3/4, t₋ = 1/4 → a = ln 3
  const s = fitPlatt([-1, -1, 1, 1], [0, 0, 1, 1]);
  assert.ok(Math.abs(s.a - Math.log(3)) < 1e-8 && Math.abs(s.b) < 1e-8, `${s.a} ${s.b}`);
  assert.throws(() => fitPlatt([1, 2], [1, 1]), /both classes/);
});

test('isotonic = pool adjacent violators', () => {
  const c = fitIsotonic([1, 2, 3, 4], [0, 1, 0, 1]);
  assert.deepEqual(c.x, [1, 2, 3, 4]);
  assert.deepEqual(c.y, [0, 0.5, 0.5, 1]);
  // ties in z are pooled: z=2 has y {0,1} → 0.5
  const t = fitIsotonic([3, 2, 2, 1], [1, 0, 1, 0]);
  assert.deepEqual([t.x, t.y], [[1, 2, 3], [0, 0.5, 1]]);
  const flat = fitIsotonic([5, 5], [1, 0]);
  assert.deepEqual([flat.x, flat.y], [[5, 6], [0.5, 0.5]]);
  assert.deepEqual(calibrateAll([0, 2.5, 10], c), [0, 0.5, 1]);
});

test('thresholdForFpr gives the smallest threshold meeting the target', () => {
  const y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
  const p = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.85, 0.95];
  const t = thresholdForFpr(y, p, 0.1); // one real (0.9) may pass → t just above 0.8
  assert.ok(t > 0.8 && t < 0.8 + 1e-12);
  assert.equal(confusionAt(y, p, t).fp, 1);
  assert.equal(confusionAt(y, p, t).tp, 2);
  const t0 = thresholdForFpr(y, p, 0);
  assert.ok(t0 > 0.9 && t0 < 0.9 + 1e-12);
  assert.equal(confusionAt(y, p, t0).fp, 0);
  assert.equal(thresholdForFpr(y, p, 1), 0);
  assert.throws(() => thresholdForFpr([1], [0.5], 0.1), /no real images/);
});
