/**
 * Whole-image scoring for patch models (issue 10 §2): which square tiles of an image a fully
 * convolutional patch detector reads, how their logits become the image's logit, and the **evidence map**
 * (per-tile logits with their source-pixel rectangles) kept with the verdict.
 *
 * The tiling is model data: the manifest's `tiling` block (`TilingSpec`, validated by `validateTiling`).
 * Pure functions only (no tfjs); `detector.ts` runs the model over the planned tiles.
 *
 * Geometry. Tiles are `tileSize × tileSize` squares at native resolution (no resampling), laid on a
 * uniform grid with `stride` pixels between neighbouring origins, centred in the image: with
 * `nx = ⌊(W − T)/S⌋ + 1` columns the grid spans `(nx − 1)·S + T` pixels and starts at
 * `x0 = ⌊(W − span)/2⌋` (so fewer than `S` pixels, split between both sides, stay outside the grid); the
 * same for rows. Images with a side shorter than `T` have no grid; they are read as one input the legacy
 * way (shorter side upscaled to `T`, centre square).
 *
 * Modes. `all` scores every tile of the grid (WebGPU/WebGL: one fully convolutional pass per region of at
 * most `maxPassPixels`, or tiles in batches when the model names no logit-map layer). `sample` scores a
 * deterministic spread-out subset of at least `minTiles` tiles (wasm/cpu, where the whole image is too
 * slow): a `kx × ky` sub-grid with `kx·ky ≥ minTiles` as small as possible and its aspect ratio closest to
 * the grid's, columns and rows evenly spaced from the first to the last (the four corner tiles are always
 * in). Grids with at most `minTiles` tiles are scored whole in both modes. A grid larger than `maxTiles`
 * is sampled (`maxTiles`) in both modes.
 */
import type { CropBox } from './preprocess';

/**
 * How tile logits become the image logit.
 * - `mean`: arithmetic mean (what the 0.3.x models' test-time crops did; the patch CNN itself averages its
 *   patch logits inside a tile).
 * - `trimmed-mean`: drop the `⌊trim·n⌋` lowest and highest tile logits, average the rest (Tukey's trimmed
 *   mean). Robust to a few tiles that are off-distribution for the detector in either direction
 *   (flat sky or a blown highlight carries no residual; text overlays, watermarks and UI chrome carry
 *   strong non-generative residuals) while staying an unbiased estimate of the centre when nothing is
 *   off; with fewer than `1/trim` tiles it equals the mean. `trim` in [0, 0.5).
 * - `top-quantile-mean`: the mean of the highest `⌈quantile·n⌉` tile logits (evidence concentrated in a
 *   part of the image, e.g. an inpainted region); shifts the logit up, so it needs its own calibration.
 *   `quantile` in (0, 1].
 */
export type TileAggregation =
  | { type: 'mean' }
  | { type: 'trimmed-mean'; trim: number }
  | { type: 'top-quantile-mean'; quantile: number };

/** The manifest's `tiling` block. All sizes in source pixels. */
export interface TilingSpec {
  /** Side of a square tile at native resolution; a multiple of `mapStride`. */
  tileSize: number;
  /** Pixels between neighbouring tile origins (= `tileSize`: edge to edge; less: overlapping); a multiple of `mapStride`. */
  stride: number;
  /** Input pixels per cell of the model's patch-logit map (the model's total stride; 4 for `npr-patch-cnn`). */
  mapStride: number;
  /**
   * Layer whose output is the patch-logit map `[N, H/mapStride, W/mapStride, 1]` and whose global mean is the
   * model output (`patch_logits` for `npr-patch-cnn`). When set, mode `all` runs one pass per region and
   * average-pools the map per tile; when `null` in the manifest (absent after validation), mode `all` scores
   * tiles in batches like `sample`. Missing: the default, `patch_logits`.
   */
  logitMapLayer?: string;
  /** Mode `sample` (wasm/cpu): tiles scored per image when the grid has more; at least 1. */
  minTiles: number;
  /** Any mode: grids with more tiles are sampled down to this many; ≥ `minTiles`. */
  maxTiles: number;
  /** Mode `all`: most pixels fed to the model in one pass; larger grids are split into regions of whole tiles. ≥ tileSize². */
  maxPassPixels: number;
  aggregation: TileAggregation;
  /** Most cells in the evidence map sent with a verdict; larger grids are pooled (k × k tiles per cell). */
  maxEvidenceCells: number;
}

