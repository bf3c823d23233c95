import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateLogits, DEFAULT_TILING, parseAggregation, defaultTileMode, evidenceCellRect, evidenceFromTiles, planPasses, sampleShape, selectTiles,
  singleEvidence, tileGrid, validateTiling, type TilingSpec,
} from './tiling';

test('tileGrid: a 1920×1080 image holds 15×8 tiles of 128 px, centred (28 px left above and below)', () => {
  assert.deepEqual(tileGrid(1920, 1080, DEFAULT_TILING), { width: 1920, height: 1080, x0: 0, y0: 28, tileSize: 128, stride: 128, cols: 15, rows: 8 });
  // Overlapping tiles: stride 64 on 300 px → ⌊(300−128)/64⌋+1 = 3 columns spanning 256 px, x0 = 22.
  assert.deepEqual(tileGrid(300, 100, { tileSize: 128, stride: 64 }), { width: 300, height: 100, x0: 22, y0: 0, tileSize: 128, stride: 64, cols: 3, rows: 0 });
});

test('selectTiles: the wasm sample of a 1080p image is the same 16 tiles every time, corners included', () => {
  const g = tileGrid(1920, 1080, DEFAULT_TILING);
  const a = selectTiles(g, DEFAULT_TILING, 'sample');
  const b = selectTiles(tileGrid(1920, 1080, DEFAULT_TILING), { ...DEFAULT_TILING }, 'sample');
  assert.deepEqual(a, b);
  assert.equal(a.length, 16);
  assert.deepEqual(a.map((t) => [t.col, t.row]), [
    [0, 0], [5, 0], [9, 0], [14, 0], [0, 2], [5, 2], [9, 2], [14, 2], [0, 5], [5, 5], [9, 5], [14, 5], [0, 7], [5, 7], [9, 7], [14, 7],
  ]);
  assert.deepEqual(a.map((t) => t.x).slice(0, 4), [0, 640, 1152, 1792]);
  assert.deepEqual(a.filter((t) => t.col === 0).map((t) => t.y), [28, 284, 668, 924]);
  // Mode all: every tile.
  assert.equal(selectTiles(g, DEFAULT_TILING, 'all').length, 120);
});

test('selectTiles: grids with at most minTiles tiles are scored whole; maxTiles caps mode all', () => {
  const avatar = tileGrid(256, 256, DEFAULT_TILING);
  assert.deepEqual(selectTiles(avatar, DEFAULT_TILING, 'sample').map((t) => [t.x, t.y]), [[0, 0], [128, 0], [0, 128], [128, 128]]);
  assert.deepEqual(selectTiles(tileGrid(100, 500, DEFAULT_TILING), DEFAULT_TILING, 'sample'), []);
  const big = tileGrid(4000, 3000, DEFAULT_TILING); // 31 × 23
  assert.equal(selectTiles(big, { minTiles: 16, maxTiles: 100 }, 'all').length, 100); // 10 × 10 sub-grid
  assert.deepEqual(sampleShape(31, 23, 100), [10, 10]);
  assert.deepEqual(sampleShape(40, 1, 16), [16, 1]);
  assert.deepEqual(sampleShape(3, 100, 16), [1, 16]);
});

test('aggregateLogits: mean, trimmed mean and top-quantile mean on known values', () => {
  const z = [0, 1, 2, 3, 4, 5, 6, 7, 8, 100];
  assert.equal(aggregateLogits(z, { type: 'mean' }), 13.6);
  // trim 0.1 of 10 → drop one at each end: mean of 1..8 = 4.5
  assert.equal(aggregateLogits(z, { type: 'trimmed-mean', trim: 0.1 }), 4.5);
  // fewer tiles than 1/trim: the plain mean
  assert.equal(aggregateLogits([1, 2, 6], { type: 'trimmed-mean', trim: 0.1 }), 3);
  // top 20 % of 10 → mean of the two highest
  assert.equal(aggregateLogits(z, { type: 'top-quantile-mean', quantile: 0.2 }), 54);
  assert.equal(aggregateLogits([-3], { type: 'top-quantile-mean', quantile: 0.01 }), -3);
  assert.throws(() => aggregateLogits([], { type: 'mean' }), RangeError);
});

test('parseAggregation reads the CLI spelling', () => {
  assert.deepEqual(parseAggregation('mean'), { type: 'mean' });
  assert.deepEqual(parseAggregation('trimmed-mean:0.2'), { type: 'trimmed-mean', trim: 0.2 });
  assert.deepEqual(parseAggregation('top-quantile-mean:0.25'), { type: 'top-quantile-mean', quantile: 0.25 });
  assert.throws(() => parseAggregation('median'), /aggregation\.type/);
  assert.throws(() => parseAggregation('trimmed-mean:0.7'), /aggregation\.trim/);
});

