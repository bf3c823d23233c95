/**
 * Plugs the patch trainer into the leave-one-source-out harness (`training/cli/loso.ts`):
 *
 *   nice npx tsx training/cli/loso.ts --manifest ../shared/data/MANIFEST.tsv \
 *     --trainer training/train/loso-trainer.ts#makeTrainer [--arch npr-patch-cnn] [--steps 1200] \
 *     [--cache training/.cache/patches-r128-v6-s1.bin] --out out/loso/npr-patch
 *
 * Each fold trains from scratch on the other sources (best-val checkpoint on the fold's validation
 * slice), calibrates with Platt scaling on that slice, and scores the held-out source through the
 * extension's preprocessing (`scorer.ts`) under each degradation level.
 */
import type { TrainerFactory } from '../cli/loso';
import { imageScorer, type TrainFn } from '../eval/loso';
import { loadRecords, type Rec } from '../data/manifest';
import { useWasmBackend } from '../kernels/wasm-backend';
import { buildPatchCache } from './patch-cache';
import { trainPatchModel } from './trainer';
import { patchModelScoreFn } from './scorer';
import { archEntry } from '../models/registry';

export const makeTrainer: TrainerFactory = async ({ args }) => {
  await useWasmBackend();
  const arch = String(args.arch ?? 'npr-patch-cnn');
  const entry = archEntry(arch);
  const records = await loadRecords(String(args.manifest), args.root as string | undefined);
  const cacheFile = String(args.cache ?? 'training/.cache/patches-r128-v6-s1.bin');
  const cache = await buildPatchCache(records, cacheFile, { region: 128, variants: 6, seed: 1 });
  const steps = Number(args.steps ?? 1200);
  const fn: TrainFn<Rec> = async (train, val, ctx) => {
    const res = await trainPatchModel(train, val, cache, { arch, steps, seed: ctx.seed, evalEvery: Math.max(50, Math.round(steps / 8)) });
    process.stderr.write(`  fold ${ctx.source}: best step ${res.best.step}, val AUC ${res.val.auc.toFixed(3)} bAcc ${res.val.balancedAccuracy.toFixed(3)} ECE ${res.val.ece.toFixed(3)}, platt a=${res.calibration.a.toFixed(3)} b=${res.calibration.b.toFixed(3)}, ${res.seconds.toFixed(0)} s, ${res.imgPerSec.toFixed(0)} img/s\n`);
    return imageScorer(patchModelScoreFn(res.model, entry.preprocess, entry.crops, res.calibration), { dispose: () => res.model.dispose() });
  };
  return fn;
};
