/**
 * `npm run evaluate -- [--model <dir>] --manifest <tsv|folder> [--root <dir>] [--degrade clean|web|avatar]
 *   [--split test|all] [--threshold <p>] [--limit <n>] [--tiles sample|all|off] [--aggregation <agg>] [--plots <dir>]
 *   [--pixels-only] --out <report.json>`
 *
 * Scores every image of a manifest (TSV or seed folder layout) with a shipped detector (`models/<name>/`
 * with `manifest.json`, loaded and sha256-verified by `loadDetector`), prints a table and writes a JSON
 * report (`EvalReport` of training/eval/evaluate.ts): overall metrics, `per_source`, `per_generator`,
 * one prediction per image, and `errors` for images that failed to decode.
 *
 * Images whose shorter side is below `--min-side` (default `MIN_SIDE_PIXELS` = 64, the extension's
 * own limit) after crop and degradation are listed under `errors` as not screened.
 *
 * Each image's provenance (C2PA, IPTC digital source type, generator metadata, camera EXIF; read by the
 * extension's own reader from the original file) is reported next to its pixel verdict (`predictions[].provenance`)
 * and summarised per true label (`provenance`). `--pixels-only` skips it: the report then measures the detector
 * alone, exactly as before. The metrics are always the pixel detector's; `product` gives the error rates of
 * the fused verdict the user sees (`fuseVerdict`: provenance first, pixels otherwise) and `predictions[].fused`
 * its label per image.
 *
 * Patch models with a `tiling` block are scored on whole images through the shared `Detector.score`:
 * `--tiles sample` (default) is the product's wasm/cpu path (a spread-out sample of `minTiles` tiles),
 * `--tiles all` its WebGPU/WebGL path (every tile); the report's `tiles` field says which. For
 * comparisons without editing the model: `--tiles off` scores the manifest's test-time crops instead (the
 * pre-tiling path), `--aggregation mean|trimmed-mean:<trim>|top-quantile-mean:<q>` overrides the
 * manifest's aggregation.
 *
 * `--split test` evaluates only the test split defined by training/data/split.ts with the seed and
 * fractions in the model manifest's provenance (`provenance.split = {seed, fractions}`, or
 * `provenance.split_seed`); default `all`, which includes the training images: the CLI says so
 * (`SPLIT_ALL_NOTE`) and the report records `meta.includes_training_images`.
 *
 * `--plots <dir>` writes ROC, precision–recall and the three-outcome confusion matrix (true real / AI ×
 * "No AI signs found" / "Unsure" / "Likely AI-generated" under the model's threshold and unsure band).
 */
import { parseArgs } from 'node:util';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { shellJoin } from '../node/shell';
import { initTf } from '../node/backend';
import { MIN_SIDE_PIXELS } from '../../extension/shared/preprocess';
import { loadDetectorFromDir, resolveManifestPath } from '../node/model-dir';
import { loadRecords } from '../data/manifest';
import { splitRecords } from '../data/split';
import { DEGRADE_LEVELS, type DegradeLevel } from '../data/degrade';
import { scoreRecords, buildReport, reportTable, detectorScoreFn, coreScoreFn, type EvalReport, type UnsureSummary } from '../eval/evaluate';
import { createProgress } from '../eval/progress';
import { parseAggregation, type TileMode } from '../../extension/shared/tiling';
import { createScorer } from '../../extension/shared/detector';
import { writeEvalPlots } from '../eval/plots';
import { fusedOf, productReport, provenanceOfFile, provenanceReport, provenanceTable } from '../eval/provenance';
import { LABEL_TEXT } from '../../extension/shared/wording';

const USAGE = `usage: npm run evaluate -- [--model models/default] --manifest <tsv|folder> [--root <dir>]
       [--degrade clean|web|avatar] [--split test|all] [--threshold <p>] [--limit <n>]
       [--batch <n>] [--min-side <px>] [--tiles sample|all|off] [--aggregation mean|trimmed-mean:<t>|top-quantile-mean:<q>]
       [--plots <dir>] [--pixels-only] [--quiet] --out <report.json>`;

/**
 * Reads the split settings a model was trained with from its manifest provenance. Accepted spellings:
 * `split: {seed, fractions}`, `split_seed` / `split_fractions`, `splitSeed` / `splitFractions`
 * (what training/cli/train.ts writes).
 * @returns seed and fractions when present (fractions must be three numbers)
 */
export function splitFromProvenance(prov: Record<string, unknown> | undefined): { seed?: number; fractions?: [number, number, number] } {
  if (!prov) return {};
  const s = (typeof prov.split === 'object' && prov.split !== null ? prov.split : {}) as { seed?: unknown; fractions?: unknown };
  const seed = [s.seed, prov.split_seed, prov.splitSeed].find((v): v is number => typeof v === 'number');
  const fr = [s.fractions, prov.split_fractions, prov.splitFractions].find(
    (v): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number'),
  );
  return { ...(seed !== undefined ? { seed } : {}), ...(fr ? { fractions: fr } : {}) };
}

