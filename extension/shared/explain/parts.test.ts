/** Unit tests of the pure-TS parts: SLIC, CIELAB, ridge regression, LIME kernel, maps and overlays. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slic, rgbToLab, enforceConnectivity } from './slic';
import { weightedRidge, choleskySolve } from './ridge';
import { limeKernel, mulberry32 } from './lime';
import { finishMap, mapToImage, explanationRegion, sampleBilinear } from './map';
import { renderOverlay, colormap, topRegions, heatmapRgba, regionsRgba } from './overlay';
import type { RgbaImage } from '../preprocess';

function solid(w: number, h: number, colour: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const c = colour(x, y);
    data.set([...c, 255], (y * w + x) * 4);
  }
  return { width: w, height: h, data };
}

function isConnected(labels: Int32Array, w: number, h: number, label: number): boolean {
  const start = labels.indexOf(label);
  const seen = new Uint8Array(w * h);
  const stack = [start];
  seen[start] = 1;
  let n = 0;
  while (stack.length) {
    const p = stack.pop()!; n++;
    const x = p % w, y = Math.floor(p / w);
    for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
      if (q >= 0 && !seen[q] && labels[q] === label) { seen[q] = 1; stack.push(q); }
    }
  }
  return n === labels.reduce((a, v) => a + (v === label ? 1 : 0), 0);
}

test('rgbToLab: reference CIELAB values (D65)', () => {
  const close = (a: number[], b: number[], tol = 0.02) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < tol, `${a} vs ${b}`));
  close(rgbToLab(255, 255, 255), [100, 0, 0]);
  close(rgbToLab(0, 0, 0), [0, 0, 0]);
  close(rgbToLab(255, 0, 0), [53.24, 80.09, 67.2], 0.05);
  close(rgbToLab(0, 255, 0), [87.73, -86.18, 83.18], 0.05);
  close(rgbToLab(0, 0, 255), [32.3, 79.19, -107.86], 0.05);
});

test('slic: four solid quadrants with k = 4 give exactly the quadrants', () => {
  const cols: Array<[number, number, number]> = [[200, 30, 30], [30, 200, 30], [30, 30, 200], [220, 220, 40]];
  const img = solid(32, 32, (x, y) => cols[(y < 16 ? 0 : 2) + (x < 16 ? 0 : 1)]!);
  const r = slic(img, { segments: 4 });
  assert.equal(r.count, 4);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
    assert.equal(r.labels[y * 32 + x], r.labels[(y < 16 ? 0 : 16) * 32 + (x < 16 ? 0 : 16)], `pixel ${x},${y}`);
  }
});

test('slic: segments respect a colour edge, are connected, labelled 0..n−1 and near the requested count', () => {
  const rand = mulberry32(3);
  const img = solid(48, 40, (x) => (x < 21 ? [180 + rand() * 10, 40, 40] : [40, 40, 180 + rand() * 10]));
  const r = slic(img, { segments: 30, compactness: 10 });
  assert.ok(r.count >= 15 && r.count <= 45, `count ${r.count}`);
  const seen = new Set(r.labels);
  assert.equal(seen.size, r.count);
  assert.equal(Math.max(...seen), r.count - 1);
  for (let l = 0; l < r.count; l++) {
    assert.ok(isConnected(r.labels, 48, 40, l), `segment ${l} not connected`);
    let left = 0, right = 0;
    r.labels.forEach((v, p) => { if (v === l) { if (p % 48 < 21) left++; else right++; } });
    assert.ok(left === 0 || right === 0, `segment ${l} crosses the edge (${left}/${right})`);
  }
});

test('slic: tiny, uniform and k = 1 images', () => {
  assert.equal(slic(solid(1, 1, () => [1, 2, 3]), { segments: 10 }).count, 1);
  const u = slic(solid(20, 10, () => [128, 128, 128]), { segments: 8 });
  assert.ok(u.count >= 1 && u.labels.every((v) => v >= 0 && v < u.count));
  assert.equal(slic(solid(20, 10, () => [0, 0, 0]), { segments: 1 }).count, 1);
  assert.throws(() => slic({ width: 2, height: 2, data: new Uint8Array(3) }), RangeError);
});

test('enforceConnectivity: splits disconnected labels and merges specks', () => {
  // 4 wide × 3 high: rows [0 1 0 0] [1 0 1 1] [2 1 1 1] — label 0 in three pieces, a 1-pixel speck of 2.
  const labels = Int32Array.from([0, 1, 0, 0, 1, 0, 1, 1, 2, 1, 1, 1]);
  const r = enforceConnectivity(labels, 4, 3, 2);
  // Single pixels (below minSize 2) merge into a neighbour; every resulting segment is connected.
  assert.ok(r.count >= 2 && r.count <= 4, `count ${r.count}`);
  for (let l = 0; l < r.count; l++) assert.ok(isConnected(r.labels, 4, 3, l));
  assert.ok(r.labels.every((v) => v >= 0 && v < r.count));
});

test('weightedRidge: matches the 1-D closed form and recovers exact coefficients with α → 0', () => {
  const x = [0, 1, 2, 3, 4], y = [1, 3, 2, 5, 4], w = [1, 2, 1, 0.5, 1];
  const sw = w.reduce((a, b) => a + b);
  const xm = x.reduce((a, v, i) => a + w[i]! * v, 0) / sw, ym = y.reduce((a, v, i) => a + w[i]! * v, 0) / sw;
  const sxy = x.reduce((a, v, i) => a + w[i]! * (v - xm) * (y[i]! - ym), 0);
  const sxx = x.reduce((a, v, i) => a + w[i]! * (v - xm) ** 2, 0);
  const fit = weightedRidge(x, 5, 1, y, w, 1);
  assert.ok(Math.abs(fit.coef[0]! - sxy / (sxx + 1)) < 1e-12);
  assert.ok(Math.abs(fit.intercept - (ym - xm * fit.coef[0]!)) < 1e-12);
  // y = 2 + 3 a − 1.5 b exactly.
  const rand = mulberry32(5);
  const n = 40, X: number[] = [], Y: number[] = [], W: number[] = [];
  for (let i = 0; i < n; i++) { const a = rand(), b = rand(); X.push(a, b); Y.push(2 + 3 * a - 1.5 * b); W.push(0.2 + rand()); }
  const f2 = weightedRidge(X, n, 2, Y, W, 1e-12);
  assert.ok(Math.abs(f2.coef[0]! - 3) < 1e-6 && Math.abs(f2.coef[1]! + 1.5) < 1e-6 && Math.abs(f2.intercept - 2) < 1e-6);
  assert.ok(Math.abs(f2.r2 - 1) < 1e-9);
  assert.throws(() => weightedRidge([1, 2], 2, 1, [1, 2], [0, 0]), RangeError);
  assert.throws(() => choleskySolve([1, 2, 2, 1], [1, 1], 2), RangeError);
});

test('limeKernel: √exp(−d²/0.25²) on the cosine distance to the all-ones vector', () => {
  assert.equal(limeKernel(10, 10), 1);
  const d = 1 - Math.sqrt(0.25);
  assert.ok(Math.abs(limeKernel(4, 16) - Math.sqrt(Math.exp(-(d * d) / 0.0625))) < 1e-15);
  assert.ok(Math.abs(limeKernel(0, 16) - Math.sqrt(Math.exp(-1 / 0.0625))) < 1e-15);
});

test('finishMap: ReLU, normalisation to max 1, finite, empty flag', () => {
  const r = finishMap([0, 2, -1, NaN, Infinity, 4], 1);
  assert.deepEqual(r.map.map((v) => Math.round(v * 1e6) / 1e6), [0, 0.5, 0, 0, 0, 1]);
  assert.equal(r.empty, false);
  assert.deepEqual(finishMap([0, -3, 0], 1), { map: [0, 0, 0], empty: true });
  assert.equal(finishMap([1e-9, 0], 100).empty, true); // below 1e-6 of the term scale: float noise
  assert.equal(finishMap([1e-9, 0], 1e-6).empty, false);
});

test('mapToImage / explanationRegion: maps land on the region preprocessing cut', () => {
  const region = explanationRegion(300, 200, { inputSize: 100, geometry: 'shorter-side-center-crop' });
  assert.deepEqual(region, { x: 50, y: 0, width: 200, height: 200 });
  assert.deepEqual(explanationRegion(300, 200, { inputSize: 64, geometry: 'center-crop' }, { x: 10, y: 20, width: 100, height: 100 }), { x: 28, y: 38, width: 64, height: 64 });
  // A 2×2 map with only the top-left cell hot.
  const img = mapToImage([1, 0, 0, 0], 2, 2, region, 300, 200);
  assert.ok(Number.isNaN(img[0]!) && Number.isNaN(img[299]!), 'outside the region: NaN');
  assert.equal(img[(0) * 300 + 50], 1); // region's top-left pixel → top-left cell
  assert.equal(img[199 * 300 + 249], 0);
  const near = mapToImage([0, 1, 2, 3], 2, 2, { x: 0, y: 0, width: 4, height: 4 }, 4, 4, 'nearest');
  assert.deepEqual(Array.from(near), [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
  assert.equal(sampleBilinear([0, 1], 2, 1, 1, 0.5), 0.5);
});

test('renderOverlay: blends the colormap inside the region only; LIME regions green/red', () => {
  const img = solid(4, 2, () => [100, 100, 100]);
  const e = { map: [1, 0], mapWidth: 2, mapHeight: 1, region: { x: 0, y: 0, width: 2, height: 2 }, empty: false };
  const out = renderOverlay(img, e, { opacity: 1, colormap: 'jet' });
  assert.deepEqual(Array.from(out.data.slice(0, 4)), [...colormap(1, 'jet'), 255]);
  assert.deepEqual(Array.from(out.data.slice(12, 16)), [100, 100, 100, 255]); // x = 3 outside
  assert.deepEqual(colormap(0, 'jet'), [0, 0, 128]);
  assert.deepEqual(colormap(1, 'jet'), [128, 0, 0]);
  assert.deepEqual(colormap(0, 'viridis'), [68, 1, 84]);
  assert.deepEqual(colormap(1, 'viridis'), [253, 231, 37]);
  const empty = renderOverlay(img, { ...e, empty: true, map: [0, 0] }, { opacity: 1 });
  assert.deepEqual(Array.from(empty.data), Array.from(img.data));
  const lime = { ...e, mapWidth: 2, mapHeight: 1, segments: [0, 1], weights: [0.5, -0.2] };
  const reg = renderOverlay(img, lime, { opacity: 1, regions: 1 });
  assert.deepEqual(Array.from(reg.data.slice(0, 3)), [0, 200, 60]);
  assert.deepEqual(Array.from(reg.data.slice(4, 7)), [220, 30, 30]); // x = 1 → cell 1 (against)
  assert.deepEqual(Array.from(reg.data.slice(8, 11)), [100, 100, 100]); // x = 2 is outside the region
  assert.deepEqual(topRegions([0.1, -0.5, 0.3, 0, -0.1], 2), { for: [2, 0], against: [1, 4] });
  assert.equal(heatmapRgba(e, { opacity: 1 }).data[3], 255);
  assert.equal(regionsRgba(lime, 1, 1).data[1], 200);
});
