/**
 * Post-hoc calibration of detector logits on validation data and the choice of a decision threshold.
 *
 * - Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines"): p = σ(a·z + b),
 *   (a, b) minimising the mean log-loss on validation logits, by Newton's method with a tiny ridge.
 * - Threshold: the calibrated probability that maximises balanced accuracy on validation (ties → the
 *   one closest to 0.5).
 */
import { sigmoid } from '../../extension/shared/verdict';

/**
 * Fits Platt scaling.
 * @param z validation logits (finite)
 * @param y labels 0 = real, 1 = synthetic (both present)
 * @returns `{a, b}`; a > 0 when the logits rank the classes the right way round
 * @throws {RangeError} for mismatched lengths, fewer than 2 points or a single class
 */
export function fitPlatt(z: ArrayLike<number>, y: ArrayLike<number>, opts: { iters?: number; ridge?: number } = {}): { a: number; b: number } {
  const n = z.length;
  if (n !== y.length || n < 2) throw new RangeError(`fitPlatt: need ≥ 2 matching points, got ${n} / ${y.length}`);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] ? 1 : 0;
  if (pos === 0 || pos === n) throw new RangeError('fitPlatt: both classes are needed');
  // Platt's target smoothing: t+ = (N+ + 1)/(N+ + 2), t− = 1/(N− + 2).
  const tPos = (pos + 1) / (pos + 2), tNeg = 1 / (n - pos + 2);
  return newtonPlatt(z, (i) => (y[i] ? tPos : tNeg), () => 1, { a: 1, b: 0 }, opts.ridge ?? 1e-6, opts.iters ?? 100);
}

/**
 * Newton's method for σ(a·z + b) minimising Σ wᵢ·logloss(tᵢ, σ(a·zᵢ + b)) + ridge·a²/2 — the solver
 * behind `fitPlatt` and `fitBalancedPlatt` (`source-calibration.ts`).
 * @param target soft target tᵢ ∈ [0, 1] of point i; @param weight its weight wᵢ ≥ 0
 * @returns the fitted `{a, b}` (the start values if the Hessian is singular from the outset)
 */
export function newtonPlatt(z: ArrayLike<number>, target: (i: number) => number, weight: (i: number) => number, start: { a: number; b: number }, ridge: number, iters: number): { a: number; b: number } {
  let { a, b } = start;
  for (let it = 0; it < iters; it++) {
    let ga = ridge * a, gb = 0, haa = ridge, hab = 0, hbb = 1e-12;
    for (let i = 0; i < z.length; i++) {
      const w = weight(i);
      const p = sigmoid(a * z[i]! + b);
      const d = w * (p - target(i)), h = w * p * (1 - p);
      ga += d * z[i]!; gb += d;
      haa += h * z[i]! * z[i]!; hab += h * z[i]!; hbb += h;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-18)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da; b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

/**
 * Threshold on probabilities that maximises balanced accuracy (mean of TPR and TNR), ties broken
 * towards 0.5. Candidates are midpoints between consecutive distinct scores (and 0.5).
 * @returns threshold in [0, 1] and the balanced accuracy it reaches on `(p, y)`
 */
export function bestBalancedThreshold(p: ArrayLike<number>, y: ArrayLike<number>): { threshold: number; balancedAccuracy: number } {
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((i, j) => p[i]! - p[j]!);
  let nPos = 0;
  for (let i = 0; i < y.length; i++) nPos += y[i] ? 1 : 0;
  const nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) return { threshold: 0.5, balancedAccuracy: NaN };
  // threshold below everything: all predicted positive
  let tp = nPos, tn = 0;
  let best = { threshold: Math.max(0, p[idx[0]!]! - 1e-6), balancedAccuracy: 0.5 * (tp / nPos + tn / nNeg) };
  const consider = (t: number, bacc: number) => {
    if (bacc > best.balancedAccuracy + 1e-12 || (Math.abs(bacc - best.balancedAccuracy) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best.threshold - 0.5))) {
      best = { threshold: t, balancedAccuracy: bacc };
    }
  };
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (y[i]) tp--; else tn++;
    const next = k + 1 < idx.length ? p[idx[k + 1]!]! : Math.min(1, p[i]! + 1e-6);
    if (next === p[i]) continue;
    consider((p[i]! + next) / 2, 0.5 * (tp / nPos + tn / nNeg));
  }
  return best;
}
