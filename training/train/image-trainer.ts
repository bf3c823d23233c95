/**
 * Whole-image trainer: the seed paper's recipe for `efficientnet-b4` (fine-tune an ImageNet
 * EfficientNetB4 with the head GAP → Dense 256 ReLU → BN → Dropout 0.5 → Dense 1 sigmoid; Adam 1e-3,
 * batch 64, 20 epochs, learning-rate reduction on plateau of the validation loss, horizontal flips,
 * best-validation checkpoint), resumable.
 *
 * Meant for GPU users (tfjs-node-gpu) — on this project's CPU-only machine B4 is far too slow to train
 * (`../shared/research/feasibility.md`), so here it runs only at test size.
 *
 * Checkpoints in `checkpointDir`: `best/` and `last/` (tfjs `model.json` + `weights.bin`, optimizer
 * state included in `last/`) and `state.json` (`{epoch, lr, bestValLoss, wait, history}`). A run
 * started with the same `checkpointDir` resumes after the last finished epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rec } from '../data/manifest';
import { mulberry32, hashString, shuffleInPlace } from '../data/rng';
import { decodeFile } from '../node/decode';
import { cropRgba, preprocess, type PreprocessSpec } from '../../extension/shared/preprocess';
import { archEntry, buildArch } from '../models/registry';
import { loadKerasWeightsByName } from '../models/h5-weights';
import { backboneLayerNames } from '../models/efficientnet-b4';

export interface ImageTrainConfig {
  arch: string;
  epochs: number;
  batch: number;
  lr: number;
  /** ReduceLROnPlateau: factor, patience (epochs), floor. */
  plateau: { factor: number; patience: number; minLr: number };
  /** Freeze every backbone layer (train the head only). */
  frozen: boolean;
  /** Keras `.h5` with ImageNet weights, loaded by name. */
  weights?: string;
  checkpointDir: string;
  seed: number;
  /** Options for the architecture builder (e.g. `{ width: 0.1, depth: 0.1, inputSize: 32 }` in tests). */
  archOptions?: Record<string, unknown>;
  /** Preprocessing override (default: the registry's, with `archOptions.inputSize` if given). */
  preprocess?: PreprocessSpec;
  log?: (m: string) => void;
}

export const SEED_RECIPE: Omit<ImageTrainConfig, 'checkpointDir'> = {
  arch: 'efficientnet-b4', epochs: 20, batch: 64, lr: 1e-3,
  plateau: { factor: 0.2, patience: 2, minLr: 1e-6 }, frozen: false, seed: 1,
};

export interface ImageTrainResult {
  model: tf.LayersModel;
  history: Array<{ epoch: number; loss: number; valLoss: number; lr: number }>;
  bestValLoss: number;
  resumedFrom: number;
}

interface State { epoch: number; lr: number; bestValLoss: number; wait: number; history: ImageTrainResult['history'] }

/** Saves a model as `dir/model.json` + `dir/weights.bin` (no tfjs-node file:// handler here). */
export async function saveModelDir(model: tf.LayersModel, dir: string, includeOptimizer = false): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const data = a.weightData instanceof ArrayBuffer ? new Uint8Array(a.weightData) : new Uint8Array(tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]));
    await writeFile(join(dir, 'weights.bin'), data);
    await writeFile(join(dir, 'model.json'), JSON.stringify({
      modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy,
      trainingConfig: a.trainingConfig, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), { includeOptimizer });
}

/** Loads a model saved by `saveModelDir`. */
export async function loadModelDir(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const bin = await readFile(join(dir, 'weights.bin'));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), trainingConfig: json.trainingConfig,
  }));
}

/** Decodes, crops and preprocesses records into one float32 block `[n, s, s, 3]`. */
async function loadInputs(recs: Rec[], spec: PreprocessSpec): Promise<Float32Array> {
  const s = spec.inputSize;
  const out = new Float32Array(recs.length * s * s * 3);
  for (let i = 0; i < recs.length; i++) {
    let img = await decodeFile(recs[i]!.file);
    if (recs[i]!.crop) img = cropRgba(img, recs[i]!.crop!);
    out.set(preprocess(img, spec), i * s * s * 3);
  }
  return out;
}

function flipH(src: Float32Array, s: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) {
    const a = (y * s + x) * 3, b = (y * s + (s - 1 - x)) * 3;
    out[a] = src[b]!; out[a + 1] = src[b + 1]!; out[a + 2] = src[b + 2]!;
  }
  return out;
}

/**
 * Trains with the seed recipe (or `config` overrides); resumes from `checkpointDir/state.json`.
 * @returns the best-validation model (reloaded from `best/`) and the per-epoch history
 * @throws {Error} when a split lacks a class or the weights file does not match the architecture
 */
