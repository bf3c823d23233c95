import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faceGroupOf, fitTemplate, groupAuc, recallTable, wilson, type ImageResult } from './face-eval';
import type { EyeGeometry } from '../../extension/shared/face/geometry';

test('faceGroupOf maps the manifest generators, FFHQ split by parity', () => {
  assert.equal(faceGroupOf({ generator: 'real: FFHQ (256px copy from the 140k real-and-fake-faces Kaggle set)', label: 'real' }, 0), 'ffhq-fit');
  assert.equal(faceGroupOf({ generator: 'real: FFHQ (256px copy from the 140k real-and-fake-faces Kaggle set)', label: 'real' }, 3), 'ffhq-held');
  assert.equal(faceGroupOf({ generator: 'StyleGAN (v1) FFHQ-1024, truncation psi 0.7', label: 'synthetic' }), 'stylegan');
  assert.equal(faceGroupOf({ generator: 'StyleGAN', label: 'synthetic' }), 'lsun-stylegan');
  assert.equal(faceGroupOf({ generator: 'real photo (people); provenance not documented in repo', label: 'real' }), 'real-people');
  assert.equal(faceGroupOf({ generator: 'unnamed modern text-to-image generator (people)', label: 'synthetic' }), 't2i-people');
  assert.equal(faceGroupOf({ generator: 'BigGAN', label: 'synthetic' }), undefined);
});

const geom = (lx: number, ly: number, rx: number, ry: number): EyeGeometry => ({ left: { x: lx, y: ly }, right: { x: rx, y: ry }, interocular: rx - lx, rollDeg: 0 });

test('fitTemplate: mean eye positions and the quantile of distances as threshold', () => {
  // Ten faces: left eye x offset by k/100 (k = 0..9), everything else fixed.
  const gs = Array.from({ length: 10 }, (_, k) => geom(0.3 + k / 100, 0.5, 0.7, 0.5));
  const t = fitTemplate(gs, 0.9, { name: 'n', source: 's', maxAspectDiff: 0.05 });
  assert.deepEqual(t.left, { x: 0.345, y: 0.5 });
  assert.deepEqual(t.right, { x: 0.7, y: 0.5 });
  // Distances |x − 0.345| / √2 sorted: 0.005, 0.005, 0.015, …, 0.045, 0.045 (/√2); the 9th of 10 (90 %) is 0.045/√2.
  assert.equal(t.threshold, Math.round((0.045 / Math.SQRT2) * 1e4) / 1e4);
  assert.throws(() => fitTemplate(gs.slice(0, 9), 0.9, { name: 'n', source: 's', maxAspectDiff: 0.05 }), RangeError);
});

test('wilson interval of 0/20 and 10/20', () => {
  const [lo, hi] = wilson(0, 20);
  assert.equal(lo, 0);
  assert.ok(Math.abs(hi - 0.1611) < 1e-3);
  const [a, b] = wilson(10, 20);
  assert.ok(Math.abs(a - 0.2993) < 1e-3 && Math.abs(b - 0.7007) < 1e-3);
});

test('recallTable and groupAuc count images without a face as not found / not aligned', () => {
  const mk = (group: ImageResult['group'], found: boolean, d: number): ImageResult => ({
    path: 'p', group, label: 'real',
    sizes: { native: { faces: found ? 1 : 0, width: 100, height: 100, ms: 1, ...(found ? { top: { score: 0.9, geometry: geom(0.4 + d, 0.5, 0.6, 0.5), box: { x: 0, y: 0, width: 1, height: 1 } } } : {}) } },
  });
  const rs = [mk('stylegan', true, 0), mk('stylegan', true, 0.01), mk('real-people', true, 0.2), mk('real-people', false, 0)];
  assert.deepEqual(recallTable(rs, ['native']).map((r) => [r.group, r.found, r.n]), [['stylegan', 2, 2], ['real-people', 1, 2]]);
  const t = { left: { x: 0.4, y: 0.5 }, right: { x: 0.6, y: 0.5 } };
  const dist = (r: ImageResult) => { const g = r.sizes.native!.top?.geometry; return g ? -Math.hypot(g.left.x - t.left.x, g.left.y - t.left.y) : -Infinity; };
  assert.deepEqual(groupAuc(rs, ['stylegan'], ['real-people'], dist), { auc: 1, nPos: 2, nNeg: 2 });
});
