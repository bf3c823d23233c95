/**
 * The one explanation module, shared by the extension (service worker / offscreen document) and
 * `training/` (CLI): Grad-CAM, Ablation-CAM, LayerCAM, Faster Score-CAM and LIME for a binary
 * real/synthetic detector, on any tfjs backend.
 *
 * Entry point: `explain(tf, model, input, opts)`. Rendering is separate: `renderOverlay` (pure TS).
 *
 * Map resolution (documented contract):
 * - CAM methods return the map at the **target layer's resolution** (`mapWidth × mapHeight` = w × h of
 *   the layer, e.g. 8 × 8 for EfficientNetB4 `top_activation` at 256 px input);
 * - LIME returns it at the **model input resolution** (S × S), with `segments` (label per input pixel)
 *   and `weights` (one per superpixel).
 * Either way the map covers `region`, the source-pixel rectangle the model input was cut from (see
 * `explanationRegion`), and is sampled over the image with `mapToImage` / `renderOverlay`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Explanation, ExplainMethod } from '../messages';
import { resizeRgba, cropRgba, preprocess, type CropBox, type RgbaImage } from '../preprocess';
import { calibrate, type ModelManifest } from '../model-manifest';
import { modelParts, type LogitSource, type Tf } from './model-parts';
import { gradientCams, ablationCam, scoreCam, sigmoid, throwIfAborted, yieldToEventLoop, type RawCam } from './cam';
import { lime } from './lime';
import { slic } from './slic';
import { finishMap, explanationRegion } from './map';
import { explainLayerFor, verdictTarget } from './layers';

export { modelParts, defaultTargetLayer, ExplainModelError, type ModelParts, type LogitSource } from './model-parts';
export { renderOverlay, heatmapRgba, regionsRgba, colormap, topRegions, type Colormap, type OverlayOptions, type RenderableExplanation } from './overlay';
export { finishMap, mapToImage, explanationRegion, sampleBilinear, argmax } from './map';
export { slic, rgbToLab, type SlicResult, type SlicOptions } from './slic';
export { weightedRidge } from './ridge';
export type { ExplainMethod } from '../messages';

/** All methods, in the order the popup offers them. */
export const EXPLAIN_METHODS: readonly ExplainMethod[] = ['gradcam', 'layercam', 'ablationcam', 'scorecam', 'lime'];

/** Which class an explanation is about. `predicted`: `synthetic` when the model's logit ≥ 0, else `real`. */
export type ExplainTarget = 'predicted' | 'synthetic' | 'real';

export interface ExplainOptions {
  method: ExplainMethod;
  /**
   * The target conv layer (the backbone registry's / manifest's `explainLayer`, e.g. `top_activation` for
   * EfficientNetB4). Default: the last layer with a spatial output (`defaultTargetLayer`).
   */
  targetLayer?: string;
  /** Default `predicted`. For a sigmoid model "synthetic" explains +logit, "real" explains −logit. */
  target?: ExplainTarget;
  /** LIME: perturbed samples (default 500). */
  samples?: number;
  /** LIME / Score-CAM: inputs per forward pass (LIME default 16, Score-CAM 8). */
  batch?: number;
  /** Faster Score-CAM: channels kept, by activation variance (default 32). */
  topK?: number;
  /** LIME: desired number of SLIC superpixels (default 50) and compactness (default 10). */
  segments?: number;
  compactness?: number;
  /**
   * LIME fill of hidden superpixels and Score-CAM baseline, in model-input units: `mean` (the input's
   * per-channel mean, default) or explicit per-channel values (e.g. grey: 0.5 for `zero-one`, 0 for
   * `minus-one-one`, 127.5 for `raw` normalisation).
   */
  fill?: 'mean' | [number, number, number];
  /** LIME regression target: `logit` (default; robust to a saturated sigmoid) or `probability` (LIME reference). */
  limeResponse?: 'logit' | 'probability';
  /** LIME sampling seed (default 0x5eed). */
  seed?: number;
  /** Cancels the explanation; the promise then rejects with a DOMException named `AbortError`. */
  signal?: AbortSignal;
  /** Progress: (units done, units total); units are samples (LIME), channels (Ablation/Score-CAM) or 1. */
  onProgress?: (done: number, total: number) => void;
  /** Awaited between batches so other work can run; default: a `setTimeout(0)` macrotask. */
  yieldFn?: () => Promise<void>;
  /**
   * LIME: pixels to segment. Either the model-input pixels (S × S RGBA) or the source image, of which
   * `region` is cut and resized to S × S. Default: the input itself, min-max rescaled to 0..255.
   */
  image?: RgbaImage;
  /** Source-pixel rectangle the input was cut from (`explanationRegion`). Default: the whole `image`, or {0, 0, S, S}. */
  region?: CropBox;
}

