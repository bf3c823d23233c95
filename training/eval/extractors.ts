/**
 * Feature extractors for the feature cache (`training/cli/features.ts`) and the LOSO harness.
 *
 * A `FeatureExtractor` maps decoded (cropped, degraded) RGBA images to fixed-length float vectors. Other
 * extractors (e.g. frozen CNN embeddings) are plugged in as a module export `(ctx) => FeatureExtractor`,
 * e.g. the frozen MobileNetV2 (async weight loading, so not built in):
 * `--extractor training/models/mobilenet-v2.ts#makeExtractor [--layer pool|block32|block96|concat]`.
 *
 * Built in: `residual-stats` (24-d), cheap low-level statistics of the native-resolution centre
 * 256×256 crop, in the spirit of the residual probes of baseline.md (which showed that such features
 * mostly read JPEG quality on the developer set — use it as a pipeline check and a shortcut detector,
 * not as a detector).
 */
import { toInputPixels, normalizePixels, type PreprocessSpec, type RgbaImage } from '../../extension/shared/preprocess';
import type * as tfns from '@tensorflow/tfjs';

export interface FeatureExtractor {
  /** Stable id stored in the cache header. */
  name: string;
  /** Vector length. */
  dim: number;
  /** One vector per image, finite values. */
  extract(images: RgbaImage[]): Promise<Float32Array[]>;
  dispose?(): void;
}

/** A module-provided extractor factory: `export const myExtractor: ExtractorFactory = async () => ({…})`. */
export type ExtractorFactory = (ctx: { args: Record<string, string | boolean | undefined> }) => FeatureExtractor | Promise<FeatureExtractor>;

/** Luma (BT.601) of an RGBA image, as float32, row-major. */
export function luma(img: RgbaImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.299 * img.data[i * 4]! + 0.587 * img.data[i * 4 + 1]! + 0.114 * img.data[i * 4 + 2]!;
  return out;
}

/** [mean |r|, std, excess kurtosis, fraction |r| < 1] of a residual. */
export function residualMoments(r: ArrayLike<number>): [number, number, number, number] {
  const n = r.length;
  let m = 0, a = 0, small = 0;
  for (let i = 0; i < n; i++) { m += r[i]!; a += Math.abs(r[i]!); if (Math.abs(r[i]!) < 1) small++; }
  m /= n;
  let v = 0, k = 0;
  for (let i = 0; i < n; i++) { const d = r[i]! - m; v += d * d; k += d * d * d * d; }
  v /= n; k /= n;
  const kurt = v > 1e-12 ? k / (v * v) - 3 : 0;
  return [a / n, Math.sqrt(v), Math.max(-3, Math.min(100, kurt)), small / n];
}

/**
 * 24 features of the centre 256×256 crop at native resolution (smaller images are upscaled first):
 * moments (4 each) of the horizontal difference, vertical difference, 4-neighbour Laplacian and the
 * 2×2 nearest-neighbour up/down residual (NPR-like, Tan et al. CVPR 2024) = 16; normalised
 * autocorrelation of the horizontal difference at lags 1..8 (upsampling periodicity; 8 = JPEG grid) = 8.
 */
export function residualStats(img: RgbaImage, size = 256): Float32Array {
  const px = toInputPixels(img, { inputSize: size, geometry: 'center-crop', normalization: 'raw' });
  const g = luma(px);
  const W = size, H = size;
  const dx = new Float32Array((W - 1) * H), dy = new Float32Array(W * (H - 1)), lap = new Float32Array((W - 2) * (H - 2)), npr = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W - 1; x++) dx[y * (W - 1) + x] = g[y * W + x + 1]! - g[y * W + x]!;
  for (let y = 0; y < H - 1; y++) for (let x = 0; x < W; x++) dy[y * W + x] = g[(y + 1) * W + x]! - g[y * W + x]!;
  for (let y = 1; y < H - 1; y++) for (let x = 1; x < W - 1; x++) {
    const c = g[y * W + x]!;
    lap[(y - 1) * (W - 2) + x - 1] = 4 * c - g[y * W + x - 1]! - g[y * W + x + 1]! - g[(y - 1) * W + x]! - g[(y + 1) * W + x]!;
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) npr[y * W + x] = g[y * W + x]! - g[(y & ~1) * W + (x & ~1)]!;
  const out = new Float32Array(24);
  out.set(residualMoments(dx), 0);
  out.set(residualMoments(dy), 4);
  out.set(residualMoments(lap), 8);
  out.set(residualMoments(npr), 12);
  let mean = 0;
  for (let i = 0; i < dx.length; i++) mean += dx[i]!;
  mean /= dx.length;
  let v0 = 0;
  for (let i = 0; i < dx.length; i++) v0 += (dx[i]! - mean) ** 2;
  for (let lag = 1; lag <= 8; lag++) {
    let s = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x + lag < W - 1; x++) s += (dx[y * (W - 1) + x]! - mean) * (dx[y * (W - 1) + x + lag]! - mean);
    out[15 + lag] = v0 > 1e-9 ? s / v0 : 0;
  }
  return out;
}

/** The built-in `residual-stats` extractor. */
export function residualStatsExtractor(): FeatureExtractor {
  return { name: 'residual-stats@1', dim: 24, extract: async (imgs) => imgs.map((im) => residualStats(im)) };
}

/** Built-in extractors by name. */
export const BUILTIN_EXTRACTORS: Record<string, () => FeatureExtractor> = {
  'residual-stats': residualStatsExtractor,
};

/**
 * A `FeatureExtractor` around a frozen tfjs feature model (used by `mobilenet-v2` and `resnet50`).
 * @param model maps float32 `[N, size, size, 3]` (normalised by `spec`) to `[N, dim]`
 * @param pixels geometry: decoded RGBA → `size × size` RGBA (e.g. `mobileNetV2Pixels`, the baseline's
 *   shorter side 256 → centre 224 → JPEG q90)
 * @returns vectors of length `dim`; `dispose` disposes the model
 */
export function frozenModelExtractor(tf: typeof tfns, model: tfns.LayersModel, opts: { name: string; dim: number; size: number; spec: PreprocessSpec; pixels: (img: RgbaImage) => Promise<RgbaImage> }): FeatureExtractor {
  const { size, dim } = opts;
  return {
    name: opts.name,
    dim,
    async extract(images: RgbaImage[]): Promise<Float32Array[]> {
      if (!images.length) return [];
      const px = await Promise.all(images.map(opts.pixels));
      const flat = new Float32Array(px.length * size * size * 3);
      px.forEach((p, i) => flat.set(normalizePixels(p, opts.spec), i * size * size * 3));
      const y = tf.tidy(() => model.predict(tf.tensor4d(flat, [px.length, size, size, 3])) as tfns.Tensor);
      const data = await y.data() as Float32Array;
      y.dispose();
      return px.map((_, i) => data.slice(i * dim, (i + 1) * dim));
    },
    dispose: () => model.dispose(),
  };
}
