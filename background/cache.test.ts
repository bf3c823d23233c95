import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache, Semaphore } from './cache';

test('LRU evicts the least recently used entry', () => {
  const c = new LruCache<number>(2);
  c.set('a', 1); c.set('b', 2);
  assert.equal(c.get('a'), 1); // a is now the most recent
  c.set('c', 3);
  assert.equal(c.get('b'), undefined);
  assert.deepEqual(c.entries(), [['a', 1], ['c', 3]]);
});

test('semaphore allows at most n at once', async () => {
  const s = new Semaphore(2);
  let active = 0, peak = 0;
  await Promise.all([1, 2, 3, 4, 5].map(() => s.run(async () => {
    active++; peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, 5));
    active--;
  })));
  assert.equal(peak, 2);
});