/** `all`: every tile; `sample`: the spread-out subset (see the module comment). */
export type TileMode = 'all' | 'sample';

/**
 * The tiling of `npr-patch-cnn` models: 128 px tiles edge to edge (the inputs the 0.3.0 model was
 * calibrated on), 16 sampled on wasm/cpu, trimmed mean (10 % each side). Also what an incomplete `tiling`
 * block is completed with.
 */
export const DEFAULT_TILING: TilingSpec = {
  tileSize: 128,
  stride: 128,
  mapStride: 4,
  logitMapLayer: 'patch_logits',
  minTiles: 16,
  maxTiles: 4096,
  maxPassPixels: 2_097_152,
  aggregation: { type: 'trimmed-mean', trim: 0.1 },
  maxEvidenceCells: 1024,
};

/**
 * Checks a manifest's `tiling` block and completes missing fields from `DEFAULT_TILING` (the migration for
 * blocks written before a field existed).
 * @param value the parsed `tiling` value (an object)
 * @returns a complete, valid spec (a new object)
 * @throws {TypeError} naming the first bad field
 */
export function validateTiling(value: unknown): TilingSpec {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('model manifest: "tiling" must be an object');
  const v = { ...DEFAULT_TILING, ...(value as Partial<TilingSpec>) };
  // `null` says the model has no logit-map layer (mode `all` then scores tiles in batches).
  if ((value as { logitMapLayer?: unknown }).logitMapLayer === null) delete v.logitMapLayer;
  const fail = (f: string, why: string): never => {
    throw new TypeError(`model manifest: invalid "tiling.${f}" (${why})`);
  };
  const int = (f: keyof TilingSpec, min: number) => {
    const x = v[f];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) fail(f, `an integer ≥ ${min}`);
  };
  int('mapStride', 1);
  int('tileSize', v.mapStride);
  int('stride', v.mapStride);
  if (v.tileSize % v.mapStride !== 0) fail('tileSize', `a multiple of mapStride ${v.mapStride}`);
  if (v.stride % v.mapStride !== 0) fail('stride', `a multiple of mapStride ${v.mapStride}`);
  int('minTiles', 1);
  int('maxTiles', v.minTiles);
  int('maxPassPixels', v.tileSize * v.tileSize);
  int('maxEvidenceCells', 1);
  if (v.logitMapLayer !== undefined && (typeof v.logitMapLayer !== 'string' || v.logitMapLayer === '')) fail('logitMapLayer', 'a layer name');
  const a = v.aggregation as TileAggregation | undefined;
  if (!a || typeof a !== 'object') fail('aggregation', 'an object');
  else if (a.type === 'trimmed-mean') {
    if (typeof a.trim !== 'number' || !(a.trim >= 0 && a.trim < 0.5)) fail('aggregation.trim', 'in [0, 0.5)');
  } else if (a.type === 'top-quantile-mean') {
    if (typeof a.quantile !== 'number' || !(a.quantile > 0 && a.quantile <= 1)) fail('aggregation.quantile', 'in (0, 1]');
  } else if (a.type !== 'mean') fail('aggregation.type', 'mean | trimmed-mean | top-quantile-mean');
  return { ...v, aggregation: { ...v.aggregation } };
}

/**
 * Parses an aggregation written as text (CLI options): `mean`, `trimmed-mean:<trim>`,
 * `top-quantile-mean:<quantile>`.
 * @throws {TypeError} for anything else or an out-of-range parameter (as `validateTiling`)
 */
