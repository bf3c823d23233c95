/**
 * Per-file facts the assembler needs: does the file decode, its format and size, the metadata it carries,
 * its JPEG quality (estimated from the quantisation tables), and two 64-bit perceptual hashes for
 * near-duplicate detection.
 */
import sharp from 'sharp';
import type { CropBox } from '../../../extension/shared/preprocess';

/** Facts about one decoded image. */
export interface ImageInfo {
  /** sharp's format name: `jpeg`, `png`, `webp`, `gif`, `tiff`, … */
  format: string;
  /** Stored pixel size (before any EXIF orientation), px. */
  width: number;
  height: number;
  /** Frames (1 for still images). */
  pages: number;
  /** Estimated IJG quality 1..100 of the luminance table, or `null` for non-JPEG files. */
  jpegQuality: number | null;
  /** Metadata blocks present. `c2pa`: a JUMBF box labelled `c2pa` is in the bytes. `pngText`: tEXt/iTXt/zTXt chunks. */
  exif: boolean;
  xmp: boolean;
  icc: boolean;
  c2pa: boolean;
  pngText: boolean;
  /** Difference hash (9×8 grey, left<right per row), 16 hex digits. */
  dhash: string;
  /** DCT hash (8×8 low frequencies of a 32×32 grey DCT, above median), 16 hex digits. */
  phash: string;
  /** Standard deviation of the 64×64 grey thumbnail (0..255); near 0 = blank. */
  greyStd: number;
  /** 32×32 grey thumbnail (area average of the 64×64 one), 0..255 row-major, base64: confirms hash matches. */
  thumb: string;
}

/** True when `bytes` is a Git LFS pointer file rather than the content. */
export function isLfsPointer(bytes: Uint8Array): boolean {
  if (bytes.length > 1024) return false;
  return Buffer.from(bytes.subarray(0, 40)).toString('latin1').startsWith('version https://git-lfs');
}

/** IJG (libjpeg) standard luminance quantisation table, natural (row-major) order; ITU-T T.81 Annex K.1. */
const IJG_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
/** Zig-zag position k → natural index (T.81 Figure 5). */
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/**
 * The luminance quantisation table (table id 0) of a baseline/progressive JPEG, natural order.
 * @returns 64 numbers, or `undefined` when `bytes` is not a JPEG or has no table 0 before the first scan
 */
export function jpegLumaTable(bytes: Uint8Array): number[] | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const len = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker === 0xdb) {
      let p = i + 4;
      const end = i + 2 + len;
      while (p < end && p < bytes.length) {
        const pq = bytes[p]! >> 4, tq = bytes[p]! & 15;
        p++;
        const table = new Array<number>(64);
        for (let k = 0; k < 64; k++) {
          table[ZIGZAG[k]!] = pq ? (bytes[p + 2 * k]! << 8) | bytes[p + 2 * k + 1]! : bytes[p + k]!;
        }
        p += pq ? 128 : 64;
        if (tq === 0) return table;
      }
    }
    i += 2 + len;
  }
  return undefined;
}

/**
 * Estimates the IJG quality setting whose scaled standard table is closest (least absolute difference) to the
 * given luminance table. Method: libjpeg's `jpeg_quality_scaling` (q<50: 5000/q, else 200−2q percent; entries
 * rounded and clamped to 1..255); the same approach as ImageMagick's `identify -format %Q` for IJG tables.
 * Tables from other encoders (Photoshop, cameras) get the nearest IJG equivalent.
 * @param table 64 entries, natural order
 * @returns quality 1..100
 */
export function estimateJpegQuality(table: number[]): number {
  let best = 1, bestErr = Infinity;
  for (let q = 1; q <= 100; q++) {
    const scale = q < 50 ? 5000 / q : 200 - 2 * q;
    let err = 0;
    for (let k = 0; k < 64; k++) {
      const t = Math.min(255, Math.max(1, Math.floor((IJG_LUMA[k]! * scale + 50) / 100)));
      err += Math.abs(t - table[k]!);
    }
    if (err < bestErr) { bestErr = err; best = q; }
  }
  return best;
}

function hasC2pa(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.indexOf('jumb', 0, 'latin1') >= 0 && b.indexOf('c2pa', 0, 'latin1') >= 0;
}

/** Area-average downsampling of a square grey image (n×n) to w×h. */
function boxDown(g: Float64Array, n: number, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = (y * n) / h, y1 = ((y + 1) * n) / h;
    for (let x = 0; x < w; x++) {
      const x0 = (x * n) / w, x1 = ((x + 1) * n) / w;
      let s = 0, a = 0;
      for (let yy = Math.floor(y0); yy < Math.ceil(y1); yy++) {
        const wy = Math.min(yy + 1, y1) - Math.max(yy, y0);
        for (let xx = Math.floor(x0); xx < Math.ceil(x1); xx++) {
          const wx = Math.min(xx + 1, x1) - Math.max(xx, x0);
          s += g[yy * n + xx]! * wx * wy; a += wx * wy;
        }
      }
      out[y * w + x] = s / a;
    }
  }
  return out;
}

