/**
 * Leave-one-source-out (LOSO) harness: the development metric of `../shared/research/baseline.md`.
 *
 * For each source folder S: train on every other source (minus images that share a `group` with S, e.g.
 * the CBSD68↔SAN photos), validate on a stratified slice of those, test on all of S under each
 * degradation level; pool the held-out predictions of all folds and report per-source and pooled
 * metrics, plus the sources where both classes share one compression pipeline (`matched`), where a gain
 * cannot come from the JPEG-quality shortcut.
 *
 * ## How the detector engineer plugs in
 *
 * ```ts
 * import { runLoso, imageScorer, writeLosoReport } from '../eval/loso';
 * const result = await runLoso({
 *   records,                                  // Rec[] from loadRecords()
 *   degrade: ['clean', 'web', 'avatar'],      // conditions the held-out source is scored under
 *   trainFn: async (train, val, ctx) => {     // called once per fold
 *     const model = await myTrain(train, val, { seed: ctx.seed });
 *     return imageScorer(async (imgs) => myPredict(model, imgs), { dispose: () => model.dispose() });
 *   },
 * });
 * await writeLosoReport(result, 'out/loso-myarch');   // JSON + markdown
 * ```
 * A `Scorer` receives records and a level, so it may read a `FeatureCache` instead of pixels
 * (`featureScorer`), or decode itself; `imageScorer` does decode → crop → degrade for you, exactly as
 * `npm run evaluate` does.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rec } from '../data/manifest';
import { losoFolds } from '../data/split';
import type { DegradeLevel } from '../data/degrade';
import type { FeatureCache } from '../data/feature-cache';
import { computeMetrics } from './metrics';
import { scoreRecords, summarize, type ImageScoreFn, type MetricSummary, type Prediction } from './evaluate';
import { sigmoid } from '../../extension/shared/verdict';

/** Scores records under a degradation level; one result per record, in order. NaN = could not score. */
export interface Scorer<R extends Rec = Rec> {
  score(recs: R[], level: DegradeLevel): Promise<Array<{ probability: number; logit?: number }>>;
  dispose?(): void;
}

/** Context passed to a `TrainFn`. */
export interface FoldContext {
  /** Held-out source. */
  source: string;
  /** 0-based fold index. */
  fold: number;
  /** Seed for the fold's randomness (`opts.seed + fold`). */
  seed: number;
}

/** Trains on `train` (may use `val` for early stopping / calibration) and returns a scorer. */
export type TrainFn<R extends Rec = Rec> = (train: R[], val: R[], ctx: FoldContext) => Promise<Scorer<R>>;

export interface LosoOptions<R extends Rec = Rec> {
  records: R[];
  trainFn: TrainFn<R>;
  /** Conditions the held-out images are scored under (default `['clean', 'web', 'avatar']`). */
  degrade?: DegradeLevel[];
  /** Held-out sources (default: all, sorted). Training always uses every other source. */
  sources?: string[];
  /** Validation fraction of the training sources (default 0.15). */
  valFraction?: number;
  /** Base seed (default 1234). */
  seed?: number;
  /** Decision threshold on probabilities (default 0.5). */
  threshold?: number;
  /** Sources whose classes share one compression pipeline (default cnndetection-ranking, laboratoriet-real-or-ai). */
  matchedSources?: string[];
  /** Name recorded in the report (e.g. the arch). */
  name?: string;
  /** Progress messages (default: stderr). */
  log?: (msg: string) => void;
}

export interface LosoFoldInfo {
  source: string;
  n_train: number;
  n_val: number;
  n_test: number;
  dropped_for_leakage: number;
  /** Images of the held-out source that could not be scored, per level. */
  failed: Record<string, number>;
  seconds: number;
}

