/**
 * Trainer for patch-level detectors (`npr-patch-cnn`) on the tfjs wasm backend with the gradient
 * kernels of `extension/shared/tf/wasm-grads.ts`.
 *
 * Samples: random `patch × patch` windows of the cached augmented regions (`patch-cache.ts`), with
 * random horizontal/vertical flips, class-balanced batches (half real, half synthetic; images uniform
 * within a class). Every patch of an image comes from that image's records only, and the split is by
 * image (and `group`), so patches of one image never straddle train and validation.
 * Optimiser: Adam, cosine learning-rate decay to 5 % over `steps`; sigmoid cross-entropy on the image
 * label. Validation: every `evalEvery` steps the model scores each validation image (the full cached
 * regions of `valVariants` variants, logits averaged) and the weights with the highest validation
 * ROC-AUC are kept (best-val checkpoint; the raw log-loss drifts with the logit scale, which the
 * calibration step fixes anyway). Finally Platt scaling and a balanced-accuracy threshold are
 * fitted on the validation logits of the kept weights (`calibration.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rec } from '../data/manifest';
import { mulberry32, hashString } from '../data/rng';
import { rocAuc, expectedCalibrationError } from '../eval/metrics';
import { sigmoid } from '../../extension/shared/verdict';
import type { Calibration } from '../../extension/shared/model-manifest';
import { regionOffset, type PatchCache } from './patch-cache';
import { fitPlatt, bestBalancedThreshold } from './calibration';
import { buildArch } from '../models/registry';

export interface PatchTrainConfig {
  arch: string;
  /** Training patch side (even), default 64. */
  patch: number;
  batch: number;
  steps: number;
  lr: number;
  evalEvery: number;
  /** Variants per validation image scored at each evaluation (default 2). */
  valVariants: number;
  seed: number;
  /** Take training patches at even offsets of the cached region (see `PatchCacheOptions.alignGrid`). */
  alignGrid?: boolean;
  /** Extra options passed to the architecture builder. */
  archOptions?: Record<string, unknown>;
}

export const DEFAULT_PATCH_TRAIN: PatchTrainConfig = {
  arch: 'npr-patch-cnn', patch: 64, batch: 32, steps: 600, lr: 2e-3, evalEvery: 50, valVariants: 3, seed: 1,
};

export interface PatchTrainResult {
  model: tf.LayersModel;
  /** Step of the kept weights and its validation metrics. */
  best: { step: number; valLoss: number; valAuc: number };
  history: Array<{ step: number; trainLoss: number; valLoss: number; valAuc: number; seconds: number }>;
  calibration: Calibration & { type: 'platt' };
  /** Decision threshold on the calibrated probability (best balanced accuracy on validation). */
  threshold: number;
  /** Validation summary of the kept weights after calibration. */
  val: { n: number; auc: number; balancedAccuracy: number; ece: number };
  seconds: number;
  imgPerSec: number;
}

/** Fills `out` (offset `o`) with a `p × p` window of cached region (i, v) at (x, y), flipped, in [0, 1]. */
function writePatch(cache: PatchCache, i: number, v: number, x: number, y: number, p: number, flipH: boolean, flipV: boolean, out: Float32Array, o: number): void {
  const R = cache.region;
  const base = regionOffset(cache, i, v);
  const d = cache.data;
  for (let r = 0; r < p; r++) {
    const sy = y + (flipV ? p - 1 - r : r);
    for (let c = 0; c < p; c++) {
      const sx = x + (flipH ? p - 1 - c : c);
      const s = base + (sy * R + sx) * 3;
      const t = o + (r * p + c) * 3;
      out[t] = d[s]! / 255; out[t + 1] = d[s + 1]! / 255; out[t + 2] = d[s + 2]! / 255;
    }
  }
}

/** One training patch: cached region (`index`, `variant`), top-left corner (x, y), flips and label. */
export interface PatchDraw { index: number; variant: number; x: number; y: number; flipH: boolean; flipV: boolean; label: 0 | 1 }

