/**
 * Frozen MobileNetV2 1.0 (ImageNet, 1001 classes with index 0 = background) from the Coral TFLite file
 * `../shared/weights/coral-test-data/mobilenet_v2_1.0_224_quant.tflite` (google-coral/test_data, Apache-2.0;
 * uint8 quantisation-aware, batch norm folded, ReLU6 fused), converted by `tflite.ts` to a float32 tfjs
 * LayersModel (weights dequantised, activations in float).
 *
 * Input: `[N, 224, 224, 3]` float32 RGB, `(x − 128) / 128` of 8-bit values (the input tensor's quantisation:
 * scale 1/128, zero point 128), range [−1, 0.9921875].
 *
 * Features as in `../shared/research/baseline.md`: global average pool of the final 1280-channel layer
 * (`pool`, the graph's AVERAGE_POOL_2D), of the last 32-channel block (`block32`, 28×28) and of the last
 * 96-channel block (`block96`, 14×14); `concat` = block32 ‖ block96 ‖ pool (32 + 96 + 1280 = 1408).
 * Geometry of the baseline (`MOBILENET_V2_GEOMETRY`): shorter side resized to 256 (lanczos3), centre crop
 * 224, then the crop re-encoded as JPEG q90 for both classes (format debias) and decoded again.
 *
 * The shared folder is `../shared` relative to the repository root; `SYNTHSCREEN_SHARED_DIR` overrides it
 * (as in `e2e/helpers/feed.ts`).
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfns from '@tensorflow/tfjs';
import { cropRgba, normalizePixels, toInputPixels, type PreprocessSpec, type RgbaImage } from '../../extension/shared/preprocess';
import { jpegRoundTrip, resizeLanczos } from '../data/degrade';
import { frozenModelExtractor, type ExtractorFactory, type FeatureExtractor } from '../eval/extractors';
import { initTf } from '../node/backend';
import { SHARED_DIR } from '../node/paths';
import { buildTfliteGraph, inputNormalization, parseTflite, type TfliteModel } from './tflite';

type Tf = typeof tfns;

/** Path of the TFLite file, relative to the shared folder. */
export const MOBILENET_V2_TFLITE = join('weights', 'coral-test-data', 'mobilenet_v2_1.0_224_quant.tflite');
/** Absolute path of the TFLite file, or `null` when the shared folder does not hold it. */
export function mobileNetV2Path(): string | null {
  const p = join(SHARED_DIR, MOBILENET_V2_TFLITE);
  return existsSync(p) ? p : null;
}

/**
 * Preprocessing of the converted model for a model manifest: 224×224 RGB, (x − 128) / 128. The geometry is
 * the nearest one `preprocess.ts` offers (whole shorter-side square → 224, triangle filter); the feature
 * extractor uses the baseline's `MOBILENET_V2_GEOMETRY` instead (256 lanczos3 → centre 224, i.e. the
 * central 87.5 % of the shorter side, + JPEG q90).
 */
export const MOBILENET_V2_PREPROCESS: PreprocessSpec = {
  inputSize: 224,
  geometry: 'shorter-side-center-crop',
  normalization: { mean: [128, 128, 128], std: [128, 128, 128] },
};

/** Baseline geometry: shorter side → `resize` (lanczos3), centre crop `crop`, JPEG round trip at `jpegQuality` (0 = none). */
export const MOBILENET_V2_GEOMETRY = { resize: 256, crop: 224, jpegQuality: 90 } as const;

export type MobileNetV2Layer = 'pool' | 'block32' | 'block96' | 'concat';
/** Feature length per layer choice. */
export const MOBILENET_V2_DIMS: Record<MobileNetV2Layer, number> = { pool: 1280, block32: 32, block96: 96, concat: 32 + 96 + 1280 };

/**
 * Tensor indices of the feature taps: `pool` = output of the (last) AVERAGE_POOL_2D, `blockC` = the last
 * operator output with C channels and spatial size > 1 (the end of the last block of that width).
 * @throws {Error} when the graph has no such tensor (not a MobileNetV2)
 */