export function parseAggregation(text: string): TileAggregation {
  const [type, arg] = text.split(':');
  const agg = type === 'mean' && arg === undefined ? { type }
    : type === 'trimmed-mean' ? { type, trim: Number(arg) }
      : type === 'top-quantile-mean' ? { type, quantile: Number(arg) } : { type: `unknown "${text}"` };
  return validateTiling({ aggregation: agg }).aggregation;
}

/** The tile grid of an image. `cols`/`rows` are 0 when a side is shorter than the tile. */
export interface TileGrid {
  /** Image size the grid is laid on, pixels. */
  width: number;
  height: number;
  /** Top-left of tile (0, 0). */
  x0: number;
  y0: number;
  tileSize: number;
  stride: number;
  cols: number;
  rows: number;
}

/**
 * Lays the uniform, centred tile grid on a `width × height` image (see the module comment).
 * @param width, height image size in pixels, integers ≥ 1
 */
export function tileGrid(width: number, height: number, spec: Pick<TilingSpec, 'tileSize' | 'stride'>): TileGrid {
  const T = spec.tileSize, S = spec.stride;
  const cols = width >= T ? Math.floor((width - T) / S) + 1 : 0;
  const rows = height >= T ? Math.floor((height - T) / S) + 1 : 0;
  const x0 = cols ? Math.floor((width - ((cols - 1) * S + T)) / 2) : 0;
  const y0 = rows ? Math.floor((height - ((rows - 1) * S + T)) / 2) : 0;
  return { width, height, x0, y0, tileSize: T, stride: S, cols, rows };
}

/** One tile: its grid position and its source rectangle's top-left corner (side = `tileSize`). */
export interface Tile {
  row: number;
  col: number;
  x: number;
  y: number;
}

/** `k` indices spread evenly over `0..n−1`, first and last included (the middle one when `k = 1`). */
function spread(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  if (k === 1) return [Math.floor((n - 1) / 2)];
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}

/**
 * The sub-grid shape `[kx, ky]` for a sample of at least `k` tiles of a `cols × rows` grid: the smallest
 * product `kx·ky ≥ k` with `kx ≤ cols`, `ky ≤ rows`; ties go to the aspect ratio closest to the grid's,
 * then to more columns.
 */
export function sampleShape(cols: number, rows: number, k: number): [number, number] {
  if (cols * rows <= k) return [cols, rows];
  let best: [number, number] = [cols, Math.ceil(k / cols)];
  let bestKey = [Infinity, Infinity];
  const target = Math.log(cols / rows);
  for (let kx = 1; kx <= cols; kx++) {
    const ky = Math.ceil(k / kx);
    if (ky > rows) continue;
    const key = [kx * ky, Math.abs(Math.log(kx / ky) - target)];
    if (key[0]! < bestKey[0]! || (key[0] === bestKey[0] && key[1]! < bestKey[1]! - 1e-12)) {
      best = [kx, ky];
      bestKey = key;
    }
  }
  return best;
}

/**
 * The tiles to score, row-major.
 * @param mode `all` (every tile, unless the grid has more than `maxTiles`) or `sample` (`minTiles`)
 * @returns deterministic: the same grid and spec give the same tiles; empty for an empty grid
 */
export function selectTiles(grid: TileGrid, spec: Pick<TilingSpec, 'minTiles' | 'maxTiles'>, mode: TileMode): Tile[] {
  const n = grid.cols * grid.rows;
  if (n === 0) return [];
  const k = Math.min(mode === 'all' ? n : spec.minTiles, spec.maxTiles);
  const [kx, ky] = sampleShape(grid.cols, grid.rows, k);
  const cols = spread(grid.cols, kx);
  const rows = spread(grid.rows, ky);
  const out: Tile[] = [];
  for (const row of rows) for (const col of cols) out.push({ row, col, x: grid.x0 + col * grid.stride, y: grid.y0 + row * grid.stride });
  return out;
}

/**
 * Aggregates tile logits into the image logit.
 * @param logits finite tile logits, at least one
 * @returns the aggregate (see `TileAggregation`)
 * @throws {RangeError} for an empty list
 */
