/**
 * Fitting the manifest's `Calibration` (extension/shared/model-manifest.ts) on held-out logits, and
 * choosing decision thresholds.
 *
 * - Platt scaling (Platt 1999): p = σ(a·z + b), fitted by Newton's method on the log-loss, with Platt's
 *   smoothed targets t₊ = (N₊ + 1)/(N₊ + 2), t₋ = 1/(N₋ + 2) by default (avoids a → ∞ on separable data).
 * - Isotonic regression (Zadrozny & Elkan 2002): pool-adjacent-violators on (z, y); exported as the
 *   breakpoints of a piecewise-linear, non-decreasing map z → p.
 * Fit on validation data, never on the test split.
 */
import type { Calibration } from '../../extension/shared/model-manifest';
import { calibrate } from '../../extension/shared/model-manifest';
import { sigmoid } from '../../extension/shared/verdict';

function checkXY(z: ArrayLike<number>, y: ArrayLike<number>): void {
  if (z.length !== y.length || z.length === 0) throw new RangeError(`need matching non-empty logits and labels (${z.length} vs ${y.length})`);
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new RangeError(`label ${i} is ${y[i]}`);
    if (!Number.isFinite(z[i])) throw new RangeError(`logit ${i} is ${z[i]}`);
  }
}

/**
 * Fits Platt scaling.
 * @param z raw logits; `y` 0/1 labels (both classes needed)
 * @param opts.smooth use Platt's smoothed targets (default true)
 * @returns `{type: 'platt', a, b}`
 * @throws {RangeError} for bad inputs or a single class
 */
export function fitPlatt(z: ArrayLike<number>, y: ArrayLike<number>, opts: { smooth?: boolean; iters?: number } = {}): Extract<Calibration, { type: 'platt' }> {
  checkXY(z, y);
  const n = z.length;
  let np = 0;
  for (let i = 0; i < n; i++) np += y[i]!;
  const nn = n - np;
  if (np === 0 || nn === 0) throw new RangeError('Platt scaling needs both classes');
  const smooth = opts.smooth ?? true;
  const tp = smooth ? (np + 1) / (np + 2) : 1, tn = smooth ? 1 / (nn + 2) : 0;
  const t = Array.from({ length: n }, (_, i) => (y[i] === 1 ? tp : tn));
  const loss = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const f = a * z[i]! + b;
      // −[t log σ(f) + (1−t) log(1−σ(f))] = log(1+e^f) − t·f, computed stably
      s += (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - t[i]! * f;
    }
    return s;
  };
  let a = 1, b = Math.log((np + 1) / (nn + 1));
  let cur = loss(a, b);
  for (let it = 0; it < (opts.iters ?? 100); it++) {
    let g1 = 0, g2 = 0, h11 = 1e-12, h22 = 1e-12, h21 = 0;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a * z[i]! + b);
      const d = p - t[i]!;
      const w = p * (1 - p);
      g1 += d * z[i]!; g2 += d;
      h11 += w * z[i]! * z[i]!; h22 += w; h21 += w * z[i]!;
    }
    if (Math.abs(g1) < 1e-10 && Math.abs(g2) < 1e-10) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
    let step = 1;
    while (step > 1e-10) {
      const nl = loss(a + step * da, b + step * db);
      if (nl < cur + 1e-4 * step * (g1 * da + g2 * db)) { a += step * da; b += step * db; cur = nl; break; }
      step /= 2;
    }
    if (step <= 1e-10) break;
  }
  return { type: 'platt', a, b };
}

/**
 * Fits isotonic regression of y on z (pool adjacent violators; ties in z pooled first).
 * @returns `{type: 'isotonic', x, y}` with x ascending (the block ends), y non-decreasing in [0, 1];
 *   at least two points (a constant fit is written as two equal points)
 * @throws {RangeError} for bad inputs
 */
export function fitIsotonic(z: ArrayLike<number>, y: ArrayLike<number>): Extract<Calibration, { type: 'isotonic' }> {
  checkXY(z, y);
  const idx = Array.from({ length: z.length }, (_, i) => i).sort((i, j) => z[i]! - z[j]!);
  // blocks: [xmin, xmax, sum, count]
  const blocks: Array<[number, number, number, number]> = [];
  for (const i of idx) {
    const last = blocks[blocks.length - 1];
    if (last && last[1] === z[i]) { last[2] += y[i]!; last[3]++; }
    else blocks.push([z[i]!, z[i]!, y[i]!, 1]);
    while (blocks.length >= 2) {
      const b2 = blocks[blocks.length - 1]!, b1 = blocks[blocks.length - 2]!;
      if (b1[2] / b1[3] <= b2[2] / b2[3]) break;
      blocks.pop();
      b1[1] = b2[1]; b1[2] += b2[2]; b1[3] += b2[3];
    }
  }
  const xs: number[] = [], ys: number[] = [];
  for (const [lo, hi, s, c] of blocks) {
    const v = s / c;
    xs.push(lo); ys.push(v);
    if (hi !== lo) { xs.push(hi); ys.push(v); }
  }
  if (xs.length === 1) { xs.push(xs[0]! + 1); ys.push(ys[0]!); }
  return { type: 'isotonic', x: xs, y: ys };
}

/**
 * The smallest threshold t with FPR(t) = #{real with p ≥ t} / #real ≤ `targetFpr`.
 * @param probs calibrated probabilities of the real (label 0) and synthetic images; only reals matter
 * @returns t in [0, 1]; when even t = 1 exceeds the target (reals at p = 1), returns 1
 * @throws {RangeError} when there are no real images or the target is outside [0, 1]
 */
export function thresholdForFpr(labels: ArrayLike<number>, probs: ArrayLike<number>, targetFpr: number): number {
  if (!(targetFpr >= 0 && targetFpr <= 1)) throw new RangeError(`target FPR must be in [0, 1], got ${targetFpr}`);
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === 0) neg.push(probs[i]!);
  if (neg.length === 0) throw new RangeError('no real images to measure FPR on');
  neg.sort((a, b) => b - a);
  const k = Math.floor(targetFpr * neg.length + 1e-9); // at most k reals may reach the threshold
  if (k >= neg.length) return 0; // every real may pass
  // t must exceed neg[k] (the (k+1)-th largest), and may equal neg[k−1] only if that keeps ≤ k.
  const above = neg[k]!;
  // Reals tied with `above` are excluded together, so FPR may fall below the target; t is still minimal.
  return above < 1 ? Math.min(1, nextUp(above)) : 1;
}

/** The next float64 above x (x finite, ≥ 0). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  buf.setBigUint64(0, buf.getBigUint64(0) + 1n);
  return buf.getFloat64(0);
}

/** Applies a calibration to many logits (wrapper of `calibrate`). */
export function calibrateAll(z: ArrayLike<number>, c: Calibration): number[] {
  return Array.from(z, (v) => calibrate(v, c));
}
