/**
 * Binary classification metrics for "synthetic" (positive, label 1) vs "real" (negative, label 0), from
 * labels, calibrated probabilities and a decision threshold (`p ≥ threshold` → synthetic, the rule of
 * `extension/shared/verdict.ts` with no unsure band).
 *
 * Ranking metrics follow scikit-learn 1.x exactly, ties included:
 * - `averagePrecision` = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over distinct score thresholds, descending (sklearn
 *   `average_precision_score`; no interpolation).
 * - `rocAuc` = trapezoidal area under the ROC curve with one point per distinct score (sklearn
 *   `roc_auc_score`), equal to the Mann–Whitney U statistic with ties counted ½.
 * Metrics that are undefined for the data (e.g. recall without positives) are `undefined`, never NaN.
 */

/** Counts at a threshold. */
export interface Confusion {
  /** synthetic predicted synthetic */
  tp: number;
  /** real predicted synthetic */
  fp: number;
  /** real predicted real */
  tn: number;
  /** synthetic predicted real */
  fn: number;
}

/** All metrics; each is in [0, 1] and `undefined` when not defined for the data. */
export interface Metrics {
  n: number;
  nReal: number;
  nSynthetic: number;
  threshold: number;
  confusion: Confusion;
  accuracy: number;
  /** mean of TPR and TNR; needs both classes */
  balanced_accuracy?: number;
  /** TP / (TP + FP); needs both classes and ≥ 1 positive prediction */
  precision?: number;
  /** TPR = TP / (TP + FN); needs positives */
  recall?: number;
  /** harmonic mean of precision and recall; needs both classes */
  f1?: number;
  /** needs both classes */
  average_precision?: number;
  /** needs both classes */
  roc_auc?: number;
  /** FP / (FP + TN): real photos called synthetic; needs negatives */
  fpr?: number;
  /** FN / (FN + TP): synthetic images called real; needs positives */
  fnr?: number;
  /** expected calibration error, 10 equal-width bins (see `expectedCalibrationError`) */
  ece: number;
}

