/**
 * Evaluation core shared by `npm run evaluate` and the LOSO harness: decode → crop → degrade → score
 * for a list of records, then metrics overall, per source and per generator.
 */
import { cropRgba, type RgbaImage } from '../../extension/shared/preprocess';
import type { Detector, ScoreOptions } from '../../extension/shared/detector';
import type { Rec } from '../data/manifest';
import { degrade, type DegradeLevel } from '../data/degrade';
import { decodeFile } from '../node/decode';
import { computeMetrics, metricsByGroup, type Metrics } from './metrics';
import { verdictFor } from '../../extension/shared/verdict';
import type { Progress } from './progress';
import type { ProductReport, ProvenanceReport, ProvenanceSummary } from './provenance';

/** One scored image (the `predictions` entries of a report). */
export interface Prediction {
  path: string;
  label: 'real' | 'synthetic';
  source: string;
  generator: string;
  /** Calibrated probability of synthetic, [0, 1]. */
  probability: number;
  /** Raw model logit (tiles aggregated per the manifest's `tiling`, or the mean over test-time crops), when the scorer has one. */
  logit?: number;
  /** What the file's own metadata says (C2PA, IPTC, generator metadata, camera EXIF); absent with `--pixels-only`. */
  provenance?: ProvenanceSummary;
  /** The product's fused verdict (`fuseVerdict`) under the report's threshold and unsure band; absent with `--pixels-only`. */
  fused?: { label: string; basis: string };
}

/** An image that could not be scored. */
export interface EvalError {
  path: string;
  error: string;
}

/**
 * Loads the pixels a scorer sees for a record under a condition: decode (sharp, EXIF-rotated) → the
 * manifest's `crop` (in source pixels) → `degrade(level)`.
 * @throws {DecodeError} for unreadable files; {RangeError} for a crop outside the image
 */
export async function loadForEval(rec: Rec, level: DegradeLevel): Promise<RgbaImage> {
  let img = await decodeFile(rec.file);
  if (rec.crop) img = cropRgba(img, rec.crop);
  return degrade(img, level);
}

/** Scores decoded images: returns one `{probability, logit?}` per image. */
export type ImageScoreFn = (images: RgbaImage[]) => Promise<Array<{ probability: number; logit?: number }>>;

/**
 * Adapts a `Detector` (extension/shared/detector.ts) to `ImageScoreFn`.
 * @param opts.mode tile mode for tiled models (default: the backend's, `sample` in Node)
 */
export function detectorScoreFn(det: Detector, opts: ScoreOptions = {}): ImageScoreFn {
  return coreScoreFn(det, opts);
}

/** Adapts anything with a `Detector.score` (e.g. a `createScorer` core with an overridden tiling) to `ImageScoreFn`. */
export function coreScoreFn(core: Pick<Detector, 'score'>, opts: ScoreOptions = {}): ImageScoreFn {
  return (images) => core.score(images.map((image) => ({ image })), opts);
}

/**
 * Scores records in batches, decoding up to `concurrency` files at once. Failures to decode or score an
 * image are collected, not thrown.
 * @param opts.batchSize images per scorer call (default 16)
 * @param opts.concurrency parallel decodes (default 2)
 * @param opts.minSide images whose shorter side (after crop and degradation) is below this are not
 *   scored but listed as errors, as the extension does not screen them (`MIN_SIDE_PIXELS`); default 0
 * @returns predictions in input order (failed images omitted) and errors
 */
