/**
 * Issue 13, items 1 and 7: the popup's list for a tab comes from the background's own answers — a verdict
 * inside a frame's `report-images` is never listed — and a shown-image mismatch replaces the verdict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TabImage, Verdict } from '../extension/shared/messages';
import { emptyLedger, integrity, listImages, MAX_LEDGER_RESULTS, recordPending, recordReport, recordResult, recordShown } from './tab-ledger';

const verdict = (url: string, probability: number): Verdict => ({
  url, probability, logit: Math.log(probability / (1 - probability)), model: 'm@1', backend: 'cpu', width: 300, height: 200,
  contentHash: 'a'.repeat(64), ms: 5, cached: false, evidence: { logits: [1], cols: 1, rows: 1 } as unknown as Verdict['evidence'],
});

test('items 1 and 7: verdicts come from the background, not from the page\'s report', () => {
  const l = emptyLedger();
  const forged: TabImage = { url: 'https://cdn.example/a.jpg', status: 'done', verdict: verdict('https://cdn.example/a.jpg', 0.01) };
  recordReport(l, 0, [forged, { url: 'https://cdn.example/tiny.gif', status: 'error', error: { code: 'too-small', message: '1x1' } }]);
  let list = listImages(l);
  assert.deepEqual(list[0], { url: 'https://cdn.example/a.jpg', status: 'pending' }, 'a reported verdict without the background\'s own answer is not listed');
  assert.equal(list[1]!.error?.code, 'too-small');
  recordPending(l, 'https://cdn.example/a.jpg');
  recordResult(l, 'https://cdn.example/a.jpg', { ok: true, value: verdict('https://cdn.example/a.jpg', 0.9) });
  list = listImages(l);
  assert.equal(list[0]!.status, 'done');
  assert.equal(list[0]!.verdict?.probability, 0.9);
  assert.equal(list[0]!.verdict?.evidence, undefined, 'no evidence map in the list');
  // A sub-frame's images are listed after the top frame's, once per URL.
  recordReport(l, 7, [{ url: 'https://cdn.example/a.jpg', status: 'pending' }, { url: 'https://cdn.example/f.jpg', status: 'pending', isProfile: true }]);
  recordResult(l, 'https://cdn.example/f.jpg', { ok: false, error: { code: 'fetch-failed', message: 'HTTP 403' } });
  list = listImages(l);
  assert.deepEqual(list.map((x) => [x.url.slice(-5), x.status]), [['a.jpg', 'done'], ['y.gif', 'error'], ['f.jpg', 'error']]);
  assert.equal(list[2]!.isProfile, true);
});

test('item 1: a shown-image mismatch replaces the verdict and stays; counts per status', () => {
  const l = emptyLedger();
  const u = 'https://cdn.example/a.jpg';
  recordReport(l, 0, [{ url: u, status: 'pending' }, { url: 'https://cdn.example/b.jpg', status: 'pending' }]);
  recordResult(l, u, { ok: true, value: verdict(u, 0.4) });
  recordShown(l, u, { status: 'mismatch', distance: 33 });
  recordResult(l, u, { ok: true, value: verdict(u, 0.4) }); // asked again later: the finding stands
  recordShown(l, u, { status: 'unconfirmed', reason: 'tab not visible' });
  recordResult(l, 'https://cdn.example/b.jpg', { ok: true, value: verdict('https://cdn.example/b.jpg', 0.7) });
  recordShown(l, 'https://cdn.example/b.jpg', { status: 'match', distance: 4 });
  const [a, b] = listImages(l);
  assert.equal(a!.status, 'error');
  assert.equal(a!.error?.code, 'served-different');
  assert.match(a!.error!.message, /distance 33 of 63/);
  assert.equal(a!.verdict, undefined);
  assert.deepEqual(b!.shown, { status: 'match', distance: 4 });
  recordReport(l, 0, [], { removed: 3, hidden: 2 });
  recordReport(l, 4, [], { removed: 1, hidden: 0 });
  assert.deepEqual(integrity(l), { interference: { removed: 4, hidden: 2 }, shown: { match: 1, mismatch: 1, unconfirmed: 0 } });
});

test('items 1 and 7: the ledger keeps at most MAX_LEDGER_RESULTS results, newest last', () => {
  const l = emptyLedger();
  for (let i = 0; i < MAX_LEDGER_RESULTS + 5; i++) recordPending(l, `https://cdn.example/${i}.jpg`);
  const keys = Object.keys(l.results);
  assert.equal(keys.length, MAX_LEDGER_RESULTS);
  assert.equal(keys[0], 'https://cdn.example/5.jpg');
});

test('item 6: a top-frame report from a new document drops the sub-frames\' reports', () => {
  const l = emptyLedger();
  recordReport(l, 0, [{ url: 'https://a.example/1.jpg', status: 'pending' }], undefined, 'https://a.example/page1');
  recordReport(l, 3, [{ url: 'https://b.example/f.jpg', status: 'pending' }], { removed: 1, hidden: 0 }, 'https://b.example/frame');
  recordReport(l, 0, [{ url: 'https://a.example/1.jpg', status: 'pending' }], undefined, 'https://a.example/page1');
  assert.deepEqual(listImages(l).map((x) => x.url), ['https://a.example/1.jpg', 'https://b.example/f.jpg']);
  recordReport(l, 0, [{ url: 'https://a.example/2.jpg', status: 'pending' }], undefined, 'https://a.example/page2');
  assert.deepEqual(listImages(l).map((x) => x.url), ['https://a.example/2.jpg']);
  assert.deepEqual(integrity(l).interference, { removed: 0, hidden: 0 });
});
