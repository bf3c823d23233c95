/**
 * Node-side image decoding → straight 8-bit RGBA (`RgbaImage` of `extension/shared/preprocess.ts`), EXIF
 * orientation applied, the same pixel contract as the browser's `createImageBitmap` path. Formats follow
 * the extension's one policy (`extension/shared/format-policy.ts`): JPEG, PNG, GIF, WebP, AVIF with sharp
 * (libvips), BMP with decode-bmp (libvips reads no BMP), CMYK JPEGs with the same decoder as the browser
 * (`cmyk-jpeg.ts`); SVG, HEIC and unrecognised formats are refused before decoding; sources above 16 MP
 * are decoded to ≤ 16 MP (`decodedSize`), as in the browser.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import decodeBmp from 'decode-bmp';
import { decodeCmykJpeg } from '../../extension/shared/cmyk-jpeg';
import { decodedSizeOf, formatRefusal, isCmykJpeg, MAX_SOURCE_PIXELS } from '../../extension/shared/format-policy';
import { sniffImageHeader } from '../../extension/shared/image-header';
import type { ImageErrorCode } from '../../extension/shared/messages';
import { type RgbaImage } from '../../extension/shared/preprocess';

/** Thrown when an input cannot be decoded (broken, truncated, unsupported, too large). */
export class DecodeError extends Error {
  override name = 'DecodeError';
  /** The extension's error code for the same input (`format-policy.ts`), when the policy refused it. */
  code?: ImageErrorCode;
  constructor(message: string, readonly source?: string, options?: { cause?: unknown; code?: ImageErrorCode }) {
    super(source ? `${source}: ${message}` : message, options);
    this.code = options?.code;
  }
}

/** Downscales RGBA to `width × height` with sharp (the Node side of the ≤ 16 MP decode bound). */
async function resizeRgba(img: RgbaImage, width: number, height: number): Promise<RgbaImage> {
  const { data, info } = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Decodes encoded image bytes to RGBA.
 * @param input encoded bytes (any format sharp reads); for animated images the first frame is used
 * @param name optional label (e.g. the file path) used in error messages
 * @returns `{width, height, data}` with `data` a Uint8Array of `width*height*4` bytes, straight alpha
 *   (opaque images get alpha 255); EXIF orientation applied (so width/height are the displayed ones)
 * @throws {DecodeError} for empty, broken, truncated or unsupported inputs (SVG, HEIC, unrecognised
 *   formats: refused before decoding), and for images above `MAX_SOURCE_PIXELS` (64 MP), with the
 *   extension's error `code`; images above 16 MP come back downscaled to ≤ 16 MP
 */
export async function decodeImage(input: Uint8Array | Buffer, name?: string): Promise<RgbaImage> {
  if (input.byteLength === 0) throw new DecodeError('empty file', name);
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const header = sniffImageHeader(buf);
  const refused = formatRefusal(header);
  if (refused) {
    const prefix = refused.code === 'unsupported-format' ? 'not a decodable image' : refused.code === 'too-large' ? 'image too large' : 'decode failed';
    throw new DecodeError(`${prefix} (${refused.message})`, name, { code: refused.code });
  }
  const target = decodedSizeOf(header)!;
  if (header.format === 'bmp' || isCmykJpeg(header)) {
    let img: RgbaImage;
    try {
      img = header.format === 'bmp' ? bmpToRgba(buf) : decodeCmykJpeg(buf, header.orientation);
    } catch (e) {
      throw new DecodeError(`decode failed (${(e as Error).message})`, name, { cause: e, code: 'decode-failed' });
    }
    return target.resized ? resizeRgba(img, target.width, target.height) : img;
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (e) {
    throw new DecodeError(`not a decodable image (${(e as Error).message})`, name, { cause: e });
  }
  if (meta.width !== undefined && meta.height !== undefined && meta.width * meta.height > MAX_SOURCE_PIXELS) {
    throw new DecodeError(
      `image is ${meta.width}x${meta.height} = ${((meta.width * meta.height) / 1e6).toFixed(1)} MP, above the ${MAX_SOURCE_PIXELS / 1e6} MP decode limit`,
      name, { code: 'too-large' },
    );
  }
  try {
    let pipeline = sharp(buf, { limitInputPixels: MAX_SOURCE_PIXELS, failOn: 'error' }).rotate();
    if (target.resized) pipeline = pipeline.resize(target.width, target.height, { fit: 'fill' });
    const { data, info } = await pipeline
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`expected 4 channels after ensureAlpha, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    const msg = (e as Error).message;
    if (/pixel limit/i.test(msg)) throw new DecodeError(`image above the ${MAX_SOURCE_PIXELS / 1e6} MP decode limit`, name, { cause: e, code: 'too-large' });
    throw new DecodeError(`decode failed (${msg})`, name, { cause: e, code: 'decode-failed' });
  }
}

/**
 * BMP → RGBA with decode-bmp (uncompressed 1/2/4/8/24/32-bit, bottom-up). A 32-bit BMP whose alpha bytes
 * are all 0 is opaque, as browsers treat it (the bytes are padding in BI_RGB files).
 * @throws Error for compressed (RLE, bitfields) or truncated files
 */
function bmpToRgba(buf: Buffer): RgbaImage {
  const compression = buf.length >= 34 ? buf.readUInt32LE(30) : 0;
  if (compression !== 0 && compression !== 3) throw new Error(`BMP compression ${compression} is not read here`);
  const img = decodeBmp(buf);
  const data = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  let anyAlpha = false;
  for (let i = 3; i < data.length && !anyAlpha; i += 4) anyAlpha = data[i] !== 0;
  if (!anyAlpha) for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: img.width, height: img.height, data };
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
