/**
 * One wording for every verdict the user reads: badge, popup, explanation view, history, the first-run
 * page and the Node CLI (`training/cli/evaluate.ts`, `scripts/demo.ts`) all phrase a verdict through this
 * module, so a label never contradicts the number beside it (issue #12; Q24 of
 * `../shared/research/bug-log-platform.md`: "No AI signs found" rather than "real" for a low score).
 *
 * The scale: "AI score N/100", N = round(100·p) of the calibrated probability p that the image is
 * AI-generated. The labels, from the pixel detector's `verdictFor` (`./verdict.ts`):
 *
 * | `VerdictLabel` | label text | rule (threshold t, unsure band w) |
 * |---|---|---|
 * | `synthetic` | "Likely AI-generated" | p ≥ t + w/2 |
 * | `unsure` | "Unsure" | t − w/2 ≤ p < t + w/2 |
 * | `real` | "No AI signs found" | p < t − w/2 (never "real": a low score is an absence of evidence) |
 *
 * Agreement rule: rounding may not carry N across the boundary the label was decided on. When it would
 * (p = 0.497 under t = 0.5, w = 0 is "No AI signs found", but round(49.7) = 50 ≥ 50), N is moved one point
 * back to the label's side (49): the shown N is then ⌊100p⌋ or ⌈100p⌉, never further from 100p than 1.
 * So for every p, t and w: "No AI signs found" ⇒ N < 100·(t − w/2) ≤ 100·t; "Likely AI-generated" ⇒
 * N ≥ 100·(t + w/2) ≥ 100·t; "Unsure" ⇒ 100·(t − w/2) ≤ N < 100·(t + w/2) whenever an integer lies in
 * that interval (a band narrower than one point may hold none; then N = round(100p)).
 *
 * Provenance verdicts (C2PA / IPTC / generator metadata, `./provenance/fusion.ts`) keep their own heads
 * ("AI-generated (signed)", "Camera original (signed)", …). The number beside them is the pixel detector's,
 * and is always named so ("pixel AI score 12/100"), with the pixel label in the full sentence, so a signed
 * "AI-generated" beside a low pixel score reads as two sources that disagree, not as a contradiction.
 *
 * Pure functions, no browser APIs: usable in the extension and in Node.
 */
import { verdictFor, type VerdictLabel } from './verdict';

/** The words for each pixel verdict. */
export const LABEL_TEXT: Readonly<Record<VerdictLabel, string>> = Object.freeze({
  synthetic: 'Likely AI-generated',
  unsure: 'Unsure',
  real: 'No AI signs found',
});

/** The same words in lower case, for use inside a sentence ("… (no AI signs found)."). */
export const LABEL_TEXT_LOWER: Readonly<Record<VerdictLabel, string>> = Object.freeze({
  synthetic: 'likely AI-generated',
  unsure: 'unsure',
  real: 'no AI signs found',
});

/** A decision rule: threshold and total unsure-band width on the calibrated probability, both in [0, 1]. */
export interface ScoreRule {
  threshold: number;
  unsureBand: number;
}

function checkUnit(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
}

/**
 * The AI score shown for a probability: N = round(100·p), an integer in [0, 100], moved by at most one
 * point so that it agrees with the label the rule gives (module comment, "Agreement rule").
 *
 * @param probability calibrated probability that the image is AI-generated, in [0, 1]
 * @param rule the threshold and unsure band in force; without it N is plain round(100·p)
 * @returns integer in [0, 100]
 * @throws {RangeError} when `probability` or a rule field is not a finite number in [0, 1]
 * @example aiScore(0.871) === 87; aiScore(0.497, { threshold: 0.5, unsureBand: 0 }) === 49
 */
export function aiScore(probability: number, rule?: ScoreRule): number {
  checkUnit('probability', probability);
  const n = Math.round(probability * 100);
  if (!rule) return n;
  const label = verdictFor(probability, rule.threshold, rule.unsureBand);
  const half = rule.unsureBand / 2;
  // Compare in hundredths rounded to 1e-9, so 0.55·100 = 55.000000000000007 counts as 55.
  const lo = Math.round((rule.threshold - half) * 100 * 1e9) / 1e9;
  const hi = Math.round((rule.threshold + half) * 100 * 1e9) / 1e9;
  if (label === 'real') return Math.min(n, Math.ceil(lo) - 1);
  if (label === 'synthetic') return Math.max(n, Math.ceil(hi));
  const first = Math.ceil(lo);
  const last = Math.ceil(hi) - 1;
  if (first > last) return n; // no integer inside a sub-point band
  return Math.min(last, Math.max(first, n));
}

/** "AI score N/100" for an integer score N in [0, 100] (see `aiScore`). */
export function scoreText(score: number): string {
  return `AI score ${score}/100`;
}

