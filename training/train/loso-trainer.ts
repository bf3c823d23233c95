/**
 * Plugs the patch trainer into the leave-one-source-out harness (`training/cli/loso.ts`):
 *
 *   nice npx tsx training/cli/loso.ts --manifest ../shared/data/MANIFEST.tsv \
 *     --trainer training/train/loso-trainer.ts#makeTrainer [--arch=npr-patch-cnn] [--steps=1200] \
 *     [--p-native=0.5] [--lr=0.002] [--widths=24,32,48,48] [--kernels=3,3,1,1] [--cache=<file>] [--align=1]
 *     [--train-sources=a,b,c] --out out/loso/npr-patch
 *
 * (The harness parses unknown options loosely: write them as `--name=value`.)
 *
 * `--train-sources` trains (and validates) each fold on those sources only (minus the held-out one), e.g. the
 * class-matched pipelines, so that source identity (film scans = real, PNG art = synthetic) cannot stand in
 * for the label; every source is still scored when held out.
 *
 * Each fold trains from scratch on the other sources (best-val checkpoint on the fold's validation
 * slice), calibrates with Platt scaling on that slice, and scores the held-out source through the
 * extension's scoring core (`scorer.ts`: the same tiles and aggregation as the product on wasm) under each
 * degradation level.
 */
import type { TrainerFactory } from '../cli/loso';
import { imageScorer, type TrainFn } from '../eval/loso';
import { loadRecords, type Rec } from '../data/manifest';
import { useWasmBackend } from '../kernels/wasm-backend';
import { buildPatchCache, defaultCacheFile } from './patch-cache';
import { trainPatchModel } from './trainer';
import { patchModelScoreFn } from './scorer';
import { archEntry } from '../models/registry';

export const makeTrainer: TrainerFactory = async ({ args }) => {
  await useWasmBackend();
  const arch = String(args.arch ?? 'npr-patch-cnn');
  const entry = archEntry(arch);
  const records = await loadRecords(String(args.manifest), args.root as string | undefined);
  const pNative = Number(args['p-native'] ?? 0);
  const alignGrid = args.align === '1' || args.align === true;
  const cacheFile = String(args.cache ?? defaultCacheFile(pNative, alignGrid));
  const cache = await buildPatchCache(records, cacheFile, { region: 128, variants: 6, seed: 1, pNative, alignGrid });
  const archOptions = typeof args.widths === 'string' || typeof args.kernels === 'string'
    ? { ...(typeof args.widths === 'string' ? { widths: args.widths.split(',').map(Number) } : {}), ...(typeof args.kernels === 'string' ? { kernels: args.kernels.split(',').map(Number) } : {}) }
    : undefined;
  const lr = typeof args.lr === 'string' ? Number(args.lr) : undefined;
  const steps = Number(args.steps ?? 1200);
  const only = typeof args['train-sources'] === 'string' ? new Set(args['train-sources'].split(',')) : undefined;
  const fn: TrainFn<Rec> = async (allTrain, allVal, ctx) => {
    const train = only ? allTrain.filter((r) => only.has(r.source)) : allTrain;
    const val = only ? allVal.filter((r) => only.has(r.source)) : allVal;
    if (only) process.stderr.write(`  fold ${ctx.source}: training on ${[...only].filter((s) => s !== ctx.source).join(', ')} (${train.length} train, ${val.length} val)\n`);
    const res = await trainPatchModel(train, val, cache, { arch, steps, seed: ctx.seed, evalEvery: Math.max(50, Math.round(steps / 8)), alignGrid, ...(lr ? { lr } : {}), ...(archOptions ? { archOptions } : {}) });
    process.stderr.write(`  fold ${ctx.source}: best step ${res.best.step}, val AUC ${res.val.auc.toFixed(3)} bAcc ${res.val.balancedAccuracy.toFixed(3)} ECE ${res.val.ece.toFixed(3)}, platt a=${res.calibration.a.toFixed(3)} b=${res.calibration.b.toFixed(3)}, ${res.seconds.toFixed(0)} s, ${res.imgPerSec.toFixed(0)} img/s\n`);
    return imageScorer(patchModelScoreFn(res.model, entry.preprocess, entry.crops, res.calibration, entry.tiling), { dispose: () => res.model.dispose() });
  };
  return fn;
};