export function mobileNetV2Taps(model: TfliteModel): { pool: number; block32: number; block96: number } {
  let pool = -1, block32 = -1, block96 = -1;
  for (const op of model.operators) {
    const o = op.outputs[0]!;
    const s = model.tensors[o]!.shape;
    if (op.opName === 'AVERAGE_POOL_2D' || op.opName === 'MEAN') pool = o;
    if (s.length === 4 && s[1]! > 1) {
      if (s[3] === 32) block32 = o;
      if (s[3] === 96) block96 = o;
    }
  }
  if (pool < 0 || block32 < 0 || block96 < 0) throw new Error('mobilenet-v2: graph has no final pool or no 32-/96-channel block; not a MobileNetV2 1.0');
  return { pool, block32, block96 };
}

async function readModel(path?: string): Promise<TfliteModel> {
  const p = path ?? mobileNetV2Path();
  if (!p) throw new Error(`mobilenet-v2: ${join(SHARED_DIR, MOBILENET_V2_TFLITE)} not found (the shared folder is ../shared next to the repository, or SYNTHSCREEN_SHARED_DIR)`);
  const model = parseTflite(new Uint8Array(await readFile(p)));
  const norm = inputNormalization(model);
  if (!norm || norm.mean !== 128 || Math.abs(norm.std - 128) > 1e-3) {
    throw new Error(`mobilenet-v2: ${p} expects input ${norm ? `(x − ${norm.mean}) / ${norm.std}` : 'float'}, not (x − 128) / 128 (MOBILENET_V2_PREPROCESS)`);
  }
  return model;
}

/**
 * Loads the frozen MobileNetV2 feature extractor.
 * @param tf the tfjs namespace (any backend)
 * @param opts.layer `pool` (default, 1280-d), `block32`, `block96` or `concat` (1408-d = 32 ‖ 96 ‖ 1280)
 * @param opts.path the `.tflite` file (default: `mobileNetV2Path()`)
 * @param opts.trainable conv weights trainable, for an end-to-end fine-tune (default false: frozen)
 * @returns LayersModel `[N, 224, 224, 3]` float32 in [−1, 1) → `[N, D]` float32 global-average-pooled
 *   post-ReLU6 activations (pool, ≥ 0) or block outputs (linear bottlenecks, any sign); frozen unless `trainable`
 * @throws {Error} when the file is missing or its input quantisation is not (x − 128) / 128, or as
 *   `parseTflite` / `buildTfliteGraph`
 */
export async function loadMobileNetV2Features(tf: Tf, opts: { layer?: MobileNetV2Layer; path?: string; trainable?: boolean } = {}): Promise<tfns.LayersModel> {
  const layer = opts.layer ?? 'pool';
  if (!(layer in MOBILENET_V2_DIMS)) throw new Error(`mobilenet-v2: unknown layer "${layer}" (pool|block32|block96|concat)`);
  const model = await readModel(opts.path);
  const taps = mobileNetV2Taps(model);
  const want = layer === 'concat' ? [taps.block32, taps.block96, taps.pool] : [taps[layer]];
  const g = buildTfliteGraph(tf, model, { until: want, namePrefix: 'mnv2', trainable: opts.trainable ?? false });
  const feats = want.map((i, k) => {
    const s = g.tensors.get(i)!;
    return s.shape[1] === 1 && s.shape[2] === 1
      ? (tf.layers.flatten({ name: `mnv2_feat_${k}` }).apply(s) as tfns.SymbolicTensor)
      : (tf.layers.globalAveragePooling2d({ name: `mnv2_feat_${k}` }).apply(s) as tfns.SymbolicTensor);
  });
  const out = feats.length === 1 ? feats[0]! : (tf.layers.concatenate({ name: 'mnv2_concat' }).apply(feats) as tfns.SymbolicTensor);
  const m = tf.model({ inputs: g.input, outputs: out, name: `mobilenet_v2_${layer}` });
  m.trainable = opts.trainable ?? false;
  return m;
}

/**
 * Loads the whole converted classifier.
 * @returns LayersModel `[N, 224, 224, 3]` float32 in [−1, 1) → `[N, 1001]` softmax probabilities
 *   (index 0 = background, then the 1000 ImageNet classes in the order of `imagenet_labels.txt`)
 * @throws {Error} as `loadMobileNetV2Features`
 */