/**
 * The patch sampler: a class-balanced batch (even slots real, odd slots synthetic), images uniform within
 * a class, drawn ONLY from the cache indices in `byClass` — the training records — so no patch of a
 * validation or test image can enter training (`trainPatchModel` also refuses overlapping splits).
 * @param byClass cache indices of the training records, `[real, synthetic]`, both non-empty
 * @param R cached region side; @param P patch side ≤ R; @param B batch size
 * @param alignGrid even x and y (see `PatchCacheOptions.alignGrid`)
 */
export function drawPatchBatch(rng: () => number, byClass: [number[], number[]], variants: number, R: number, P: number, B: number, alignGrid = false): PatchDraw[] {
  const out: PatchDraw[] = [];
  for (let b = 0; b < B; b++) {
    const label = (b % 2) as 0 | 1;
    const list = byClass[label];
    const index = list[Math.floor(rng() * list.length)]!;
    const variant = Math.floor(rng() * variants);
    let x = Math.floor(rng() * (R - P + 1)), y = Math.floor(rng() * (R - P + 1));
    if (alignGrid) { x -= x % 2; y -= y % 2; }
    out.push({ index, variant, x, y, flipH: rng() < 0.5, flipV: rng() < 0.5, label });
  }
  return out;
}

/**
 * Mean logit per record over the first `variants` cached regions (whole `R × R` region, no flip).
 * @returns Float32Array of logits, in the order of `recs`
 */
export function cachedLogits(model: tf.LayersModel, cache: PatchCache, recs: Rec[], variants: number, batch = 16): Float32Array {
  const R = cache.region;
  const out = new Float32Array(recs.length);
  const items: Array<[number, number]> = [];
  recs.forEach((r, k) => { for (let v = 0; v < Math.min(variants, cache.variants); v++) items.push([k, v]); });
  const counts = new Float32Array(recs.length);
  for (let s = 0; s < items.length; s += batch) {
    const part = items.slice(s, s + batch);
    const buf = new Float32Array(part.length * R * R * 3);
    part.forEach(([k, v], j) => writePatch(cache, cache.index.get(recs[k]!.path)!, v, 0, 0, R, false, false, buf, j * R * R * 3));
    const z = tf.tidy(() => (model.predict(tf.tensor4d(buf, [part.length, R, R, 3])) as tf.Tensor).dataSync());
    part.forEach(([k], j) => { out[k]! += z[j]!; counts[k]! += 1; });
  }
  for (let k = 0; k < out.length; k++) out[k]! /= counts[k]!;
  return out;
}

function logLoss(z: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, sigmoid(z[i]!)));
    s -= y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / z.length;
}

/**
 * Trains a patch model. The tfjs backend must already be set (wasm with `useWasmBackend()`).
 * @param train, val records present in `cache` (both classes in each)
 * @returns the best-validation model, its calibration and threshold, and the training history
 * @throws {Error} when a record is missing from the cache, a split lacks a class, or an image (group) is in both splits
 */
