/**
 * Near-duplicate index over 64-bit perceptual hashes: an image is a near duplicate of an indexed one when both
 * its dHash and its pHash lie within the Hamming thresholds and, when thumbnails are given, their 32×32 grey
 * thumbnails correlate at ≥ `minCorr` (Pearson). The thumbnail check is needed: among aligned face crops
 * (UTKFace), many pairs of different people fall within 10 bits on both hashes, while true copies correlate at
 * > 0.95 (a one-off check on 2026-12-04: with hashes alone 1,236 UTKFace crops were dropped as near duplicates,
 * with the thumbnail check 200; the audit lists examples with their distances). Brute force over typed arrays.
 */
import { thumbCorrelation } from './imageinfo';

/** Default thresholds (bits of 64). Measured: a 50 % resize + JPEG q60 re-encode moves both hashes by ≤ 4 bits
 * on the test images (`sources.test.ts`); unrelated photos differ by ~32. */
export const NEAR_DHASH = 10;
export const NEAR_PHASH = 10;
/** Smallest thumbnail correlation that confirms a hash match. */
export const NEAR_MIN_CORR = 0.95;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export class NearDupIndex<T> {
  private d = new Uint32Array(1024);
  private p = new Uint32Array(1024);
  private owners: T[] = [];
  private thumbs: Array<Uint8Array | undefined> = [];

  constructor(readonly maxD = NEAR_DHASH, readonly maxP = NEAR_PHASH, readonly minCorr = NEAR_MIN_CORR) {}

  get size(): number { return this.owners.length; }

  /** Adds an image by its two 16-hex-digit hashes and (optionally) its base64 32×32 grey thumbnail. */
  add(dhash: string, phash: string, owner: T, thumb?: string): void {
    const n = this.owners.length;
    if (2 * n + 2 > this.d.length) {
      const d2 = new Uint32Array(this.d.length * 2); d2.set(this.d); this.d = d2;
      const p2 = new Uint32Array(this.p.length * 2); p2.set(this.p); this.p = p2;
    }
    this.d[2 * n] = parseInt(dhash.slice(0, 8), 16); this.d[2 * n + 1] = parseInt(dhash.slice(8), 16);
    this.p[2 * n] = parseInt(phash.slice(0, 8), 16); this.p[2 * n + 1] = parseInt(phash.slice(8), 16);
    this.owners.push(owner);
    this.thumbs.push(thumb ? Buffer.from(thumb, 'base64') : undefined);
  }

  /**
   * The first indexed image within both thresholds (and, where both have thumbnails, correlating at ≥
   * `minCorr`), with its distances and correlation (NaN without thumbnails), or `undefined`.
   */
  find(dhash: string, phash: string, thumb?: string): { owner: T; dDist: number; pDist: number; corr: number } | undefined {
    const t = thumb ? Buffer.from(thumb, 'base64') : undefined;
    const d0 = parseInt(dhash.slice(0, 8), 16), d1 = parseInt(dhash.slice(8), 16);
    const p0 = parseInt(phash.slice(0, 8), 16), p1 = parseInt(phash.slice(8), 16);
    const { d, p, maxD, maxP } = this;
    for (let i = 0, n = this.owners.length; i < n; i++) {
      const dd = popcount32((d[2 * i]! ^ d0) >>> 0) + popcount32((d[2 * i + 1]! ^ d1) >>> 0);
      if (dd > maxD) continue;
      const pd = popcount32((p[2 * i]! ^ p0) >>> 0) + popcount32((p[2 * i + 1]! ^ p1) >>> 0);
      if (pd > maxP) continue;
      const other = this.thumbs[i];
      const corr = t && other ? thumbCorrelation(t, other) : NaN;
      if (corr < this.minCorr) continue;
      return { owner: this.owners[i]!, dDist: dd, pDist: pd, corr };
    }
    return undefined;
  }
}
