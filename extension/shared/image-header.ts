/**
 * Image header sniffing: the format, the pixel size and whether the image is animated, read from the
 * first bytes of an encoded file without decoding it. The background uses it to refuse images above
 * `MAX_DECODE_PIXELS` and vector images before handing bytes to a decoder.
 *
 * Sources: JPEG (ITU T.81 §B.2, SOFn markers), PNG (RFC 2083 IHDR; APNG `acTL`), GIF (GIF89a spec,
 * logical screen descriptor and image descriptors), WebP (RIFF container: `VP8 `, `VP8L`, `VP8X`
 * chunks, animation flag), AVIF (ISO BMFF `ftyp` brands and the HEIF `ispe` property), BMP
 * (BITMAPINFOHEADER / BITMAPCOREHEADER), SVG (text sniffing of the root element).
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif' | 'bmp' | 'svg' | 'unknown';

export interface ImageHeader {
  format: ImageFormat;
  /** Pixel size when the header states it (absent for SVG, unknown formats and truncated headers). */
  width?: number;
  height?: number;
  /** True for animated GIF (≥ 2 frames), APNG, animated WebP and AVIF image sequences. */
  animated: boolean;
}

const u16be = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u24le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
const u32be = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
const i32le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
const ascii = (b: Uint8Array, o: number, n: number) => (o + n <= b.length ? String.fromCharCode(...b.subarray(o, o + n)) : '');

function jpeg(b: Uint8Array): ImageHeader {
  let o = 2;
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) { o++; continue; } // resynchronise on fill bytes / garbage
    const marker = b[o + 1]!;
    if (marker === 0xff) { o++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { o += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) break; // EOI or start of scan before any SOF
    const len = u16be(b, o + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { format: 'jpeg', height: u16be(b, o + 5), width: u16be(b, o + 7), animated: false };
    if (len < 2) break;
    o += 2 + len;
  }
  return { format: 'jpeg', animated: false };
}

function png(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { format: 'png', animated: false };
  if (b.length >= 24 && ascii(b, 12, 4) === 'IHDR') {
    h.width = u32be(b, 16);
    h.height = u32be(b, 20);
  }
  // APNG: an acTL chunk before the first IDAT.
  let o = 8;
  while (o + 8 <= b.length) {
    const len = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    if (type === 'acTL') { h.animated = true; break; }
    if (type === 'IDAT' || type === 'IEND') break;
    o += 12 + len;
  }
  return h;
}

function gif(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { format: 'gif', animated: false };
  if (b.length < 13) return h;
  h.width = u16le(b, 6);
  h.height = u16le(b, 8);
  let o = 13;
  if (b[10]! & 0x80) o += 3 * (1 << ((b[10]! & 0x07) + 1)); // global colour table
  let frames = 0;
  const skipSubBlocks = (p: number): number => {
    while (p < b.length) {
      const n = b[p]!;
      p += 1 + n;
      if (n === 0) return p;
    }
    return b.length;
  };
  while (o < b.length && frames < 2) {
    const t = b[o]!;
    if (t === 0x3b) break; // trailer
    if (t === 0x21) { o = skipSubBlocks(o + 2); continue; } // extension: label byte, then sub-blocks
    if (t === 0x2c) { // image descriptor
      frames++;
      if (o + 10 > b.length) break;
      const packed = b[o + 9]!;
      o += 10;
      if (packed & 0x80) o += 3 * (1 << ((packed & 0x07) + 1)); // local colour table
      o = skipSubBlocks(o + 1); // LZW minimum code size, then data
      continue;
    }
    break; // corrupt
  }
  h.animated = frames >= 2;
  return h;
}

function webp(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { format: 'webp', animated: false };
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b.length >= 30) {
    h.width = u16le(b, 26) & 0x3fff;
    h.height = u16le(b, 28) & 0x3fff;
  } else if (chunk === 'VP8L' && b.length >= 25) {
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    h.width = (bits & 0x3fff) + 1;
    h.height = ((bits >>> 14) & 0x3fff) + 1;
  } else if (chunk === 'VP8X' && b.length >= 30) {
    h.animated = (b[20]! & 0x02) !== 0;
    h.width = u24le(b, 24) + 1;
    h.height = u24le(b, 27) + 1;
  }
  return h;
}

function avif(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { format: 'avif', animated: ascii(b, 8, 4) === 'avis' };
  // The primary item's size is in an `ispe` property; take the largest (thumbnails are smaller).
  const limit = Math.min(b.length - 20, 64 * 1024);
  for (let o = 4; o < limit; o++) {
    if (b[o] === 0x69 && b[o + 1] === 0x73 && b[o + 2] === 0x70 && b[o + 3] === 0x65) { // "ispe"
      const w = u32be(b, o + 8), hh = u32be(b, o + 12);
      if (w * hh > (h.width ?? 0) * (h.height ?? 0)) { h.width = w; h.height = hh; }
    }
  }
  return h;
}

function bmp(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { format: 'bmp', animated: false };
  if (b.length < 26) return h;
  const dib = i32le(b, 14);
  if (dib === 12) { h.width = u16le(b, 18); h.height = u16le(b, 20); }
  else { h.width = Math.abs(i32le(b, 18)); h.height = Math.abs(i32le(b, 22)); }
  return h;
}

function looksLikeSvg(b: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart();
  if (!head.startsWith('<')) return false;
  return /<svg[\s>]/i.test(head);
}

/**
 * Reads format, size and animation from the start of an encoded image.
 * @param bytes the encoded file, or at least its first ~64 KiB (JPEG SOF markers can follow large EXIF
 *   blocks; GIF animation detection walks the whole block structure when the bytes are there)
 * @returns the header; `format: 'unknown'` when no signature matches. Never throws: truncated headers
 *   give `width`/`height` undefined.
 */
export function sniffImageHeader(bytes: Uint8Array): ImageHeader {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a) return png(b);
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return gif(b);
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  if (ascii(b, 4, 4) === 'ftyp') {
    const boxLen = Math.min(u32be(b, 0), b.length, 64);
    const brands = ascii(b, 8, Math.max(0, boxLen - 8));
    if (/avif|avis/.test(brands)) return avif(b);
  }
  if (ascii(b, 0, 2) === 'BM' && b.length >= 26) return bmp(b);
  if (looksLikeSvg(b)) return { format: 'svg', animated: false };
  return { format: 'unknown', animated: false };
}