/** An `Explanation` without the URL, plus diagnostics. */
export interface ExplainResult extends Omit<Explanation, 'url'> {
  /** The class explained. */
  target: 'synthetic' | 'real';
  /** The model's raw logit for the input (before calibration). */
  logit: number;
  /** σ(logit): the uncalibrated model probability (callers with a calibrated value may replace it). */
  probability: number;
  layer: string;
  logitSource: LogitSource;
  /** CAM channel weights (length K); absent for LIME. */
  channelWeights?: number[];
  /** LIME: intercept and weighted R² of the local surrogate, and the superpixel count. */
  intercept?: number;
  r2?: number;
  segmentCount?: number;
  /** Wall time, milliseconds. */
  ms: number;
}

/** Adds the image URL to make the wire-format `Explanation` of `messages.ts`. */
export function toExplanation(result: ExplainResult, url: string): Explanation {
  const { method, map, mapWidth, mapHeight, region, empty, segments, weights, probability } = result;
  return { url, method, map, mapWidth, mapHeight, region, empty, probability, ...(segments ? { segments, weights } : {}) };
}

function perChannelMean(input: Float32Array): [number, number, number] {
  const s = [0, 0, 0];
  const n = input.length / 3;
  for (let i = 0; i < n; i++) { s[0]! += input[i * 3]!; s[1]! += input[i * 3 + 1]!; s[2]! += input[i * 3 + 2]!; }
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

/** The S × S RGBA pixels SLIC segments (see `ExplainOptions.image`). */
export function limePixels(input: Float32Array, size: number, image?: RgbaImage, region?: CropBox): RgbaImage {
  if (image) {
    if (image.width === size && image.height === size) return image;
    const r = region ?? { x: 0, y: 0, width: image.width, height: image.height };
    const cut = r.x === 0 && r.y === 0 && r.width === image.width && r.height === image.height ? image : cropRgba(image, r);
    return resizeRgba(cut, size, size);
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of input) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const k = hi > lo ? 255 / (hi - lo) : 0;
  const data = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round((input[p * 3 + c]! - lo) * k);
    data[p * 4 + 3] = 255;
  }
  return { width: size, height: size, data };
}

/**
 * Explains the detector's score for one preprocessed input.
 * @param tf the tfjs namespace (any backend: gradient methods need only the head's gradients)
 * @param model binary detector, input `[B, S, S, 3]`, output logit or sigmoid probability `[B, 1]`
 * @param input preprocessed model input, Float32Array of `S*S*3` (HWC), finite
 * @param opts method, target layer, target class, LIME options, cancellation, progress
 * @returns the map in [0, 1] (finite; `empty` when there is no positive evidence) at the layer (CAMs) or
 *   input (LIME) resolution, over `region`
 * @throws {RangeError} for a wrong input length or non-finite input; {ExplainModelError} when the model
 *   cannot be split at `targetLayer`; DOMException `AbortError` when cancelled. Every tensor allocated
 *   is released in all cases.
 */
