/** Source-held-out calibration: known parameters, reliability within 0.05, composition, operating points. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitBalancedPlatt, composePlatt, nestedSourceCalibration, operatingPoint, balancedEce, applyStage2, type HeldOutPrediction } from './source-calibration';
import { sigmoid, logit } from '../../extension/shared/verdict';
import { mulberry32, gaussian } from '../data/rng';

/** Over-confident fold probabilities: true P(synthetic | u) = σ(0.4·u − 0.2), u = logit(p₁) ~ N(±1.5, 2). */
function overconfident(n: number, seed: number, sources = ['A', 'B', 'C', 'D']): HeldOutPrediction[] {
  const rng = mulberry32(seed);
  const out: HeldOutPrediction[] = [];
  for (let i = 0; i < n; i++) {
    const u = (rng() < 0.5 ? -1.5 : 1.5) + 2 * gaussian(rng);
    const y = rng() < sigmoid(0.4 * u - 0.2) ? 1 : 0;
    out.push({ source: sources[i % sources.length]!, y, probability: sigmoid(u) });
  }
  return out;
}

test('fitBalancedPlatt recovers a known map when the classes are balanced by construction', () => {
  const rng = mulberry32(3);
  const u: number[] = [], y: number[] = [];
  // equal class counts → the balanced fit equals the plain maximum-likelihood fit
  while (u.length < 40000) {
    const v = rng() * 8 - 4;
    const lab = rng() < sigmoid(0.6 * v + 0.3) ? 1 : 0;
    if (y.filter((t) => t === lab).length < 20000) { u.push(v); y.push(lab); }
  }
  const { a, b } = fitBalancedPlatt(u, y);
  // balancing shifts b by logit(n−/n+) of the unbalanced draw, which is 0 here up to the draw's own prior
  assert.ok(Math.abs(a - 0.6) < 0.04, `a = ${a}`);
  assert.ok(Number.isFinite(b));
  assert.throws(() => fitBalancedPlatt([1, 2], [1, 1]), /both classes/);
  assert.throws(() => fitBalancedPlatt([1, NaN], [0, 1]), RangeError);
});

test('nested source-held-out calibration is monotone and within 0.05 of observed frequencies on held-out sources', () => {
  const preds = overconfident(40000, 11);
  const r = nestedSourceCalibration(preds);
  assert.ok(Math.abs(r.stage2.a - 0.4) < 0.05, `a₂ = ${r.stage2.a}`);
  // monotone: p₂ increases with p₁
  const grid = Array.from({ length: 99 }, (_, i) => ({ source: 'x', y: 0, probability: (i + 1) / 100 }));
  const p2 = applyStage2(grid, r.stage2);
  for (let i = 1; i < p2.length; i++) assert.ok(p2[i]! > p2[i - 1]!, `not increasing at ${i}`);
  // reliability of the nested (source-held-out) probabilities, class-balanced, bins with ≥ 500 images
  const y = preds.map((p) => p.y);
  const pos = y.filter(Boolean).length, wPos = 0.5 / pos, wNeg = 0.5 / (y.length - pos);
  const bins = Array.from({ length: 10 }, () => ({ n: 0, w: 0, p: 0, y: 0 }));
  r.nestedProbabilities.forEach((p, i) => {
    const b = bins[Math.min(9, Math.floor(p * 10))]!;
    const w = y[i] ? wPos : wNeg;
    b.n++; b.w += w; b.p += w * p; b.y += w * y[i]!;
  });
  let checked = 0;
  for (const b of bins) if (b.n >= 500) {
    checked++;
    assert.ok(Math.abs(b.y / b.w - b.p / b.w) <= 0.05, `bin mean ${b.p / b.w} vs observed ${b.y / b.w}`);
  }
  assert.ok(checked >= 3, `only ${checked} populated bins`);
  // before: the over-confident p₁ is badly calibrated; after: well calibrated
  assert.ok(r.balancedEceBefore > 0.1, `ECE before ${r.balancedEceBefore}`);
  assert.ok(r.balancedEceAfter < 0.03, `ECE after ${r.balancedEceAfter}`);
});

test('composePlatt equals applying the two maps in turn', () => {
  const first = { a: 2.3, b: -0.8 }, second = { a: 0.35, b: 0.1 };
  const c = composePlatt(first, second);
  for (const z of [-5, -1.2, 0, 0.7, 3.3]) {
    const twoStep = sigmoid(second.a * logit(sigmoid(first.a * z + first.b)) + second.b);
    assert.ok(Math.abs(sigmoid(c.a * z + c.b) - twoStep) < 1e-9);
  }
});

test('operatingPoint on a hand-checked example', () => {
  // real: 0.1 0.45 0.52 0.8 ; synthetic: 0.3 0.49 0.7 0.9 ; t = 0.5, band 0.1 → unsure in [0.45, 0.55)
  const y = [0, 0, 0, 0, 1, 1, 1, 1];
  const p = [0.1, 0.45, 0.52, 0.8, 0.3, 0.49, 0.7, 0.9];
  const o = operatingPoint(y, p, 0.5, 0.1);
  assert.equal(o.fpr, 1 / 4); // 0.8
  assert.equal(o.fnr, 1 / 4); // 0.3
  assert.equal(o.coverage, 5 / 8); // 0.45, 0.52, 0.49 unsure
  // decided: real {0.1 → real, 0.8 → synthetic}, synthetic {0.3 → real, 0.7, 0.9 → synthetic}
  assert.equal(o.decidedBalancedAccuracy, 0.5 * (2 / 3 + 1 / 2));
  assert.ok(Math.abs(balancedEce([0, 1], [0.25, 0.75]) - 0.25) < 1e-12);
});
