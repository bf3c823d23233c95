/**
 * "Not a photograph" screen (issue 12): charts, screenshots, drawings and flat graphics are refused with
 * `not-photo` ("Not a photo – not assessed") instead of getting a pixel verdict the detector was never
 * trained for. Pure, deterministic and cheap (≤ ~65k sampled pixels, ≤ 1024 sampled 8×8 blocks); runs on
 * the same decoded straight RGBA the detector gets, after the `low-detail` check (format-policy.ts).
 *
 * Decision rule (conservative: refusing a photo costs more than missing a chart): an image is
 * "not a photo" only when ALL of
 *   - `flatBlocks`   ≥ `NOT_PHOTO_RULE.minFlatBlocks`  (large areas of exactly flat colour),
 *   - `topColours`   ≥ `NOT_PHOTO_RULE.minTopColours`  (a small palette covers most of the image),
 *   - `gradientPairs` ≤ `NOT_PHOTO_RULE.maxGradientPairs` (almost no gentle gradients or texture).
 * Photos (real or AI-generated) have sensor/texture noise that breaks exact flatness and spreads colours,
 * so all three together are rare for them; JPEG re-encoding (q75) keeps flat 8×8 blocks flat (a DC-only
 * block decodes to one value), hence the small tolerance in `flatBlocks`.
 * Thresholds: fitted by `training/cli/not-photo.ts` on its fit half (zero photo refusals there, highest
 * non-photo recall); held-out error rates in training/eval/not-photo/report.md and docs/not-photo.md.
 */

/** Features of one image; all are fractions in [0, 1]. */
export interface NotPhotoFeatures {
  /** Share of sampled 8×8 blocks whose every channel spans ≤ `FLAT_TOLERANCE` levels. */
  flatBlocks: number;
  /** Share of sampled pixels in the 8 most common colours (colours quantised to 5 bits per channel). */
  topColours: number;
  /** Distinct quantised colours among sampled pixels, divided by the number of samples (in (0, 1]). */
  distinctColours: number;
  /** Among horizontal neighbour pairs with |Δluma| > 8, the share with |Δluma| > 48 (steps vs gradients). */
  hardEdges: number;
  /** Share of horizontal neighbour pairs with 2 < |Δluma| ≤ 16: gentle gradients and texture (photos: high). */
  gradientPairs: number;
}

/** Largest max−min (8-bit levels, per channel) inside an 8×8 block still counted as flat. */
export const FLAT_TOLERANCE = 2;

/** The decision rule's thresholds (see the module docstring). */
export const NOT_PHOTO_RULE = { minFlatBlocks: 0.55, minTopColours: 0.8, maxGradientPairs: 0.1 } as const;

type Rgba = { width: number; height: number; data: ArrayLike<number> };

/**
 * Computes the features on straight RGBA (alpha ignored).
 * @param img width × height × 4 bytes, 8-bit per channel
 * @returns fractions in [0, 1]; an image smaller than 8×8 has `flatBlocks` 0
 * @throws {RangeError} when `data` is shorter than width·height·4 or a side is not a positive integer
 */
export function notPhotoFeatures(img: Rgba): NotPhotoFeatures {
  const { width: w, height: h, data } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || data.length < w * h * 4) {
    throw new RangeError(`bad RGBA image ${w}×${h} with ${data.length} bytes`);
  }
  // Pixel samples on a grid (≤ ~65k), exact pixels (no averaging, which would invent colours).
  const step = Math.max(1, Math.floor(Math.sqrt((w * h) / 65_536)));
  const counts = new Map<number, number>();
  let samples = 0, edges = 0, hard = 0, pairs = 0, gentle = 0;
  const luma = (o: number) => 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!;
  for (let y = 0; y < h; y += step) {
    for (let x = 0; x < w; x += step) {
      const o = 4 * (y * w + x);
      const key = ((data[o]! >> 3) << 10) | ((data[o + 1]! >> 3) << 5) | (data[o + 2]! >> 3);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      samples++;
      if (x + 1 < w) {
        const d = Math.abs(luma(o) - luma(o + 4));
        pairs++;
        if (d > 2 && d <= 16) gentle++;
        if (d > 8) { edges++; if (d > 48) hard++; }
      }
    }
  }
  const top = [...counts.values()].sort((a, b) => b - a).slice(0, 8).reduce((s, c) => s + c, 0);
  // 8×8 blocks on a grid (≤ ~1024).
  const bw = Math.floor(w / 8), bh = Math.floor(h / 8);
  const bstep = Math.max(1, Math.floor(Math.sqrt((bw * bh) / 1024)));
  let blocks = 0, flat = 0;
  for (let by = 0; by < bh; by += bstep) {
    for (let bx = 0; bx < bw; bx += bstep) {
      blocks++;
      const lo = [255, 255, 255], hi = [0, 0, 0];
      for (let y = by * 8; y < by * 8 + 8; y++) {
        for (let x = bx * 8; x < bx * 8 + 8; x++) {
          const o = 4 * (y * w + x);
          for (let c = 0; c < 3; c++) { const v = data[o + c]!; if (v < lo[c]!) lo[c] = v; if (v > hi[c]!) hi[c] = v; }
        }
      }
      if (hi[0]! - lo[0]! <= FLAT_TOLERANCE && hi[1]! - lo[1]! <= FLAT_TOLERANCE && hi[2]! - lo[2]! <= FLAT_TOLERANCE) flat++;
    }
  }
  return {
    flatBlocks: blocks ? flat / blocks : 0,
    topColours: top / samples,
    distinctColours: counts.size / samples,
    hardEdges: edges ? hard / edges : 0,
    gradientPairs: pairs ? gentle / pairs : 0,
  };
}

/**
 * Applies the decision rule (module docstring) to features.
 * @returns true when the image is judged not a photograph
 */
export function isNotPhotoFeatures(f: NotPhotoFeatures): boolean {
  return f.flatBlocks >= NOT_PHOTO_RULE.minFlatBlocks && f.topColours >= NOT_PHOTO_RULE.minTopColours && f.gradientPairs <= NOT_PHOTO_RULE.maxGradientPairs;
}

/**
 * True when straight RGBA looks like a chart, screenshot, drawing or flat graphic (see the module docstring).
 * @throws {RangeError} as `notPhotoFeatures`
 */
export function isNotPhoto(img: Rgba): boolean {
  return isNotPhotoFeatures(notPhotoFeatures(img));
}
