import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeenSet } from './seen';

test('SeenSet: add returns true once per normalised URL', () => {
  const s = new SeenSet(10, 'https://site.test/feed');
  assert.equal(s.add('/img/a.png'), true);
  assert.equal(s.add('https://site.test/img/a.png#x'), false);
  assert.equal(s.add('HTTPS://SITE.TEST/img/a.png'), false);
  assert.equal(s.add('/img/a.png?v=2'), true);
  assert.equal(s.size, 2);
  assert.equal(s.has('/img/a.png'), true);
  assert.equal(s.delete('/img/a.png'), true);
  assert.equal(s.add('/img/a.png'), true);
  s.clear();
  assert.equal(s.size, 0);
});

test('SeenSet: LRU eviction keeps the most recently touched URLs within capacity', () => {
  const s = new SeenSet(3);
  for (const u of ['https://e/1', 'https://e/2', 'https://e/3']) assert.equal(s.add(u), true);
  assert.equal(s.add('https://e/1'), false); // touch 1: order is now 2, 3, 1
  assert.equal(s.add('https://e/4'), true); // evicts 2
  assert.equal(s.size, 3);
  assert.equal(s.has('https://e/2'), false);
  assert.deepEqual(['https://e/1', 'https://e/3', 'https://e/4'].map((u) => s.has(u)), [true, true, true]);
  assert.throws(() => new SeenSet(0), RangeError);
});

test('SeenSet: 5,000 default capacity bounds memory over 20,000 URLs', () => {
  const s = new SeenSet();
  for (let i = 0; i < 20_000; i++) s.add(`https://cdn.test/${i}.jpg`);
  assert.equal(s.size, 5000);
  assert.equal(s.has('https://cdn.test/14999.jpg'), false);
  assert.equal(s.has('https://cdn.test/15000.jpg'), true);
});