export async function scoreRecords(
  recs: Rec[],
  score: ImageScoreFn,
  opts: { level?: DegradeLevel; batchSize?: number; concurrency?: number; progress?: Progress; minSide?: number } = {},
): Promise<{ predictions: Prediction[]; errors: EvalError[] }> {
  const level = opts.level ?? 'clean';
  const batchSize = opts.batchSize ?? 16;
  const conc = Math.max(1, opts.concurrency ?? 2);
  const predictions: Prediction[] = [];
  const errors: EvalError[] = [];
  for (let b = 0; b < recs.length; b += batchSize) {
    const batch = recs.slice(b, b + batchSize);
    const imgs: Array<RgbaImage | undefined> = new Array(batch.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(conc, batch.length) }, async () => {
      while (next < batch.length) {
        const i = next++;
        try {
          const img = await loadForEval(batch[i]!, level);
          if (Math.min(img.width, img.height) < (opts.minSide ?? 0)) {
            errors.push({ path: batch[i]!.path, error: `too small: ${img.width}x${img.height} after ${level}, shorter side below ${opts.minSide} px (not screened)` });
          } else {
            imgs[i] = img;
          }
        } catch (e) {
          errors.push({ path: batch[i]!.path, error: (e as Error).message });
        }
      }
    }));
    const ok = batch.map((r, i) => ({ r, img: imgs[i] })).filter((x): x is { r: Rec; img: RgbaImage } => x.img !== undefined);
    let scores: Array<{ probability: number; logit?: number }> | undefined;
    if (ok.length > 0) {
      try {
        scores = await score(ok.map((x) => x.img));
        if (scores.length !== ok.length) throw new Error(`scorer returned ${scores.length} results for ${ok.length} images`);
      } catch {
        // Score one by one so a single bad input does not lose the batch.
        scores = [];
        for (const x of ok) {
          try {
            const one = (await score([x.img]))[0];
            if (!one) throw new Error('scorer returned no result');
            scores.push(one);
          } catch (e2) {
            errors.push({ path: x.r.path, error: `scoring failed: ${(e2 as Error).message}` });
            scores.push({ probability: NaN, logit: Infinity }); // marker: error already recorded
          }
        }
      }
      ok.forEach((x, i) => {
        const s = scores![i]!;
        if (!Number.isFinite(s.probability) || s.probability < 0 || s.probability > 1) {
          if (s.logit !== Infinity) errors.push({ path: x.r.path, error: `scorer returned probability ${s.probability}` });
          return;
        }
        predictions.push({
          path: x.r.path, label: x.r.label, source: x.r.source, generator: x.r.generator,
          probability: s.probability, ...(s.logit !== undefined ? { logit: s.logit } : {}),
        });
      });
    }
    opts.progress?.tick(batch.length);
  }
  const order = new Map(recs.map((r, i) => [r.path, i]));
  errors.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
  return { predictions, errors };
}

/** Metrics of a subset, without the bookkeeping fields, and only those defined. */
export type MetricSummary = { n: number } & Partial<Omit<Metrics, 'n' | 'nReal' | 'nSynthetic' | 'threshold'>> & { n_real: number; n_synthetic: number };

/** Strips undefined metrics and renames counts for JSON. */
export function summarize(m: Metrics): MetricSummary {
  const { n, nReal, nSynthetic, threshold: _t, ...rest } = m;
  const out: Record<string, unknown> = { n, n_real: nReal, n_synthetic: nSynthetic };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
  return out as MetricSummary;
}

/** The JSON report of `npm run evaluate`. */
export interface EvalReport {
  n: number;
  accuracy: number;
  balanced_accuracy?: number;
  precision?: number;
  recall?: number;
  f1?: number;
  average_precision?: number;
  roc_auc?: number;
  fpr?: number;
  fnr?: number;
  ece: number;
  threshold: number;
  confusion: Metrics['confusion'];
  per_source: Record<string, MetricSummary>;
  per_generator: Record<string, MetricSummary>;
  predictions: Prediction[];
  errors: EvalError[];
  /** Run context: model id, manifest, degradation, split, command, times. */
  meta: Record<string, unknown>;
  /** The extension's three-way verdict with the model's unsure band (absent when no band was given). */
  unsure?: UnsureSummary;
  /** Provenance evidence per true label (absent with `--pixels-only`); the metrics above are the pixel detector's alone. */
  provenance?: ProvenanceReport;
  /** The product's fused verdict (provenance + pixels) error rates; absent with `--pixels-only`. */
  product?: ProductReport;
}

/**
 * What a user sees with the unsure band of `verdict.ts`: how many images are called "unsure", and the
 * error rates among the decided ones.
 */
export interface UnsureSummary {
  threshold: number;
  band: number;
  /** Fraction of images whose verdict is `unsure`. */
  unsure_rate: number;
  /** Accuracy over images with a `real`/`synthetic` verdict (undefined when none). */
  decided_accuracy?: number;
  /** Among real images: fraction called synthetic (unsure ones count as not synthetic). */
  fpr: number | null;
  /** Among synthetic images: fraction called real. */
  fnr: number | null;
}

