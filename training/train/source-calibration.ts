/**
 * Calibration on sources the detector never saw ("source-held-out calibration").
 *
 * Why: a detector's Platt scaling fitted on validation images of its *training* sources says how sure it
 * may be on those sources. On a generator it never saw, the same score is worth far less (leave-one-source-
 * out ROC-AUC is near 0.58 where the in-domain one is near 0.79). The options slider and the "unsure" band
 * only mean what they say if the probability shown is calibrated for the unseen case.
 *
 * Method (a second Platt stage, Platt 1999, fitted on out-of-source predictions):
 * 1. Every leave-one-source-out fold scores its held-out source with its own in-domain calibration
 *    p₁ = σ(a₁·z + b₁) (fitted on that fold's validation slice, as the shipped model's is).
 * 2. On the pooled out-of-source predictions, fit u = logit(p₁) → p₂ = σ(a₂·u + b₂) by weighted
 *    log-loss with **equal class weights**, so p₂ is the probability under equal priors (the extension
 *    must not carry the developer set's 41 % synthetic rate) and p₂ = 0.5 is the balanced decision point.
 * 3. Two Platt maps compose into one: σ(a₂·(a₁z + b₁) + b₂) = σ((a₂a₁)·z + (a₂b₁ + b₂)), so the shipped
 *    manifest keeps its `{type: 'platt', a, b}` calibration (`composePlatt`).
 *
 * Honest measurement: `nestedSourceCalibration` fits stage 2 with one source left out at a time and applies
 * it to that source, so the reported ECE and error rates are on sources the calibration never saw either.
 */
import { logit, sigmoid } from '../../extension/shared/verdict';
import { expectedCalibrationError } from '../eval/metrics';
import { newtonPlatt } from './calibration';

/** One out-of-source prediction (as in `loso.json` `predictions[level]`). */
export interface HeldOutPrediction {
  source: string;
  /** 0 = real, 1 = synthetic. */
  y: number;
  /** The fold's in-domain calibrated probability p₁ ∈ [0, 1]. */
  probability: number;
}

/**
 * Weighted Platt fit p = σ(a·u + b) by Newton's method on the weighted mean log-loss, classes weighted to
 * equal total weight, with a small ridge on a (keeps a finite when u does not separate at all).
 * @param u scores (finite), here logit(p₁)
 * @param y labels 0/1, both present
 * @returns `{a, b}`; a ≥ 0 is not forced: a < 0 means the scores rank backwards on unseen sources
 * @throws {RangeError} for mismatched lengths, fewer than 2 points, a single class or non-finite scores
 */
export function fitBalancedPlatt(u: ArrayLike<number>, y: ArrayLike<number>, opts: { ridge?: number; iters?: number } = {}): { a: number; b: number } {
  const n = u.length;
  if (n !== y.length || n < 2) throw new RangeError(`fitBalancedPlatt: need ≥ 2 matching points, got ${n} / ${y.length}`);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(u[i]!)) throw new RangeError(`fitBalancedPlatt: score ${i} is ${u[i]}`);
    pos += y[i] ? 1 : 0;
  }
  if (pos === 0 || pos === n) throw new RangeError('fitBalancedPlatt: both classes are needed');
  const wPos = 0.5 / pos, wNeg = 0.5 / (n - pos);
  return newtonPlatt(u, (i) => (y[i] ? 1 : 0), (i) => (y[i] ? wPos : wNeg), { a: 0, b: 0 }, opts.ridge ?? 1e-4, opts.iters ?? 100);
}

/**
 * Composes Platt maps: first σ(a₁z + b₁), then σ(a₂·logit(·) + b₂).
 * @returns the single Platt map `{a: a₂a₁, b: a₂b₁ + b₂}` on the raw logit z
 */
export function composePlatt(first: { a: number; b: number }, second: { a: number; b: number }): { a: number; b: number } {
  return { a: second.a * first.a, b: second.a * first.b + second.b };
}

/** Stage-2 probabilities p₂ = σ(a·logit(p₁) + b) for each prediction. */
export function applyStage2(preds: HeldOutPrediction[], c: { a: number; b: number }): number[] {
  return preds.map((p) => sigmoid(c.a * logit(p.probability) + c.b));
}