export async function loadMobileNetV2Classifier(tf: Tf, opts: { path?: string } = {}): Promise<tfns.LayersModel> {
  const model = await readModel(opts.path);
  const g = buildTfliteGraph(tf, model, { namePrefix: 'mnv2' });
  const m = tf.model({ inputs: g.input, outputs: g.tensors.get(model.outputs[0]!)!, name: 'mobilenet_v2_classifier' });
  m.trainable = false;
  return m;
}

/**
 * The baseline geometry: shorter side resized to 256 with lanczos3 (sharp), centre 224×224 crop, JPEG
 * round trip at quality 90 (both classes; skipped for `jpegQuality` 0).
 * @param img straight RGBA, any size
 * @returns RGBA 224×224, alpha 255
 */
export async function mobileNetV2Pixels(img: RgbaImage, geo: { resize: number; crop: number; jpegQuality: number } = MOBILENET_V2_GEOMETRY): Promise<RgbaImage> {
  const k = geo.resize / Math.min(img.width, img.height);
  const w = Math.max(geo.crop, Math.round(img.width * k)), h = Math.max(geo.crop, Math.round(img.height * k));
  const r = await resizeLanczos(img, w, h);
  const c = cropRgba(r, { x: Math.floor((w - geo.crop) / 2), y: Math.floor((h - geo.crop) / 2), width: geo.crop, height: geo.crop });
  return geo.jpegQuality > 0 ? jpegRoundTrip(c, geo.jpegQuality) : c;
}

/**
 * Feature extractor for `training/cli/features.ts`:
 *   `--extractor training/models/mobilenet-v2.ts#makeExtractor [--layer pool|block32|block96|concat] [--jpeg-q 90]
 *   [--geometry baseline|runtime]` (`runtime`: the extension's own `toInputPixels` with `MOBILENET_V2_PREPROCESS`,
 *   no JPEG round trip, so features match what a shipped model sees)
 * Runs on the wasm backend (`initTf`, as the baseline). Images: `mobileNetV2Pixels` → (x − 128) / 128.
 * @returns a `FeatureExtractor` named `mobilenet-v2-<layer>@1/s256c224l3j<q>`, dim as `MOBILENET_V2_DIMS`
 * @throws {Error} for an unknown layer or a missing weights file
 */
export const makeExtractor: ExtractorFactory = async ({ args }): Promise<FeatureExtractor> => {
  const layer = String(args.layer ?? 'pool') as MobileNetV2Layer;
  const q = args['jpeg-q'] === undefined ? MOBILENET_V2_GEOMETRY.jpegQuality : Number(args['jpeg-q']);
  if (!Number.isInteger(q) || q < 0 || q > 100) throw new Error(`mobilenet-v2: --jpeg-q must be 0..100, got ${String(args['jpeg-q'])}`);
  const geometry = String(args.geometry ?? 'baseline');
  if (geometry !== 'baseline' && geometry !== 'runtime') throw new Error(`mobilenet-v2: --geometry must be baseline|runtime, got ${geometry}`);
  const { tf } = await initTf({ want: 'inference', backend: 'wasm' });
  const model = await loadMobileNetV2Features(tf, { layer });
  const geo = { ...MOBILENET_V2_GEOMETRY, jpegQuality: q };
  const dim = MOBILENET_V2_DIMS[layer];
  if (geometry === 'runtime') {
    // Exactly what the extension feeds a shipped MobileNetV2 model: `toInputPixels` with MOBILENET_V2_PREPROCESS.
    return frozenModelExtractor(tf, model, { name: `mobilenet-v2-${layer}@1/runtime`, dim, size: 224, spec: MOBILENET_V2_PREPROCESS, pixels: async (im) => toInputPixels(im, MOBILENET_V2_PREPROCESS) });
  }
  return frozenModelExtractor(tf, model, { name: `mobilenet-v2-${layer}@1/s${geo.resize}c${geo.crop}l3j${q}`, dim, size: 224, spec: MOBILENET_V2_PREPROCESS, pixels: (im) => mobileNetV2Pixels(im, geo) });
};
