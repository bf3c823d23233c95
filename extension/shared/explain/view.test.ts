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
