/**
 * The one format and size policy for every decoder of the project: the extension's service worker
 * (`background/decode.ts`, `createImageBitmap`) and the Node CLI (`training/node/decode.ts`, sharp).
 * Both call `refusal` on the sniffed header before decoding, so they agree on what counts as an image
 * (issue 13, items 5 and 10):
 *
 * - screened: JPEG, PNG, GIF, WebP, AVIF, BMP (raster formats every supported browser decodes);
 * - refused as `unsupported-format`: SVG (vector: no camera or generator pixels), HEIC (HEVC: not
 *   decodable in Chromium/Firefox, so the CLI refuses it too), and anything not recognised from its
 *   signature (ICO, TIFF, PSD, …) — before any decoder runs, so no unknown decoder is exposed;
 * - refused as `decode-failed`: a recognised format whose header states no size (a truncated or forged
 *   header) — the size must be known before decoding to bound memory;
 * - refused as `too-large`: above `MAX_SOURCE_PIXELS` (64 MP) as the header states it, wherever that is
 *   in the file (ISO-BMFF boxes are walked, `image-header.ts`) — the decompression-bomb guard;
 * - refused as `too-small`: shorter side below `MIN_SIDE_PIXELS`.
 *
 * Images above `MAX_DECODED_PIXELS` (16 MP, e.g. 48 MP phone photos) are decoded straight to a smaller
 * size (`decodedSize`: same aspect, area ≤ 16 MP) — `createImageBitmap`'s `resizeWidth/resizeHeight` in
 * the browser, sharp's `resize` in Node — so a check needs at most 64 MiB of RGBA per image. The bound
 * is generous on purpose (not the model's input size): the detector scores patches at native resolution,
 * so smaller images (≤ 16 MP, nearly every image on social sites) are never resampled.
 */
import type { ImageHeader, ImageFormat } from './image-header';
import { displayedSize } from './image-header';
import type { ImageErrorCode } from './messages';
import { MIN_SIDE_PIXELS } from './preprocess';

/** Largest source image accepted, in pixels (header width × height): 64 MP. */
export const MAX_SOURCE_PIXELS = 64_000_000;
/** Largest decoded image, in pixels: 16 MiP (4096 × 4096); larger sources are downscaled while decoding. */
export const MAX_DECODED_PIXELS = 4096 * 4096;
/** Formats that are decoded and screened. */
export const SCREENED_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'gif', 'webp', 'avif', 'bmp'];

/**
 * Why an image with this header is not decoded, or undefined when it may be.
 * @param h the header sniffed from the whole file (`sniffImageHeader`)
 * @returns `{ code, message }` with `code` one of `unsupported-format`, `decode-failed`, `too-large`, `too-small`
 */
export function refusal(h: ImageHeader): { code: ImageErrorCode; message: string } | undefined {
  const f = formatRefusal(h);
  if (f) return f;
  if (Math.min(h.width!, h.height!) < MIN_SIDE_PIXELS) {
    return { code: 'too-small', message: `${h.width}x${h.height}: shorter side below ${MIN_SIDE_PIXELS} px` };
  }
  return undefined;
}

/**
 * The format part of `refusal` (all but `too-small`), for decoders whose callers screen small images
 * themselves (the Node decoder also serves training, where small images are valid inputs).
 */
export function formatRefusal(h: ImageHeader): { code: ImageErrorCode; message: string } | undefined {
  if (h.format === 'svg') return { code: 'unsupported-format', message: 'SVG (vector) images are not screened' };
  if (h.format === 'heic') return { code: 'unsupported-format', message: 'HEIC (HEVC) images are not screened: browsers cannot decode them' };
  if (!SCREENED_FORMATS.includes(h.format)) return { code: 'unsupported-format', message: 'not a recognised image format (JPEG, PNG, GIF, WebP, AVIF, BMP)' };
  if (h.width === undefined || h.height === undefined) return { code: 'decode-failed', message: `${h.format} header states no image size (truncated or damaged)` };
  if (h.width * h.height > MAX_SOURCE_PIXELS) {
    return { code: 'too-large', message: `${h.width}x${h.height} = ${((h.width * h.height) / 1e6).toFixed(1)} MP is above the ${MAX_SOURCE_PIXELS / 1e6} MP limit` };
  }
  return undefined;
}

/**
 * The size to decode an image to: the displayed size itself up to `MAX_DECODED_PIXELS`, else scaled by
 * `sqrt(MAX_DECODED_PIXELS / (w·h))` (same aspect, rounded down, each side ≥ 1).
 * @param width displayed width in pixels (after EXIF orientation), > 0
 * @param height displayed height in pixels, > 0
 * @returns `{ width, height, resized }`; `resized` true when smaller than the source
 */
export function decodedSize(width: number, height: number): { width: number; height: number; resized: boolean } {
  if (width * height <= MAX_DECODED_PIXELS) return { width, height, resized: false };
  const s = Math.sqrt(MAX_DECODED_PIXELS / (width * height));
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)), resized: true };
}

/** True for a JPEG with four components (CMYK or YCCK): decoded by `cmyk-jpeg.ts` on both sides. */
export function isCmykJpeg(h: ImageHeader): boolean {
  return h.format === 'jpeg' && h.components === 4;
}

/** `decodedSize` of a header's displayed size (undefined when the header states none). */
export function decodedSizeOf(h: ImageHeader): { width: number; height: number; resized: boolean } | undefined {
  const d = displayedSize(h);
  return d ? decodedSize(d.width, d.height) : undefined;
}

/**
 * Below this standard deviation of luma (8-bit levels) an image is "near-uniform": blank frames, flat
 * fills. The detector has nothing to read there (the review's blank-first-frame animations all got
 * *Likely AI-generated, 55 %*), so such images get `low-detail` ("Not enough detail") instead.
 */
export const MIN_LUMA_STD = 2;

/**
 * Standard deviation of luma (Rec. 601 weights, alpha ignored) over an RGBA image, sampled on a grid of at
 * most ~65k pixels.
 * @param img straight RGBA
 * @returns levels in [0, 127.5]
 */
export function lumaStd(img: { width: number; height: number; data: ArrayLike<number> }): number {
  const n = img.width * img.height;
  const step = Math.max(1, Math.floor(n / 65_536));
  let s = 0, s2 = 0, k = 0;
  for (let i = 0; i < n; i += step) {
    const o = 4 * i;
    const y = 0.299 * img.data[o]! + 0.587 * img.data[o + 1]! + 0.114 * img.data[o + 2]!;
    s += y; s2 += y * y; k++;
  }
  const mean = s / k;
  return Math.sqrt(Math.max(0, s2 / k - mean * mean));
}

/**
 * Frames sampled from an animation (issue 13, item 9; documented policy): the first frame, then up to
 * `extra` more spread evenly over the rest. The decoder scores the first of them that is not near-uniform.
 * @param frameCount frames in the animation (≥ 1)
 * @returns ascending frame indices, starting with 0
 */
export function sampledFrames(frameCount: number, extra = 4): number[] {
  const out = [0];
  const rest = Math.max(0, frameCount - 1);
  const k = Math.min(extra, rest);
  for (let j = 1; j <= k; j++) out.push(Math.round((j * rest) / k));
  return [...new Set(out)];
}

