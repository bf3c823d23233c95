/**
 * Image degradations (Node, sharp/libvips) for robustness evaluation and training augmentation.
 *
 * - `degrade(img, level)`: fixed, deterministic conditions used by evaluation — `clean` (unchanged),
 *   `web` (longer side ≤ 1080 px, JPEG q60: a typical feed upload) and `avatar` (longer side ≤ 256 px,
 *   JPEG q75: profile photos). Downscaling uses lanczos3; images already small enough are not resized.
 * - `augment(img, rng)`: random resize, blur, noise, flip and JPEG re-compression for training, drawn
 *   identically for both labels (it never sees the label), so that stored compression and size cannot
 *   predict the label (see `../shared/research/baseline.md`, "The JPEG-quality shortcut").
 * - `debias(img, rng)`: JPEG re-encode at a random quality only.
 *
 * All functions take and return straight RGBA (`RgbaImage`); JPEG stages composite alpha over black (as
 * `preprocess.ts` does) and return alpha 255.
 */
import sharp from 'sharp';
import type { RgbaImage } from '../../extension/shared/preprocess';
import { gaussian, mulberry32, uniform, type Rng } from './rng';

export type DegradeLevel = 'clean' | 'web' | 'avatar';
export const DEGRADE_LEVELS: readonly DegradeLevel[] = ['clean', 'web', 'avatar'];

/** Longest side and JPEG quality of each non-clean level. */
export const DEGRADE_SPECS: Record<Exclude<DegradeLevel, 'clean'>, { maxSide: number; quality: number }> = {
  web: { maxSide: 1080, quality: 60 },
  avatar: { maxSide: 256, quality: 75 },
};

function toSharp(img: RgbaImage): sharp.Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 4 },
  });
}

