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
import { resizeRgba, cropRgba, preprocess, normalizeRegion, type CropBox, type RgbaImage } from '../preprocess';
import { aggregateLogits, defaultTileMode, selectTiles, tileGrid, type Tile, type TileGrid, type TileMode } from '../tiling';
import { calibrate, type ModelManifest } from '../model-manifest';
import { modelParts, type LogitSource, type ModelParts, type Tf } from './model-parts';
import { gradientCams, ablationCam, scoreCam, sigmoid, throwIfAborted, yieldToEventLoop, type RawCam } from './cam';
import { lime, limeTiles } from './lime';
import { slic } from './slic';
import { finishMap, explanationRegion, NORMALISE_EPS } from './map';
import { coverageMask, poolMap, rasterSize, stitchTileMaps } from './whole-image';
import { explainLayerFor, verdictTarget } from './layers';

export { modelParts, defaultTargetLayer, ExplainModelError, type ModelParts, type LogitSource } from './model-parts';
export { renderOverlay, heatmapRgba, regionsRgba, colormap, topRegions, type Colormap, type OverlayOptions, type RenderableExplanation } from './overlay';
export { finishMap, mapToImage, explanationRegion, sampleBilinear, argmax } from './map';
export { slic, rgbToLab, type SlicResult, type SlicOptions } from './slic';
export * from './whole-image';
export * from './palette';
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
  /** The model split at `targetLayer`, when the caller already made it (tiles: one split for all). */
  parts?: ModelParts;
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
  /** CAMs: the saliency before normalisation (`h·w`, ≥ 0 or non-finite) and its scale, for stitching tiles. */
  raw?: Float32Array;
  rawScale?: number;
  /** Source-pixel rectangles explained (tiles; one input: `[region]`). */
  analysed: CropBox[];
  /** With `both`: the map toward the other class (see `Explanation.other`). */
  other?: number[];
  /** Tiles explained / tiles the verdict read (1 / 1 without tiles). */
  tilesExplained?: number;
  tilesScored?: number;
}

/** Adds the image URL to make the wire-format `Explanation` of `messages.ts`. */
export function toExplanation(result: ExplainResult, url: string): Explanation {
  const { method, map, mapWidth, mapHeight, region, empty, segments, weights, probability, target, analysed, other } = result;
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    url, method, map: map.map(r4), mapWidth, mapHeight, region, empty, probability, target, analysed,
    ...(segments ? { segments, weights } : {}), ...(other ? { other: other.map(r4) } : {}),
  };
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
  const parts = opts.parts ?? modelParts(tf, model, opts.targetLayer);
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
    const analysed: CropBox[] = [region];
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
        ...common, analysed, map, mapWidth: S, mapHeight: S, empty, segments: Array.from(seg.labels), weights: Array.from(res.weights),
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
    return { ...common, analysed, map, mapWidth: w, mapHeight: h, empty, channelWeights: Array.from(cam.channelWeights), raw: cam.raw, rawScale: cam.scale, ms: Date.now() - t0 };
  } finally {
    x.dispose();
    a?.dispose();
  }
}
export { DEFAULT_EXPLAIN_LAYERS, explainLayerFor, verdictTarget } from './layers';

/** Options of `explainImage`. */
export type ExplainImageOptions = Omit<ExplainOptions, 'image' | 'region' | 'targetLayer' | 'parts'> & {
  targetLayer?: string;
  /** The manifest's crop box, if any (source pixels), applied before tiling. */
  crop?: CropBox;
  /** The user's threshold (overrides the manifest's): the verdict's class is the explained class. */
  threshold?: number;
  /**
   * Explain both classes (an *Unsure* verdict): `target` becomes `synthetic`, `map` shows evidence toward
   * AI-generated and `other` toward real, normalised together. LIME ignores it (its weights are signed).
   */
  both?: boolean;
  /** Tile mode (tiled models): default `defaultTileMode(tf.getBackend())`, the verdict's. */
  mode?: TileMode;
};

