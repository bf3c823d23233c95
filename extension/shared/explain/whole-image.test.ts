/**
 * Issue 12 (explanations of the whole image), pure parts: the class palette and colour bar (known logit →
 * known RGB), stitching per-tile maps and rasterising the evidence map (known per-tile values → known
 * whole-image map, complete tile coverage), LIME outline extraction (known segmentation → known boundary
 * pixels) and the overlays built from them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AI_RGB, NEUTRAL_RGB, REAL_RGB, classGradient, divergingGradient, divergingRgb, divergingT, evidenceHalfRange, evidenceRgb, thresholdLogit,
} from './palette';
import { boundaryRings, coverageMask, evidenceRaster, poolMap, rasterSize, rasterizeRects, RING_EDGE, RING_HALO, stitchTileMaps } from './whole-image';
import { camOverlayRgba, evidenceOverlayRgba, HATCH_RGBA, limeOverlayRgba, OUTLINE_DARK, OUTLINE_LIGHT, REGION_FILL_ALPHA } from './overlay';
import { finishMaps } from './index';
import { evidenceFromTiles, selectTiles, tileGrid } from '../tiling';

const px = (d: ArrayLike<number>, w: number, x: number, y: number) => Array.from({ length: 4 }, (_, c) => d[(y * w + x) * 4 + c]!);

test('palette: Okabe–Ito blue/orange around a neutral grey; known logits give known RGB', () => {
  assert.deepEqual([...REAL_RGB], [0, 114, 178]);
  assert.deepEqual([...AI_RGB], [230, 159, 0]);
  assert.deepEqual(divergingRgb(-1), [0, 114, 178]);
  assert.deepEqual(divergingRgb(1), [230, 159, 0]);
  assert.deepEqual(divergingRgb(0), [...NEUTRAL_RGB]);
  // Half way: 247 + (230 − 247)/2 = 238.5 → 239, 247 + (159 − 247)/2 = 203, 247 − 247/2 = 123.5 → 124.
  assert.deepEqual(divergingRgb(0.5), [239, 203, 124]);
  assert.deepEqual(divergingRgb(-0.5), [124, 181, 213]);
  assert.deepEqual(divergingRgb(NaN), [247, 247, 247]);
  assert.deepEqual(divergingRgb(7), [230, 159, 0]);
  // Logit 1.0 with the threshold at logit 0.5 and ends at ±1 from it: t = 0.5.
  assert.deepEqual(evidenceRgb(1.0, 0.5, 1), [239, 203, 124]);
  assert.deepEqual(evidenceRgb(-0.5, 0.5, 1), [0, 114, 178]);
  assert.deepEqual(evidenceRgb(0.5, 0.5, 1), [247, 247, 247]);
  assert.deepEqual(evidenceRgb(-9, 0.5, 1), [0, 114, 178]);
  assert.equal(divergingT(0.75, 0.5, 0.5), 0.5);
  assert.ok(Number.isNaN(divergingT(Infinity, 0, 1)));
});

test('thresholdLogit: the raw logit whose calibrated probability is the threshold', () => {
  // Platt p = σ(a·z + b): z = (logit(t) − b) / a.
  const platt = { type: 'platt', a: 0.2888360688145681, b: -0.013744088328359508 } as const;
  assert.ok(Math.abs(thresholdLogit(platt, 0.5) - 0.013744088328359508 / 0.2888360688145681) < 1e-12);
  assert.ok(Math.abs(thresholdLogit(platt, 0.6) - (Math.log(1.5) + 0.013744088328359508) / 0.2888360688145681) < 1e-12);
  assert.equal(thresholdLogit({ type: 'none' }, 0.5), 0);
  assert.ok(Math.abs(thresholdLogit({ type: 'none' }, 0.75) - Math.log(3)) < 1e-12);
  // Isotonic through (−2, 0.1), (0, 0.5), (2, 0.9): 0.7 is reached at z = 1.
  assert.ok(Math.abs(thresholdLogit({ type: 'isotonic', x: [-2, 0, 2], y: [0.1, 0.5, 0.9] }, 0.7) - 1) < 1e-9);
  assert.throws(() => thresholdLogit(platt, 1), RangeError);
});

test('colour bar: half-range and gradients', () => {
  assert.equal(evidenceHalfRange([0.1, 1.3, null, -0.2], 0.05), 1.25);
  assert.equal(evidenceHalfRange([0.1, 0.2], 0), 0.5); // at least MIN_HALF_RANGE
  assert.equal(evidenceHalfRange([2.01], 0), 2.25);
  assert.equal(divergingGradient(3), 'linear-gradient(to right, rgb(0, 114, 178) 0%, rgb(247, 247, 247) 50%, rgb(230, 159, 0) 100%)');
  assert.equal(classGradient('real'), 'linear-gradient(to right, rgba(0, 114, 178, 0) 0%, rgba(0, 114, 178, 1) 100%)');
});

test('stitchTileMaps: per-tile maps land on their tiles; a missing tile stays NaN; overlaps average', () => {
  // Three 4 px tiles with 2 × 2 maps (2 px cells) of a 2 × 2 grid; tile (1, 1) not scored.
  const st = stitchTileMaps([
    { x: 10, y: 20, size: 4, map: [1, 2, 3, 4] },
    { x: 14, y: 20, size: 4, map: [5, 6, 7, 8] },
    { x: 10, y: 24, size: 4, map: [9, 10, 11, 12] },
  ], 2, 2);
  assert.deepEqual(st.region, { x: 10, y: 20, width: 8, height: 8 });
  assert.deepEqual([st.width, st.height], [4, 4]);
  assert.deepEqual(Array.from(st.map, (v) => (Number.isNaN(v) ? null : v)), [
    1, 2, 5, 6,
    3, 4, 7, 8,
    9, 10, null, null,
    11, 12, null, null,
  ]);
  // Stride 2 < tile 4: the middle column is the mean of both tiles.
  const ov = stitchTileMaps([{ x: 0, y: 0, size: 4, map: [1, 3, 1, 3] }, { x: 2, y: 0, size: 4, map: [5, 7, 5, 7] }], 2, 2);
  assert.deepEqual([ov.width, ov.height], [3, 2]);
  assert.deepEqual(Array.from(ov.map), [1, 4, 7, 1, 4, 7]);
  assert.throws(() => stitchTileMaps([], 2, 2), RangeError);
  assert.throws(() => stitchTileMaps([{ x: 0, y: 0, size: 4, map: [1] }], 2, 2), RangeError);
  // Pooling ignores NaN.
  assert.deepEqual(Array.from(poolMap(st.map, 4, 4, 2).map, (v) => (Number.isNaN(v) ? null : v)), [2.5, 6.5, 10.5, null]);
});

test('evidence raster: a known per-tile map gives the known whole-image map; every tile of the grid is covered', () => {
  // 45 × 32 image, 10 px tiles edge to edge: 4 × 3 tiles from (2, 1); tile (r, c) has logit r·10 + c.
  const grid = tileGrid(45, 32, { tileSize: 10, stride: 10 });
  assert.deepEqual([grid.cols, grid.rows, grid.x0, grid.y0], [4, 3, 2, 1]);
  const all = selectTiles(grid, { minTiles: 16, maxTiles: 4096 }, 'all');
  const ev = evidenceFromTiles(grid, all, all.map((t) => t.row * 10 + t.col), 'all', { x: 0, y: 0 }, { width: 45, height: 32 }, 1024);
  const r = evidenceRaster(ev, 45, 32);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 45; x++) {
    const inGrid = x >= 2 && x < 42 && y >= 1 && y < 31;
    const v = r[y * 45 + x]!;
    if (inGrid) assert.equal(v, Math.floor((y - 1) / 10) * 10 + Math.floor((x - 2) / 10), `pixel ${x},${y}`);
    else assert.ok(Number.isNaN(v), `pixel ${x},${y} is outside the grid`);
  }
  // Sampled (4 tiles: the corners): exactly those tiles' pixels are set.
  const some = selectTiles(grid, { minTiles: 4, maxTiles: 4096 }, 'sample');
  assert.deepEqual(some.map((t) => [t.row, t.col]), [[0, 0], [0, 3], [2, 0], [2, 3]]);
  const evs = evidenceFromTiles(grid, some, some.map(() => 1.5), 'sample', { x: 0, y: 0 }, { width: 45, height: 32 }, 1024);
  const rs = evidenceRaster(evs, 45, 32);
  let set = 0;
  for (const v of rs) if (!Number.isNaN(v)) { set++; assert.equal(v, 1.5); }
  assert.equal(set, 4 * 100);
  // Half resolution: the raster keeps the aspect and samples pixel centres.
  assert.deepEqual(rasterSize(45, 32, 20), { width: 20, height: 14 });
  assert.deepEqual(rasterSize(45, 32, 100), { width: 45, height: 32 });
  const half = rasterizeRects([{ rect: { x: 0, y: 0, width: 4, height: 2 }, value: 3 }], 8, 4, 4, 2);
  assert.deepEqual(Array.from(half, (v) => (Number.isNaN(v) ? null : v)), [3, 3, null, null, null, null, null, null]);
  assert.deepEqual(Array.from(coverageMask([{ x: 2, y: 0, width: 2, height: 1 }], 4, 2, 4, 2)), [0, 0, 1, 1, 0, 0, 0, 0]);
});

test('boundaryRings: a known segmentation gives the known double outline', () => {
  // 6 × 3: label 0 in columns 0–2, label 1 in 3–5; outline label 1.
  const labels = [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1];
  const rows = (r: Uint8Array) => [0, 1, 2].map((y) => Array.from(r.subarray(y * 6, y * 6 + 6)));
  assert.deepEqual(rows(boundaryRings(labels, 6, 3, new Set([1]))), Array(3).fill([0, RING_HALO, RING_EDGE, RING_EDGE, RING_HALO, 0]));
  // Neither side selected: no outline.
  assert.deepEqual(Array.from(boundaryRings(labels, 6, 3, new Set([7]))), new Array(18).fill(0));
  // An island of one pixel: it and its 4 neighbours are edge; the ring around them is halo.
  const island = new Array(25).fill(0); island[12] = 5;
  const E = RING_EDGE, H = RING_HALO;
  assert.deepEqual(Array.from(boundaryRings(island, 5, 5, new Set([5]))), [
    0, 0, H, 0, 0,
    0, H, E, H, 0,
    H, E, E, E, H,
    0, H, E, H, 0,
    0, 0, H, 0, 0,
  ]);
  assert.throws(() => boundaryRings([0], 2, 2), RangeError);
});

test('overlays: evidence colours and hatch, CAM class colours (both directions), LIME fill and outline', () => {
  const grid = tileGrid(40, 20, { tileSize: 10, stride: 10 });
  const tiles = selectTiles(grid, { minTiles: 16, maxTiles: 4096 }, 'all').filter((t) => !(t.row === 1 && t.col === 3));
  const ev = evidenceFromTiles(grid, tiles, tiles.map((t) => (t.col === 0 ? 1.0 : -0.5)), 'sample', { x: 0, y: 0 }, { width: 40, height: 20 }, 1024);
  const o = evidenceOverlayRgba(ev, 0.5, 1, 40, 20);
  assert.deepEqual(px(o.data, 40, 5, 5), [239, 203, 124, 255]); // logit 1.0: half way to orange
  assert.deepEqual(px(o.data, 40, 15, 5), [0, 114, 178, 255]); // logit −0.5: blue
  assert.deepEqual(px(o.data, 40, 30, 10), [...HATCH_RGBA]); // tile (1, 3) not read: (30 + 10) % 8 = 0 → stripe
  assert.deepEqual(px(o.data, 40, 33, 10), [0, 0, 0, 0]); // between stripes
  // CAM with both directions over the left 2 × 2 pixels of a 10 × 2 image.
  const cam = { map: [1, 0.25, 0, 0], other: [0, 0.75, 0, 0], mapWidth: 2, mapHeight: 2, region: { x: 0, y: 0, width: 2, height: 2 }, empty: false, target: 'synthetic' as const, analysed: [{ x: 0, y: 0, width: 2, height: 2 }] };
  const c = camOverlayRgba(cam, 10, 2, 10, 2);
  assert.deepEqual(px(c.data, 10, 0, 0), [230, 159, 0, 255]); // d = 1 toward AI
  assert.deepEqual(px(c.data, 10, 1, 0), [0, 114, 178, 180]); // d = 0.25 − 0.75 = −0.5 toward real: alpha 255·√0.5
  assert.deepEqual(px(c.data, 10, 0, 1), [0, 0, 0, 0]); // no push either way
  assert.deepEqual(px(c.data, 10, 8, 0), [...HATCH_RGBA]); // not analysed, on a stripe ((8 + 0) % 8 = 0)
  assert.deepEqual(px(c.data, 10, 4, 0), [0, 0, 0, 0]); // not analysed, between stripes
  // LIME: superpixel 1 (right half) toward AI, 0 (left) toward real; both outlined.
  const lime = { map: [0, 0, 0, 0], mapWidth: 6, mapHeight: 1, region: { x: 0, y: 0, width: 6, height: 1 }, empty: false, target: 'synthetic' as const,
    segments: [0, 0, 0, 1, 1, 1], weights: [-0.2, 0.4], analysed: [{ x: 0, y: 0, width: 6, height: 1 }] };
  const l = limeOverlayRgba({ ...lime, map: new Array(6).fill(0) }, 1, 6, 1, 6, 1);
  assert.deepEqual([l.toward, l.away], [[1], [0]]);
  assert.deepEqual(px(l.data, 6, 0, 0), [0, 114, 178, REGION_FILL_ALPHA]);
  assert.deepEqual(px(l.data, 6, 1, 0), [...OUTLINE_LIGHT, 255]);
  assert.deepEqual(px(l.data, 6, 2, 0), [...OUTLINE_DARK, 255]);
  assert.deepEqual(px(l.data, 6, 3, 0), [...OUTLINE_DARK, 255]);
  assert.deepEqual(px(l.data, 6, 5, 0), [230, 159, 0, REGION_FILL_ALPHA]);
});

test('finishMaps: two directions normalised together over the analysed cells', () => {
  const [a, b] = finishMaps([[4, 0, 2, 9], [0, 2, 1, 9]], [1, 1, 1, 0], 1);
  assert.deepEqual(a!.map.map((v) => Math.round(v * 1e6) / 1e6), [1, 0, 0.5, 0]);
  assert.deepEqual(b!.map.map((v) => Math.round(v * 1e6) / 1e6), [0, 0.5, 0.25, 0]);
  assert.equal(a!.empty || b!.empty, false);
  // A map spread evenly over the analysed cells is empty.
  const [flat] = finishMaps([[1, 0.9, 0.8, 0]], [1, 1, 1, 0], 1);
  assert.equal(flat!.empty, true);
});