export async function explain(tf: Tf, model: tfjs.LayersModel, input: Float32Array, opts: ExplainOptions): Promise<ExplainResult> {
  const t0 = Date.now();
  const parts = modelParts(tf, model, opts.targetLayer);
  const S = parts.inputSize ?? Math.round(Math.sqrt(input.length / 3));
  if (input.length !== S * S * 3 || S < 1) throw new RangeError(`input has ${input.length} values, expected ${S}*${S}*3 = ${S * S * 3}`);
  for (let i = 0; i < input.length; i++) if (!Number.isFinite(input[i]!)) throw new RangeError(`input value ${i} is not finite`);
  if (!['gradcam', 'layercam', 'ablationcam', 'scorecam', 'lime'].includes(opts.method)) throw new RangeError(`unknown method ${String(opts.method)}`);
  throwIfAborted(opts.signal);
  const yieldFn = opts.yieldFn ?? yieldToEventLoop;
  const region = opts.region ?? (opts.image ? { x: 0, y: 0, width: opts.image.width, height: opts.image.height } : { x: 0, y: 0, width: S, height: S });
  const fill = opts.fill === undefined || opts.fill === 'mean' ? perChannelMean(input) : opts.fill;
  const x = tf.tensor4d(input, [1, S, S, 3]);
  let a: tfjs.Tensor4D | undefined;
  try {
    a = tf.tidy(() => parts.body.apply(x, { training: false }) as tfjs.Tensor4D);
    const yT = tf.tidy(() => parts.head(a!));
    let y0: number;
    try { y0 = ((await yT.data()) as Float32Array)[0]!; } finally { yT.dispose(); }
    const target = opts.target === 'synthetic' || opts.target === 'real' ? opts.target : y0 >= 0 ? 'synthetic' : 'real';
    const sign: 1 | -1 = target === 'synthetic' ? 1 : -1;
    const common = {
      method: opts.method, region, target, logit: y0, probability: sigmoid(y0), layer: parts.layer, logitSource: parts.logitSource,
    } as const;
    const batched = { signal: opts.signal, onProgress: opts.onProgress, yieldFn };
    if (opts.method === 'lime') {
      const px = limePixels(input, S, opts.image, opts.image ? region : undefined);
      const seg = slic(px, { segments: opts.segments ?? 50, compactness: opts.compactness ?? 10 });
      const res = await lime(tf, parts, x, seg.labels, seg.count, sign, fill, { ...batched, samples: opts.samples, batch: opts.batch, seed: opts.seed, response: opts.limeResponse });
      const raw = new Float32Array(S * S);
      // Scale of the surrogate: weights, intercept and response spread; weights below 1e-6 of it are noise.
      let scale = Math.abs(res.intercept), lo = Infinity, hi = -Infinity;
      for (const v of res.weights) scale = Math.max(scale, Math.abs(v));
      for (const v of res.responses) { if (v < lo) lo = v; if (v > hi) hi = v; }
      scale = Math.max(scale, hi - lo);
      for (let p = 0; p < S * S; p++) raw[p] = Math.max(0, res.weights[seg.labels[p]!]!);
      const { map, empty } = finishMap(raw, scale);
      return {
        ...common, map, mapWidth: S, mapHeight: S, empty, segments: Array.from(seg.labels), weights: Array.from(res.weights),
        intercept: res.intercept, r2: res.r2, segmentCount: seg.count, ms: Date.now() - t0,
      };
    }
    let cam: RawCam;
    if (opts.method === 'gradcam' || opts.method === 'layercam') {
      const both = await gradientCams(tf, parts, a, sign);
      cam = opts.method === 'gradcam' ? both.gradcam : both.layercam;
      opts.onProgress?.(1, 1);
    } else if (opts.method === 'ablationcam') {
      cam = await ablationCam(tf, parts, a, sign, y0, batched);
    } else {
      cam = await scoreCam(tf, parts, x, a, sign, fill, { ...batched, topK: opts.topK, batch: opts.batch });
    }
    const [, h, w] = a.shape;
    const { map, empty } = finishMap(cam.raw, cam.scale);
    return { ...common, map, mapWidth: w, mapHeight: h, empty, channelWeights: Array.from(cam.channelWeights), ms: Date.now() - t0 };
  } finally {
    x.dispose();
    a?.dispose();
  }
}
export { DEFAULT_EXPLAIN_LAYERS, explainLayerFor, verdictTarget } from './layers';

/**
 * The whole chain for the extension's background and the CLI: preprocess a decoded image with the
 * detector's own spec (the centre input — with test-time crops, the first of them), place the map with
 * `explanationRegion`, pick the layer (`explainLayerFor`) and, unless given, the class of the verdict
 * (`verdictTarget`: calibrated probability vs the manifest's threshold), and report the calibrated
 * probability of that input.
 * @param detector a loaded `Detector` (`detector.ts`)
 * @param image the decoded source image (straight RGBA)
 * @param opts as `explain` (method, samples, signal, onProgress…); `crop` = the manifest's crop box, if any;
 *   `threshold` overrides the manifest's (the user's setting)
 * @returns the result with `probability` calibrated; add the URL with `toExplanation`
 * @throws as `preprocess` and `explain`
 */
export async function explainImage(
  tf: Tf,
  detector: { model: tfjs.LayersModel; manifest: ModelManifest },
  image: RgbaImage,
  opts: Omit<ExplainOptions, 'image' | 'region' | 'targetLayer'> & { targetLayer?: string; crop?: CropBox; threshold?: number },
): Promise<ExplainResult> {
  const { manifest } = detector;
  const input = preprocess(image, manifest.preprocess, opts.crop);
  const region = explanationRegion(image.width, image.height, manifest.preprocess, opts.crop);
  const targetLayer = opts.targetLayer ?? explainLayerFor(manifest as typeof manifest & { explainLayer?: unknown });
  let target = opts.target;
  if (target === undefined || target === 'predicted') {
    const parts = modelParts(tf, detector.model, targetLayer);
    const S = manifest.preprocess.inputSize;
    const z = tf.tidy(() => parts.logit(tf.tensor4d(input, [1, S, S, 3])));
    let logit: number;
    try { logit = ((await z.data()) as Float32Array)[0]!; } finally { z.dispose(); }
    target = verdictTarget(logit, manifest, opts.threshold);
  }
  const result = await explain(tf, detector.model, input, { ...opts, targetLayer, target, image, region });
  return { ...result, probability: calibrate(result.logit, manifest.calibration) };
}
