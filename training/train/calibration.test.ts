/** Platt scaling and the balanced-accuracy threshold, against known values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPlatt, bestBalancedThreshold } from './calibration';
import { sigmoid } from '../../extension/shared/verdict';
import { mulberry32 } from '../data/rng';

test('fitPlatt recovers the generating a, b from labels drawn as Bernoulli(σ(a·z + b))', () => {
  const rng = mulberry32(7);
  const z: number[] = [], y: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const v = rng() * 8 - 4;
    z.push(v);
    y.push(rng() < sigmoid(0.7 * v - 0.4) ? 1 : 0);
  }
  const { a, b } = fitPlatt(z, y);
  assert.ok(Math.abs(a - 0.7) < 0.05, `a = ${a}`);
  assert.ok(Math.abs(b + 0.4) < 0.06, `b = ${b}`);
});

test('fitPlatt: reversed scores give a < 0; a single class is an error', () => {
  const { a } = fitPlatt([2, 1, -1, -2, 1.5, -1.5], [0, 0, 1, 1, 0, 1]);
  assert.ok(a < 0);
  assert.throws(() => fitPlatt([1, 2], [1, 1]), /both classes/);
});

test('bestBalancedThreshold on a hand-checked example', () => {
  // real: 0.1 0.2 0.35 0.6 ; synthetic: 0.3 0.7 0.8 0.9
  const p = [0.1, 0.2, 0.35, 0.6, 0.3, 0.7, 0.8, 0.9];
  const y = [0, 0, 0, 0, 1, 1, 1, 1];
  const r = bestBalancedThreshold(p, y);
  // t ∈ (0.6, 0.7): TNR 4/4, TPR 3/4 → 0.875 (t ∈ (0.2, 0.3) also gives 0.875; tie → nearer 0.5 is 0.65)
  assert.equal(r.balancedAccuracy, 0.875);
  assert.ok(Math.abs(r.threshold - 0.65) < 1e-9, `threshold ${r.threshold}`);
});