export function aggregateLogits(logits: ArrayLike<number>, agg: TileAggregation): number {
  const n = logits.length;
  if (n === 0) throw new RangeError('aggregateLogits: no tile logits');
  const mean = (xs: ArrayLike<number>, from: number, to: number) => {
    let s = 0;
    for (let i = from; i < to; i++) s += xs[i]!;
    return s / (to - from);
  };
  if (agg.type === 'mean') return mean(logits, 0, n);
  const sorted = Float64Array.from(logits).sort();
  if (agg.type === 'trimmed-mean') {
    const cut = Math.min(Math.floor(agg.trim * n), Math.floor((n - 1) / 2));
    return mean(sorted, cut, n - cut);
  }
  const m = Math.min(n, Math.max(1, Math.ceil(agg.quantile * n - 1e-9)));
  return mean(sorted, n - m, n);
}

/**
 * Splits the grid into passes of whole tiles for mode `all`: blocks of `rowsPer × colsPer` tiles whose
 * source region (`(colsPer − 1)·S + T` by `(rowsPer − 1)·S + T`) has at most `maxPassPixels` pixels.
 * @returns the passes, row-major, covering every tile once; each with its region in grid-image pixels
 */
export function planPasses(grid: TileGrid, maxPassPixels: number): Array<{ row0: number; col0: number; rows: number; cols: number; region: CropBox }> {
  const T = grid.tileSize, S = grid.stride;
  const span = (k: number) => (k - 1) * S + T;
  let colsPer = grid.cols;
  if (span(colsPer) * T > maxPassPixels) colsPer = Math.max(1, Math.floor((maxPassPixels / T - T) / S) + 1);
  const rowsPer = Math.max(1, Math.min(grid.rows, Math.floor((maxPassPixels / span(colsPer) - T) / S) + 1));
  const out: Array<{ row0: number; col0: number; rows: number; cols: number; region: CropBox }> = [];
  for (let r = 0; r < grid.rows; r += rowsPer) {
    for (let c = 0; c < grid.cols; c += colsPer) {
      const rows = Math.min(rowsPer, grid.rows - r), cols = Math.min(colsPer, grid.cols - c);
      out.push({ row0: r, col0: c, rows, cols, region: { x: grid.x0 + c * S, y: grid.y0 + r * S, width: span(cols), height: span(rows) } });
    }
  }
  return out;
}

/**
 * The evidence map: the detector's logits over the image as a grid of cells, compact enough for a
 * message (at most the spec's `maxEvidenceCells` cells, ≈ 7 bytes of JSON each).
 *
 * Cell `(r, c)` (`logits[r·cols + c]`) covers the tiles of rows `r·pool … r·pool + pool − 1` and columns
 * `c·pool … c·pool + pool − 1` of the tile grid (fewer in the last row/column); its rectangle in source
 * pixels is `evidenceCellRect(map, r, c)`. Its value is the mean logit (raw model logit, before
 * calibration; > 0 leans synthetic) of the scored tiles it holds, rounded to 1e-4, or `null` when it holds
 * none (mode `sample`). Models without a tile grid (images smaller than a tile, non-patch models) give one
 * cell over the region the model read (`kind: 'single'`).
 */
