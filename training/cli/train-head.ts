/**
 * Trains the seed head on frozen MobileNetV2 features of every training image and exports backbone + head as
 * one model folder the extension loads (arch `mobilenet-v2`, the extension's `MOBILENET_V2_PREPROCESS`):
 *
 *   npx tsx training/cli/train-head.ts --manifest <tsv> --features <cache.bin>
 *     [--train-levels clean,web,avatar] [--val 0.1] [--seed 1234] [--units 256] [--dropout 0.5]
 *     [--epochs 20] [--batch 64] [--lr 0.001] [--quantize float16] --version 0.4.0 --out models/default
 *
 * The feature cache must come from `training/cli/features.ts --extractor
 * training/models/mobilenet-v2.ts#makeExtractor --layer=concat --geometry=runtime` (checked by its extractor
 * name), so the features the head was trained on are exactly what the exported model computes in the
 * extension. The standardisation is folded into the first dense layer (W'ᵢⱼ = Wᵢⱼ / σᵢ, b'ⱼ = bⱼ − Σᵢ μᵢ W'ᵢⱼ);
 * the export is checked to reproduce the head's logit on one validation image within 1e-3 (float16 weights).
 *
 * Calibration: Platt scaling on the validation split (in-domain); replace it with the source-held-out map
 * of `training/cli/calibrate-loso.ts --write` before shipping.
 */
import * as tf from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseLooseArgs } from '../node/args';
import { shellJoin } from '../node/shell';
import { loadRecords } from '../data/manifest';
import { splitRecords } from '../data/split';
import { FeatureCache } from '../data/feature-cache';
import { parseLevels } from './features';
import { cachedRows, fitHead, headLogit, type FittedHead } from '../train/head-trainer';
import { loadMobileNetV2Features, MOBILENET_V2_PREPROCESS } from '../models/mobilenet-v2';
import { exportModel, type Quantize } from '../export/export';
import { fitPlatt } from '../train/calibration';
import { useWasmBackend } from '../kernels/wasm-backend';
import type { ModelManifest } from '../../extension/shared/model-manifest';
import { computeMetrics } from '../eval/metrics';
import { sigmoid } from '../../extension/shared/verdict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Builds backbone → head with the standardisation folded into the first dense layer.
 * @returns LayersModel `[N, 224, 224, 3]` float32 ((x − 128) / 128) → `[N, 1]` logit
 */
export async function buildShippedModel(head: FittedHead): Promise<tf.LayersModel> {
  const backbone = await loadMobileNetV2Features(tf, { layer: 'concat' });
  const dim = head.mean.length;
  const [W, b] = head.model.getLayer('head_dense').getWeights() as [tf.Tensor2D, tf.Tensor1D];
  const units = W.shape[1];
  const w = W.arraySync(), bias = Array.from(b.dataSync());
  const wf = w.map((row, i) => row.map((v) => v / head.std[i]!));
  const bf = bias.map((bj, j) => bj - wf.reduce((s, row, i) => s + head.mean[i]! * row[j]!, 0));
  const dense = tf.layers.dense({ units, activation: 'relu', name: 'head_dense' });
  const bn = tf.layers.batchNormalization({ name: 'head_bn' });
  const out = tf.layers.dense({ units: 1, name: 'head_logit' });
  let x = dense.apply(backbone.outputs[0]!) as tf.SymbolicTensor;
  x = bn.apply(x) as tf.SymbolicTensor;
  x = out.apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: backbone.inputs, outputs: x, name: 'mobilenet_v2_seed_head' });
  const folded = [tf.tensor2d(wf, [dim, units]), tf.tensor1d(bf)];
  dense.setWeights(folded); // setWeights copies the values
  tf.dispose(folded);
  bn.setWeights(head.model.getLayer('head_bn').getWeights());
  out.setWeights(head.model.getLayer('head_logit').getWeights());
  return model;
}