export interface LosoResult {
  name: string;
  levels: DegradeLevel[];
  threshold: number;
  /** source → level → metrics on that held-out source. */
  per_source: Record<string, Record<string, MetricSummary>>;
  /** level → metrics over all held-out predictions pooled. */
  pooled: Record<string, MetricSummary>;
  /** level → metrics pooled over `matchedSources` only (absent if none present). */
  matched: Record<string, MetricSummary>;
  matched_sources: string[];
  /** level → mean balanced accuracy over held-out sources that have both classes. */
  mean_source_balanced_accuracy: Record<string, number | null>;
  folds: LosoFoldInfo[];
  /** level → held-out predictions. */
  predictions: Record<string, Prediction[]>;
  /**
   * Within-source cross-validation (`withinSourceFolds`, pseudo-sources `<source>#<fold>`): base source →
   * level → metrics over its folds pooled. Absent for plain leave-one-source-out runs.
   */
  by_base_source?: Record<string, Record<string, MetricSummary>>;
}

/**
 * Runs leave-one-source-out training and evaluation.
 * @returns per-source, pooled and matched-source metrics per level, fold sizes, and all predictions
 * @throws whatever `trainFn` throws (a failed fold aborts the run: partial LOSO numbers mislead)
 */
export async function runLoso<R extends Rec>(opts: LosoOptions<R>): Promise<LosoResult> {
  const levels = opts.degrade ?? ['clean', 'web', 'avatar'];
  const threshold = opts.threshold ?? 0.5;
  const seed = opts.seed ?? 1234;
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const matchedSources = opts.matchedSources ?? ['cnndetection-ranking', 'laboratoriet-real-or-ai'];
  const folds = losoFolds(opts.records, { valFraction: opts.valFraction ?? 0.15, seed, sources: opts.sources });
  const predictions: Record<string, Prediction[]> = Object.fromEntries(levels.map((l) => [l, []]));
  const per_source: Record<string, Record<string, MetricSummary>> = {};
  const foldInfo: LosoFoldInfo[] = [];
  for (let k = 0; k < folds.length; k++) {
    const f = folds[k]!;
    const t0 = Date.now();
    log(`[loso ${k + 1}/${folds.length}] hold out ${f.source}: train ${f.train.length}, val ${f.val.length}, test ${f.test.length}${f.droppedForLeakage ? `, ${f.droppedForLeakage} dropped (shared photos)` : ''}`);
    const scorer = await opts.trainFn(f.train, f.val, { source: f.source, fold: k, seed: seed + k });
    const failed: Record<string, number> = {};
    per_source[f.source] = {};
    try {
      for (const level of levels) {
        const s = await scorer.score(f.test, level);
        if (s.length !== f.test.length) throw new Error(`scorer returned ${s.length} results for ${f.test.length} records`);
        const preds: Prediction[] = [];
        f.test.forEach((r, i) => {
          const v = s[i]!;
          if (!Number.isFinite(v.probability)) return;
          preds.push({ path: r.path, label: r.label, source: r.source, generator: r.generator, probability: v.probability, ...(v.logit !== undefined ? { logit: v.logit } : {}) });
        });
        failed[level] = f.test.length - preds.length;
        predictions[level]!.push(...preds);
        if (preds.length > 0) per_source[f.source]![level] = metricsOf(preds, threshold);
        const m = per_source[f.source]![level];
        log(`  ${level}: ${m ? `acc ${m.accuracy!.toFixed(3)}${m.balanced_accuracy !== undefined ? ` bAcc ${m.balanced_accuracy.toFixed(3)} AUC ${m.roc_auc!.toFixed(3)}` : ''}` : 'no predictions'}`);
      }
    } finally {
      scorer.dispose?.();
    }
    foldInfo.push({ source: f.source, n_train: f.train.length, n_val: f.val.length, n_test: f.test.length, dropped_for_leakage: f.droppedForLeakage, failed, seconds: (Date.now() - t0) / 1000 });
  }
  const pooled: Record<string, MetricSummary> = {};
  const matched: Record<string, MetricSummary> = {};
  const meanBacc: Record<string, number | null> = {};
  const present = new Set(opts.records.map((r) => r.source));
  for (const level of levels) {
    const p = predictions[level]!;
    if (p.length > 0) pooled[level] = metricsOf(p, threshold);
    const pm = p.filter((x) => matchedSources.includes(x.source));
    if (pm.length > 0) matched[level] = metricsOf(pm, threshold);
    const b = Object.values(per_source).map((m) => m[level]?.balanced_accuracy).filter((v): v is number => v !== undefined);
    meanBacc[level] = b.length ? b.reduce((a, c) => a + c, 0) / b.length : null;
  }
  let by_base_source: LosoResult['by_base_source'];
  if (folds.some((f) => f.source.includes('#'))) {
    by_base_source = {};
    const bases = [...new Set(folds.map((f) => f.source.split('#')[0]!))].sort();
    for (const b of bases) {
      by_base_source[b] = {};
      for (const level of levels) {
        const p = predictions[level]!.filter((x) => x.source.split('#')[0] === b);
        if (p.length > 0) by_base_source[b]![level] = metricsOf(p, threshold);
      }
    }
  }
  return {
    ...(by_base_source ? { by_base_source } : {}),
    name: opts.name ?? 'unnamed', levels, threshold, per_source, pooled, matched,
    matched_sources: matchedSources.filter((s) => present.has(s)),
    mean_source_balanced_accuracy: meanBacc, folds: foldInfo, predictions,
  };
}

