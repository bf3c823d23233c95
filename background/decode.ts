/**
 * Browser decoding: encoded bytes → straight 8-bit RGBA (`RgbaImage`), with the header checked first.
 * Uses `createImageBitmap` + `OffscreenCanvas` (available in service workers); the Node side decodes
 * the same files with sharp (`training/node/decode.ts`) and both then share `preprocess.ts`.
 */
import { sniffImageHeader, type ImageHeader } from '../extension/shared/image-header';
import type { ImageErrorCode } from '../extension/shared/messages';
import { decodedSizeOf, isCmykJpeg, lumaStd, MAX_DECODED_PIXELS, MIN_LUMA_STD, refusal, sampledFrames } from '../extension/shared/format-policy';
import { decodeCmykJpeg } from '../extension/shared/cmyk-jpeg';
import { GifReader } from 'omggif';
import { isNotPhoto } from '../extension/shared/not-photo';
import { MIN_SIDE_PIXELS, type RgbaImage } from '../extension/shared/preprocess';

export class DecodeImageError extends Error {
  override name = 'DecodeImageError';
  constructor(readonly code: ImageErrorCode, message: string) {
    super(message);
  }
}

/**
 * Checks the header before decoding, with the shared format policy (`format-policy.ts`).
 * @returns the sniffed header
 * @throws {DecodeImageError} `unsupported-format` for SVG, HEIC and unrecognised formats, `decode-failed`
 *   when the header states no size or the file is truncated, `too-large` above `MAX_SOURCE_PIXELS`,
 *   `too-small` when the header's shorter side is below `MIN_SIDE_PIXELS`
 */
export function checkHeader(bytes: Uint8Array): ImageHeader {
  const h = sniffImageHeader(bytes);
  const refused = refusal(h);
  if (refused) throw new DecodeImageError(refused.code, refused.message);
  if (isTruncated(bytes, h)) throw new DecodeImageError('decode-failed', `truncated ${h.format} file (no end marker)`);
  return h;
}

/**
 * True when a JPEG has no EOI marker (0xFFD9) or a PNG no IEND chunk: the file was cut off. Entropy-coded
 * JPEG data cannot contain 0xFFD9 (0xFF is byte-stuffed), so its absence is conclusive.
 */