/**
 * Most tiles each method explains (tiled models): every tile the verdict read for the gradient CAMs; a
 * spread-out sample of at most this many for the methods whose cost grows with channels or samples
 * (`selectTiles(…, 'sample')`): Score-CAM all 16 tiles a wasm/cpu verdict reads; LIME 8 (its cost is samples ×
 * tiles forward passes: ≈ 10 s for 60 samples × 12 tiles on wasm in Node on the loaded project machine).
 */
export const EXPLAIN_TILE_CAP: Readonly<Record<ExplainMethod, number>> = {
  gradcam: 4096, layercam: 4096, ablationcam: 64, scorecam: 16, lime: 8,
};

/** Most cells of a stitched map (larger maps are average-pooled k × k): ≈ 0.4 MB of JSON at most. */
export const MAX_STITCHED_CELLS = 65_536;
/** Longest side of the raster LIME segments over the analysed region (SLIC on the downscaled region). */
export const LIME_RASTER_SIDE = 192;
/** LIME superpixels over a tiled image (default; one input keeps 50). */
export const LIME_TILED_SEGMENTS = 64;

/**
 * Normalises one or two raw saliency maps together over the analysed cells (`covered[i]` true): both
 * divided by the larger maximum; a map is `empty` under the rules of `finishMap` applied to its covered
 * cells (below the noise scale, or spread evenly). Uncovered cells are 0.
 */
export function finishMaps(raws: ReadonlyArray<ArrayLike<number>>, covered: ArrayLike<boolean | number>, scale: number): Array<{ map: number[]; empty: boolean }> {
  const idx: number[] = [];
  for (let i = 0; i < covered.length; i++) if (covered[i]) idx.push(i);
  const each = raws.map((raw) => finishMap(idx.map((i) => raw[i]!), scale));
  const peak = (raw: ArrayLike<number>) => idx.reduce((m, i) => (Number.isFinite(raw[i]!) && raw[i]! > m ? raw[i]! : m), 0);
  const peaks = raws.map(peak);
  const top = Math.max(...peaks);
  return raws.map((raw, k) => {
    const map = new Array<number>(covered.length).fill(0);
    if (each[k]!.empty || !(top > 0)) return { map, empty: true };
    const d = top + NORMALISE_EPS * top + NORMALISE_EPS;
    for (const i of idx) { const v = raw[i]!; map[i] = Number.isFinite(v) && v > 0 ? Math.min(1, v / d) : 0; }
    return { map, empty: false };
  });
}

/**
 * The whole chain for the extension's background and the CLI (issue 12: explanations of the whole image).
 *
 * Tiled models (a manifest `tiling` block, `center-crop` geometry, image at least one tile): the verdict's
 * tiles (`selectTiles(grid, tiling, mode)`) are scored one by one and aggregated with the manifest's
 * aggregation — in mode `sample` this is exactly the verdict's logit; in mode `all` the verdict read the
 * tiles in one pass, whose border pixels differ slightly (`docs/whole-image.md`) — and the class of the
 * verdict at the user's threshold is explained (`verdictTarget`) unless given.
 * - CAMs run on each explained tile (at most `EXPLAIN_TILE_CAP[method]`, a spread sample when fewer than
 *   the verdict read) and the raw per-tile maps are stitched (`stitchTileMaps`) over the tiles' bounding
 *   box, normalised together (`finishMaps`) so tiles compare; `analysed` lists the tiles.
 * - LIME segments the analysed region (the explained tiles' bounding box downscaled to at most
 *   `LIME_RASTER_SIDE` px) into `segments` (default `LIME_TILED_SEGMENTS`) SLIC superpixels; a sample hides
 *   superpixels in every tile at once and the response is the aggregated logit of the explained tiles, so
 *   the weights explain the image's score, not one crop's. Superpixel labels outside the tiles are −1.
 * Other models and images smaller than a tile: the single model input (`explanationRegion`), as before.
 *
 * @param detector the loaded model and its manifest (`Detector` or any object with both)
 * @param image the decoded source image (straight RGBA)
 * @returns the result with `probability` calibrated (of the aggregated logit) and `logit` the image's raw
 *   logit as explained; add the URL with `toExplanation`
 * @throws as `preprocess` and `explain`; every tensor is released in all cases
 */
