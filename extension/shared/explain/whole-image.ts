/**
 * Explanations of the whole image (issue 12): the geometry that puts per-tile results back onto the image
 * the verdict was computed from. Pure functions (no tfjs, no DOM), shared by the service worker (stitching
 * CAM maps), the explanation view (rasterising the evidence map, outlining LIME regions) and the CLI.
 *
 * - `stitchTileMaps`: per-tile maps (each `mw × mh` over a `size × size` tile) → one map over the tiles'
 *   bounding box, cell size `size / mw` source pixels; overlapping tiles are averaged, cells no tile covers
 *   are NaN ("not analysed").
 * - `rasterizeRects`: values on source-pixel rectangles (evidence-map cells) → a raster of the whole image,
 *   NaN where no rectangle covers a pixel's centre; overlaps averaged.
 * - `coverageMask`: which raster pixels lie in any analysed rectangle.
 * - `boundaryRings`: the pixels of a label image that form a double outline (dark on the edge, light
 *   beside it) around chosen regions, for LIME superpixels readable on busy images.
 */
import type { CropBox } from '../preprocess';
import { evidenceCellRect, type EvidenceMap } from '../tiling';

/** One tile's map for `stitchTileMaps`: the tile's top-left corner and side in source pixels, and its map. */
export interface TileMap {
  x: number;
  y: number;
  size: number;
  /** Row-major `mh × mw` values (non-finite values are skipped). */
  map: ArrayLike<number>;
}

/**
 * Stitches per-tile maps into one map over the tiles' bounding box.
 * @param tiles at least one tile, all of the same `size`
 * @param mw, mh each tile map's width and height in cells (≥ 1)
 * @returns `map` (row-major `height × width`, Float32Array, NaN where no tile lies), its size and
 *   `region` (the bounding box, source pixels); cell `(i, j)` covers source pixels
 *   `[region.x + i·size/mw, …+size/mw) × [region.y + j·size/mh, …)`; a tile cell lands on the cell whose
 *   origin is nearest to its own (exact when tile origins are multiples of `size/mw` apart, as with the
 *   manifest's tiling: stride and tile size are multiples of `mapStride`)
 * @throws {RangeError} for no tiles, tiles of different sizes, or a map of the wrong length
 */
export function stitchTileMaps(tiles: readonly TileMap[], mw: number, mh: number): { map: Float32Array; width: number; height: number; region: CropBox } {
  if (tiles.length === 0) throw new RangeError('stitchTileMaps: no tiles');
  const size = tiles[0]!.size;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const t of tiles) {
    if (t.size !== size) throw new RangeError(`stitchTileMaps: tile sizes differ (${t.size} vs ${size})`);
    if (t.map.length !== mw * mh) throw new RangeError(`stitchTileMaps: a tile map has ${t.map.length} values, expected ${mw}x${mh}`);
    x0 = Math.min(x0, t.x); y0 = Math.min(y0, t.y); x1 = Math.max(x1, t.x + size); y1 = Math.max(y1, t.y + size);
  }
  const cw = size / mw, ch = size / mh;
  const width = Math.round((x1 - x0) / cw), height = Math.round((y1 - y0) / ch);
  const sum = new Float64Array(width * height), cnt = new Uint32Array(width * height);
  for (const t of tiles) {
    const ox = Math.round((t.x - x0) / cw), oy = Math.round((t.y - y0) / ch);
    for (let j = 0; j < mh; j++) {
      const row = oy + j;
      if (row < 0 || row >= height) continue;
      for (let i = 0; i < mw; i++) {
        const col = ox + i;
        const v = t.map[j * mw + i]!;
        if (col < 0 || col >= width || !Number.isFinite(v)) continue;
        sum[row * width + col] += v;
        cnt[row * width + col]!++;
      }
    }
  }
  const map = new Float32Array(width * height);
  for (let k = 0; k < map.length; k++) map[k] = cnt[k] ? sum[k]! / cnt[k]! : NaN;
  return { map, width, height, region: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } };
}

/**
 * Average-pools a map by `k × k` blocks, ignoring NaN (a block of NaN stays NaN); the last block in each
 * direction may be smaller.
 * @returns the pooled map, `⌈w/k⌉ × ⌈h/k⌉`
 */
export function poolMap(map: ArrayLike<number>, w: number, h: number, k: number): { map: Float32Array; width: number; height: number } {
  const f = Math.max(1, Math.floor(k));
  const W = Math.ceil(w / f), H = Math.ceil(h / f);
  const out = new Float32Array(W * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    let s = 0, n = 0;
    for (let y = r * f; y < Math.min(h, r * f + f); y++) for (let x = c * f; x < Math.min(w, c * f + f); x++) {
      const v = map[y * w + x]!;
      if (Number.isFinite(v)) { s += v; n++; }
    }
    out[r * W + c] = n ? s / n : NaN;
  }
  return { map: out, width: W, height: H };
}