/**
 * Printed (stderr at the start, stdout above the table) and recorded (`meta.includes_training_images`) for
 * `--split all`: the numbers then include the images the model was trained and calibrated on.
 */
export const SPLIT_ALL_NOTE =
  'note: --split all scores every image of the manifest, INCLUDING the images the model was trained and calibrated on, ' +
  'so these numbers are optimistic; use --split test for the held-out test split only.';

/** The split in words for plot titles: "all images, incl. training" / "test split". */
export function splitWords(split: 'all' | 'test'): string {
  return split === 'all' ? 'all images, incl. training' : 'test split';
}

/**
 * The summary line of the three-outcome verdicts, in the product's words (`extension/shared/wording.ts`):
 * 'with the unsure band 0.1: 74.2% "Unsure", decided accuracy 0.558, real photos called "Likely
 * AI-generated" 11.2%, AI images called "No AI signs found" 11.8%'.
 * @param u the report's `unsure` block (rates in [0, 1]; `null` / absent where a class or decision is absent)
 */
export function unsureLine(u: Pick<UnsureSummary, 'band' | 'unsure_rate' | 'decided_accuracy' | 'fpr' | 'fnr'>): string {
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  return `with the unsure band ${u.band}: ${pct(u.unsure_rate)} "${LABEL_TEXT.unsure}", decided accuracy ${u.decided_accuracy?.toFixed(3) ?? '—'}, ` +
    `real photos called "${LABEL_TEXT.synthetic}" ${pct(u.fpr)}, AI images called "${LABEL_TEXT.real}" ${pct(u.fnr)}`;
}

/**
 * Runs the CLI with `argv` (without node and script).
 * @returns the report written to `--out`
 * @throws {Error} for bad arguments, a missing model or manifest (image errors are reported, not thrown)
 */
