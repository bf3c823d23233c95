import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HISTORY_KEY, HISTORY_RETENTION_DAYS, HISTORY_RETENTION_MS, HistoryStore, addHistoryEntry, compactUrl, memoryStore, normalizeHistory,
  pruneHistory, removeHistoryEntry, storageAreaStore,
  type HistoryEntry,
} from './history';

const e = (i: number, over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  url: `https://cdn.test/${i}.jpg`, pageUrl: 'https://site.test/feed', probability: 0.25, label: 'real', model: 'effb0@1.0.0', time: 1000 + i, ...over,
});

test('addHistoryEntry: newest first, same URL replaced, capped', () => {
  let l: HistoryEntry[] = [];
  l = addHistoryEntry(l, e(1));
  l = addHistoryEntry(l, e(2));
  l = addHistoryEntry(l, e(1, { probability: 0.9, label: 'synthetic', time: 2000 }));
  assert.deepEqual(l.map((x) => [x.url, x.probability, x.label]), [
    ['https://cdn.test/1.jpg', 0.9, 'synthetic'],
    ['https://cdn.test/2.jpg', 0.25, 'real'],
  ]);
  for (let i = 0; i < 10; i++) l = addHistoryEntry(l, e(100 + i), 4);
  assert.deepEqual(l.map((x) => x.url), [109, 108, 107, 106].map((i) => `https://cdn.test/${i}.jpg`));
  assert.throws(() => addHistoryEntry(l, e(5, { probability: 1.5 })), TypeError);
  assert.throws(() => addHistoryEntry(l, e(5, { label: 'maybe' as 'real' })), TypeError);
});

test('removeHistoryEntry and compactUrl', () => {
  const l = [e(1), e(2)];
  assert.deepEqual(removeHistoryEntry(l, 'https://cdn.test/1.jpg'), [e(2)]);
  assert.equal(compactUrl('data:image/png;base64,' + 'A'.repeat(3000)), 'data:image/png;base64,…[3022 chars]');
  assert.equal(compactUrl('https://a.test/' + 'x'.repeat(10), 12), 'https://a.t…');
  assert.equal(compactUrl('https://short.test/a.png'), 'https://short.test/a.png');
  const big = 'data:image/png;base64,' + 'B'.repeat(5000);
  const l2 = addHistoryEntry([], e(0, { url: big }));
  assert.equal(l2[0]!.url, 'data:image/png;base64,…[5022 chars]');
  assert.deepEqual(removeHistoryEntry(l2, big), []);
});

test('normalizeHistory: drops malformed, extra fields, duplicates; sorts newest first; caps', () => {
  const stored = [e(1), { ...e(2), extra: 'x' }, { url: 5 }, null, e(1, { time: 500 }), e(3, { time: Number.NaN }), e(4)];
  assert.deepEqual(normalizeHistory(stored), [e(4), e(2), e(1)]);
  assert.deepEqual(normalizeHistory(stored, 2), [e(4), e(2)]);
  assert.deepEqual(normalizeHistory({ not: 'an array' }), []);
  assert.deepEqual(normalizeHistory(undefined), []);
});

test('HistoryStore: persists through a KeyValueStore, serialises concurrent adds, clears', async () => {
  const kv = memoryStore();
  const h = new HistoryStore(kv, 3, { now: () => 2000 });
  await Promise.all([h.add(e(1)), h.add(e(2)), h.add(e(3)), h.add(e(4))]);
  assert.deepEqual((await h.list()).map((x) => x.time), [1004, 1003, 1002]);
  assert.deepEqual(((await kv.get(HISTORY_KEY)) as HistoryEntry[]).length, 3);
  assert.deepEqual((await h.remove('https://cdn.test/3.jpg')).map((x) => x.time), [1004, 1002]);
  await h.clear();
  assert.equal(await kv.get(HISTORY_KEY), undefined);
  assert.deepEqual(await h.list(), []);
});