function check(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) throw new RangeError(`${labels.length} labels but ${scores.length} scores`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is ${labels[i]}, expected 0 or 1`);
    if (!Number.isFinite(scores[i])) throw new RangeError(`score ${i} is ${scores[i]}, expected a finite number`);
  }
}

/**
 * Confusion counts with the rule `score ≥ threshold` → positive.
 * @throws {RangeError} for mismatched lengths, labels other than 0/1, or non-finite scores
 */
export function confusionAt(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): Confusion {
  check(labels, scores);
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const pos = scores[i]! >= threshold;
    if (labels[i] === 1) pos ? c.tp++ : c.fn++;
    else pos ? c.fp++ : c.tn++;
  }
  return c;
}

/** Cumulative (fps, tps) at each distinct score, descending: sklearn's `_binary_clf_curve`. */
function binaryClfCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): { fps: number[]; tps: number[]; thresholds: number[] } {
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const fps: number[] = [], tps: number[] = [], thresholds: number[] = [];
  let tp = 0, fp = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (labels[i] === 1) tp++; else fp++;
    const next = idx[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tps.push(tp); fps.push(fp); thresholds.push(scores[i]!);
    }
  }
  return { fps, tps, thresholds };
}

/**
 * ROC curve points, starting at (0, 0) with threshold +Infinity (sklearn `roc_curve`,
 * `drop_intermediate=False`).
 * @returns arrays of equal length; fpr/tpr in [0, 1]; thresholds descending
 * @throws {RangeError} when only one class is present
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  check(labels, scores);
  const { fps, tps, thresholds } = binaryClfCurve(labels, scores);
  const P = tps[tps.length - 1] ?? 0, N = fps[fps.length - 1] ?? 0;
  if (P === 0 || N === 0) throw new RangeError('ROC needs both classes');
  return { fpr: [0, ...fps.map((f) => f / N)], tpr: [0, ...tps.map((t) => t / P)], thresholds: [Infinity, ...thresholds] };
}

/**
 * Precision–recall points in order of decreasing threshold, ending with (recall 0 → precision 1) as
 * sklearn's `precision_recall_curve` does, but in the opposite order (recall ascending here).
 * @throws {RangeError} when there are no positives
 */
export function prCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): { precision: number[]; recall: number[]; thresholds: number[] } {
  check(labels, scores);
  const { fps, tps, thresholds } = binaryClfCurve(labels, scores);
  const P = tps[tps.length - 1] ?? 0;
  if (P === 0) throw new RangeError('PR curve needs positives');
  return {
    precision: [1, ...tps.map((t, i) => t / (t + fps[i]!))],
    recall: [0, ...tps.map((t) => t / P)],
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * ROC-AUC (sklearn `roc_auc_score`): trapezoidal area under `rocCurve`.
 * @returns area in [0, 1]; 0.5 for uninformative scores
 * @throws {RangeError} when only one class is present
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(labels, scores);
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += (fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!) / 2;
  return area;
}

/**
 * Average precision (sklearn `average_precision_score`): Σₙ (Rₙ − Rₙ₋₁)·Pₙ over distinct thresholds.
 * @returns AP in [0, 1]; equals the positive rate for constant scores
 * @throws {RangeError} when there are no positives
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { precision, recall } = prCurve(labels, scores);
  let ap = 0;
  for (let i = 1; i < recall.length; i++) ap += (recall[i]! - recall[i - 1]!) * precision[i]!;
  return ap;
}

/**
 * Expected calibration error for the positive class (Naeini et al. 2015; Guo et al. 2017 use the
 * max-probability variant): 10 equal-width bins on p ∈ [0, 1] (bin b = [b/10, (b+1)/10), the last one
 * closed), ECE = Σ_b (n_b / N) · |mean(y in b) − mean(p in b)|.
 * @param probs probabilities in [0, 1]
 * @returns ECE in [0, 1]; 0 for an empty input
 */
export function expectedCalibrationError(labels: ArrayLike<number>, probs: ArrayLike<number>, bins = 10): number {
  check(labels, probs);
  const n = labels.length;
  if (n === 0) return 0;
  const cnt = new Float64Array(bins), sp = new Float64Array(bins), sy = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    if (p < 0 || p > 1) throw new RangeError(`probability ${i} is ${p}, expected [0, 1]`);
    const b = Math.min(bins - 1, Math.floor(p * bins));
    cnt[b]!++; sp[b]! += p; sy[b]! += labels[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]! > 0) ece += (cnt[b]! / n) * Math.abs(sy[b]! / cnt[b]! - sp[b]! / cnt[b]!);
  return ece;
}

/**
 * Every metric at once.
 * @param labels 0 = real, 1 = synthetic
 * @param probs calibrated probabilities of synthetic, in [0, 1]
 * @param threshold decision threshold, `p ≥ threshold` → synthetic (default 0.5)
 * @throws {RangeError} for an empty input, mismatched lengths, bad labels or probabilities
 */
export function computeMetrics(labels: ArrayLike<number>, probs: ArrayLike<number>, threshold = 0.5): Metrics {
  check(labels, probs);
  const n = labels.length;
  if (n === 0) throw new RangeError('no predictions');
  const c = confusionAt(labels, probs, threshold);
  const P = c.tp + c.fn, N = c.tn + c.fp;
  const m: Metrics = {
    n, nReal: N, nSynthetic: P, threshold, confusion: c,
    accuracy: (c.tp + c.tn) / n,
    ece: expectedCalibrationError(labels, probs),
  };
  if (P > 0) { m.recall = c.tp / P; m.fnr = c.fn / P; }
  if (N > 0) m.fpr = c.fp / N;
  if (P > 0 && N > 0) {
    m.balanced_accuracy = (m.recall! + (1 - m.fpr!)) / 2;
    if (c.tp + c.fp > 0) m.precision = c.tp / (c.tp + c.fp);
    m.f1 = (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
    m.average_precision = averagePrecision(labels, probs);
    m.roc_auc = rocAuc(labels, probs);
  }
  return m;
}

/**
 * Metrics per group (e.g. per source or generator), sorted by group name.
 * @param keys group key of each prediction
 * @returns map key → metrics of that subset
 */
export function metricsByGroup(keys: string[], labels: ArrayLike<number>, probs: ArrayLike<number>, threshold = 0.5): Record<string, Metrics> {
  const idx = new Map<string, number[]>();
  keys.forEach((k, i) => (idx.get(k) ?? idx.set(k, []).get(k)!).push(i));
  const out: Record<string, Metrics> = {};
  for (const k of [...idx.keys()].sort()) {
    const ii = idx.get(k)!;
    out[k] = computeMetrics(ii.map((i) => labels[i]!), ii.map((i) => probs[i]!), threshold);
  }
  return out;
}
