/**
 * The seed paper's classification head trained on frozen backbone features (Nabi et al.'s recipe minus the
 * backbone fine-tune): standardise → Dense(units, ReLU) → BatchNorm → Dropout → Dense(1) logit, Adam 1e-3,
 * batch 64, at most 20 epochs, learning rate halved when the validation loss stops improving for 2 epochs,
 * best-validation checkpoint. Losses are class-balanced (each class weighs half).
 *
 * Plugs into the leave-one-source-out harness on a feature cache (`training/cli/features.ts`):
 *
 *   npx tsx training/cli/loso.ts --manifest <tsv> --features <cache.bin>
 *     --trainer training/train/head-trainer.ts#makeTrainer [--units=256] [--dropout=0.5] [--epochs=20]
 *     [--batch=64] [--lr=0.001] [--train-levels=clean,web,avatar] [--val-level=web] --out <dir>
 *
 * and `fitHead` is used by `training/cli/train-head.ts` to train the shipped head on all the data.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainerFactory } from '../cli/loso';
import type { Rec } from '../data/manifest';
import type { DegradeLevel } from '../data/degrade';
import type { FeatureCache } from '../data/feature-cache';
import { featureScorer, type TrainFn } from '../eval/loso';
import { mulberry32, shuffleInPlace } from '../data/rng';
import { parseLevels } from '../cli/features';
import { useWasmBackend } from '../kernels/wasm-backend';

/** Options of `fitHead`. */
export interface HeadOptions {
  /** Width of the hidden dense layer (seed: 256 is not stated; 256 here). */
  units: number;
  /** Dropout rate in [0, 1). */
  dropout: number;
  /** Maximum epochs (seed: 20). */
  epochs: number;
  /** Batch size (seed: 64). */
  batchSize: number;
  /** Initial Adam learning rate (seed: 1e-3). */
  lr: number;
  seed: number;
}

export const HEAD_DEFAULTS: HeadOptions = { units: 256, dropout: 0.5, epochs: 20, batchSize: 64, lr: 1e-3, seed: 1 };

/** A trained head: standardisation statistics and the tfjs model mapping standardised features to one logit. */
export interface FittedHead {
  mean: Float32Array;
  std: Float32Array;
  model: tf.LayersModel;
  /** Epoch (1-based) of the kept checkpoint and its class-balanced validation log-loss. */
  bestEpoch: number;
  bestValLoss: number;
}

/** Builds the head: `[N, dim]` standardised float32 → `[N, 1]` logit. */
export function buildHead(dim: number, opts: Pick<HeadOptions, 'units' | 'dropout' | 'seed'>): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: opts.seed * 31 + k });
  return tf.sequential({
    name: 'seed_head',
    layers: [
      tf.layers.dense({ inputShape: [dim], units: opts.units, activation: 'relu', kernelInitializer: init(1), name: 'head_dense' }),
      tf.layers.batchNormalization({ name: 'head_bn' }),
      tf.layers.dropout({ rate: opts.dropout, seed: opts.seed, name: 'head_dropout' }),
      tf.layers.dense({ units: 1, kernelInitializer: init(2), name: 'head_logit' }),
    ],
  });
}

function balancedLoss(yTrue: tf.Tensor, logits: tf.Tensor, w: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.losses.sigmoidCrossEntropy(yTrue, logits, w) as tf.Scalar);
}

function classWeights(y: number[]): number[] {
  const n1 = y.filter((v) => v === 1).length, n0 = y.length - n1;
  return y.map((v) => (v === 1 ? y.length / (2 * Math.max(1, n1)) : y.length / (2 * Math.max(1, n0))));
}

/**
 * Trains the head on feature vectors.
 * @param X training vectors (float32, equal length `dim`); `y` 0/1 labels, both classes present
 * @param Xv, yv validation vectors and labels for the checkpoint and the plateau schedule (may be empty:
 *   then the last epoch is kept)
 * @returns the fitted head (caller disposes `model`)
 * @throws {RangeError} for empty or single-class training data, or ragged vectors
 */
