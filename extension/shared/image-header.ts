/**
 * Image header sniffing: the format, the pixel size and whether the image is animated, read from the
 * first bytes of an encoded file without decoding it. The background uses it to refuse images above
 * `MAX_DECODE_PIXELS` and vector images before handing bytes to a decoder.
 *
 * Sources: JPEG (ITU T.81 §B.2, SOFn markers), PNG (RFC 2083 IHDR; APNG `acTL`), GIF (GIF89a spec,
 * logical screen descriptor and image descriptors), WebP (RIFF container: `VP8 `, `VP8L`, `VP8X`
 * chunks, animation flag), AVIF / HEIC (ISO BMFF `ftyp` brands; the HEIF `ispe` property found by walking
 * the box tree `meta`/`iprp`/`ipco`, not a byte window), BMP
 * (BITMAPINFOHEADER / BITMAPCOREHEADER), SVG (text sniffing of the root element).
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif' | 'heic' | 'bmp' | 'svg' | 'unknown';

export interface ImageHeader {
  format: ImageFormat;
  /** Pixel size when the header states it (absent for SVG, unknown formats and truncated headers). */
  width?: number;
  height?: number;
  /** True for animated GIF (≥ 2 frames), APNG, animated WebP and AVIF image sequences. */
  animated: boolean;
  /**
   * EXIF-style orientation 1..8 when the file states one (JPEG EXIF tag 0x0112; AVIF/HEIC `irot`);
   * 5..8 mean the displayed image is `height × width` (a quarter turn).
   */
  orientation?: number;
}

/** The displayed size (after EXIF/`irot` orientation), or undefined when the header states no size. */
export function displayedSize(h: ImageHeader): { width: number; height: number } | undefined {
  if (h.width === undefined || h.height === undefined) return undefined;
  return (h.orientation ?? 1) >= 5 ? { width: h.height, height: h.width } : { width: h.width, height: h.height };
}

const u16be = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u24le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
const u32be = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
const i32le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
const ascii = (b: Uint8Array, o: number, n: number) => (o + n <= b.length ? String.fromCharCode(...b.subarray(o, o + n)) : '');