async function rawOf(s: sharp.Sharp): Promise<RgbaImage> {
  const { data, info } = await s.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Resizes with sharp (lanczos3, libvips' default downsampler).
 * @param width, height target size, integers ≥ 1
 * @returns RGBA of exactly that size
 */
export async function resizeLanczos(img: RgbaImage, width: number, height: number): Promise<RgbaImage> {
  if (width === img.width && height === img.height) return img;
  return rawOf(toSharp(img).resize(width, height, { fit: 'fill', kernel: 'lanczos3' }));
}

/**
 * Encodes as baseline JPEG (libjpeg-turbo via sharp, 4:2:0) and decodes again.
 * @param quality 1..100 (rounded)
 * @returns RGBA, alpha 255
 */
export async function jpegRoundTrip(img: RgbaImage, quality: number): Promise<RgbaImage> {
  const q = Math.max(1, Math.min(100, Math.round(quality)));
  const bytes = await toSharp(img).flatten({ background: '#000000' }).jpeg({ quality: q, chromaSubsampling: '4:2:0' }).toBuffer();
  return rawOf(sharp(bytes));
}

/** Target size for "longer side ≤ maxSide", keeping aspect ratio (each side ≥ 1); unchanged if small. */
export function fitLongerSide(width: number, height: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height };
  const s = maxSide / long;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/**
 * Applies an evaluation condition.
 * @param level `clean` returns `img` itself; `web`: longer side ≤ 1080 then JPEG q60; `avatar`: longer
 *   side ≤ 256 then JPEG q75
 * @returns RGBA
 */
export async function degrade(img: RgbaImage, level: DegradeLevel): Promise<RgbaImage> {
  if (level === 'clean') return img;
  const spec = DEGRADE_SPECS[level];
  if (!spec) throw new RangeError(`unknown degradation "${level}" (clean|web|avatar)`);
  const t = fitLongerSide(img.width, img.height, spec.maxSide);
  return jpegRoundTrip(await resizeLanczos(img, t.width, t.height), spec.quality);
}

/** Augmentation ranges and probabilities (defaults in `DEFAULT_AUGMENT`). */
export interface AugmentOptions {
  /** Uniform range of the downscale factor applied to both sides. */
  scale: [number, number];
  /** Probability of resizing back up to the original size after the downscale. */
  pResizeBack: number;
  /** Never downscale below this shorter side, in pixels. */
  minSide: number;
  /** Probability and sigma range (pixels) of a gaussian blur. */
  pBlur: number;
  blurSigma: [number, number];
  /** Probability and std range (8-bit units) of additive gaussian noise, per pixel and channel. */
  pNoise: number;
  noiseStd: [number, number];
  /** Probability of a horizontal flip. */
  pFlip: number;
  /** Uniform JPEG quality range (inclusive ends, rounded); always applied last. */
  jpegQuality: [number, number];
}

export const DEFAULT_AUGMENT: AugmentOptions = {
  scale: [0.5, 1.0],
  pResizeBack: 0,
  minSide: 64,
  pBlur: 0.2,
  blurSigma: [0.3, 1.0],
  pNoise: 0.2,
  noiseStd: [1, 4],
  pFlip: 0.5,
  jpegQuality: [50, 95],
};

/** The concrete augmentation drawn for one sample. */
export interface AugmentParams {
  scale: number;
  resizeBack: boolean;
  blurSigma?: number;
  noiseStd?: number;
  noiseSeed?: number;
  flip: boolean;
  jpegQuality: number;
}

/**
 * Draws augmentation parameters. Always consumes the same number of RNG draws (8), whatever the
 * outcome, so one sample's draws do not shift the next one's.
 */
export function drawAugmentParams(rng: Rng, opts: Partial<AugmentOptions> = {}): AugmentParams {
  const o = { ...DEFAULT_AUGMENT, ...opts };
  const scale = uniform(rng, o.scale[0], o.scale[1]);
  const resizeBack = rng() < o.pResizeBack;
  const blur = rng() < o.pBlur;
  const blurSigma = uniform(rng, o.blurSigma[0], o.blurSigma[1]);
  const noise = rng() < o.pNoise;
  const noiseStd = uniform(rng, o.noiseStd[0], o.noiseStd[1]);
  const noiseSeed = Math.floor(rng() * 2 ** 32);
  const flip = rng() < o.pFlip;
  const jpegQuality = Math.round(o.jpegQuality[0]) + Math.floor(rng() * (Math.round(o.jpegQuality[1]) - Math.round(o.jpegQuality[0]) + 1));
  return {
    scale, resizeBack, flip, jpegQuality,
    ...(blur ? { blurSigma } : {}),
    ...(noise ? { noiseStd, noiseSeed } : {}),
  };
}

/**
 * Applies drawn parameters: downscale by `scale` (lanczos3; shorter side kept ≥ `minSide` unless the
 * image is already smaller) [→ resize back] → blur → noise → flip → JPEG at `jpegQuality`.
 */
export async function applyAugment(img: RgbaImage, p: AugmentParams, minSide = DEFAULT_AUGMENT.minSide): Promise<RgbaImage> {
  const short = Math.min(img.width, img.height);
  const s = Math.min(1, Math.max(p.scale, Math.min(1, minSide / short)));
  let cur = img;
  if (s < 1) {
    cur = await resizeLanczos(cur, Math.max(1, Math.round(img.width * s)), Math.max(1, Math.round(img.height * s)));
    if (p.resizeBack) cur = await resizeLanczos(cur, img.width, img.height);
  }
  if (p.blurSigma !== undefined || p.flip) {
    let sh = toSharp(cur);
    if (p.blurSigma !== undefined) sh = sh.blur(Math.max(0.3, p.blurSigma));
    if (p.flip) sh = sh.flop();
    cur = await rawOf(sh);
  }
  if (p.noiseStd !== undefined) {
    const r = mulberry32(p.noiseSeed ?? 0);
    const d = new Uint8Array(cur.data);
    for (let i = 0; i < d.length; i++) {
      if ((i & 3) === 3) continue;
      const v = d[i]! + gaussian(r) * p.noiseStd;
      d[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
    cur = { width: cur.width, height: cur.height, data: d };
  }
  return jpegRoundTrip(cur, p.jpegQuality);
}

/**
 * Training augmentation: `applyAugment(img, drawAugmentParams(rng, opts))`. Label-blind by design.
 * @returns RGBA, alpha 255, possibly smaller than `img`
 */
export async function augment(img: RgbaImage, rng: Rng, opts: Partial<AugmentOptions> = {}): Promise<RgbaImage> {
  return applyAugment(img, drawAugmentParams(rng, opts), opts.minSide ?? DEFAULT_AUGMENT.minSide);
}

/**
 * Format debiasing: re-encode as JPEG at a quality drawn uniformly from `quality` (default 60–95), so
 * that lossless vs lossy storage or the stored quality cannot predict the label.
 * @returns RGBA, alpha 255, same size
 */
export async function debias(img: RgbaImage, rng: Rng, quality: [number, number] = [60, 95]): Promise<RgbaImage> {
  const q = quality[0] + Math.floor(rng() * (quality[1] - quality[0] + 1));
  return jpegRoundTrip(img, q);
}
