/**
 * Rendering explanations onto the image the user sees, in pure TypeScript (no canvas, no DOM): the CLI
 * encodes the result as PNG with sharp, the popup puts it into an `ImageData`.
 */
import type { CropBox, RgbaImage } from '../preprocess';
import type { EvidenceMap } from '../tiling';
import { mapToImage } from './map';
import { classRgb, evidenceRgb, type Rgb } from './palette';
import { boundaryRings, coverageMask, evidenceRaster, RING_EDGE, RING_HALO } from './whole-image';

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

// ---------------------------------------------------------------------------------------------------------
// Whole-image overlays of the explanation view (issue 12): drawn at a raster of the whole image, in the
// class colours of `palette.ts`, with the parts the detector did not read hatched.

/** Hatch drawn over parts of the image that were not analysed: grey diagonal stripes. */
export const HATCH_RGBA: Readonly<[number, number, number, number]> = [96, 96, 96, 100];
/** Stripe period and width of the hatch, raster pixels. */
export const HATCH_PERIOD = 8;
export const HATCH_WIDTH = 2;
/** LIME outline: dark edge and light halo (see `boundaryRings`), opaque. */
export const OUTLINE_DARK: Readonly<Rgb> = [17, 17, 17];
export const OUTLINE_LIGHT: Readonly<Rgb> = [255, 255, 255];
/** Alpha of a LIME region's fill (its outline is opaque). */
export const REGION_FILL_ALPHA = 110;

function put(data: Uint8ClampedArray, p: number, rgb: Readonly<Rgb>, a: number): void {
  data[p * 4] = rgb[0]; data[p * 4 + 1] = rgb[1]; data[p * 4 + 2] = rgb[2]; data[p * 4 + 3] = a;
}

function hatch(data: Uint8ClampedArray, p: number, i: number, j: number): void {
  if ((i + j) % HATCH_PERIOD < HATCH_WIDTH) put(data, p, [HATCH_RGBA[0], HATCH_RGBA[1], HATCH_RGBA[2]], HATCH_RGBA[3]);
}

/**
 * The evidence map (per-tile raw logits of the verdict) over the whole image: each scored cell in its
 * diverging colour (`evidenceRgb`: blue toward real, neutral at the threshold, orange toward AI), opaque;
 * parts no scored tile covers hatched (`HATCH_RGBA`), the rest transparent.
 * @param map the verdict's evidence map (source pixels of a `map.imageWidth × map.imageHeight` image)
 * @param centre the raw logit of the decision threshold (`thresholdLogit`)
 * @param halfRange logits from the centre to either end of the colour bar (`evidenceHalfRange`), > 0
 * @param outW, outH raster size (the image's aspect: `rasterSize`)
 */
export function evidenceOverlayRgba(map: EvidenceMap, centre: number, halfRange: number, outW: number, outH: number): RgbaImage {
  const vals = evidenceRaster(map, outW, outH);
  const data = new Uint8ClampedArray(outW * outH * 4);
  for (let j = 0; j < outH; j++) for (let i = 0; i < outW; i++) {
    const p = j * outW + i, v = vals[p]!;
    if (Number.isNaN(v)) hatch(data, p, i, j);
    else put(data, p, evidenceRgb(v, centre, halfRange), 255);
  }
  return { width: outW, height: outH, data };
}

/** Samples a map over `region` at raster pixel centres (nearest cell); NaN outside the region. */
function sampleOver(map: ArrayLike<number>, mw: number, mh: number, region: CropBox, W: number, H: number, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH).fill(NaN);
  for (let j = 0; j < outH; j++) {
    const y = ((j + 0.5) * H) / outH;
    const v = Math.floor(((y - region.y) * mh) / region.height);
    if (v < 0 || v >= mh) continue;
    for (let i = 0; i < outW; i++) {
      const x = ((i + 0.5) * W) / outW;
      const u = Math.floor(((x - region.x) * mw) / region.width);
      if (u >= 0 && u < mw) out[j * outW + i] = map[v * mw + u]!;
    }
  }
  return out;
}

/** The explanation fields the whole-image overlays read. */
export type WholeImageExplanation = RenderableExplanation & {
  target: 'synthetic' | 'real';
  other?: ArrayLike<number>;
  analysed?: readonly CropBox[];
};

/**
 * A CAM over the whole image in class colours: with one class, that class's colour (`classRgb(target)`)
 * with alpha `255·√v`; with both (`other`), `d = map − other` coloured toward-AI orange (d > 0 when
 * `target` is synthetic) or toward-real blue with alpha `255·√|d|` (the square root lifts the weak half of
 * a map, which linear alpha leaves invisible on dark images). Raster pixels outside `analysed`
 * (default: `region`) are hatched; an empty map draws only the hatch.
 * @param W, H the source image's size (the map's `region` is in its pixels)
 */
