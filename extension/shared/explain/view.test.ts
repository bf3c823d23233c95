/** Pure helpers of the popup's explanation view (`extension/popup/explain-view.tsx`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overlayBox, statusText, METHOD_LABELS, DISCLAIMER } from '../../popup/explain-view';
import type { Explanation } from '../messages';

const base: Explanation = {
  url: 'u', method: 'gradcam', map: [0, 1], mapWidth: 2, mapHeight: 1, region: { x: 50, y: 0, width: 200, height: 200 }, empty: false, probability: 0.9,
  target: 'synthetic', analysed: [{ x: 50, y: 0, width: 200, height: 200 }],
};

test('overlayBox: the region as percentages of the natural image size', () => {
  assert.deepEqual(overlayBox(base.region, 300, 200), { left: `${100 * 50 / 300}%`, top: '0%', width: `${100 * 200 / 300}%`, height: '100%' });
});

test('statusText: progress, error, empty, LIME counts; the disclaimer says it is not proof', () => {
  assert.equal(statusText('gradcam', undefined, { method: 'gradcam', progress: 0.42 }, undefined, 5), 'Grad-CAM: computing… 42 %');
  assert.equal(statusText('gradcam', undefined, undefined, 'cancelled', 5), 'Grad-CAM: cancelled');
  assert.match(statusText('gradcam', { ...base, empty: true, map: [0, 0] }, undefined, undefined, 5), /no localised evidence/);
  const lime: Explanation = { ...base, method: 'lime', segments: [0, 1], weights: [0.3, -0.1] };
  assert.equal(statusText('lime', lime, undefined, undefined, 5), 'LIME regions: 1 region toward AI-generated (orange), 1 toward real (blue)');
  assert.equal(Object.keys(METHOD_LABELS).length, 6);
  assert.match(DISCLAIMER, /where the model looked/);
  assert.match(DISCLAIMER, /not proof/);
});

test('evidence view: status counts tiles on each side of the threshold logit; the class stated per method', async () => {
  const { classStatement, evidenceCounts, shownTarget, MAIN_METHODS, ADVANCED_METHODS } = await import('../../popup/explain-view');
  const { evidenceFromTiles, selectTiles, tileGrid } = await import('../tiling');
  const grid = tileGrid(512, 256, { tileSize: 128, stride: 128 });
  const tiles = selectTiles(grid, { minTiles: 4, maxTiles: 4096 }, 'sample'); // 4 of 8: columns 0 and 3
  const ev = evidenceFromTiles(grid, tiles, [0.3, -0.2, 0.05, 1.1], 'sample', { x: 0, y: 0 }, { width: 512, height: 256 }, 1024);
  assert.deepEqual(evidenceCounts(ev, 0.05), { scored: 4, tiles: 8, ai: 3, real: 1 });
  assert.equal(statusText('evidence', undefined, undefined, undefined, 5, ev, 0.05),
    'Evidence map: 4 of 8 parts read (hatched: not read); 3 lean AI-generated (orange), 1 lean real (blue)');
  assert.match(statusText('evidence', undefined, undefined, undefined, 5, undefined), /not available/);
  assert.deepEqual([MAIN_METHODS, ADVANCED_METHODS], [['evidence', 'lime'], ['gradcam', 'layercam', 'ablationcam', 'scorecam']]);
  assert.equal(shownTarget('evidence', undefined), 'both');
  assert.equal(shownTarget('gradcam', base), 'synthetic');
  assert.equal(shownTarget('gradcam', { ...base, target: 'real' }), 'real');
  assert.equal(shownTarget('gradcam', { ...base, other: [0, 0] }), 'both');
  assert.match(classStatement('gradcam', base, 'synthetic'), /explains the class AI-generated: orange/);
  assert.match(classStatement('gradcam', { ...base, target: 'real' }, 'real'), /explains the class real: blue/);
  assert.match(classStatement('gradcam', { ...base, other: [0, 0] }, 'unsure'), /Unsure, so both directions are shown/);
  assert.match(classStatement('evidence', undefined, 'unsure'), /Orange squares .*toward AI-generated, blue squares toward real/);
});