export interface EvidenceMap {
  kind: 'tiles' | 'single';
  /** How the tiles were chosen (`single`: one input). */
  mode: TileMode | 'single';
  /** Decoded image size in pixels; rectangles are in this image's pixels. */
  imageWidth: number;
  imageHeight: number;
  /** Top-left corner of tile (0, 0), source pixels. */
  x0: number;
  y0: number;
  /** Size of one tile (for `single`: of the region read). */
  tileWidth: number;
  tileHeight: number;
  /** Pixels between neighbouring tile origins. */
  strideX: number;
  strideY: number;
  /** The tile grid. */
  tileCols: number;
  tileRows: number;
  /** Tiles per cell side (1 = one tile per cell). */
  pool: number;
  /** The cell grid: `cols = ⌈tileCols / pool⌉`, `rows = ⌈tileRows / pool⌉`. */
  cols: number;
  rows: number;
  /** Row-major, `rows·cols` values: mean raw logit of the cell's scored tiles, or null. */
  logits: Array<number | null>;
  /** Tiles the model scored for this image. */
  scored: number;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * Builds the evidence map of a tiled image.
 * @param grid the tile grid (in the coordinates of the image that was tiled)
 * @param tiles the scored tiles and `logits[i]` the logit of `tiles[i]`
 * @param offset where the tiled image's (0, 0) lies in the decoded image (a manifest crop box), pixels
 * @param image the decoded image's size
 * @param maxCells cap on cells: the smallest pool factor `k` with `⌈cols/k⌉·⌈rows/k⌉ ≤ maxCells`
 */
export function evidenceFromTiles(
  grid: TileGrid, tiles: Tile[], logits: ArrayLike<number>, mode: TileMode,
  offset: { x: number; y: number }, image: { width: number; height: number }, maxCells: number,
): EvidenceMap {
  let pool = 1;
  while (Math.ceil(grid.cols / pool) * Math.ceil(grid.rows / pool) > Math.max(1, maxCells)) pool++;
  const cols = Math.ceil(grid.cols / pool), rows = Math.ceil(grid.rows / pool);
  const sum = new Float64Array(cols * rows), cnt = new Uint32Array(cols * rows);
  tiles.forEach((t, i) => {
    const k = Math.floor(t.row / pool) * cols + Math.floor(t.col / pool);
    sum[k] += logits[i]!;
    cnt[k]!++;
  });
  return {
    kind: 'tiles', mode, imageWidth: image.width, imageHeight: image.height,
    x0: offset.x + grid.x0, y0: offset.y + grid.y0, tileWidth: grid.tileSize, tileHeight: grid.tileSize,
    strideX: grid.stride, strideY: grid.stride, tileCols: grid.cols, tileRows: grid.rows, pool, cols, rows,
    logits: Array.from(sum, (s, k) => (cnt[k] ? round4(s / cnt[k]!) : null)),
    scored: tiles.length,
  };
}

/** A one-cell evidence map over `region` (source pixels) with `logit`. */
export function singleEvidence(region: CropBox, logit: number, image: { width: number; height: number }, scored: number): EvidenceMap {
  return {
    kind: 'single', mode: 'single', imageWidth: image.width, imageHeight: image.height,
    x0: region.x, y0: region.y, tileWidth: region.width, tileHeight: region.height, strideX: region.width, strideY: region.height,
    tileCols: 1, tileRows: 1, pool: 1, cols: 1, rows: 1, logits: [round4(logit)], scored,
  };
}

/**
 * The source-pixel rectangle of cell `(row, col)` of an evidence map: the union of its tiles.
 * @throws {RangeError} for a cell outside the map
 */
export function evidenceCellRect(map: EvidenceMap, row: number, col: number): CropBox {
  if (!(row >= 0 && row < map.rows && col >= 0 && col < map.cols)) throw new RangeError(`cell ${row},${col} outside the ${map.rows}×${map.cols} evidence map`);
  const c0 = col * map.pool, r0 = row * map.pool;
  const nc = Math.min(map.pool, map.tileCols - c0), nr = Math.min(map.pool, map.tileRows - r0);
  return {
    x: map.x0 + c0 * map.strideX,
    y: map.y0 + r0 * map.strideY,
    width: (nc - 1) * map.strideX + map.tileWidth,
    height: (nr - 1) * map.strideY + map.tileHeight,
  };
}

/**
 * The tile mode a backend uses by default: `all` on the browser's GPU backends (`webgpu`, `webgl`), where a
 * whole image costs milliseconds; `sample` on `wasm`, `cpu` and anything else (tfjs-node's `tensorflow`
 * included, so Node numbers are the wasm product's unless a caller asks for `all`).
 */
export function defaultTileMode(backend: string): TileMode {
  return backend === 'webgpu' || backend === 'webgl' ? 'all' : 'sample';
}
