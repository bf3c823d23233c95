/**
 * Node-side image decoding with sharp (libvips): any format sharp reads (JPEG, PNG, WebP, GIF, AVIF,
 * TIFF, …) → straight 8-bit RGBA (`RgbaImage` of `extension/shared/preprocess.ts`), EXIF orientation
 * applied, the same pixel contract as the browser's `createImageBitmap` path.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { MAX_DECODE_PIXELS, type RgbaImage } from '../../extension/shared/preprocess';

/** Thrown when an input cannot be decoded (broken, truncated, unsupported, too large). */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(message: string, readonly source?: string, options?: { cause?: unknown }) {
    super(source ? `${source}: ${message}` : message, options);
  }
}

/**
 * Decodes encoded image bytes to RGBA.
 * @param input encoded bytes (any format sharp reads); for animated images the first frame is used
 * @param name optional label (e.g. the file path) used in error messages
 * @returns `{width, height, data}` with `data` a Uint8Array of `width*height*4` bytes, straight alpha
 *   (opaque images get alpha 255); EXIF orientation applied (so width/height are the displayed ones)
 * @throws {DecodeError} for empty, broken, truncated or unsupported inputs, and for images above
 *   `MAX_DECODE_PIXELS` (40 MP), with sharp's message as the cause
 */
export async function decodeImage(input: Uint8Array | Buffer, name?: string): Promise<RgbaImage> {
  if (input.byteLength === 0) throw new DecodeError('empty file', name);
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (e) {
    throw new DecodeError(`not a decodable image (${(e as Error).message})`, name, { cause: e });
  }
  if (meta.width !== undefined && meta.height !== undefined && meta.width * meta.height > MAX_DECODE_PIXELS) {
    throw new DecodeError(
      `image is ${meta.width}x${meta.height} = ${((meta.width * meta.height) / 1e6).toFixed(1)} MP, above the ${MAX_DECODE_PIXELS / 1e6} MP decode limit`,
      name,
    );
  }
  try {
    const { data, info } = await sharp(buf, { limitInputPixels: MAX_DECODE_PIXELS, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`expected 4 channels after ensureAlpha, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    const msg = (e as Error).message;
    if (/pixel limit/i.test(msg)) throw new DecodeError(`image above the ${MAX_DECODE_PIXELS / 1e6} MP decode limit`, name, { cause: e });
    throw new DecodeError(`decode failed (${msg})`, name, { cause: e });
  }
}

/**
 * Reads and decodes an image file.
 * @param path file path
 * @throws {DecodeError} as `decodeImage`, or when the file cannot be read
 */
export async function decodeFile(path: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DecodeError(`cannot read file (${(e as Error).message})`, path, { cause: e });
  }
  return decodeImage(bytes, path);
}

/**
 * Encodes RGBA pixels with sharp (for fixtures, degradations and plots).
 * @param img RGBA image
 * @param format `png` (lossless) or `jpeg` with `quality` 1..100 (libjpeg-turbo, 4:2:0 chroma subsampling)
 * @returns encoded bytes
 */
export async function encodeImage(img: RgbaImage, format: 'png' | 'jpeg', quality = 90): Promise<Buffer> {
  const s = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 4 },
  });
  return format === 'png' ? s.png().toBuffer() : s.jpeg({ quality: Math.round(quality), chromaSubsampling: '4:2:0' }).toBuffer();
}