/** Class-balanced ECE: bins of width 1/`bins`; each class weighted to half of the total. */
export function balancedEce(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i] ? 1 : 0;
  if (pos === 0 || pos === y.length) return expectedCalibrationError(y, p, bins);
  const wPos = 0.5 / pos, wNeg = 0.5 / (y.length - pos);
  const w = new Float64Array(bins), sp = new Float64Array(bins), sy = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    const wi = y[i] ? wPos : wNeg;
    w[k]! += wi; sp[k]! += wi * p[i]!; sy[k]! += wi * (y[i] ? 1 : 0);
  }
  let e = 0;
  for (let k = 0; k < bins; k++) if (w[k]! > 0) e += w[k]! * Math.abs(sy[k]! / w[k]! - sp[k]! / w[k]!);
  return e;
}

/** Verdict rates at a threshold t and an unsure band of total width w (`extension/shared/verdict.ts`). */
export interface OperatingPoint {
  threshold: number;
  unsureBand: number;
  /** Share of real images called "synthetic" (of all real images). */
  fpr: number;
  /** Share of synthetic images called "real" (of all synthetic images). */
  fnr: number;
  /** Share of images that got "real" or "synthetic" rather than "unsure". */
  coverage: number;
  /** Balanced accuracy of the definite verdicts only (NaN when a class has none). */
  decidedBalancedAccuracy: number;
}

/**
 * Verdict rates for probabilities `p` at threshold `t` with band `w`.
 * @param y labels 0/1; @param p probabilities in [0, 1]
 */
export function operatingPoint(y: ArrayLike<number>, p: ArrayLike<number>, t: number, w: number): OperatingPoint {
  let nPos = 0, nNeg = 0, fp = 0, fn = 0, tp = 0, tn = 0, decided = 0;
  for (let i = 0; i < y.length; i++) {
    const syn = p[i]! >= t + w / 2, real = p[i]! < t - w / 2;
    if (y[i]) { nPos++; if (syn) tp++; if (real) fn++; } else { nNeg++; if (syn) fp++; if (real) tn++; }
    if (syn || real) decided++;
  }
  const dPos = tp + fn, dNeg = tn + fp;
  return {
    threshold: t, unsureBand: w,
    fpr: nNeg ? fp / nNeg : NaN, fnr: nPos ? fn / nPos : NaN,
    coverage: y.length ? decided / y.length : NaN,
    decidedBalancedAccuracy: dPos && dNeg ? 0.5 * (tp / dPos + tn / dNeg) : NaN,
  };
}

export interface NestedCalibrationResult {
  /** Stage-2 map fitted on all sources (what a shipped model gets). */
  stage2: { a: number; b: number };
  /** Per held-out source: the stage-2 map fitted without it, and its predictions' p₂. */
  perSource: Record<string, { stage2: { a: number; b: number }; n: number }>;
  /** Each prediction's p₂ from the map that did not see its source (input order). */
  nestedProbabilities: number[];
  /** Class-balanced ECE of p₁ (in-domain calibration) and of the nested p₂, on the same predictions. */
  balancedEceBefore: number;
  balancedEceAfter: number;
}

/**
 * Fits stage 2 on all predictions, and once per source without that source (nested, for honest numbers).
 * Sources whose removal leaves a single class fall back to the all-source map (reported as such by
 * `perSource[s].n = 0`).
 * @throws {RangeError} when the predictions lack a class
 */
export function nestedSourceCalibration(preds: HeldOutPrediction[]): NestedCalibrationResult {
  const u = preds.map((p) => logit(p.probability));
  const y = preds.map((p) => p.y);
  const stage2 = fitBalancedPlatt(u, y);
  const sources = [...new Set(preds.map((p) => p.source))].sort();
  const perSource: NestedCalibrationResult['perSource'] = {};
  const nested = new Array<number>(preds.length);
  for (const s of sources) {
    const rest = preds.map((_, i) => i).filter((i) => preds[i]!.source !== s);
    const yr = rest.map((i) => y[i]!);
    let c = stage2, n = 0;
    if (yr.includes(0) && yr.includes(1)) { c = fitBalancedPlatt(rest.map((i) => u[i]!), yr); n = rest.length; }
    perSource[s] = { stage2: c, n };
    preds.forEach((p, i) => { if (p.source === s) nested[i] = sigmoid(c.a * u[i]! + c.b); });
  }
  return {
    stage2, perSource, nestedProbabilities: nested,
    balancedEceBefore: balancedEce(y, preds.map((p) => p.probability)),
    balancedEceAfter: balancedEce(y, nested),
  };
}
