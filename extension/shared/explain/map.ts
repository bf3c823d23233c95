/**
 * Heatmap helpers shared by every explanation method: turning a raw, non-negative saliency array into a
 * finite map in [0, 1] (with the "empty" flag), sampling a map over the source image through the same
 * region the preprocessing cut (`inputRegion`), and the region of an image that a model input covers.
 */
import { inputRegion, type CropBox, type PreprocessSpec } from '../preprocess';

/** Relative tolerance under which a saliency maximum counts as "no localised evidence". */
export const EMPTY_RELATIVE_EPS = 1e-6;
/**
 * Spread threshold (issue 13, item 12): a map whose weakest cell still holds at least this fraction of its
 * strongest, i.e. `(max − min) / max < 1 − MIN_SPREAD_FRACTION`, marks nothing in particular: on a flat
 * grey image Grad-CAM, LayerCAM and Ablation-CAM return 0.68–1.0 everywhere (padding effects only), which
 * an overlay would paint warm all over. Such maps are reported `empty` ("No localised evidence").
 */
export const MIN_SPREAD_FRACTION = 0.5;
/** Added to the maximum when normalising so that the division is always finite. */
export const NORMALISE_EPS = 1e-12;

/**
 * Normalises a raw saliency array to [0, 1].
 * Non-finite entries and negatives become 0 (every CAM applies a ReLU, Selvaraju et al. 2017 Eq. 2);
 * the rest is divided by `max + NORMALISE_EPS`.
 * @param raw saliency values, any length, float
 * @param scale magnitude of the terms that were summed into `raw` (e.g. Σ|αₖ|·max|A| for Grad-CAM); the
 *   map is `empty` when `max ≤ EMPTY_RELATIVE_EPS · scale` (float32 cancellation noise) or `max ≤ 1e-30`,
 *   or when it is spread evenly: `min ≥ MIN_SPREAD_FRACTION · max` over all cells (a map of one cell is
 *   never "spread": it has no place to localise)
 * @returns `map` (plain numbers in [0, 1], all finite, all 0 when empty) and `empty`
 */
export function finishMap(raw: ArrayLike<number>, scale: number): { map: number[]; empty: boolean } {
  const n = raw.length;
  const map = new Array<number>(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    const c = Number.isFinite(v) && v > 0 ? v : 0;
    map[i] = c;
    if (c > max) max = c;
  }
  const tol = Math.max(1e-30, Number.isFinite(scale) ? EMPTY_RELATIVE_EPS * Math.abs(scale) : 0);
  if (!(max > tol)) return { map: map.fill(0), empty: true };
  if (n > 1) {
    let min = Infinity;
    for (let i = 0; i < n; i++) if (map[i]! < min) min = map[i]!;
    if (min >= MIN_SPREAD_FRACTION * max) return { map: map.fill(0), empty: true };
  }
  const d = max + NORMALISE_EPS * max + NORMALISE_EPS;
  for (let i = 0; i < n; i++) map[i] = Math.min(1, map[i]! / d);
  return { map, empty: false };
}

/**
 * The source-pixel rectangle a model input was cut from, accounting for an optional crop applied first
 * (the manifest's `crop` column): `inputRegion` of the cropped image, shifted by the crop's corner.
 * @param width, height decoded source size, pixels
 * @param spec the model's preprocessing spec (`inputSize`, `geometry`)
 * @param crop optional box cut before preprocessing, source pixels (intersected with the image)
 */
export function explanationRegion(width: number, height: number, spec: Pick<PreprocessSpec, 'inputSize' | 'geometry'>, crop?: CropBox): CropBox {
  let ox = 0, oy = 0, w = width, h = height;
  if (crop) {
    ox = Math.max(0, Math.floor(crop.x));
    oy = Math.max(0, Math.floor(crop.y));
    w = Math.min(width, Math.floor(crop.x + crop.width)) - ox;
    h = Math.min(height, Math.floor(crop.y + crop.height)) - oy;
    if (w < 1 || h < 1) throw new RangeError('crop is outside the image');
  }
  const r = inputRegion(w, h, spec.inputSize, spec.geometry);
  return { x: r.x + ox, y: r.y + oy, width: r.width, height: r.height };
}

/**
 * Bilinear sample of a row-major `mw × mh` map at continuous map coordinates (u, v) where cell (i, j)
 * has its centre at (i + 0.5, j + 0.5); clamps at the borders (half-pixel convention of
 * `tf.image.resizeBilinear` without `alignCorners` and of `resizeRgba`).
 */
export function sampleBilinear(map: ArrayLike<number>, mw: number, mh: number, u: number, v: number): number {
  const x = Math.min(mw - 1, Math.max(0, u - 0.5));
  const y = Math.min(mh - 1, Math.max(0, v - 0.5));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(mw - 1, x0 + 1), y1 = Math.min(mh - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  const a = map[y0 * mw + x0]!, b = map[y0 * mw + x1]!, c = map[y1 * mw + x0]!, d = map[y1 * mw + x1]!;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/**
 * Resamples a map that covers `region` of a `width × height` image onto every image pixel.
 * @param map row-major `mw × mh` values
 * @param region source-pixel rectangle the map covers
 * @param mode `bilinear` for heatmaps, `nearest` for label maps (LIME segments)
 * @returns Float32Array of `width*height`; pixels outside `region` are NaN (no explanation there)
 */
export function mapToImage(
  map: ArrayLike<number>, mw: number, mh: number, region: CropBox, width: number, height: number,
  mode: 'bilinear' | 'nearest' = 'bilinear',
): Float32Array {
  if (map.length !== mw * mh) throw new RangeError(`map has ${map.length} values, expected ${mw}x${mh}`);
  const out = new Float32Array(width * height).fill(NaN);
  const x0 = Math.max(0, Math.floor(region.x)), y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(width, Math.ceil(region.x + region.width)), y1 = Math.min(height, Math.ceil(region.y + region.height));
  const sx = mw / region.width, sy = mh / region.height;
  for (let py = y0; py < y1; py++) {
    const v = (py + 0.5 - region.y) * sy;
    for (let px = x0; px < x1; px++) {
      const u = (px + 0.5 - region.x) * sx;
      out[py * width + px] = mode === 'nearest'
        ? map[Math.min(mh - 1, Math.max(0, Math.floor(v))) * mw + Math.min(mw - 1, Math.max(0, Math.floor(u)))]!
        : sampleBilinear(map, mw, mh, u, v);
    }
  }
  return out;
}

/** Index and value of the largest entry (first on ties); `[-1, -Infinity]` for an empty array. */
export function argmax(values: ArrayLike<number>): [number, number] {
  let best = -1, bv = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > bv) { bv = values[i]!; best = i; }
  return [best, bv];
}