function metricsOf(preds: Prediction[], threshold: number): MetricSummary {
  return summarize(computeMetrics(preds.map((p) => (p.label === 'synthetic' ? 1 : 0)), preds.map((p) => p.probability), threshold));
}

/**
 * A `Scorer` from a function that scores decoded pixels: decode → crop → degrade → `fn`, in batches.
 * Images that fail to decode get probability NaN (counted as failed, left out of metrics).
 */
export function imageScorer<R extends Rec>(fn: ImageScoreFn, opts: { batchSize?: number; dispose?: () => void } = {}): Scorer<R> {
  return {
    async score(recs, level) {
      const { predictions } = await scoreRecords(recs, fn, { level, batchSize: opts.batchSize ?? 16 });
      const byPath = new Map(predictions.map((p) => [p.path, p]));
      return recs.map((r) => {
        const p = byPath.get(r.path);
        return p ? { probability: p.probability, ...(p.logit !== undefined ? { logit: p.logit } : {}) } : { probability: NaN };
      });
    },
    dispose: opts.dispose,
  };
}

/** A linear model on standardised features: p = σ(w·((x − mean)/std) + b). */
export interface LinearModel {
  w: Float64Array;
  b: number;
  mean: Float64Array;
  std: Float64Array;
  l2: number;
}

/** Logit of a linear model for one feature vector. */
export function linearLogit(m: LinearModel, x: ArrayLike<number>): number {
  let z = m.b;
  for (let j = 0; j < m.w.length; j++) z += m.w[j]! * ((x[j]! - m.mean[j]!) / m.std[j]!);
  return z;
}

/**
 * L2-regularised, class-balanced logistic regression by Nesterov-accelerated gradient descent on
 * standardised features (step 1/L with L from a power-iteration bound of the Hessian).
 * Objective: (1/n) Σ wᵢ·logloss(yᵢ, zᵢ) + (l2/2)·‖w‖², wᵢ = n / (2·n_class(yᵢ)); bias not penalised.
 * @param X n vectors of equal length d; `y` 0/1 labels (both classes needed)
 * @returns the fitted model
 * @throws {RangeError} for empty data, ragged vectors or a single class
 */