test('storageAreaStore: adapts a browser.storage-shaped area', async () => {
  const data: Record<string, unknown> = {};
  const area = {
    get: async (k: string) => (k in data ? { [k]: data[k] } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(data, items),
    remove: async (k: string) => void delete data[k],
  };
  const h = new HistoryStore(storageAreaStore(area), undefined, { now: () => 2000 });
  await h.add(e(7));
  assert.deepEqual(data[HISTORY_KEY], [e(7)]);
  await h.clear();
  assert.equal(HISTORY_KEY in data, false);
});

test('history keeps provenance verdicts: label, text, and no probability where the detector did not run', () => {
  const signed = e(1, { label: 'ai-generated', text: 'AI-generated (signed) · 12 %', probability: 0.12 });
  const noPixels: HistoryEntry = { url: 'https://cdn.test/avatar.png', pageUrl: '', label: 'ai-generated-metadata', text: 'AI-generated (metadata)', model: '', time: 5 };
  let l = addHistoryEntry([], signed);
  l = addHistoryEntry(l, noPixels);
  assert.deepEqual(normalizeHistory(JSON.parse(JSON.stringify(l))), [signed, noPixels]);
  // A pixel label needs its probability; text is capped.
  assert.throws(() => addHistoryEntry([], { ...noPixels, label: 'real' }), TypeError);
  assert.equal(addHistoryEntry([], { ...noPixels, text: 'x'.repeat(1000) })[0]!.text!.length, 300);
  assert.deepEqual(normalizeHistory([{ ...noPixels, label: 'camera-original', text: 42 }]), []);
});

const DAY = 24 * 60 * 60 * 1000;

test('pruneHistory keeps the last 7 days: an entry exactly 7 days old stays, one a millisecond older goes', () => {
  assert.equal(HISTORY_RETENTION_DAYS, 7);
  assert.equal(HISTORY_RETENTION_MS, 604_800_000);
  const now = 1_800_000_000_000; // 2027-01-15T08:00:00Z
  const l = [e(1, { time: now - 1000 }), e(2, { time: now - 7 * DAY }), e(3, { time: now - 7 * DAY - 1 }), e(4, { time: now - 30 * DAY }), e(5, { time: now + DAY })];
  assert.deepEqual(pruneHistory(l, now).map((x) => x.url), ['https://cdn.test/1.jpg', 'https://cdn.test/2.jpg', 'https://cdn.test/5.jpg']);
  assert.deepEqual(pruneHistory(l, now, DAY).map((x) => x.url), ['https://cdn.test/1.jpg', 'https://cdn.test/5.jpg']);
  assert.deepEqual(pruneHistory(l, now, 0).map((x) => x.url), ['https://cdn.test/5.jpg']);
  assert.deepEqual(pruneHistory([], now), []);
});

test('HistoryStore applies the retention on add, list and prune', async () => {
  let now = 100 * DAY;
  const kv = memoryStore({ [HISTORY_KEY]: [e(1, { time: now - 8 * DAY }), e(2, { time: now - 2 * DAY })] });
  const h = new HistoryStore(kv, undefined, { now: () => now });
  // Reading hides the expired entry even before anything is written.
  assert.deepEqual((await h.list()).map((x) => x.url), ['https://cdn.test/2.jpg']);
  assert.equal(((await kv.get(HISTORY_KEY)) as HistoryEntry[]).length, 2);
  // A write drops it from storage.
  await h.add(e(3, { time: now }));
  assert.deepEqual(((await kv.get(HISTORY_KEY)) as HistoryEntry[]).map((x) => x.url), ['https://cdn.test/3.jpg', 'https://cdn.test/2.jpg']);
  // Six days later entry 2 is 8 days old: prune removes it.
  now += 6 * DAY;
  assert.deepEqual((await h.prune()).map((x) => x.url), ['https://cdn.test/3.jpg']);
  assert.deepEqual(((await kv.get(HISTORY_KEY)) as HistoryEntry[]).map((x) => x.url), ['https://cdn.test/3.jpg']);
});