/** EXIF orientation (TIFF tag 0x0112 of IFD0) of an APP1 payload starting at `o` ("Exif\0\0" + TIFF). */
function exifOrientation(b: Uint8Array, o: number, end: number): number | undefined {
  if (ascii(b, o, 4) !== 'Exif') return undefined;
  const t = o + 6;
  const le = ascii(b, t, 2) === 'II';
  const r16 = (p: number) => (le ? u16le(b, p) : u16be(b, p));
  const r32 = (p: number) => (le ? (u16le(b, p) + u16le(b, p + 2) * 65536) : u32be(b, p));
  if (t + 8 > end) return undefined;
  const ifd = t + r32(t + 4);
  if (ifd + 2 > end) return undefined;
  const n = r16(ifd);
  for (let i = 0; i < n && ifd + 2 + 12 * (i + 1) <= end; i++) {
    const e = ifd + 2 + 12 * i;
    if (r16(e) === 0x0112) {
      const v = r16(e + 8);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

function jpeg(b: Uint8Array): ImageHeader {
  let orientation: number | undefined;
  let o = 2;
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) { o++; continue; } // resynchronise on fill bytes / garbage
    const marker = b[o + 1]!;
    if (marker === 0xff) { o++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { o += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) break; // EOI or start of scan before any SOF
    const len = u16be(b, o + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { format: 'jpeg', height: u16be(b, o + 5), width: u16be(b, o + 7), animated: false, ...(orientation ? { orientation } : {}) };
    if (len < 2) break;
    if (marker === 0xe1 && orientation === undefined) orientation = exifOrientation(b, o + 4, Math.min(b.length, o + 2 + len));
    o += 2 + len;
  }
  return { format: 'jpeg', animated: false, ...(orientation ? { orientation } : {}) };
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

/** One ISO-BMFF box: its 4-character type and byte range (`body` = after the size/type header). */
interface Box { type: string; start: number; body: number; end: number }

/**
 * The boxes laid end to end in `b[from, to)` (ISO/IEC 14496-12 §4.2: 32-bit size, `size == 1` → 64-bit
 * `largesize`, `size == 0` → to the end). Stops at a box smaller than its own header; a box running past
 * `to` (truncated file) is clipped and ends the walk.
 */
function boxes(b: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  let o = from;
  while (o + 8 <= to && out.length < 10_000) {
    let size = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    let header = 8;
    if (size === 1) {
      if (o + 16 > to) break;
      size = u32be(b, o + 8) * 2 ** 32 + u32be(b, o + 12);
      header = 16;
    } else if (size === 0) size = to - o;
    if (size < header) break;
    out.push({ type, start: o, body: o + header, end: Math.min(o + size, to) });
    if (o + size >= to) break;
    o += size;
  }
  return out;
}

/** Children of a container box; `fullBox` skips the version/flags word (e.g. `meta`). */
const children = (b: Uint8Array, box: Box, fullBox = false) => boxes(b, box.body + (fullBox ? 4 : 0), box.end);
const child = (b: Uint8Array, list: Box[], type: string, fullBox = false) => {
  const box = list.find((x) => x.type === type);
  return box ? children(b, box, fullBox) : [];
};

/**
 * HEIF/AVIF still-image size (ISO/IEC 23008-12 §6.5.3): the `ispe` properties in `meta`/`iprp`/`ipco`,
 * wherever `meta` sits in the file (also after `mdat`). The largest is taken: the primary item of a grid
 * image is the whole picture, its tiles and thumbnails are smaller, so this bounds what a decoder makes.
 * Image sequences (`avis`) without `ispe` give the largest track size (`moov`/`trak`/`tkhd`, 16.16 fixed).
 */
function isoBmffSize(b: Uint8Array): { width?: number; height?: number; orientation?: number } {
  const top = boxes(b, 0, b.length);
  let width: number | undefined;
  let height: number | undefined;
  let orientation: number | undefined;
  const take = (w: number, h: number) => {
    if (w * h > (width ?? 0) * (height ?? 0)) { width = w; height = h; }
  };
  const ipco = child(b, child(b, child(b, top, 'meta', true), 'iprp'), 'ipco');
  for (const ispe of ipco.filter((x) => x.type === 'ispe')) {
    if (ispe.body + 12 <= ispe.end) take(u32be(b, ispe.body + 4), u32be(b, ispe.body + 8));
  }
  // `irot` (§6.5.10): anticlockwise quarter turns; 1 and 3 swap the displayed width and height.
  const irot = ipco.find((x) => x.type === 'irot');
  if (irot && irot.body < irot.end) orientation = [1, 8, 3, 6][b[irot.body]! & 3];
  if (width === undefined) {
    for (const trak of child(b, top, 'moov').filter((x) => x.type === 'trak')) {
      const tkhd = children(b, trak).find((x) => x.type === 'tkhd');
      if (!tkhd) continue;
      const at = tkhd.body + (b[tkhd.body] === 1 ? 88 : 76); // version 1 has 64-bit times and duration
      if (at + 8 <= tkhd.end) take(u32be(b, at) >>> 16, u32be(b, at + 4) >>> 16);
    }
  }
  return { width, height, ...(orientation && orientation !== 1 ? { orientation } : {}) };
}

function avif(b: Uint8Array): ImageHeader {
  return { format: 'avif', animated: ascii(b, 8, 4) === 'avis', ...isoBmffSize(b) };
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
    const boxLen = Math.min(u32be(b, 0), b.length, 256);
    const brands = ascii(b, 8, Math.max(0, boxLen - 8));
    if (/avif|avis/.test(brands)) return avif(b);
    // HEIF with HEVC (phone photos): recognised so it can be refused by name (format policy), not decoded.
    if (/heic|heix|heim|heis|hevc|hevx|mif1|msf1/.test(brands)) return { format: 'heic', animated: /hevc|hevx|msf1/.test(brands), ...isoBmffSize(b) };
  }
  if (ascii(b, 0, 2) === 'BM' && b.length >= 26) return bmp(b);
  if (looksLikeSvg(b)) return { format: 'svg', animated: false };
  return { format: 'unknown', animated: false };
}