/** Runs the CLI; returns the written manifest. */
export async function main(argv: string[]): Promise<ModelManifest> {
  const v = parseLooseArgs(argv, {
    manifest: { type: 'string' }, root: { type: 'string' }, features: { type: 'string' }, out: { type: 'string' },
    version: { type: 'string' }, name: { type: 'string', default: 'synthscreen-mobilenet-v2-head' },
    'train-levels': { type: 'string', default: 'clean,web,avatar' }, val: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '1234' }, units: { type: 'string', default: '256' }, dropout: { type: 'string', default: '0.5' },
    quantize: { type: 'string', default: 'float16' }, epochs: { type: 'string', default: '20' }, batch: { type: 'string', default: '64' }, lr: { type: 'string', default: '0.001' },
  });
  if (!v.manifest || !v.features || !v.out || !v.version) throw new Error('usage: train-head.ts --manifest <tsv> --features <cache.bin> --version <x.y.z> --out <dir>');
  await useWasmBackend();
  const cache = await FeatureCache.load(String(v.features));
  if (!cache.extractor.startsWith('mobilenet-v2-concat@1/runtime')) {
    throw new Error(`feature cache ${v.features} was made by "${cache.extractor}"; the shipped model needs mobilenet-v2 --layer=concat --geometry=runtime`);
  }
  const records = await loadRecords(String(v.manifest), v.root as string | undefined);
  const valFrac = Number(v.val);
  const sp = splitRecords(records, { seed: Number(v.seed), fractions: [1 - valFrac, valFrac, 0] });
  const levels = parseLevels(String(v['train-levels']));
  const tr = cachedRows(cache, sp.train, levels);
  const va = cachedRows(cache, sp.val, ['web']);
  const t0 = Date.now();
  const head = await fitHead(tr.X, tr.y, va.X, va.y, { units: Number(v.units), dropout: Number(v.dropout), epochs: Number(v.epochs), batchSize: Number(v.batch), lr: Number(v.lr), seed: Number(v.seed) });
  console.log(`head: ${tr.X.length} training vectors (${levels.join(', ')}), best epoch ${head.bestEpoch}, val loss ${head.bestValLoss.toFixed(4)}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const zVal = va.X.map((x) => headLogit(head, x));
  const calibration = { type: 'platt' as const, ...fitPlatt(zVal, va.y) };
  const model = await buildShippedModel(head);
  const manifest = await exportModel(tf, model, {
    dir: String(v.out), name: String(v.name), version: String(v.version), arch: 'mobilenet-v2',
    preprocess: MOBILENET_V2_PREPROCESS, output: 'logit', calibration, threshold: 0.5, unsureBand: 0.1,
    quantize: String(v.quantize) as Quantize,
    provenance: {
      command: `npx tsx training/cli/train-head.ts ${shellJoin(argv)}`,
      manifest: String(v.manifest), features: cache.extractor, trainLevels: levels,
      head: { units: Number(v.units), dropout: Number(v.dropout), bestEpoch: head.bestEpoch, valLoss: head.bestValLoss },
      split: { seed: Number(v.seed), fractions: [1 - valFrac, valFrac, 0] },
      trainImages: sp.train.length, valImages: sp.val.length,
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  const pVal = zVal.map((z) => sigmoid(calibration.a * z + calibration.b));
  const val = computeMetrics(va.y, pVal, 0.5);
  // The training report the model card reads (`training/train/model-card.ts`).
  await writeFile(join(String(v.out), 'training-report.json'), JSON.stringify({
    command: `npx tsx training/cli/train-head.ts ${shellJoin(argv)}`,
    arch: 'mobilenet-v2', recipe: 'frozen-features-seed-head', features: cache.extractor, trainLevels: levels,
    split: { seed: Number(v.seed), train: sp.train.length, val: sp.val.length, test: 0 },
    trainVectors: tr.X.length, head: { units: Number(v.units), dropout: Number(v.dropout), epochs: Number(v.epochs), batch: Number(v.batch), lr: Number(v.lr), bestEpoch: head.bestEpoch, valLoss: head.bestValLoss },
    trainSeconds: seconds, validation: { level: 'web', n: va.y.length, auc: val.roc_auc, balancedAccuracy: val.balanced_accuracy, ece: val.ece },
  }, null, 1) + '\n');
  head.model.dispose();
  model.dispose();
  console.log(`wrote ${v.out}: ${manifest.name}@${manifest.version}, ${manifest.files.reduce((a, f) => a + f.bytes, 0)} bytes`);
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => { console.error(`train-head: ${e.message}`); process.exit(1); });
}