export async function trainImageModel(train: Rec[], val: Rec[], config: Partial<ImageTrainConfig> & { checkpointDir: string }): Promise<ImageTrainResult> {
  const cfg: ImageTrainConfig = { ...SEED_RECIPE, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) } as ImageTrainConfig;
  const log = cfg.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const entry = archEntry(cfg.arch);
  const spec: PreprocessSpec = cfg.preprocess ?? { ...entry.preprocess, ...(cfg.archOptions?.inputSize ? { inputSize: Number(cfg.archOptions.inputSize) } : {}) };
  const s = spec.inputSize;
  for (const [n, r] of [['train', train], ['val', val]] as const) {
    if (!r.some((x) => x.y === 0) || !r.some((x) => x.y === 1)) throw new Error(`${n} split needs both classes`);
  }
  const statePath = join(cfg.checkpointDir, 'state.json');
  let state: State = { epoch: 0, lr: cfg.lr, bestValLoss: Infinity, wait: 0, history: [] };
  let model: tf.LayersModel;
  let resumedFrom = 0;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8')) as State;
    if (state.bestValLoss === null) state.bestValLoss = Infinity;
    model = await loadModelDir(join(cfg.checkpointDir, 'last'));
    resumedFrom = state.epoch;
    log(`[image-trainer] resuming after epoch ${state.epoch} (lr ${state.lr})`);
  } catch {
    model = buildArch(cfg.arch, { seed: cfg.seed, ...(cfg.archOptions ?? {}) });
    if (cfg.weights) {
      const rep = await loadKerasWeightsByName(model, cfg.weights);
      log(`[image-trainer] loaded ${rep.loaded.length} layers from ${cfg.weights}; without weights: ${rep.missing.join(', ') || 'none'}`);
    }
  }
  if (cfg.frozen) {
    const names = new Set(backboneLayerNames(model));
    for (const l of model.layers) if (names.has(l.name)) l.trainable = false;
  }
  const opt = tf.train.adam(state.lr);
  model.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
  if (resumedFrom > 0) {
    // Restore Adam's moments saved with `last/` (tfjs names them by variable); absent → fresh moments.
    try {
      const json = JSON.parse(await readFile(join(cfg.checkpointDir, 'last', 'optimizer.json'), 'utf8')) as { names: string[]; shapes: number[][] };
      const bin = await readFile(join(cfg.checkpointDir, 'last', 'optimizer.bin'));
      const f = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
      let o = 0;
      const ws = json.names.map((name, i) => {
        const n = json.shapes[i]!.reduce((a, b) => a * b, 1);
        const t = tf.tensor(f.subarray(o, o + n), json.shapes[i]!);
        o += n;
        return { name, tensor: t };
      });
      await opt.setWeights(ws);
    } catch { /* no optimizer state */ }
  }
  log(`[image-trainer] loading ${train.length} + ${val.length} images at ${s}px`);
  const xTrain = await loadInputs(train, spec);
  const xVal = await loadInputs(val, spec);
  const yTrain = train.map((r) => r.y), yVal = val.map((r) => r.y);
  const per = s * s * 3;
  const valLossOf = (): number => tf.tidy(() => {
    let sum = 0;
    for (let b = 0; b < val.length; b += cfg.batch) {
      const n = Math.min(cfg.batch, val.length - b);
      const p = model.predict(tf.tensor4d(xVal.subarray(b * per, (b + n) * per), [n, s, s, 3])) as tf.Tensor;
      const l = tf.metrics.binaryCrossentropy(tf.tensor2d(yVal.slice(b, b + n), [n, 1]), p) as tf.Tensor;
      sum += l.sum().dataSync()[0]!;
    }
    return sum / val.length;
  });
  for (let epoch = state.epoch + 1; epoch <= cfg.epochs; epoch++) {
    const rng = mulberry32(hashString(`epoch:${cfg.seed}:${epoch}`));
    const order = shuffleInPlace(Array.from({ length: train.length }, (_, i) => i), rng);
    (opt as unknown as { learningRate: number }).learningRate = state.lr;
    let lossSum = 0, batches = 0;
    for (let b = 0; b < order.length; b += cfg.batch) {
      const idx = order.slice(b, b + cfg.batch);
      const xb = new Float32Array(idx.length * per);
      idx.forEach((i, j) => {
        const img = xTrain.subarray(i * per, (i + 1) * per);
        xb.set(rng() < 0.5 ? flipH(img, s) : img, j * per);
      });
      const xt = tf.tensor4d(xb, [idx.length, s, s, 3]);
      const yt = tf.tensor2d(idx.map((i) => yTrain[i]!), [idx.length, 1]);
      const l = await model.trainOnBatch(xt, yt);
      xt.dispose(); yt.dispose();
      lossSum += Array.isArray(l) ? l[0]! : l;
      batches++;
    }
    const valLoss = valLossOf();
    state.history.push({ epoch, loss: lossSum / batches, valLoss, lr: state.lr });
    log(`[image-trainer] epoch ${epoch}/${cfg.epochs} loss ${(lossSum / batches).toFixed(4)} val ${valLoss.toFixed(4)} lr ${state.lr}`);
    if (valLoss < state.bestValLoss) {
      state.bestValLoss = valLoss; state.wait = 0;
      await saveModelDir(model, join(cfg.checkpointDir, 'best'));
    } else if (++state.wait >= cfg.plateau.patience) {
      state.lr = Math.max(cfg.plateau.minLr, state.lr * cfg.plateau.factor);
      state.wait = 0;
    }
    state.epoch = epoch;
    await saveModelDir(model, join(cfg.checkpointDir, 'last'));
    const ow = await opt.getWeights();
    const total = ow.reduce((a, w) => a + w.tensor.size, 0);
    const buf = new Float32Array(total);
    let o = 0;
    for (const w of ow) { buf.set(w.tensor.dataSync() as Float32Array, o); o += w.tensor.size; }
    await writeFile(join(cfg.checkpointDir, 'last', 'optimizer.bin'), new Uint8Array(buf.buffer));
    await writeFile(join(cfg.checkpointDir, 'last', 'optimizer.json'), JSON.stringify({ names: ow.map((w) => w.name), shapes: ow.map((w) => w.tensor.shape) }));
    await writeFile(statePath, JSON.stringify(state));
  }
  opt.dispose();
  model.dispose();
  const best = await loadModelDir(join(cfg.checkpointDir, 'best'));
  return { model: best, history: state.history, bestValLoss: state.bestValLoss, resumedFrom };
}
