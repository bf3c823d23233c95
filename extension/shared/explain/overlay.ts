/**
 * Rendering explanations onto the image the user sees, in pure TypeScript (no canvas, no DOM): the CLI
 * encodes the result as PNG with sharp, the popup puts it into an `ImageData`.
 */
import type { RgbaImage } from '../preprocess';
import { mapToImage } from './map';

export type Colormap = 'jet' | 'viridis';

/** The part of an explanation that rendering needs (an `Explanation` or an `ExplainResult`). */
export interface RenderableExplanation {
  map: ArrayLike<number>;
  mapWidth: number;
  mapHeight: number;
  region: { x: number; y: number; width: number; height: number };
  empty: boolean;
  segments?: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

const VIRIDIS: Array<[number, number, number]> = [
  [68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [110, 206, 88], [253, 231, 37],
];

/**
 * Maps t ∈ [0, 1] to an 8-bit RGB colour. `jet`: the MATLAB piecewise-linear blue→cyan→yellow→red ramp;
 * `viridis`: matplotlib's perceptually uniform map (9 anchors, linear in between). Values outside
 * [0, 1] are clamped; NaN maps to 0.
 */
export function colormap(t: number, name: Colormap = 'jet'): [number, number, number] {
  const v = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  if (name === 'viridis') {
    const f = v * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(f));
    const a = VIRIDIS[i]!, b = VIRIDIS[i + 1]!, u = f - i;
    return [Math.round(a[0] + (b[0] - a[0]) * u), Math.round(a[1] + (b[1] - a[1]) * u), Math.round(a[2] + (b[2] - a[2]) * u)];
  }
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - x))));
  return [c(3), c(2), c(1)];
}

/**
 * Superpixels to colour for a LIME explanation: the `count` largest positive weights ("for", in
 * descending order) and the `count` most negative ("against", most negative first).
 */
export function topRegions(weights: ArrayLike<number>, count: number): { for: number[]; against: number[] } {
  const idx = Array.from({ length: weights.length }, (_, i) => i);
  const pos = idx.filter((i) => weights[i]! > 0).sort((a, b) => weights[b]! - weights[a]! || a - b).slice(0, Math.max(0, count));
  const neg = idx.filter((i) => weights[i]! < 0).sort((a, b) => weights[a]! - weights[b]! || a - b).slice(0, Math.max(0, count));
  return { for: pos, against: neg };
}

export interface OverlayOptions {
  /** Heatmap / region opacity in [0, 1]. Default 0.5. */
  opacity?: number;
  colormap?: Colormap;
  /**
   * `heatmap` blends the colormapped map; `regions` (LIME only, the default when segments are present)
   * tints the top `regions` superpixels green (for the explained class) and red (against).
   */
  mode?: 'heatmap' | 'regions';
  /** Number of LIME regions for and against. Default 5. */
  regions?: number;
}

/**
 * Draws an explanation over the image it explains.
 * @param image the decoded source image (the one whose `region` the model saw), RGBA
 * @param explanation map in [0, 1] over `explanation.region` (any map resolution)
 * @returns a new RGBA image of the same size; pixels outside the region and, for an empty map, all
 *   pixels are copied unchanged (alpha kept)
 * @throws {RangeError} when the map size does not match `mapWidth × mapHeight`
 */
export function renderOverlay(image: RgbaImage, explanation: RenderableExplanation, opts: OverlayOptions = {}): RgbaImage {
  const { width: W, height: H } = image;
  const out = new Uint8Array(image.data);
  const opacity = Math.min(1, Math.max(0, opts.opacity ?? 0.5));
  const e = explanation;
  const useRegions = (opts.mode ?? (e.segments && e.weights ? 'regions' : 'heatmap')) === 'regions' && e.segments && e.weights;
  if (useRegions) {
    const segs = mapToImage(e.segments!, e.mapWidth, e.mapHeight, e.region, W, H, 'nearest');
    const top = topRegions(e.weights!, opts.regions ?? 5);
    const colour = new Map<number, [number, number, number]>();
    for (const s of top.for) colour.set(s, [0, 200, 60]);
    for (const s of top.against) colour.set(s, [220, 30, 30]);
    for (let p = 0; p < W * H; p++) {
      const s = segs[p]!;
      if (Number.isNaN(s)) continue;
      const c = colour.get(s);
      if (!c) continue;
      for (let ch = 0; ch < 3; ch++) out[p * 4 + ch] = Math.round(out[p * 4 + ch]! * (1 - opacity) + c[ch]! * opacity);
    }
    return { width: W, height: H, data: out };
  }
  if (e.empty) return { width: W, height: H, data: out };
  const vals = mapToImage(e.map, e.mapWidth, e.mapHeight, e.region, W, H, 'bilinear');
  const cm = opts.colormap ?? 'jet';
  for (let p = 0; p < W * H; p++) {
    const v = vals[p]!;
    if (Number.isNaN(v)) continue;
    const c = colormap(v, cm);
    for (let ch = 0; ch < 3; ch++) out[p * 4 + ch] = Math.round(out[p * 4 + ch]! * (1 - opacity) + c[ch]! * opacity);
  }
  return { width: W, height: H, data: out };
}

/**
 * Colours a map at its own resolution as RGBA (alpha = `opacity`·255), for a canvas that the browser
 * scales over the image (the popup). Empty maps give a fully transparent image.
 */
export function heatmapRgba(explanation: RenderableExplanation, opts: { opacity?: number; colormap?: Colormap } = {}): RgbaImage {
  const { mapWidth: w, mapHeight: h, map } = explanation;
  const data = new Uint8ClampedArray(w * h * 4);
  if (!explanation.empty) {
    const a = Math.round(255 * Math.min(1, Math.max(0, opts.opacity ?? 0.5)));
    for (let p = 0; p < w * h; p++) {
      const c = colormap(map[p]!, opts.colormap ?? 'jet');
      data[p * 4] = c[0]; data[p * 4 + 1] = c[1]; data[p * 4 + 2] = c[2]; data[p * 4 + 3] = a;
    }
  }
  return { width: w, height: h, data };
}

/**
 * Colours LIME regions at the map's resolution as RGBA: the top `count` superpixels for the verdict green,
 * against red, with alpha `opacity`·255; all other cells transparent. Requires `segments` and `weights`.
 */
export function regionsRgba(explanation: RenderableExplanation, count: number, opacity = 0.5): RgbaImage {
  const { mapWidth: w, mapHeight: h, segments, weights } = explanation;
  const data = new Uint8ClampedArray(w * h * 4);
  if (segments && weights) {
    const top = topRegions(weights, count);
    const a = Math.round(255 * Math.min(1, Math.max(0, opacity)));
    const forSet = new Set(top.for), againstSet = new Set(top.against);
    for (let p = 0; p < w * h; p++) {
      const s = segments[p]!;
      if (forSet.has(s)) { data[p * 4 + 1] = 200; data[p * 4 + 2] = 60; data[p * 4 + 3] = a; }
      else if (againstSet.has(s)) { data[p * 4] = 220; data[p * 4 + 1] = 30; data[p * 4 + 2] = 30; data[p * 4 + 3] = a; }
    }
  }
  return { width: w, height: h, data };
}
