import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryEntry } from './history';
import { PREVIEW_WINDOW, previewFlagged, previewSentence } from './threshold-preview';

const entry = (probability: number | undefined, label: HistoryEntry['label'] = 'unsure', i = 0): HistoryEntry =>
  ({ url: `https://a.test/${i}.jpg`, pageUrl: 'https://a.test/', probability, label, model: 'm@1', time: 1000 - i });

test('preview counts flagged and unsure entries under the rule', () => {
  const h = [0.1, 0.45, 0.5, 0.55, 0.7, 0.9].map((p, i) => entry(p, 'unsure', i));
  // Plain rule p ≥ t: at 0.5, 0.5 / 0.55 / 0.7 / 0.9 are flagged.
  assert.deepEqual(previewFlagged(h, 0.5, 0), { considered: 6, flagged: 4, unsure: 0 });
  // Band 0.2 around 0.5: [0.4, 0.6) unsure → 0.45, 0.5, 0.55 unsure; 0.7, 0.9 flagged.
  assert.deepEqual(previewFlagged(h, 0.5, 0.2), { considered: 6, flagged: 2, unsure: 3 });
  // Moving the threshold up flags fewer.
  assert.deepEqual(previewFlagged(h, 0.8, 0), { considered: 6, flagged: 1, unsure: 0 });
  assert.deepEqual(previewFlagged(h, 0.15, 0), { considered: 6, flagged: 5, unsure: 0 });
  assert.deepEqual(previewFlagged(h, 0.05, 0), { considered: 6, flagged: 6, unsure: 0 });
});

test('provenance AI labels count whatever the threshold; provenance-only camera verdicts never', () => {
  const h = [entry(0.1, 'ai-generated', 0), entry(undefined, 'ai-generated-metadata', 1), entry(undefined, 'camera-original', 2), entry(0.9, 'camera-original', 3)];
  assert.deepEqual(previewFlagged(h, 0.95, 0), { considered: 4, flagged: 2, unsure: 0 });
  assert.deepEqual(previewFlagged(h, 0.5, 0), { considered: 4, flagged: 3, unsure: 0 });
});

test('only the newest 100 entries count', () => {
  // 150 entries, newest first: the first 100 have p = 0.9, the older 50 have p = 0.1.
  const h = Array.from({ length: 150 }, (_, i) => entry(i < 100 ? 0.9 : 0.1, 'unsure', i));
  assert.deepEqual(previewFlagged(h, 0.5, 0), { considered: PREVIEW_WINDOW, flagged: 100, unsure: 0 });
  // Reversed: the newest 100 are 50 × 0.1 then 50 × 0.9.
  const r = [...h].reverse();
  assert.deepEqual(previewFlagged(r, 0.5, 0), { considered: 100, flagged: 50, unsure: 0 });
});

test('bad rules throw; sentences for off, empty and partial history', () => {
  assert.throws(() => previewFlagged([], 1.5, 0), RangeError);
  assert.match(previewSentence(null, 0.5, 0), /History is off/);
  assert.match(previewSentence([], 0.5, 0), /No images checked yet/);
  const h = [entry(0.9, 'unsure', 0), entry(0.5, 'unsure', 1), entry(0.2, 'unsure', 2)];
  assert.equal(previewSentence(h, 0.5, 0.2), 'With this setting, 1 of the 3 checked images in your history would be flagged as likely AI-generated and 1 would be unsure.');
  const full = Array.from({ length: 120 }, (_, i) => entry(i % 4 === 0 ? 0.95 : 0.2, 'unsure', i));
  assert.equal(previewSentence(full, 0.5, 0), 'With this setting, 25 of your last 100 checked images would be flagged as likely AI-generated.');
});