/**
 * Summarises verdicts with an unsure band (`verdictFor` of extension/shared/verdict.ts).
 * @param band total band width in [0, 1]
 */
export function unsureSummary(predictions: Prediction[], threshold: number, band: number): UnsureSummary {
  let unsure = 0, decided = 0, correct = 0, nReal = 0, nSyn = 0, fp = 0, fn = 0;
  for (const p of predictions) {
    const v = verdictFor(p.probability, threshold, band);
    if (p.label === 'real') { nReal++; if (v === 'synthetic') fp++; } else { nSyn++; if (v === 'real') fn++; }
    if (v === 'unsure') { unsure++; continue; }
    decided++;
    if (v === p.label) correct++;
  }
  return {
    threshold, band, unsure_rate: predictions.length ? unsure / predictions.length : 0,
    ...(decided > 0 ? { decided_accuracy: correct / decided } : {}),
    fpr: nReal ? fp / nReal : null, fnr: nSyn ? fn / nSyn : null,
  };
}

/**
 * Builds the report from predictions.
 * @param threshold decision threshold on the probability (`p ≥ t` → synthetic)
 * @param unsureBand when given, adds `unsure` (see `unsureSummary`)
 * @throws {RangeError} when there are no predictions
 */
export function buildReport(predictions: Prediction[], errors: EvalError[], threshold: number, meta: Record<string, unknown> = {}, unsureBand?: number): EvalReport {
  const y = predictions.map((p) => (p.label === 'synthetic' ? 1 : 0));
  const prob = predictions.map((p) => p.probability);
  const m = summarize(computeMetrics(y, prob, threshold));
  const per = (key: (p: Prediction) => string) => {
    const g = metricsByGroup(predictions.map(key), y, prob, threshold);
    return Object.fromEntries(Object.entries(g).map(([k, v]) => [k, summarize(v)]));
  };
  return {
    n: m.n,
    accuracy: m.accuracy!,
    ...(m.balanced_accuracy !== undefined ? { balanced_accuracy: m.balanced_accuracy } : {}),
    ...(m.precision !== undefined ? { precision: m.precision } : {}),
    ...(m.recall !== undefined ? { recall: m.recall } : {}),
    ...(m.f1 !== undefined ? { f1: m.f1 } : {}),
    ...(m.average_precision !== undefined ? { average_precision: m.average_precision } : {}),
    ...(m.roc_auc !== undefined ? { roc_auc: m.roc_auc } : {}),
    ...(m.fpr !== undefined ? { fpr: m.fpr } : {}),
    ...(m.fnr !== undefined ? { fnr: m.fnr } : {}),
    ece: m.ece!,
    threshold,
    confusion: m.confusion!,
    per_source: per((p) => p.source),
    per_generator: per((p) => p.generator),
    predictions,
    errors,
    meta,
    ...(unsureBand !== undefined ? { unsure: unsureSummary(predictions, threshold, unsureBand) } : {}),
  };
}

const fmt = (v: number | undefined, pct = false) => (v === undefined ? '—' : pct ? `${(v * 100).toFixed(1)}%` : v.toFixed(3));

/**
 * A plain-text table of the overall and per-source metrics (for the terminal).
 * @returns lines joined with `\n`
 */
export function reportTable(r: EvalReport): string {
  const head = ['group', 'n', 'real', 'synth', 'acc', 'bAcc', 'AUC', 'AP', 'FPR', 'FNR', 'ECE'];
  const row = (name: string, m: Partial<MetricSummary> & { n: number }) => [
    name, String(m.n), String(m.n_real ?? ''), String(m.n_synthetic ?? ''), fmt(m.accuracy), fmt(m.balanced_accuracy), fmt(m.roc_auc), fmt(m.average_precision), fmt(m.fpr, true), fmt(m.fnr, true), fmt(m.ece),
  ];
  const rows = [head, row('ALL', { ...r, n_real: r.confusion.tn + r.confusion.fp, n_synthetic: r.confusion.tp + r.confusion.fn }), ...Object.entries(r.per_source).map(([k, v]) => row(k, v))];
  const w = head.map((_, c) => Math.max(...rows.map((x) => x[c]!.length)));
  return rows.map((x) => x.map((v, c) => (c === 0 ? v.padEnd(w[c]!) : v.padStart(w[c]!))).join('  ')).join('\n');
}
