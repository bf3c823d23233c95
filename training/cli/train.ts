/**
 * Trains a detector and exports it as a model folder (`manifest.json` + tfjs files, sha256-pinned).
 *
 *   npm run train -- --manifest ../shared/data/MANIFEST.tsv [--root <dir>] --arch npr-patch-cnn
 *     [--epochs 12 | --steps N] [--seed 1234] [--frozen] [--weights <notop.h5>] [--name …] [--version …]
 *     --out models/default
 *   Patch models (`npr-patch-cnn`) also take [--p-native 0.5] [--widths 24,32,48,48] [--kernels 3,3,1,1]
 *   [--lr 0.002] [--batch 32] [--cache <file>] (see `training/models/npr-patch.ts`, `training/train/patch-cache.ts`).
 *
 * Split: `splitRecords` (stratified by source and label, grouped) with `--seed` and fractions
 * 0.8/0.1/0.1. Validation drives the best checkpoint, Platt calibration and the threshold; the test
 * part is scored once at the end (a random split, so optimistic: leave-one-source-out numbers come
 * from `training/cli/loso.ts`). Writes `<out>/training-report.json` beside the model.
 *
 * `--arch efficientnet-b4` runs the seed paper's recipe (`training/train/image-trainer.ts`); on this
 * CPU-only machine that is a code path, not a practical run.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadRecords, type Rec } from '../data/manifest';
import { splitRecords } from '../data/split';
import { useWasmBackend } from '../kernels/wasm-backend';
import { buildPatchCache, defaultCacheFile } from '../train/patch-cache';
import { trainPatchModel } from '../train/trainer';
import { patchModelScoreFn } from '../train/scorer';
import { archEntry } from '../models/registry';
import { exportModel } from '../export/export';
import { scoreRecords } from '../eval/evaluate';
import { computeMetrics } from '../eval/metrics';

export interface TrainCliResult {
  out: string;
  report: Record<string, unknown>;
}

/** Runs the CLI. @throws {Error} for missing arguments or an unknown arch */
export async function main(argv: string[]): Promise<TrainCliResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      manifest: { type: 'string' }, root: { type: 'string' }, arch: { type: 'string', default: 'npr-patch-cnn' },
      frozen: { type: 'boolean', default: false }, epochs: { type: 'string' }, steps: { type: 'string' },
      seed: { type: 'string', default: '1234' }, out: { type: 'string' }, name: { type: 'string' }, version: { type: 'string', default: '0.1.0' },
      cache: { type: 'string' }, 'p-native': { type: 'string', default: '0' }, widths: { type: 'string' }, kernels: { type: 'string' }, lr: { type: 'string' }, weights: { type: 'string' }, batch: { type: 'string' }, 'no-test': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.manifest || !values.out) {
    throw new Error('usage: train.ts --manifest <tsv> [--root <dir>] --arch <name> [--frozen] [--epochs N] --out <dir>');
  }
  const command = `npm run train -- ${argv.join(' ')}`;
  const entry = archEntry(String(values.arch));
  const seed = Number(values.seed);
  const records = await loadRecords(String(values.manifest), values.root);
  const split = splitRecords(records, { seed, fractions: [0.8, 0.1, 0.1], respectGiven: false });
  const out = resolve(String(values.out));
  process.stderr.write(`[train] ${entry.name}: train ${split.train.length}, val ${split.val.length}, test ${split.test.length} (split seed ${seed})\n`);
  if (entry.regime === 'image') {
    const { trainImageModel } = await import('../train/image-trainer');
    const res = await trainImageModel(split.train, split.val, { arch: entry.name, frozen: values.frozen, epochs: values.epochs ? Number(values.epochs) : undefined, batch: values.batch ? Number(values.batch) : undefined, weights: values.weights, checkpointDir: resolve(out, 'checkpoint'), seed });
    const manifest = await exportModel(tf, res.model, {
      dir: out, name: values.name ?? `synthscreen-${entry.name}`, version: values.version, arch: entry.name, preprocess: entry.preprocess,
      output: entry.output, calibration: { type: 'none' }, threshold: 0.5, unsureBand: 0.1, crops: entry.crops, quantize: 'float16',
      provenance: { command, splitSeed: seed, splitFractions: [0.8, 0.1, 0.1], manifest: String(values.manifest), history: res.history },
    });
    return { out, report: { manifest } };
  }
  await useWasmBackend();
  const pNative = Number(values['p-native']);
  const cacheFile = values.cache ?? defaultCacheFile(pNative);
  const cache = await buildPatchCache(records, cacheFile, { region: 128, variants: 6, seed: 1, pNative });
  const archOptions = values.widths || values.kernels
    ? { ...(values.widths ? { widths: values.widths.split(',').map(Number) } : {}), ...(values.kernels ? { kernels: values.kernels.split(',').map(Number) } : {}) }
    : undefined;
  const batch = values.batch ? Number(values.batch) : 32;
  const steps = values.steps ? Number(values.steps) : Math.ceil((Number(values.epochs ?? 12) * split.train.length * cache.variants) / batch);
  const t0 = Date.now();
  const res = await trainPatchModel(split.train, split.val, cache, { arch: entry.name, steps, batch, seed, evalEvery: Math.max(50, Math.round(steps / 12)), ...(values.lr ? { lr: Number(values.lr) } : {}), ...(archOptions ? { archOptions } : {}) });
  const trainSeconds = (Date.now() - t0) / 1000;
  process.stderr.write(`[train] done in ${trainSeconds.toFixed(0)} s (${res.imgPerSec.toFixed(0)} img/s); best step ${res.best.step}; val AUC ${res.val.auc.toFixed(3)} bAcc ${res.val.balancedAccuracy.toFixed(3)} ECE ${res.val.ece.toFixed(3)}; threshold ${res.threshold.toFixed(3)}\n`);
  // Test part of the random split, scored through the extension's preprocessing (optimistic: same sources).
  let test: Record<string, unknown> | undefined;
  if (!values['no-test'] && split.test.length > 0) {
    const fn = patchModelScoreFn(res.model, entry.preprocess, entry.crops, res.calibration, entry.tiling);
    test = {};
    for (const level of ['clean', 'web', 'avatar'] as const) {
      const { predictions } = await scoreRecords(split.test, fn, { level });
      const m = computeMetrics(predictions.map((p) => (p.label === 'synthetic' ? 1 : 0)), predictions.map((p) => p.probability), res.threshold);
      test[level] = { n: m.n, balancedAccuracy: m.balanced_accuracy, rocAuc: m.roc_auc, ece: m.ece, fpr: m.fpr, fnr: m.fnr };
      process.stderr.write(`[train] random-split test ${level}: bAcc ${m.balanced_accuracy?.toFixed(3)} AUC ${m.roc_auc?.toFixed(3)} ECE ${m.ece.toFixed(3)}\n`);
    }
  }
  const manifest = await exportModel(tf, res.model, {
    dir: out, name: values.name ?? `synthscreen-${entry.name}`, version: values.version, arch: entry.name,
    preprocess: entry.preprocess, output: entry.output, crops: entry.crops, tiling: entry.tiling,
    calibration: res.calibration, threshold: Number(res.threshold.toFixed(4)), unsureBand: 0.1, quantize: 'float16',
    provenance: {
      command, split: { seed, fractions: [0.8, 0.1, 0.1] }, manifest: String(values.manifest), cache: { file: cacheFile, params: JSON.parse(cache.params) },
      steps, batch, patch: 64, lr: values.lr ? Number(values.lr) : 2e-3, archOptions: archOptions ?? null, trainSeconds, imgPerSec: res.imgPerSec, bestStep: res.best.step,
      validation: res.val, randomSplitTest: test, backend: tf.getBackend(), tfjs: tf.version.tfjs,
    },
  });
  const report = { command, arch: entry.name, split: { seed, train: split.train.length, val: split.val.length, test: split.test.length }, steps, batch, trainSeconds, imgPerSec: res.imgPerSec, best: res.best, history: res.history, calibration: res.calibration, threshold: res.threshold, validation: res.val, randomSplitTest: test, files: manifest.files };
  await mkdir(out, { recursive: true });
  await writeFile(resolve(out, 'training-report.json'), JSON.stringify(report, null, 2) + '\n');
  res.model.dispose();
  return { out, report };
}

export type { Rec };

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => { console.error(`train: ${e.stack ?? e.message}`); process.exit(1); });
}