export async function trainPatchModel(train: Rec[], val: Rec[], cache: PatchCache, config: Partial<PatchTrainConfig> = {}, log: (m: string) => void = (m) => process.stderr.write(m + '\n')): Promise<PatchTrainResult> {
  const cfg = { ...DEFAULT_PATCH_TRAIN, ...config };
  for (const r of [...train, ...val]) if (!cache.index.has(r.path)) throw new Error(`${r.path} is not in the patch cache`);
  const trainGroups = new Set(train.map((r) => r.group));
  const leak = val.find((r) => trainGroups.has(r.group));
  if (leak) throw new Error(`${leak.path} (group ${leak.group}) is in both the training and the validation records`);
  const byClass: [number[], number[]] = [[], []];
  for (const r of train) byClass[r.y].push(cache.index.get(r.path)!);
  if (byClass[0].length === 0 || byClass[1].length === 0) throw new Error('training data needs both classes');
  const yVal = val.map((r) => r.y);
  if (!yVal.includes(0) || !yVal.includes(1)) throw new Error('validation data needs both classes');
  const rng = mulberry32(hashString(`train:${cfg.seed}`));
  const model = buildArch(cfg.arch, { inputSize: null, seed: cfg.seed, ...(cfg.archOptions ?? {}) });
  const opt = tf.train.adam(cfg.lr);
  const P = cfg.patch, B = cfg.batch, R = cache.region;
  const xBuf = new Float32Array(B * P * P * 3);
  const yBuf = new Float32Array(B);
  const history: PatchTrainResult['history'] = [];
  let best = { step: 0, valLoss: Infinity, valAuc: -Infinity };
  let bestWeights: tf.Tensor[] | undefined;
  const t0 = Date.now();
  let trainTime = 0, lossSum = 0, lossN = 0;
  for (let step = 1; step <= cfg.steps; step++) {
    const ts = Date.now();
    drawPatchBatch(rng, byClass, cache.variants, R, P, B, cfg.alignGrid ?? false).forEach((d, b) => {
      writePatch(cache, d.index, d.variant, d.x, d.y, P, d.flipH, d.flipV, xBuf, b * P * P * 3);
      yBuf[b] = d.label;
    });
    (opt as unknown as { learningRate: number }).learningRate = cfg.lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * (step - 1) / cfg.steps)));
    const loss = tf.tidy(() => {
      const xs = tf.tensor4d(xBuf, [B, P, P, 3]);
      const ys = tf.tensor2d(yBuf, [B, 1]);
      return opt.minimize(() => tf.losses.sigmoidCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    });
    lossSum += (await loss.data())[0]!; lossN++;
    loss.dispose();
    trainTime += Date.now() - ts;
    if (step % cfg.evalEvery === 0 || step === cfg.steps) {
      const z = cachedLogits(model, cache, val, cfg.valVariants);
      const valLoss = logLoss(z, yVal);
      const valAuc = rocAuc(yVal, z);
      const entry = { step, trainLoss: lossSum / lossN, valLoss, valAuc, seconds: (Date.now() - t0) / 1000 };
      history.push(entry);
      lossSum = 0; lossN = 0;
      // Select by validation ROC-AUC (ranking; Platt scaling fixes the scale afterwards), ties by loss.
      const better = valAuc > best.valAuc || (valAuc === best.valAuc && valLoss < best.valLoss);
      if (better) {
        best = { step, valLoss, valAuc };
        bestWeights?.forEach((w) => w.dispose());
        bestWeights = model.getWeights().map((w) => w.clone());
      }
      log(`  step ${step}/${cfg.steps} train ${entry.trainLoss.toFixed(4)} val loss ${valLoss.toFixed(4)} AUC ${valAuc.toFixed(3)}${better ? ' *' : ''} (${entry.seconds.toFixed(0)} s)`);
    }
  }
  if (bestWeights) { model.setWeights(bestWeights); bestWeights.forEach((w) => w.dispose()); }
  opt.dispose();
  const zVal = cachedLogits(model, cache, val, cache.variants);
  const platt = fitPlatt(zVal, yVal);
  const pVal = Array.from(zVal, (z) => sigmoid(platt.a * z + platt.b));
  const th = bestBalancedThreshold(pVal, yVal);
  return {
    model, best, history,
    calibration: { type: 'platt', a: platt.a, b: platt.b },
    threshold: th.threshold,
    val: { n: val.length, auc: rocAuc(yVal, zVal), balancedAccuracy: th.balancedAccuracy, ece: expectedCalibrationError(yVal, pVal) },
    seconds: (Date.now() - t0) / 1000,
    imgPerSec: (cfg.steps * B) / (trainTime / 1000),
  };
}
