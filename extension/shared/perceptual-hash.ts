/**
 * Perceptual hash of an image region, to confirm that the bytes the worker checked show what the page
 * shows (issue 13, item 1: a server can serve a decoy to the worker's own download). Pure functions, the
 * same on both sides of the comparison: the worker's thumbnail of the checked bytes and a crop of
 * `tabs.captureVisibleTab` (`background/shown-check.ts`).
 *
 * Method: the DCT hash ("pHash", Zauner 2010, "Implementation and benchmarking of perceptual image hash
 * functions", §2.3): luma (BT.601 weights) of the region, box-averaged to 32 × 32, 2-D DCT-II, the 8 × 8
 * lowest frequencies; each of the 63 AC coefficients gives one bit (above the median of those 63 → 1;
 * the DC term, i.e. mean brightness, gives none). Distance is the Hamming distance over those 63 bits.
 * Re-encoding, rescaling and mild colour changes move few bits; a different picture flips about half.
 */

/** Side of the luma grid the DCT runs on. */
export const HASH_GRID = 32;
/** Side of the low-frequency block kept (8 × 8 = 64 coefficients, 63 of them AC bits). */
export const HASH_BLOCK = 8;
/** Bits in a hash (the 63 AC coefficients of the 8 × 8 block). */
export const HASH_BITS = HASH_BLOCK * HASH_BLOCK - 1;
/**
 * Hamming distance above which two hashes are called different pictures ("Served a different image to
 * the checker"). Unrelated pictures sit near HASH_BITS / 2 ≈ 31; re-encoded, resized and screen-captured
 * copies of one picture stay within a few bits (`perceptual-hash.test.ts` measures both). 20 leaves room
 * on both sides; the test pins the margins.
 */
export const MISMATCH_DISTANCE = 20;
/**
 * Least RMS of the 63 AC coefficients (in luma levels of the 32 × 32 grid, orthonormal DCT) for a hash to
 * mean anything: flat or almost flat regions have bits decided by noise, and are "not confirmed", never
 * "different".
 */
export const MIN_AC_RMS = 1.5;

/** A region as fractions of an image's width and height, each in [0, 1]. */
export interface FractionRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels whose luma is read: `channels` 4 (RGBA, straight alpha ignored) or 1 (luma already). */
export interface PixelSource {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  channels: 1 | 4;
}

/** The middle 70 % of a region on each axis: rounded corners, borders and the badge stay out. */
export const CENTRAL_REGION: FractionRect = { x: 0.15, y: 0.15, width: 0.7, height: 0.7 };

/**
 * Luma of `region` of `src`, box-averaged to `size × size` (each output cell averages the source pixels
 * whose centres fall inside it; a cell smaller than one pixel takes the nearest pixel).
 * @param region fractions of `src`'s size (clamped to the image)
 * @returns row-major Float32Array of `size * size` luma values in [0, 255]
 * @throws {RangeError} for an empty source or region
 */
export function lumaGrid(src: PixelSource, region: FractionRect = { x: 0, y: 0, width: 1, height: 1 }, size = HASH_GRID): Float32Array {
  const { width: w, height: h, data, channels } = src;
  if (w <= 0 || h <= 0 || data.length < w * h * channels) throw new RangeError(`bad source ${w}x${h}`);
  const x0 = Math.max(0, Math.min(w, region.x * w));
  const y0 = Math.max(0, Math.min(h, region.y * h));
  const x1 = Math.max(x0, Math.min(w, (region.x + region.width) * w));
  const y1 = Math.max(y0, Math.min(h, (region.y + region.height) * h));
  if (x1 - x0 <= 0 || y1 - y0 <= 0) throw new RangeError('empty region');
  const luma = (x: number, y: number): number => {
    const i = (y * w + x) * channels;
    return channels === 1 ? data[i]! : 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  };
  const out = new Float32Array(size * size);
  const cw = (x1 - x0) / size;
  const ch = (y1 - y0) / size;
  for (let gy = 0; gy < size; gy++) {
    const ya = y0 + gy * ch;
    const yb = ya + ch;
    let py0 = Math.ceil(ya - 0.5);
    let py1 = Math.ceil(yb - 0.5) - 1;
    if (py1 < py0) py0 = py1 = Math.min(h - 1, Math.max(0, Math.floor((ya + yb) / 2)));
    for (let gx = 0; gx < size; gx++) {
      const xa = x0 + gx * cw;
      const xb = xa + cw;
      let px0 = Math.ceil(xa - 0.5);
      let px1 = Math.ceil(xb - 0.5) - 1;
      if (px1 < px0) px0 = px1 = Math.min(w - 1, Math.max(0, Math.floor((xa + xb) / 2)));
      let s = 0;
      let n = 0;
      for (let y = Math.max(0, py0); y <= Math.min(h - 1, py1); y++) {
        for (let x = Math.max(0, px0); x <= Math.min(w - 1, px1); x++) { s += luma(x, y); n++; }
      }
      out[gy * size + gx] = n ? s / n : 0;
    }
  }
  return out;
}

