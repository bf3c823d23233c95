/**
 * Probability → verdict, shared by badges, popup and evaluation. How a verdict is worded (labels, the
 * "AI score N/100" scale) is decided in `./wording.ts` only.
 *
 * A probability p ∈ [0, 1] that the image is synthetic is compared with the user's threshold t and an
 * "unsure" band of total width w centred on t: p ≥ t + w/2 → `synthetic`, p < t − w/2 → `real`,
 * otherwise `unsure`. With w = 0 this is the plain decision rule p ≥ t.
 */
export type VerdictLabel = 'real' | 'synthetic' | 'unsure';

/**
 * @param probability calibrated probability of "synthetic", in [0, 1]
 * @param threshold decision threshold in [0, 1]
 * @param unsureBand total width of the band around the threshold, in [0, 1]
 * @throws {RangeError} when an argument is not a finite number in [0, 1]
 */
export function verdictFor(probability: number, threshold: number, unsureBand = 0): VerdictLabel {
  for (const [name, v] of [['probability', probability], ['threshold', threshold], ['unsureBand', unsureBand]] as const) {
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
  }
  const half = unsureBand / 2;
  if (probability >= threshold + half) return 'synthetic';
  if (probability < threshold - half) return 'real';
  return 'unsure';
}

/** Numerically stable logistic sigmoid σ(x) = 1 / (1 + e^−x). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Inverse of `sigmoid`; p is clamped to [1e-7, 1 − 1e-7] so the result is finite. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
}
