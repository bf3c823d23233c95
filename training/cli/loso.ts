/**
 * Leave-one-source-out harness, CLI and API.
 *
 *   npx tsx training/cli/loso.ts --manifest ../shared/data/MANIFEST.tsv [--root <dir>]
 *     --trainer logreg --features out/features/residual.bin      # built-in: logistic regression on a cache
 *     | --trainer path/to/module.ts#makeTrainer [--features …]   # your own: see below
 *     [--degrade clean,web,avatar] [--sources a,b] [--seed 1234] [--val 0.15] [--threshold 0.5]
 *     [--train-levels clean] [--name <label>] --out out/loso/<name>
 *     [--within <source>[,<source>] --folds 5]   # within-source k-fold CV instead (`withinSourceFolds`)
 *     [--fold-by family]                          # leave-one-generator-family-out instead (`familyFolds`)
 *
 * Writes `<out>/loso.json` (per-source, pooled and matched-source metrics per level, all predictions)
 * and `<out>/loso.md` (the table), and prints the markdown.
 *
 * A custom trainer module exports a factory
 *   `export const makeTrainer: TrainerFactory = async ({ cache, args }) => trainFn`
 * returning a `TrainFn` (training/eval/loso.ts): `(train: Rec[], val: Rec[], ctx) => Promise<Scorer>`.
 * Image models return `imageScorer(fn)`; feature models `featureScorer(cache, logitOf)`.
 * Programmatic use: `import { runLoso } from './loso'` (re-exported here from training/eval/loso.ts).
 */
import { parseLooseArgs } from '../node/args';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { shellJoin } from '../node/shell';
import { loadRecords, type Rec } from '../data/manifest';
import { FeatureCache } from '../data/feature-cache';
import { runLoso, logisticTrainer, writeLosoReport, losoMarkdown, type TrainFn, type LosoResult } from '../eval/loso';
import { parseLevels } from './features';
import { familyFolds, withinSourceFolds } from '../data/split';
import { importRef } from '../node/module-ref';

export { runLoso, imageScorer, featureScorer, logisticTrainer, fitLogistic, writeLosoReport, losoMarkdown } from '../eval/loso';
export type { Scorer, TrainFn, FoldContext, LosoOptions, LosoResult } from '../eval/loso';

/** What a `--trainer module#export` must export. */
export type TrainerFactory = (ctx: { cache?: FeatureCache; args: Record<string, string | boolean | undefined> }) => TrainFn<Rec> | Promise<TrainFn<Rec>>;

/** Runs the CLI; returns the result (also written to `--out`). */
export async function main(argv: string[]): Promise<LosoResult> {
  const values = parseLooseArgs(argv, {
      manifest: { type: 'string' }, root: { type: 'string' }, trainer: { type: 'string', default: 'logreg' },
      features: { type: 'string' }, degrade: { type: 'string', default: 'clean,web,avatar' }, sources: { type: 'string' },
      seed: { type: 'string', default: '1234' }, val: { type: 'string', default: '0.15' }, threshold: { type: 'string', default: '0.5' },
      'train-levels': { type: 'string', default: 'clean' }, name: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean', default: false },
      within: { type: 'string' }, folds: { type: 'string', default: '5' }, 'fold-by': { type: 'string' },
  });
  if (!values.manifest || !values.out) throw new Error('usage: loso.ts --manifest <tsv> --trainer logreg|<module#export> [--features <cache>] --out <dir>');
  let records = await loadRecords(String(values.manifest), values.root as string | undefined);
  if (values.within && values['fold-by']) throw new Error('--within and --fold-by cannot be combined');
  if (values.within) records = withinSourceFolds(records, String(values.within).split(','), Number(values.folds), Number(values.seed));
  if (values['fold-by']) records = familyFolds(records, String(values['fold-by']));
  const cache = values.features ? await FeatureCache.load(String(values.features)) : undefined;
  const trainerName = String(values.trainer);
  let trainFn: TrainFn<Rec>;
  if (trainerName === 'logreg') {
    if (!cache) throw new Error('--trainer logreg needs --features <cache.bin> (make one with training/cli/features.ts)');
    trainFn = logisticTrainer(cache, { trainLevels: parseLevels(String(values['train-levels'])) });
  } else {
    trainFn = await (await importRef<TrainerFactory>(trainerName))({ cache, args: values });
  }
  const name = String(values.name ?? (cache ? `${trainerName} on ${cache.extractor}` : trainerName));
  const result = await runLoso({
    records, trainFn, name,
    degrade: parseLevels(String(values.degrade)),
    sources: values.sources ? String(values.sources).split(',') : undefined,
    seed: Number(values.seed), valFraction: Number(values.val), threshold: Number(values.threshold),
    log: values.quiet ? () => {} : undefined,
  });
  await writeLosoReport(result, String(values.out), { command: `npx tsx training/cli/loso.ts ${shellJoin(argv)}`, date: new Date().toISOString(), features: values.features ?? null });
  if (!values.quiet) console.log(losoMarkdown(result));
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => { console.error(`loso: ${e.message}`); process.exit(1); });
}