let cosTable: Float64Array | undefined;
/** cos((2x + 1) u π / 2N) for N = HASH_GRID, u < HASH_BLOCK, with the orthonormal scale. */
function cosines(): Float64Array {
  if (cosTable) return cosTable;
  const n = HASH_GRID;
  const t = new Float64Array(HASH_BLOCK * n);
  for (let u = 0; u < HASH_BLOCK; u++) {
    const a = u === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let x = 0; x < n; x++) t[u * n + x] = a * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n));
  }
  cosTable = t;
  return t;
}

/** A perceptual hash: 63 bits as 16 hex digits (top bit always 0), and how much structure it rests on. */
export interface PerceptualHash {
  /** 63 AC bits, big-endian, as 16 lowercase hex digits. */
  hex: string;
  /** RMS of the 63 AC coefficients (luma levels); below `MIN_AC_RMS` the hash is unreliable. */
  acRms: number;
}

/**
 * The DCT hash of a `HASH_GRID × HASH_GRID` luma grid (`lumaGrid`).
 * @throws {RangeError} when `grid` has the wrong length
 */
export function dctHash(grid: Float32Array): PerceptualHash {
  const n = HASH_GRID;
  if (grid.length !== n * n) throw new RangeError(`grid of ${grid.length} values, want ${n * n}`);
  const c = cosines();
  // Separable DCT: rows first (n × B), then columns (B × B).
  const rows = new Float64Array(n * HASH_BLOCK);
  for (let y = 0; y < n; y++) {
    for (let u = 0; u < HASH_BLOCK; u++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += grid[y * n + x]! * c[u * n + x]!;
      rows[y * HASH_BLOCK + u] = s;
    }
  }
  const ac: number[] = [];
  for (let v = 0; v < HASH_BLOCK; v++) {
    for (let u = 0; u < HASH_BLOCK; u++) {
      if (u === 0 && v === 0) continue;
      let s = 0;
      for (let y = 0; y < n; y++) s += rows[y * HASH_BLOCK + u]! * c[v * n + y]!;
      ac.push(s);
    }
  }
  const sorted = [...ac].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  let bits = 0n;
  for (const a of ac) bits = (bits << 1n) | (a > median ? 1n : 0n);
  const acRms = Math.sqrt(ac.reduce((s, a) => s + a * a, 0) / ac.length);
  return { hex: bits.toString(16).padStart(16, '0'), acRms };
}

/** The hash of `region` of `src` (`lumaGrid` then `dctHash`). */
export function perceptualHash(src: PixelSource, region?: FractionRect): PerceptualHash {
  return dctHash(lumaGrid(src, region));
}

/**
 * Hamming distance between two hashes' hex strings.
 * @throws {RangeError} for strings that are not 16 hex digits
 */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/.test(a) || !/^[0-9a-f]{16}$/.test(b)) throw new RangeError('not 16-hex-digit hashes');
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) { n += Number(x & 1n); x >>= 1n; }
  return n;
}

/** The outcome of comparing what the page shows with what was checked. */
export type ShownComparison =
  | { status: 'match'; distance: number }
  | { status: 'mismatch'; distance: number }
  | { status: 'unconfirmed'; reason: string; distance?: number };

/**
 * Compares the hash of the shown pixels with the hash of the checked bytes: `mismatch` only when both
 * hashes rest on enough structure (`MIN_AC_RMS`) and differ in more than `MISMATCH_DISTANCE` bits.
 */
export function compareHashes(shown: PerceptualHash, checked: PerceptualHash): ShownComparison {
  if (shown.acRms < MIN_AC_RMS || checked.acRms < MIN_AC_RMS) return { status: 'unconfirmed', reason: 'too little detail to compare' };
  const distance = hammingDistance(shown.hex, checked.hex);
  return distance > MISMATCH_DISTANCE ? { status: 'mismatch', distance } : { status: 'match', distance };
}

/** Side of the luma thumbnail the worker keeps of each checked image (enough for any sub-region's 32 × 32 grid). */
export const THUMB_SIDE = 128;

/**
 * A `THUMB_SIDE × THUMB_SIDE` luma thumbnail (box-averaged, aspect not kept) of an RGBA image: what the
 * worker keeps of the checked bytes to hash any displayed sub-region later (object-fit crops).
 */
export function lumaThumbnail(img: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }): Uint8Array {
  const g = lumaGrid({ ...img, channels: 4 }, undefined, THUMB_SIDE);
  const out = new Uint8Array(g.length);
  for (let i = 0; i < g.length; i++) out[i] = Math.round(g[i]!);
  return out;
}