export function camOverlayRgba(e: WholeImageExplanation, W: number, H: number, outW: number, outH: number): RgbaImage {
  const data = new Uint8ClampedArray(outW * outH * 4);
  const cover = coverageMask(e.analysed ?? [e.region], W, H, outW, outH);
  const v = sampleOver(e.map, e.mapWidth, e.mapHeight, e.region, W, H, outW, outH);
  const o = e.other ? sampleOver(e.other, e.mapWidth, e.mapHeight, e.region, W, H, outW, outH) : undefined;
  const mine = classRgb(e.target), theirs = classRgb(e.target === 'synthetic' ? 'real' : 'synthetic');
  for (let j = 0; j < outH; j++) for (let i = 0; i < outW; i++) {
    const p = j * outW + i;
    if (!cover[p]) { hatch(data, p, i, j); continue; }
    if (e.empty) continue;
    const a = Number.isFinite(v[p]!) ? v[p]! : 0;
    const d = o ? a - (Number.isFinite(o[p]!) ? o[p]! : 0) : a;
    if (d > 0) put(data, p, mine, Math.round(255 * Math.sqrt(Math.min(1, d))));
    else if (d < 0) put(data, p, theirs, Math.round(255 * Math.sqrt(Math.min(1, -d))));
  }
  return { width: outW, height: outH, data };
}

/**
 * LIME regions over the whole image: the `count` superpixels with the largest positive weights (toward
 * `target`) filled in the target's colour and the `count` most negative in the other class's colour, alpha
 * `REGION_FILL_ALPHA`, each outlined by `boundaryRings` (dark 2 px edge, light 1 px halo each side, opaque);
 * raster pixels outside `analysed` hatched. Requires `segments` and `weights`.
 * @returns the image, and the selected superpixels
 */
export function limeOverlayRgba(e: WholeImageExplanation, count: number, W: number, H: number, outW: number, outH: number): RgbaImage & { toward: number[]; away: number[] } {
  const data = new Uint8ClampedArray(outW * outH * 4);
  const cover = coverageMask(e.analysed ?? [e.region], W, H, outW, outH);
  const top = e.weights ? topRegions(e.weights, count) : { for: [], against: [] };
  if (!e.segments || !e.weights) return { width: outW, height: outH, data, toward: [], away: [] };
  const seg = sampleOver(e.segments, e.mapWidth, e.mapHeight, e.region, W, H, outW, outH);
  const labels = Int32Array.from(seg, (l, p) => (cover[p] && Number.isFinite(l) ? l : -1));
  const colour = new Map<number, Rgb>();
  const mine = classRgb(e.target), theirs = classRgb(e.target === 'synthetic' ? 'real' : 'synthetic');
  for (const s of top.for) colour.set(s, mine);
  for (const s of top.against) colour.set(s, theirs);
  const rings = boundaryRings(labels, outW, outH, new Set(colour.keys()));
  for (let j = 0; j < outH; j++) for (let i = 0; i < outW; i++) {
    const p = j * outW + i;
    if (rings[p] === RING_EDGE) put(data, p, OUTLINE_DARK, 255);
    else if (rings[p] === RING_HALO) put(data, p, OUTLINE_LIGHT, 255);
    else if (!cover[p]) hatch(data, p, i, j);
    else {
      const c = colour.get(labels[p]!);
      if (c) put(data, p, c, REGION_FILL_ALPHA);
    }
  }
  return { width: outW, height: outH, data, toward: top.for, away: top.against };
}

/**
 * Draws an explanation over the whole image the way the explanation view does (class colours, LIME fill
 * and double outline, hatched parts not analysed), blended at `opacity`: for the CLI's PNGs.
 * @param image the decoded source image the explanation's rectangles refer to
 * @param e the explanation (`target` required); LIME when it has `segments` and `weights`
 * @param opts `opacity` in [0, 1] (default 0.6), `regions` per side for LIME (default 5)
 * @returns a new RGBA image of the same size (alpha kept)
 */
export function renderWholeImage(image: RgbaImage, e: WholeImageExplanation, opts: { opacity?: number; regions?: number } = {}): RgbaImage {
  const { width: W, height: H } = image;
  const over = e.segments && e.weights ? limeOverlayRgba(e, opts.regions ?? 5, W, H, W, H) : camOverlayRgba(e, W, H, W, H);
  const k = Math.min(1, Math.max(0, opts.opacity ?? 0.6));
  const out = new Uint8Array(image.data);
  for (let p = 0; p < W * H; p++) {
    const a = (over.data[p * 4 + 3]! / 255) * k;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round(out[p * 4 + c]! * (1 - a) + over.data[p * 4 + c]! * a);
  }
  return { width: W, height: H, data: out };
}