export async function main(argv: string[]): Promise<EvalReport> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: 'models/default' },
      manifest: { type: 'string' },
      root: { type: 'string' },
      degrade: { type: 'string', default: 'clean' },
      split: { type: 'string', default: 'all' },
      threshold: { type: 'string' },
      limit: { type: 'string' },
      batch: { type: 'string', default: '16' },
      'min-side': { type: 'string', default: String(MIN_SIDE_PIXELS) },
      tiles: { type: 'string', default: 'sample' },
      aggregation: { type: 'string' },
      plots: { type: 'string' },
      'pixels-only': { type: 'boolean', default: false },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) { console.log(USAGE); process.exit(0); }
  if (!values.manifest || !values.out) throw new Error(`--manifest and --out are required\n${USAGE}`);
  const level = values.degrade as DegradeLevel;
  if (!DEGRADE_LEVELS.includes(level)) throw new Error(`--degrade must be one of ${DEGRADE_LEVELS.join('|')}, got "${values.degrade}"`);
  if (!['sample', 'all', 'off'].includes(values.tiles!)) throw new Error(`--tiles must be sample, all or off, got "${values.tiles}"`);
  const tiles = (values.tiles === 'off' ? 'sample' : values.tiles) as TileMode;
  if (values.split !== 'test' && values.split !== 'all') throw new Error(`--split must be test or all, got "${values.split}"`);
  const log = (m: string) => { if (!values.quiet) process.stderr.write(m + '\n'); };

  const { tf, backend } = await initTf({ want: 'inference', quiet: values.quiet });
  const manifestPath = await resolveManifestPath(values.model!);
  const det = await loadDetectorFromDir(tf, values.model!);
  log(`model ${det.id} (${det.manifest.arch}, ${det.manifest.preprocess.inputSize}px ${det.manifest.preprocess.geometry}) from ${manifestPath}`);
  const threshold = values.threshold !== undefined ? Number(values.threshold) : det.manifest.threshold;
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`--threshold must be in [0, 1], got ${values.threshold}`);

  let recs = await loadRecords(values.manifest, values.root);
  const total = recs.length;
  let splitInfo: Record<string, unknown> = { split: 'all', includes_training_images: true };
  if (values.split === 'all') log(SPLIT_ALL_NOTE);
  if (values.split === 'test') {
    const s = splitFromProvenance(det.manifest.provenance);
    if (s.seed === undefined) log('warning: model provenance has no split seed; using the split module default (1234)');
    // A seeded training split ignores folder-given splits (training/cli/train.ts uses respectGiven: false).
    recs = splitRecords(recs, { ...s, respectGiven: s.seed === undefined }).test;
    splitInfo = { split: 'test', includes_training_images: false, ...s };
  }
  if (values.limit) recs = recs.slice(0, Number(values.limit));
  // The scoring spec: the manifest's, unless --tiles off / --aggregation override it for a comparison.
  const overridden = values.tiles === 'off' || values.aggregation !== undefined;
  if (values.aggregation !== undefined && !det.manifest.tiling) throw new Error('--aggregation needs a model with a tiling block');
  const tiling = values.tiles === 'off' || !det.manifest.tiling ? undefined
    : { ...det.manifest.tiling, ...(values.aggregation ? { aggregation: parseAggregation(values.aggregation) } : {}) };
  const scoreFn = overridden ? coreScoreFn(createScorer(tf, det.model, { ...det.manifest, tiling }), { mode: tiles }) : detectorScoreFn(det, { mode: tiles });
  log(`${recs.length} of ${total} images, degradation ${level}, threshold ${threshold}${tiling ? `, tiles ${tiles} (${tiling.tileSize} px, ${JSON.stringify(tiling.aggregation)})` : `, ${det.manifest.crops ?? 1} test-time crops`}`);

  const progress = createProgress(recs.length, `evaluate ${level}`, values.quiet ? null : process.stderr);
  const t0 = Date.now();
  const { predictions, errors } = await scoreRecords(recs, scoreFn, { level, batchSize: Number(values.batch), progress, minSide: Number(values['min-side']) });
  progress.done();
  det.dispose();
  if (!values['pixels-only']) {
    const fileOf = new Map(recs.map((r) => [r.path, r.file]));
    for (const p of predictions) p.provenance = await provenanceOfFile(fileOf.get(p.path)!);
  }
  if (predictions.length === 0) throw new Error(`no image could be scored (${errors.length} errors; first: ${errors[0]?.error ?? 'none'})`);
  const report = buildReport(predictions, errors, threshold, {
    model: det.id,
    model_manifest: relative(process.cwd(), manifestPath) || manifestPath,
    manifest: values.manifest,
    root: values.root ?? null,
    degrade: level,
    ...splitInfo,
    tiles: tiling ? { mode: tiles, ...tiling } : null,
    crops: tiling ? null : (det.manifest.crops ?? 1),
    backend,
    command: `npm run evaluate -- ${shellJoin(argv)}`,
    seconds: (Date.now() - t0) / 1000,
    date: new Date().toISOString(),
    pixels_only: values['pixels-only'],
  }, det.manifest.unsureBand);
  if (!values['pixels-only']) {
    const band = det.manifest.unsureBand ?? 0;
    for (const p of report.predictions) p.fused = fusedOf(p.probability, p.provenance, threshold, band);
    report.provenance = provenanceReport(predictions);
    report.product = productReport(predictions, threshold, band);
  }
  await mkdir(dirname(resolve(values.out)), { recursive: true });
  await writeFile(values.out, JSON.stringify(report, null, 1) + '\n');
  if (values.plots) {
    const files = await writeEvalPlots(values.plots, predictions.map((p) => (p.label === 'synthetic' ? 1 : 0)), predictions.map((p) => p.probability), threshold,
      { prefix: `${level}-`, title: `(${det.id}, ${level}, ${splitWords(values.split as 'all' | 'test')})`, unsureBand: det.manifest.unsureBand ?? 0 });
    log(`plots: ${files.join(', ')}`);
  }
  if (!values.quiet) {
    if (values.split === 'all') console.log(`${SPLIT_ALL_NOTE}\n`);
    console.log(reportTable(report));
    if (report.unsure) console.log(`\n${unsureLine(report.unsure)}`);
    if (report.provenance) console.log(`\n${provenanceTable(report.provenance)}`);
    if (report.product) {
      const pr = report.product;
      const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
      console.log(`product (provenance + pixels, band ${pr.band}): ${pct(pr.unsure_rate)} "${LABEL_TEXT.unsure}", decided accuracy ${pr.decided_accuracy?.toFixed(3) ?? '—'}, real photos called AI ${pct(pr.fpr)}, AI images given "${LABEL_TEXT.real}" ${pct(pr.fnr)}, decided by provenance: ${pr.decided_by_provenance.synthetic} AI-generated / ${pr.decided_by_provenance.real} camera original, valid AI claims called AI ${pct(pr.valid_ai_claim_recall)}`);
    }
    if (errors.length > 0) console.log(`\n${errors.length} image(s) failed:\n` + errors.slice(0, 10).map((e) => `  ${e.path}: ${e.error}`).join('\n'));
    console.log(`\nreport: ${values.out}`);
  }
  return report;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`evaluate: ${e.message}`);
    process.exit(1);
  });
}