export function fitLogistic(X: ArrayLike<number>[], y: number[], opts: { l2?: number; iters?: number } = {}): LinearModel {
  const n = X.length;
  if (n === 0 || n !== y.length) throw new RangeError(`need matching non-empty X and y (${n} vs ${y.length})`);
  const d = X[0]!.length;
  const n1 = y.filter((v) => v === 1).length, n0 = n - n1;
  if (n1 === 0 || n0 === 0) throw new RangeError('logistic regression needs both classes');
  const l2 = opts.l2 ?? 1e-2, iters = opts.iters ?? 300;
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (const x of X) { if (x.length !== d) throw new RangeError('ragged feature vectors'); for (let j = 0; j < d; j++) mean[j]! += x[j]! / n; }
  for (const x of X) for (let j = 0; j < d; j++) std[j]! += (x[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const Z = X.map((x) => { const z = new Float64Array(d + 1); for (let j = 0; j < d; j++) z[j] = (x[j]! - mean[j]!) / std[j]!; z[d] = 1; return z; });
  const sw = y.map((v) => (v === 1 ? n / (2 * n1) : n / (2 * n0)));
  // Power iteration on (1/n) Zᵀ diag(sw) Z for the largest eigenvalue.
  let v = new Float64Array(d + 1).fill(1 / Math.sqrt(d + 1));
  let lam = 1;
  for (let it = 0; it < 20; it++) {
    const u = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) { let s = 0; const z = Z[i]!; for (let j = 0; j <= d; j++) s += z[j]! * v[j]!; s *= sw[i]! / n; for (let j = 0; j <= d; j++) u[j]! += s * z[j]!; }
    lam = Math.sqrt(u.reduce((a, c) => a + c * c, 0)) || 1;
    v = u.map((c) => c / lam);
  }
  const L = 0.25 * lam + l2;
  const step = 1 / L;
  let w = new Float64Array(d + 1), prev = new Float64Array(d + 1);
  for (let t = 1; t <= iters; t++) {
    const mom = (t - 1) / (t + 2);
    const yv = w.map((c, j) => c + mom * (c - prev[j]!));
    const g = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      let s = 0;
      for (let j = 0; j <= d; j++) s += z[j]! * yv[j]!;
      const r = (sigmoid(s) - y[i]!) * sw[i]! / n;
      for (let j = 0; j <= d; j++) g[j]! += r * z[j]!;
    }
    for (let j = 0; j < d; j++) g[j]! += l2 * yv[j]!;
    prev = w;
    w = yv.map((c, j) => c - step * g[j]!);
  }
  return { w: w.subarray(0, d), b: w[d]!, mean, std, l2 };
}

/**
 * A `TrainFn` for frozen features: logistic regression on `cache` vectors (training levels
 * `trainLevels`, default clean only), regularisation chosen from `l2Grid` by the class-balanced
 * validation log-loss (which, unlike AUC, also rewards calibrated probabilities). The scorer reads the held-out records' vectors for each level from the
 * cache; records without a cached vector score NaN.
 * @throws {Error} when no training record has a cached vector
 */
export function logisticTrainer<R extends Rec>(cache: FeatureCache, opts: { trainLevels?: DegradeLevel[]; l2Grid?: number[]; iters?: number } = {}): TrainFn<R> {
  const trainLevels = opts.trainLevels ?? ['clean'];
  const grid = opts.l2Grid ?? [1e-3, 1e-2, 1e-1, 1];
  const rows = (recs: R[], levels: DegradeLevel[]) => {
    const X: Float32Array[] = [], y: number[] = [];
    for (const r of recs) for (const l of levels) { const v = cache.get(r.path, l); if (v) { X.push(v); y.push(r.y); } }
    return { X, y };
  };
  return async (train, val) => {
    const tr = rows(train, trainLevels);
    if (tr.X.length === 0) throw new Error('no cached features for the training records');
    const va = rows(val, ['clean']);
    let best: LinearModel | undefined, bestLoss = Infinity;
    const canVal = va.y.includes(0) && va.y.includes(1);
    for (const l2 of canVal ? [...grid].sort((a, b) => b - a) : [grid[Math.floor(grid.length / 2)]!]) {
      const m = fitLogistic(tr.X, tr.y, { l2, iters: opts.iters });
      if (!canVal) { best = m; break; }
      const loss = balancedLogLoss(va.y, va.X.map((x) => linearLogit(m, x)));
      if (loss < bestLoss - 1e-9) { bestLoss = loss; best = m; }
    }
    const model = best!;
    return featureScorer(cache, (x) => linearLogit(model, x));
  };
}

/** Mean of the per-class mean log-losses of logits `z` (computed stably from logits). */
export function balancedLogLoss(y: number[], z: number[]): number {
  const sum = [0, 0], cnt = [0, 0];
  y.forEach((t, i) => {
    const s = t === 1 ? z[i]! : -z[i]!; // −log σ(s) = log(1 + e^{−s})
    sum[t]! += s > 0 ? Math.log1p(Math.exp(-s)) : -s + Math.log1p(Math.exp(s));
    cnt[t]!++;
  });
  return (sum[0]! / Math.max(1, cnt[0]!) + sum[1]! / Math.max(1, cnt[1]!)) / 2;
}