function bitsToHex(bits: boolean[]): string {
  let hex = '';
  for (let i = 0; i < 64; i += 4) hex += ((+bits[i]! << 3) | (+bits[i + 1]! << 2) | (+bits[i + 2]! << 1) | +bits[i + 3]!).toString(16);
  return hex;
}

/**
 * dHash and pHash of a 64×64 grey thumbnail.
 * dHash: Krawetz, "Kind of like that" (hackerfactor.com, 2013): 9×8 grey, bit = left pixel < right pixel.
 * pHash: Zauner 2010 / pHash.org: 32×32 grey, 2-D DCT-II, the 8×8 lowest frequencies, bit = coefficient >
 * median of those 64 (DC included in the bits, excluded from the median).
 * @param grey 64×64 values 0..255, row-major
 */
export function perceptualHashes(grey: Float64Array): { dhash: string; phash: string } {
  const d = boxDown(grey, 64, 9, 8);
  const dbits: boolean[] = [];
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) dbits.push(d[y * 9 + x]! < d[y * 9 + x + 1]!);
  const p = boxDown(grey, 64, 32, 32);
  const N = 32;
  const cos = new Float64Array(8 * N);
  for (let u = 0; u < 8; u++) for (let x = 0; x < N; x++) cos[u * N + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N));
  const coef: number[] = [];
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < N; y++) {
        const cy = cos[v * N + y]!;
        let row = 0;
        for (let x = 0; x < N; x++) row += p[y * N + x]! * cos[u * N + x]!;
        s += row * cy;
      }
      coef.push(s);
    }
  }
  const sorted = coef.slice(1).sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  return { dhash: bitsToHex(dbits), phash: bitsToHex(coef.map((c) => c > median)) };
}

/**
 * Pearson correlation of two equal-length grey thumbnails (e.g. `ImageInfo.thumb` decoded).
 * @returns -1..1; 0 when either is flat
 */
export function thumbCorrelation(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let s = 0, sa = 0, sb = 0;
  for (let i = 0; i < n; i++) { const x = a[i]! - ma, y = b[i]! - mb; s += x * y; sa += x * x; sb += y * y; }
  return sa > 0 && sb > 0 ? s / Math.sqrt(sa * sb) : 0;
}

/** Hamming distance between two 16-hex-digit hashes. */
export function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) { x &= x - 1; d++; }
  }
  return d;
}

/** Thrown when a file does not decode as an image. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/**
 * Decodes `bytes` fully (first frame) and returns its facts. Hashes are taken from `crop` when given.
 * @throws {DecodeError} when sharp cannot read the file, or the crop lies outside it
 */
export async function imageInfo(bytes: Uint8Array, crop?: CropBox): Promise<ImageInfo> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(buf, { failOn: 'error', limitInputPixels: 400_000_000 }).metadata();
  } catch (e) {
    throw new DecodeError(`not an image: ${(e as Error).message}`);
  }
  const width = meta.width ?? 0, height = meta.height ?? 0;
  if (!meta.format || width <= 0 || height <= 0) throw new DecodeError('no size or format');
  let pipe = sharp(buf, { failOn: 'error', limitInputPixels: 400_000_000, pages: 1 });
  if (crop) {
    if (crop.x < 0 || crop.y < 0 || crop.x + crop.width > width || crop.y + crop.height > height) {
      throw new DecodeError(`crop ${crop.x},${crop.y},${crop.width},${crop.height} outside ${width}x${height}`);
    }
    pipe = pipe.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
  }
  let raw: Buffer;
  try {
    raw = await pipe.flatten({ background: '#ffffff' }).greyscale().resize(64, 64, { fit: 'fill' }).raw().toBuffer();
  } catch (e) {
    throw new DecodeError(`decode failed: ${(e as Error).message}`);
  }
  const grey = new Float64Array(64 * 64);
  let mean = 0;
  for (let i = 0; i < grey.length; i++) { grey[i] = raw[i]!; mean += raw[i]!; }
  mean /= grey.length;
  let v = 0;
  for (let i = 0; i < grey.length; i++) v += (grey[i]! - mean) ** 2;
  const table = meta.format === 'jpeg' ? jpegLumaTable(bytes) : undefined;
  const comments = (meta as { comments?: unknown[] }).comments;
  return {
    format: meta.format,
    width, height,
    pages: meta.pages ?? 1,
    jpegQuality: table ? estimateJpegQuality(table) : null,
    exif: !!meta.exif,
    xmp: !!meta.xmp,
    icc: !!meta.icc,
    c2pa: hasC2pa(bytes),
    pngText: meta.format === 'png' && Array.isArray(comments) && comments.length > 0,
    ...perceptualHashes(grey),
    greyStd: Math.sqrt(v / grey.length),
    thumb: Buffer.from(Uint8Array.from(boxDown(grey, 64, 32, 32), (x) => Math.round(x))).toString('base64'),
  };
}