export async function explainImage(
  tf: Tf,
  detector: { model: tfjs.LayersModel; manifest: ModelManifest },
  image: RgbaImage,
  opts: ExplainImageOptions,
): Promise<ExplainResult> {
  const { manifest } = detector;
  const targetLayer = opts.targetLayer ?? explainLayerFor(manifest as typeof manifest & { explainLayer?: unknown });
  const tiling = manifest.tiling;
  if (tiling && manifest.preprocess.geometry === 'center-crop') {
    const src = opts.crop ? cropRgba(image, opts.crop) : image;
    const grid = tileGrid(src.width, src.height, tiling);
    if (grid.cols > 0 && grid.rows > 0) {
      const parts = modelParts(tf, detector.model, targetLayer);
      if (parts.inputSize === null || parts.inputSize === tiling.tileSize) {
        const offset = opts.crop ? { x: Math.max(0, Math.floor(opts.crop.x)), y: Math.max(0, Math.floor(opts.crop.y)) } : { x: 0, y: 0 };
        return explainTiles(tf, detector, src, grid, offset, parts, { ...opts, targetLayer });
      }
    }
  }
  const input = preprocess(image, manifest.preprocess, opts.crop);
  const region = explanationRegion(image.width, image.height, manifest.preprocess, opts.crop);
  let target = opts.both && opts.method !== 'lime' ? 'synthetic' : opts.target;
  const parts = modelParts(tf, detector.model, targetLayer);
  if (target === undefined || target === 'predicted') {
    const S = manifest.preprocess.inputSize;
    const z = tf.tidy(() => parts.logit(tf.tensor4d(input, [1, S, S, 3])));
    let logit: number;
    try { logit = ((await z.data()) as Float32Array)[0]!; } finally { z.dispose(); }
    target = verdictTarget(logit, manifest, opts.threshold);
  }
  const base = { ...opts, targetLayer, parts, image, region };
  const result = await explain(tf, detector.model, input, { ...base, target });
  const out: ExplainResult = { ...result, probability: calibrate(result.logit, manifest.calibration), tilesExplained: 1, tilesScored: 1 };
  if (opts.both && opts.method !== 'lime') {
    const against = await explain(tf, detector.model, input, { ...base, target: 'real' });
    const [a, b] = finishMaps([result.raw!, against.raw!], new Array(result.map.length).fill(true), Math.max(result.rawScale ?? 0, against.rawScale ?? 0));
    return { ...out, map: a!.map, empty: a!.empty && b!.empty, other: b!.map };
  }
  return out;
}