export function isTruncated(bytes: Uint8Array, h: ImageHeader): boolean {
  if (h.format === 'jpeg') {
    for (let i = bytes.length - 2; i >= 2; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return false;
    return true;
  }
  if (h.format === 'png') {
    const from = Math.max(0, bytes.length - 4096);
    for (let i = bytes.length - 4; i >= from; i--) {
      if (bytes[i] === 0x49 && bytes[i + 1] === 0x45 && bytes[i + 2] === 0x4e && bytes[i + 3] === 0x44) return false;
    }
    return true;
  }
  return false;
}

/**
 * Decodes bytes to RGBA (first frame of animations; EXIF orientation applied; straight alpha). Images
 * above `MAX_DECODED_PIXELS` are decoded straight to `decodedSize` (`resizeWidth/resizeHeight`,
 * `resizeQuality: 'high'`), so memory stays bounded (≤ 64 MiB of RGBA) for e.g. 48 MP phone photos.
 * @param bytes encoded image
 * @param mime Content-Type hint for the Blob (unused: the sniffed format names the type)
 * @returns the image (possibly downscaled; `width`/`height` are the decoded size) and its sniffed header
 * @throws {DecodeImageError} as `checkHeader`; `decode-failed` for broken files of a known format;
 *   `too-small`/`too-large` on the decoded size; `low-detail` for a blank or near-uniform image (every
 *   sampled frame of an animation); `not-photo` for a chart, screenshot, drawing or flat graphic
 *   (`not-photo.ts`, first frame)
 */
export async function decodeBytes(bytes: Uint8Array, mime = ''): Promise<{ image: RgbaImage; header: ImageHeader }> {
  const first = await decodeFirst(bytes, mime);
  if (lumaStd(first.image) >= MIN_LUMA_STD) {
    // After the low-detail check, before the detector (issue 12): charts, screenshots, flat graphics.
    if (isNotPhoto(first.image)) throw new DecodeImageError('not-photo', 'chart, screenshot, drawing or flat graphic (not-photo.ts)');
    return first;
  }
  // Blank or near-uniform: for an animation, the first sampled frame with detail is scored instead.
  if (first.header.animated) {
    const frame = await sampledFrameWithDetail(bytes, first.header).catch(() => undefined); // a broken later frame: judged on the first
    if (frame) return { image: frame, header: first.header };
  }
  throw new DecodeImageError('low-detail', `near-uniform image (luma std below ${MIN_LUMA_STD} levels${first.header.animated ? ' in every sampled frame' : ''})`);
}

/** Most GIF frames composited while looking for one with detail. */
const MAX_GIF_FRAMES = 500;

/**
 * Animations (issue 13, item 9; policy in docs/security.md): frames `sampledFrames(frameCount)` — the
 * first, then up to 4 spread over the rest — are looked at until one is not near-uniform. Animated GIFs
 * are composited frame by frame with omggif (GIF89a disposal 2 = restore to background; WebCodecs'
 * `ImageDecoder` is not exposed to extension service workers); other animations (WebP, APNG, AVIF
 * sequences) and GIFs above 16 MP or `MAX_GIF_FRAMES` frames are judged on the first frame only.
 * @returns that frame as RGBA, or undefined (all sampled frames flat, or not a GIF)
 */
async function sampledFrameWithDetail(bytes: Uint8Array, header: ImageHeader): Promise<RgbaImage | undefined> {
  if (header.format !== 'gif' || decodedSizeOf(header)!.resized) return undefined;
  const gif = new GifReader(bytes);
  const count = Math.min(gif.numFrames(), MAX_GIF_FRAMES);
  const wanted = new Set(sampledFrames(count).slice(1));
  const { width, height } = gif;
  const pixels = new Uint8Array(width * height * 4);
  for (let f = 0; f < count && wanted.size > 0; f++) {
    const info = gif.frameInfo(f);
    const saved = info.disposal === 3 ? pixels.slice() : undefined;
    gif.decodeAndBlitFrameRGBA(f, pixels);
    if (wanted.delete(f)) {
      // Transparent pixels over nothing are treated as black, as an opaque canvas shows them.
      const img = { width, height, data: pixels.slice() };
      for (let i = 3; i < img.data.length; i += 4) if (img.data[i] === 0) { img.data[i - 3] = img.data[i - 2] = img.data[i - 1] = 0; img.data[i] = 255; }
      if (lumaStd(img) >= MIN_LUMA_STD) return img;
    }
    if (info.disposal === 2) {
      for (let y = info.y; y < Math.min(height, info.y + info.height); y++) pixels.fill(0, 4 * (y * width + info.x), 4 * (y * width + Math.min(width, info.x + info.width)));
    } else if (saved) pixels.set(saved);
  }
  return undefined;
}

/** The first frame, decoded (see `decodeBytes`). */
async function decodeFirst(bytes: Uint8Array, mime: string): Promise<{ image: RgbaImage; header: ImageHeader }> {
  const header = checkHeader(bytes);
  void mime;
  const target = decodedSizeOf(header)!; // checkHeader refused images without a size
  let bitmap: ImageBitmap | undefined;
  try {
    let source: Blob | ImageData = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${header.format}` });
    if (isCmykJpeg(header)) {
      // The same decoder and CMYK → RGB conversion as Node (cmyk-jpeg.ts), not the browser's own.
      const rgba = decodeCmykJpeg(bytes, header.orientation);
      if (!target.resized) return { image: rgba, header };
      source = new ImageData(new Uint8ClampedArray(rgba.data.buffer as ArrayBuffer, rgba.data.byteOffset, rgba.data.byteLength), rgba.width, rgba.height);
    }
    bitmap = await createImageBitmap(source, {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'default',
      imageOrientation: 'from-image',
      ...(target.resized ? { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'high' as const } : {}),
    });
  } catch (e) {
    const code: ImageErrorCode = 'decode-failed'; // unknown formats were refused by checkHeader
    throw new DecodeImageError(code, `could not decode ${header.format} image (${(e as Error).message || 'invalid data'})`);
  }
  try {
    const { width, height } = bitmap;
    // The header's size is what bounded the decoder; a file whose frames exceed it (GIF frames larger than
    // the logical screen are clipped by browsers, but never trust it) is refused here.
    if (width * height > MAX_DECODED_PIXELS * 1.01) throw new DecodeImageError('too-large', `${width}x${height} is above the decode limit`);
    if (Math.min(width, height) < MIN_SIDE_PIXELS) throw new DecodeImageError('too-small', `${width}x${height}: shorter side below ${MIN_SIDE_PIXELS} px`);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: true }) as OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new DecodeImageError('decode-failed', 'no 2D context');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    return { image: { width, height, data }, header };
  } finally {
    bitmap.close();
  }
}