test('validateTiling completes old blocks from the defaults and names bad fields', () => {
  assert.deepEqual(validateTiling({ tileSize: 64, stride: 32 }), { ...DEFAULT_TILING, tileSize: 64, stride: 32 });
  assert.equal('logitMapLayer' in validateTiling({ logitMapLayer: null }), false);
  const bad: Array<[Partial<TilingSpec> | unknown, RegExp]> = [
    [{ tileSize: 130 }, /tiling\.tileSize/],
    [{ stride: 0 }, /tiling\.stride/],
    [{ minTiles: 20, maxTiles: 10 }, /tiling\.maxTiles/],
    [{ aggregation: { type: 'median' } }, /tiling\.aggregation\.type/],
    [{ aggregation: { type: 'trimmed-mean', trim: 0.5 } }, /aggregation\.trim/],
    [{ aggregation: { type: 'top-quantile-mean', quantile: 0 } }, /aggregation\.quantile/],
    [{ maxPassPixels: 100 }, /maxPassPixels/],
    [[1, 2], /must be an object/],
  ];
  for (const [v, re] of bad) assert.throws(() => validateTiling(v), re, JSON.stringify(v));
});

test('evidence map geometry: each cell is the union of its tiles, in source pixels (offset by a crop box)', () => {
  const g = tileGrid(1920, 1080, DEFAULT_TILING);
  const tiles = selectTiles(g, DEFAULT_TILING, 'sample');
  const logits = tiles.map((_, i) => i / 10);
  const ev = evidenceFromTiles(g, tiles, logits, 'sample', { x: 5, y: 7 }, { width: 1930, height: 1090 }, 1024);
  assert.equal(ev.pool, 1);
  assert.equal(ev.cols * ev.rows, 120);
  assert.equal(ev.logits.filter((v) => v !== null).length, 16);
  tiles.forEach((t, i) => {
    const rect = evidenceCellRect(ev, t.row, t.col);
    assert.deepEqual(rect, { x: t.x + 5, y: t.y + 7, width: 128, height: 128 });
    assert.equal(ev.logits[t.row * ev.cols + t.col], Math.round(logits[i]! * 1e4) / 1e4);
  });
  assert.equal(ev.logits[1], null); // tile (0, 1) was not sampled
  // Pooled: 120 tiles into at most 30 cells → 3 × 3 tiles per cell, 5 × 3 cells; the last row holds 2 tile rows.
  const all = selectTiles(g, DEFAULT_TILING, 'all');
  const pooled = evidenceFromTiles(g, all, all.map((t) => t.row), 'all', { x: 0, y: 0 }, { width: 1920, height: 1080 }, 30);
  assert.deepEqual([pooled.pool, pooled.cols, pooled.rows], [3, 5, 3]);
  assert.deepEqual(evidenceCellRect(pooled, 0, 0), { x: 0, y: 28, width: 384, height: 384 });
  assert.deepEqual(evidenceCellRect(pooled, 2, 4), { x: 1536, y: 28 + 768, width: 384, height: 256 });
  assert.deepEqual(pooled.logits.slice(0, 5), [1, 1, 1, 1, 1]); // rows 0..2 → mean 1
  assert.deepEqual(pooled.logits.slice(10), [6.5, 6.5, 6.5, 6.5, 6.5]); // rows 6, 7
  // The cells cover exactly the tiled area.
  const last = evidenceCellRect(pooled, pooled.rows - 1, pooled.cols - 1);
  assert.equal(last.x + last.width, g.x0 + (g.cols - 1) * g.stride + g.tileSize);
  assert.equal(last.y + last.height, g.y0 + (g.rows - 1) * g.stride + g.tileSize);
  assert.throws(() => evidenceCellRect(pooled, 3, 0), RangeError);
  const one = singleEvidence({ x: 10, y: 0, width: 100, height: 100 }, 0.123456, { width: 120, height: 100 }, 1);
  assert.deepEqual(evidenceCellRect(one, 0, 0), { x: 10, y: 0, width: 100, height: 100 });
  assert.deepEqual(one.logits, [0.1235]);
});

test('planPasses splits a large grid into passes of whole tiles under the pixel cap, each tile once', () => {
  const g = tileGrid(4000, 3000, DEFAULT_TILING); // 31 × 23 tiles, 3968 × 2944 px
  const passes = planPasses(g, DEFAULT_TILING.maxPassPixels);
  const seen = new Set<string>();
  for (const p of passes) {
    assert.ok(p.region.width * p.region.height <= DEFAULT_TILING.maxPassPixels, JSON.stringify(p));
    assert.equal(p.region.width, (p.cols - 1) * 128 + 128);
    for (let r = 0; r < p.rows; r++) for (let c = 0; c < p.cols; c++) {
      const k = `${p.row0 + r},${p.col0 + c}`;
      assert.ok(!seen.has(k), k);
      seen.add(k);
    }
  }
  assert.equal(seen.size, 31 * 23);
  assert.equal(planPasses(tileGrid(1920, 1080, DEFAULT_TILING), DEFAULT_TILING.maxPassPixels).length, 1);
  // A panorama wider than the cap per tile row is split across columns too.
  const wide = planPasses(tileGrid(40_000, 128, DEFAULT_TILING), 128 * 128 * 10);
  // 312 tiles in one row, 10 per pass: 31 passes of 10 and one of 2.
  assert.deepEqual(wide.map((p) => p.cols), [...Array(31).fill(10), 2]);
  assert.ok(wide.every((p) => p.rows === 1 && p.region.width * p.region.height <= 128 * 128 * 10));
});

test('defaultTileMode: whole image on GPU backends, the sample elsewhere', () => {
  assert.deepEqual(['webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow'].map(defaultTileMode), ['all', 'all', 'sample', 'sample', 'sample']);
});