/** The tiled half of `explainImage` (see there). `src` is the (cropped) image the grid was laid on. */
async function explainTiles(
  tf: Tf, detector: { model: tfjs.LayersModel; manifest: ModelManifest }, src: RgbaImage, grid: TileGrid,
  offset: { x: number; y: number }, parts: ModelParts, opts: ExplainImageOptions,
): Promise<ExplainResult> {
  const t0 = Date.now();
  const { manifest } = detector;
  const tiling = manifest.tiling!;
  const T = tiling.tileSize;
  const mode = opts.mode ?? defaultTileMode(tf.getBackend());
  const verdictTiles = selectTiles(grid, tiling, mode);
  const cap = Math.max(1, EXPLAIN_TILE_CAP[opts.method] ?? 16);
  const tiles = verdictTiles.length <= cap ? verdictTiles : selectTiles(grid, { minTiles: cap, maxTiles: cap }, 'sample');
  const tileInput = (t: Tile) => normalizeRegion(src, { x: t.x, y: t.y, width: T, height: T }, manifest.preprocess);
  const rectOf = (t: Tile): CropBox => ({ x: offset.x + t.x, y: offset.y + t.y, width: T, height: T });
  throwIfAborted(opts.signal);

  // The verdict's logit over its own tiles (batched forward passes).
  const tileLogits = async (inputs: Float32Array[]): Promise<Float32Array> => {
    const out = new Float32Array(inputs.length);
    for (let b = 0; b < inputs.length; b += 32) {
      const part = inputs.slice(b, b + 32);
      const batch = new Float32Array(part.length * T * T * 3);
      part.forEach((x, i) => batch.set(x, i * T * T * 3));
      const z = tf.tidy(() => parts.logit(tf.tensor4d(batch, [part.length, T, T, 3])).reshape([-1]));
      try { out.set((await z.data()) as Float32Array, b); } finally { z.dispose(); }
    }
    return out;
  };
  const verdictInputs = verdictTiles.map(tileInput);
  const verdictZ = await tileLogits(verdictInputs);
  const logit = aggregateLogits(verdictZ, tiling.aggregation);
  const isLime = opts.method === 'lime';
  let target: 'synthetic' | 'real' = opts.both && !isLime ? 'synthetic'
    : opts.target === 'synthetic' || opts.target === 'real' ? opts.target : verdictTarget(logit, manifest, opts.threshold);
  const sign: 1 | -1 = target === 'synthetic' ? 1 : -1;
  const inputs = tiles === verdictTiles ? verdictInputs : tiles.map(tileInput);
  const analysed = tiles.map(rectOf);
  const common = {
    method: opts.method, target, logit, probability: calibrate(logit, manifest.calibration), layer: parts.layer,
    logitSource: parts.logitSource, analysed, tilesExplained: tiles.length, tilesScored: verdictTiles.length,
  };
  const yieldFn = opts.yieldFn ?? yieldToEventLoop;

  if (isLime) {
    // Superpixels over the explained tiles' bounding box (grid-image pixels), downscaled.
    let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
    for (const t of tiles) { bx0 = Math.min(bx0, t.x); by0 = Math.min(by0, t.y); bx1 = Math.max(bx1, t.x + T); by1 = Math.max(by1, t.y + T); }
    const box = { x: bx0, y: by0, width: bx1 - bx0, height: by1 - by0 };
    const rs = rasterSize(box.width, box.height, LIME_RASTER_SIDE);
    const px = resizeRgba(cropRgba(src, box), rs.width, rs.height);
    const seg = slic(px, { segments: opts.segments ?? LIME_TILED_SEGMENTS, compactness: opts.compactness ?? 10 });
    const rasterLabel = (gx: number, gy: number) => {
      const i = Math.min(rs.width - 1, Math.floor(((gx + 0.5 - box.x) * rs.width) / box.width));
      const j = Math.min(rs.height - 1, Math.floor(((gy + 0.5 - box.y) * rs.height) / box.height));
      return seg.labels[j * rs.width + i]!;
    };
    // Per-tile labels, compacted to the superpixels that occur in some tile.
    const compact = new Map<number, number>();
    const segs = new Int32Array(tiles.length * T * T);
    tiles.forEach((t, k) => {
      for (let y = 0; y < T; y++) for (let x = 0; x < T; x++) {
        const l = rasterLabel(t.x + x, t.y + y);
        let c = compact.get(l);
        if (c === undefined) { c = compact.size; compact.set(l, c); }
        segs[(k * T + y) * T + x] = c;
      }
    });
    const m = compact.size;
    // Raster labels for drawing: compacted, −1 where no explained tile lies.
    const cover = coverageMask(tiles.map((t) => ({ x: t.x - box.x, y: t.y - box.y, width: T, height: T })), box.width, box.height, rs.width, rs.height);
    const segments = Array.from(seg.labels, (l, p) => (cover[p] ? compact.get(l) ?? -1 : -1));
    const all = new Float32Array(inputs.length * T * T * 3);
    inputs.forEach((x, i) => all.set(x, i * T * T * 3));
    const fill = opts.fill === undefined || opts.fill === 'mean' ? perChannelMean(all) : opts.fill;
    const xs = tf.tensor4d(all, [tiles.length, T, T, 3]);
    let res: Awaited<ReturnType<typeof limeTiles>>;
    try {
      res = await limeTiles(tf, parts, xs, segs, m, sign, fill, (z) => aggregateLogits(z, tiling.aggregation), {
        samples: opts.samples, batch: opts.batch, seed: opts.seed, response: opts.limeResponse, signal: opts.signal, onProgress: opts.onProgress, yieldFn,
      });
    } finally {
      xs.dispose();
    }
    let scale = Math.abs(res.intercept), lo = Infinity, hi = -Infinity;
    for (const v of res.weights) scale = Math.max(scale, Math.abs(v));
    for (const v of res.responses) { if (v < lo) lo = v; if (v > hi) hi = v; }
    scale = Math.max(scale, hi - lo);
    const raw = segments.map((l) => (l >= 0 ? Math.max(0, res.weights[l]!) : 0));
    const [fm] = finishMaps([raw], cover, scale);
    return {
      ...common, region: { x: offset.x + box.x, y: offset.y + box.y, width: box.width, height: box.height },
      map: fm!.map, mapWidth: rs.width, mapHeight: rs.height, empty: fm!.empty, segments, weights: Array.from(res.weights),
      intercept: res.intercept, r2: res.r2, segmentCount: m, ms: Date.now() - t0,
    };
  }

  // CAMs: one explanation per tile (and per class with `both`), raw maps stitched.
  const targets: Array<'synthetic' | 'real'> = opts.both ? ['synthetic', 'real'] : [target];
  const total = tiles.length * targets.length;
  const raws: Float32Array[][] = targets.map(() => []);
  let mw = 0, mh = 0, scale = 0, channelWeights: number[] | undefined;
  for (let i = 0; i < tiles.length; i++) {
    for (let k = 0; k < targets.length; k++) {
      throwIfAborted(opts.signal);
      const unit = i * targets.length + k;
      const r = await explain(tf, detector.model, inputs[i]!, {
        method: opts.method, targetLayer: opts.targetLayer, parts, target: targets[k], batch: opts.batch, topK: opts.topK, fill: opts.fill,
        signal: opts.signal, yieldFn, onProgress: opts.onProgress ? (d, n) => opts.onProgress!(unit + (n > 0 ? d / n : 1), total) : undefined,
      });
      raws[k]!.push(r.raw!);
      mw = r.mapWidth; mh = r.mapHeight;
      scale = Math.max(scale, r.rawScale ?? 0);
      channelWeights ??= r.channelWeights;
    }
    if (i + 1 < tiles.length) await yieldFn();
  }
  const stitched = raws.map((rs) => stitchTileMaps(tiles.map((t, i) => ({ x: t.x, y: t.y, size: T, map: rs[i]! })), mw, mh));
  let { width, height } = stitched[0]!;
  let maps = stitched.map((st) => st.map);
  const k = Math.ceil(Math.sqrt((width * height) / MAX_STITCHED_CELLS));
  if (k > 1) {
    const pooled = maps.map((mp) => poolMap(mp, width, height, k));
    maps = pooled.map((p) => p.map);
    width = pooled[0]!.width; height = pooled[0]!.height;
  }
  const covered = Array.from(maps[0]!, (v) => !Number.isNaN(v));
  const fin = finishMaps(maps, covered, scale);
  const reg = stitched[0]!.region;
  return {
    ...common, region: { x: offset.x + reg.x, y: offset.y + reg.y, width: reg.width, height: reg.height },
    map: fin[0]!.map, mapWidth: width, mapHeight: height, empty: fin.every((f) => f.empty),
    ...(opts.both ? { other: fin[1]!.map } : {}), channelWeights, ms: Date.now() - t0,
  };
}