/** A `Scorer` that maps cached feature vectors to logits with `logitOf`; probability = σ(logit). */
export function featureScorer<R extends Rec>(cache: FeatureCache, logitOf: (x: Float32Array) => number): Scorer<R> {
  return {
    async score(recs, level) {
      return recs.map((r) => {
        const v = cache.get(r.path, level);
        if (!v) return { probability: NaN };
        const z = logitOf(v);
        return { probability: sigmoid(z), logit: z };
      });
    },
  };
}

const f3 = (v: number | undefined | null) => (v === undefined || v === null ? '—' : v.toFixed(3));
const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

/**
 * Markdown summary: one row per held-out source with, per level, bAcc/AUC (both classes) or accuracy
 * (single-class sources); then pooled, matched-source and mean-per-source rows, with FPR/FNR pooled.
 */
export function losoMarkdown(r: LosoResult): string {
  const lines = [`# Leave-one-source-out: ${r.name}`, '', `Threshold ${r.threshold}. Cells: bAcc / ROC-AUC for sources with both classes; acc (accuracy) for single-class sources.`, ''];
  lines.push(`| held-out source | n (real/synth) | ${r.levels.join(' | ')} |`);
  lines.push(`|---|---|${r.levels.map(() => '---').join('|')}|`);
  const cell = (m: MetricSummary | undefined) => !m ? '—' : m.balanced_accuracy !== undefined ? `${f3(m.balanced_accuracy)} / ${f3(m.roc_auc)}` : `acc ${f3(m.accuracy)}`;
  for (const [src, per] of Object.entries(r.per_source)) {
    const any = Object.values(per)[0];
    lines.push(`| ${src} | ${any ? `${any.n} (${any.n_real}/${any.n_synthetic})` : '0'} | ${r.levels.map((l) => cell(per[l])).join(' | ')} |`);
  }
  lines.push(`| **pooled** | ${r.pooled[r.levels[0]!]?.n ?? 0} | ${r.levels.map((l) => cell(r.pooled[l])).join(' | ')} |`);
  lines.push(`| **matched sources** (${r.matched_sources.join(', ') || 'none'}) | ${r.matched[r.levels[0]!]?.n ?? 0} | ${r.levels.map((l) => cell(r.matched[l])).join(' | ')} |`);
  lines.push(`| **mean per-source bAcc** | | ${r.levels.map((l) => f3(r.mean_source_balanced_accuracy[l])).join(' | ')} |`);
  if (r.by_base_source) {
    lines.push('', 'Within-source cross-validation, folds pooled per source (bAcc / ROC-AUC):', '', `| source | ${r.levels.join(' | ')} |`, `|---|${r.levels.map(() => '---').join('|')}|`);
    for (const [src, per] of Object.entries(r.by_base_source)) lines.push(`| ${src} | ${r.levels.map((l) => cell(per[l])).join(' | ')} |`);
  }
  lines.push('', '| level | pooled FPR (real → synthetic) | pooled FNR (synthetic → real) | pooled ECE |', '|---|---|---|---|');
  for (const l of r.levels) lines.push(`| ${l} | ${pct(r.pooled[l]?.fpr)} | ${pct(r.pooled[l]?.fnr)} | ${f3(r.pooled[l]?.ece)} |`);
  lines.push('', '| fold | train | val | test | dropped (shared photos) | seconds |', '|---|---|---|---|---|---|');
  for (const f of r.folds) lines.push(`| ${f.source} | ${f.n_train} | ${f.n_val} | ${f.n_test} | ${f.dropped_for_leakage} | ${f.seconds.toFixed(1)} |`);
  return lines.join('\n') + '\n';
}

/**
 * Writes `loso.json` (the full result, predictions included) and `loso.md` into `dir`.
 * @returns the two paths
 */
export async function writeLosoReport(r: LosoResult, dir: string, meta: Record<string, unknown> = {}): Promise<{ json: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'loso.json'), markdown = join(dir, 'loso.md');
  await writeFile(json, JSON.stringify({ ...r, meta }, null, 1) + '\n');
  await writeFile(markdown, losoMarkdown(r) + (meta.command ? `\nReproduce: \`${String(meta.command)}\`\n` : ''));
  return { json, markdown };
}