/**
 * Paints values on source-pixel rectangles into a raster of a `width × height` image sampled at
 * `outW × outH`: raster pixel `(i, j)` has its centre at source `((i + 0.5)·width/outW, (j + 0.5)·height/outH)`
 * and takes the mean value of the rectangles containing that point (half-open: `[x, x + w)`), NaN when none.
 * @returns Float32Array, row-major `outH × outW`
 */
export function rasterizeRects(cells: ReadonlyArray<{ rect: CropBox; value: number }>, width: number, height: number, outW: number, outH: number): Float32Array {
  const sum = new Float64Array(outW * outH), cnt = new Uint32Array(outW * outH);
  const sx = outW / width, sy = outH / height;
  for (const { rect, value } of cells) {
    if (!Number.isFinite(value)) continue;
    // Pixels whose centre (i + 0.5)/sx lies in [rect.x, rect.x + rect.width).
    const i0 = Math.max(0, Math.ceil(rect.x * sx - 0.5)), i1 = Math.min(outW, Math.ceil((rect.x + rect.width) * sx - 0.5));
    const j0 = Math.max(0, Math.ceil(rect.y * sy - 0.5)), j1 = Math.min(outH, Math.ceil((rect.y + rect.height) * sy - 0.5));
    for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) { sum[j * outW + i] += value; cnt[j * outW + i]!++; }
  }
  const out = new Float32Array(outW * outH);
  for (let k = 0; k < out.length; k++) out[k] = cnt[k] ? sum[k]! / cnt[k]! : NaN;
  return out;
}

/** The evidence map's scored cells as rectangles with their raw logits (cells with `null` left out). */
export function evidenceCells(map: EvidenceMap): Array<{ rect: CropBox; value: number }> {
  const out: Array<{ rect: CropBox; value: number }> = [];
  for (let r = 0; r < map.rows; r++) for (let c = 0; c < map.cols; c++) {
    const v = map.logits[r * map.cols + c];
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ rect: evidenceCellRect(map, r, c), value: v });
  }
  return out;
}

/**
 * The evidence map as a raster of the whole image: `rasterizeRects(evidenceCells(map), …)`.
 * @returns raw logits per raster pixel, NaN where no scored tile lies (not analysed)
 */
export function evidenceRaster(map: EvidenceMap, outW: number, outH: number): Float32Array {
  return rasterizeRects(evidenceCells(map), map.imageWidth, map.imageHeight, outW, outH);
}

/**
 * Which pixels of an `outW × outH` raster of a `width × height` image have their centre inside any of
 * `rects` (source pixels, half-open).
 * @returns Uint8Array, 1 = analysed, 0 = not
 */
export function coverageMask(rects: readonly CropBox[], width: number, height: number, outW: number, outH: number): Uint8Array {
  const v = rasterizeRects(rects.map((rect) => ({ rect, value: 1 })), width, height, outW, outH);
  return Uint8Array.from(v, (x) => (Number.isNaN(x) ? 0 : 1));
}

/**
 * The raster size for drawing a `width × height` image at most `maxSide` pixels on its longer side
 * (never upscaled), keeping the aspect ratio (each side ≥ 1).
 */
export function rasterSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** `boundaryRings` value of a pixel on a region edge (the dark stroke). */
export const RING_EDGE = 1;
/** `boundaryRings` value of a pixel next to an edge (the light stroke). */
export const RING_HALO = 2;

/**
 * A double outline of the regions of a label image: a pixel is an **edge** (`RING_EDGE`) when one of its
 * 4-neighbours has a different label and at least one of the two is a selected region, so every
 * boundary between a selected region and anything else is 2 pixels wide (one on each side); a pixel that
 * is not an edge but has an edge among its 4-neighbours is a **halo** (`RING_HALO`), one pixel on each
 * side. Drawn dark (edge) and light (halo), the outline stays visible on dark, light and busy images.
 * The image border is not an edge.
 * @param labels row-major `h × w` labels (any numbers; e.g. −1 for "not analysed")
 * @param selected the labels to outline (default: every label)
 * @returns Uint8Array `h × w`: 0, `RING_EDGE` or `RING_HALO`
 */
export function boundaryRings(labels: ArrayLike<number>, w: number, h: number, selected?: ReadonlySet<number>): Uint8Array {
  if (labels.length !== w * h) throw new RangeError(`boundaryRings: ${labels.length} labels, expected ${w}x${h}`);
  const sel = (l: number) => !selected || selected.has(l);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x, a = labels[p]!;
    const diff = (q: number) => { const b = labels[q]!; return b !== a && (sel(a) || sel(b)); };
    if ((x > 0 && diff(p - 1)) || (x < w - 1 && diff(p + 1)) || (y > 0 && diff(p - w)) || (y < h - 1 && diff(p + w))) out[p] = RING_EDGE;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    if (out[p] === RING_EDGE) continue;
    if ((x > 0 && out[p - 1] === RING_EDGE) || (x < w - 1 && out[p + 1] === RING_EDGE) || (y > 0 && out[p - w] === RING_EDGE) || (y < h - 1 && out[p + w] === RING_EDGE)) out[p] = RING_HALO;
  }
  return out;
}