/** The complete wording of one pixel verdict. */
export interface PixelWording {
  /** The pixel detector's label under the rule (`verdictFor`). */
  label: VerdictLabel;
  /** The AI score shown, integer in [0, 100] (`aiScore` with the rule). */
  score: number;
  /** "Likely AI-generated" / "Unsure" / "No AI signs found". */
  labelText: string;
  /** "AI score 87/100". */
  scoreText: string;
  /** Badge / row text: "Likely AI-generated · AI score 87/100". */
  short: string;
}

/**
 * Words a pixel verdict: the label under `rule` and the score that agrees with it.
 * @param probability calibrated probability that the image is AI-generated, in [0, 1]
 * @param rule threshold and unsure band in force, both in [0, 1]
 * @throws {RangeError} when an argument is outside [0, 1]
 * @example pixelWording(0.12, { threshold: 0.5, unsureBand: 0.1 }).short === 'No AI signs found · AI score 12/100'
 */
export function pixelWording(probability: number, rule: ScoreRule): PixelWording {
  const label = verdictFor(probability, rule.threshold, rule.unsureBand);
  const score = aiScore(probability, rule);
  return wordingOf(label, score);
}

/**
 * Words a label already decided elsewhere (a history entry, an evaluation row) with its score. Use
 * `pixelWording` when the rule is known: only it guarantees the agreement rule.
 * @param label the pixel verdict
 * @param score integer AI score in [0, 100] (`aiScore`)
 */
export function wordingOf(label: VerdictLabel, score: number): PixelWording {
  const s = scoreText(score);
  return { label, score, labelText: LABEL_TEXT[label], scoreText: s, short: `${LABEL_TEXT[label]} · ${s}` };
}

/**
 * The sentence about the pixel detector used beside a provenance verdict and in the explanation view:
 * "Pixel detector: AI score 12/100 (no AI signs found)." or, when it did not run,
 * "Pixel detector: not run (too small to check)."
 * @param pixel the detector's probability in [0, 1] and label; undefined when it did not run
 * @param rule when given, the score follows the agreement rule
 * @param absentReason short reason named when `pixel` is undefined
 */
export function pixelDetectorSentence(
  pixel: { probability: number; label: VerdictLabel } | undefined,
  rule?: ScoreRule,
  absentReason?: string,
): string {
  if (!pixel) return `Pixel detector: not run${absentReason ? ` (${absentReason})` : ''}.`;
  return `Pixel detector: ${scoreText(aiScore(pixel.probability, rule))} (${LABEL_TEXT_LOWER[pixel.label]}).`;
}

/**
 * A provenance verdict's short text with the pixel score beside it, named as the pixel detector's:
 * "AI-generated (signed) · pixel AI score 12/100"; just the head when the detector did not run.
 * @param head the provenance verdict's words, e.g. "AI-generated (signed)"
 * @param pixel the detector's probability in [0, 1]; undefined when it did not run
 * @param rule when given, the score follows the agreement rule
 */
export function provenanceShort(head: string, pixel: { probability: number } | undefined, rule?: ScoreRule): string {
  return pixel ? `${head} · pixel ${scoreText(aiScore(pixel.probability, rule))}` : head;
}

/**
 * Title of the CLI's three-outcome confusion plot (columns "No AI signs found" / "Unsure" / "Likely
 * AI-generated"), e.g. "Verdicts by true label (threshold 0.50, unsure band 0.10)".
 * @param rule the threshold and band the verdicts were decided under
 */
export function confusionTitle(rule: ScoreRule): string {
  return `Verdicts by true label (threshold ${rule.threshold.toFixed(2)}, unsure band ${rule.unsureBand.toFixed(2)})`;
}

/** One verdict's range of AI scores under a rule: `from`–`to`, integers in [0, 100]; `from > to` when empty. */
export interface ScoreRange {
  label: VerdictLabel;
  labelText: string;
  from: number;
  to: number;
}

/**
 * Which AI scores get which label under a rule, as `aiScore` shows them, for explaining the bands in words
 * (first-run page, options): e.g. threshold 0.5, band 0.1 → No AI signs found 0–44, Unsure 45–54,
 * Likely AI-generated 55–100.
 * @param rule threshold and band, both in [0, 1]
 * @returns the three ranges in the order real, unsure, synthetic (an empty range has `from > to`)
 */
export function scoreRanges(rule: ScoreRule): ScoreRange[] {
  const half = rule.unsureBand / 2;
  const lo = Math.ceil(Math.round((rule.threshold - half) * 100 * 1e9) / 1e9);
  const hi = Math.ceil(Math.round((rule.threshold + half) * 100 * 1e9) / 1e9);
  const clamp = (x: number) => Math.min(100, Math.max(0, x));
  const range = (label: VerdictLabel, from: number, to: number): ScoreRange => ({ label, labelText: LABEL_TEXT[label], from: clamp(from), to: to < 0 ? -1 : clamp(to) });
  return [range('real', 0, lo - 1), range('unsure', lo, hi - 1), range('synthetic', hi, 100)];
}

/** "0–44", "45", or "" for an empty range. */
export function rangeText(r: ScoreRange): string {
  if (r.from > r.to) return '';
  return r.from === r.to ? String(r.from) : `${r.from}–${r.to}`;
}