export async function fitHead(X: Float32Array[], y: number[], Xv: Float32Array[], yv: number[], options: Partial<HeadOptions> = {}): Promise<FittedHead> {
  const o = { ...HEAD_DEFAULTS, ...options };
  const n = X.length;
  if (n === 0 || n !== y.length) throw new RangeError(`need matching non-empty X and y (${n} vs ${y.length})`);
  if (!y.includes(0) || !y.includes(1)) throw new RangeError('the head needs both classes');
  const dim = X[0]!.length;
  const mean = new Float32Array(dim), std = new Float32Array(dim);
  for (const x of X) { if (x.length !== dim) throw new RangeError('ragged feature vectors'); for (let j = 0; j < dim; j++) mean[j]! += x[j]! / n; }
  for (const x of X) for (let j = 0; j < dim; j++) std[j]! += (x[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const pack = (V: Float32Array[]) => {
    const flat = new Float32Array(V.length * dim);
    V.forEach((v, i) => { for (let j = 0; j < dim; j++) flat[i * dim + j] = (v[j]! - mean[j]!) / std[j]!; });
    return flat;
  };
  const xs = tf.tensor2d(pack(X), [n, dim]);
  const ys = tf.tensor2d(y, [n, 1]);
  const ws = tf.tensor2d(classWeights(y), [n, 1]);
  const hasVal = Xv.length > 0 && yv.includes(0) && yv.includes(1);
  const xv = hasVal ? tf.tensor2d(pack(Xv), [Xv.length, dim]) : undefined;
  const yvT = hasVal ? tf.tensor2d(yv, [yv.length, 1]) : undefined;
  const wv = hasVal ? tf.tensor2d(classWeights(yv), [yv.length, 1]) : undefined;
  const model = buildHead(dim, o);
  let lr = o.lr;
  let optimizer = tf.train.adam(lr);
  const rng = mulberry32(o.seed >>> 0);
  const order = Array.from({ length: n }, (_, i) => i);
  let best = { epoch: 0, loss: Infinity, weights: [] as tf.Tensor[] };
  let stall = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      shuffleInPlace(order, rng);
      for (let s = 0; s < n; s += o.batchSize) {
        const idx = tf.tensor1d(order.slice(s, s + o.batchSize), 'int32');
        optimizer.minimize(() => {
          const xb = tf.gather(xs, idx), yb = tf.gather(ys, idx), wb = tf.gather(ws, idx);
          return balancedLoss(yb, model.apply(xb, { training: true }) as tf.Tensor, wb);
        });
        idx.dispose();
      }
      const loss = hasVal ? (await (tf.tidy(() => balancedLoss(yvT!, model.predict(xv!) as tf.Tensor, wv!))).data())[0]! : -epoch;
      if (loss < best.loss - 1e-4) {
        best.weights.forEach((t) => t.dispose());
        best = { epoch, loss, weights: model.getWeights().map((t) => t.clone()) };
        stall = 0;
      } else if (++stall >= 2) {
        // Learning rate on plateau (Keras ReduceLROnPlateau, factor 0.5, patience 2).
        lr /= 2;
        optimizer.dispose();
        optimizer = tf.train.adam(lr);
        stall = 0;
      }
    }
    model.setWeights(best.weights);
  } finally {
    best.weights.forEach((t) => t.dispose());
    optimizer.dispose();
    tf.dispose([xs, ys, ws, ...(xv ? [xv, yvT!, wv!] : [])]);
  }
  return { mean, std, model, bestEpoch: best.epoch, bestValLoss: hasVal ? best.loss : NaN };
}

/**
 * Logit of a fitted head for one feature vector.
 * @returns a finite number (pre-calibration logit)
 */
export function headLogit(h: FittedHead, x: Float32Array): number {
  const dim = h.mean.length;
  const v = new Float32Array(dim);
  for (let j = 0; j < dim; j++) v[j] = (x[j]! - h.mean[j]!) / h.std[j]!;
  return tf.tidy(() => (h.model.predict(tf.tensor2d(v, [1, dim])) as tf.Tensor).dataSync()[0]!);
}

/** Collects cached vectors of `recs` at `levels` (records without a vector are skipped). */
export function cachedRows(cache: FeatureCache, recs: Rec[], levels: readonly DegradeLevel[]): { X: Float32Array[]; y: number[] } {
  const X: Float32Array[] = [], y: number[] = [];
  for (const r of recs) for (const l of levels) { const v = cache.get(r.path, l); if (v) { X.push(v); y.push(r.y); } }
  return { X, y };
}

/** LOSO trainer factory (see the module comment). */
export const makeTrainer: TrainerFactory = async ({ cache, args }) => {
  if (!cache) throw new Error('head-trainer needs --features <cache.bin>');
  await useWasmBackend();
  const trainLevels = parseLevels(String(args['train-levels'] ?? 'clean,web,avatar'));
  const valLevel = parseLevels(String(args['val-level'] ?? 'web'));
  const opts: Partial<HeadOptions> = {
    ...(args.units ? { units: Number(args.units) } : {}),
    ...(args.dropout ? { dropout: Number(args.dropout) } : {}),
    ...(args.epochs ? { epochs: Number(args.epochs) } : {}),
    ...(args.batch ? { batchSize: Number(args.batch) } : {}),
    ...(args.lr ? { lr: Number(args.lr) } : {}),
  };
  const fn: TrainFn<Rec> = async (train, val, ctx) => {
    const tr = cachedRows(cache, train, trainLevels);
    if (tr.X.length === 0) throw new Error('no cached features for the training records');
    const va = cachedRows(cache, val, valLevel);
    const head = await fitHead(tr.X, tr.y, va.X, va.y, { ...opts, seed: ctx.seed });
    process.stderr.write(`  fold ${ctx.source}: ${tr.X.length} train vectors, best epoch ${head.bestEpoch}, val loss ${head.bestValLoss.toFixed(4)}\n`);
    return { ...featureScorer(cache, (x) => headLogit(head, x)), dispose: () => head.model.dispose() };
  };
  return fn;
};

