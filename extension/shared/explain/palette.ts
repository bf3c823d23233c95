/**
 * The explanation view's colours (issue 12, "Explanations of the whole image"): one fixed colour per class,
 * safe for the common colour-vision deficiencies, and a diverging map centred at the decision threshold.
 *
 * - **Toward real = blue** `#0072B2` and **toward AI-generated = orange** `#E69F00`, the blue/orange pair of the
 *   Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable under protanopia,
 *   deuteranopia and tritanopia and in greyscale (blue is darker). The centre of the diverging map is a light
 *   neutral grey `#F7F7F7` (ColorBrewer's diverging mid-point, Harrower & Brewer 2003).
 * - The **evidence map** (per-tile raw logits) is coloured by `t = (logit − centre) / halfRange` clamped to
 *   [−1, 1], where `centre` is the raw logit at which the calibrated probability equals the decision
 *   threshold (`thresholdLogit`): t < 0 mixes neutral toward blue, t > 0 toward orange, linearly in sRGB.
 * - Single-class maps (a CAM for one class) use that class's colour with alpha proportional to the map value.
 *
 * Pure functions, no DOM.
 */
import { calibrate, type Calibration } from '../model-manifest';

export type Rgb = [number, number, number];

/** Okabe–Ito blue: contribution toward "real". */
export const REAL_RGB: Readonly<Rgb> = [0, 114, 178];
/** Okabe–Ito orange: contribution toward "AI-generated" (synthetic). */
export const AI_RGB: Readonly<Rgb> = [230, 159, 0];
/** Diverging mid-point (at the decision threshold). */
export const NEUTRAL_RGB: Readonly<Rgb> = [247, 247, 247];

/** The fixed colour of a class. */
export function classRgb(target: 'synthetic' | 'real'): Rgb {
  return [...(target === 'synthetic' ? AI_RGB : REAL_RGB)] as Rgb;
}

/**
 * The raw model logit at which the calibrated probability equals `threshold`: the centre of the diverging
 * evidence map. Platt: closed form `(logit(threshold) − b) / a`; `none`: `logit(threshold)`; isotonic (or a
 * Platt with a ≤ 0): bisection of the monotone calibration on [−50, 50] (60 steps), the smallest logit whose
 * calibrated probability reaches the threshold.
 * @param calibration the manifest's calibration
 * @param threshold decision threshold in (0, 1)
 * @returns a finite logit in [−50, 50]
 * @throws {RangeError} when `threshold` is not in (0, 1)
 */
export function thresholdLogit(calibration: Calibration, threshold: number): number {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold ${threshold} is not in (0, 1)`);
  const lt = Math.log(threshold / (1 - threshold));
  if (calibration.type === 'none') return Math.max(-50, Math.min(50, lt));
  if (calibration.type === 'platt' && calibration.a > 0) return Math.max(-50, Math.min(50, (lt - calibration.b) / calibration.a));
  let lo = -50, hi = 50;
  if (calibrate(lo, calibration) >= threshold) return lo;
  if (calibrate(hi, calibration) < threshold) return hi;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (calibrate(mid, calibration) >= threshold) hi = mid; else lo = mid;
  }
  return hi;
}

/** Smallest half-range of the evidence colour scale, in logits (a map that hugs the threshold stays pale). */
export const MIN_HALF_RANGE = 0.5;

/**
 * Half-range of the evidence colour scale: the largest distance of a finite value from `centre`, at least
 * `MIN_HALF_RANGE`, rounded up to a multiple of 0.25 (stable colour-bar labels). Symmetric, so equal colours
 * on both sides mean equal distances from the threshold.
 * @param values raw logits (nulls and non-finite values ignored)
 */
export function evidenceHalfRange(values: ArrayLike<number | null>, centre: number): number {
  let m = MIN_HALF_RANGE;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) m = Math.max(m, Math.abs(v - centre));
  }
  return Math.ceil(m / 0.25 - 1e-9) * 0.25;
}

/**
 * Position on the diverging scale: `(value − centre) / halfRange` clamped to [−1, 1]; NaN for a non-finite value.
 * @param halfRange > 0
 */
export function divergingT(value: number, centre: number, halfRange: number): number {
  if (!Number.isFinite(value)) return NaN;
  return Math.max(-1, Math.min(1, (value - centre) / halfRange));
}

/**
 * Colour of a diverging-scale position: `t ∈ [−1, 0]` mixes `NEUTRAL_RGB` toward `REAL_RGB` by `−t`,
 * `t ∈ [0, 1]` toward `AI_RGB` by `t` (linear in 8-bit sRGB, rounded). Values outside [−1, 1] are clamped;
 * NaN gives the neutral colour.
 */
export function divergingRgb(t: number): Rgb {
  const v = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  const end = v < 0 ? REAL_RGB : AI_RGB;
  const u = Math.abs(v);
  return [0, 1, 2].map((c) => Math.round(NEUTRAL_RGB[c]! + (end[c]! - NEUTRAL_RGB[c]!) * u)) as Rgb;
}

/**
 * The colour of one raw logit on the evidence map.
 * @returns `divergingRgb(divergingT(logit, centre, halfRange))`
 */
export function evidenceRgb(logit: number, centre: number, halfRange: number): Rgb {
  return divergingRgb(divergingT(logit, centre, halfRange));
}

/**
 * CSS `linear-gradient` stops of the diverging colour bar (left = toward real, right = toward AI):
 * `n` (≥ 2) evenly spaced samples of `divergingRgb` from −1 to 1.
 */
export function divergingGradient(n = 9): string {
  const k = Math.max(2, Math.round(n));
  const stops = Array.from({ length: k }, (_, i) => {
    const t = -1 + (2 * i) / (k - 1);
    const [r, g, b] = divergingRgb(t);
    return `rgb(${r}, ${g}, ${b}) ${Math.round((100 * i) / (k - 1))}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** CSS gradient of a single-class colour bar: transparent → the class colour. */
export function classGradient(target: 'synthetic' | 'real'): string {
  const [r, g, b] = classRgb(target);
  return `linear-gradient(to right, rgba(${r}, ${g}, ${b}, 0) 0%, rgba(${r}, ${g}, ${b}, 1) 100%)`;
}
