import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32, hashString, shuffleInPlace, randInt } from './rng';

test('mulberry32 reproduces the reference sequence for seed 0 and 42', () => {
  // Reference values from the canonical JS implementation (bryc/code PRNGs.md), seed 0.
  const r = mulberry32(0);
  const first = [r(), r(), r()].map((v) => Math.round(v * 4294967296));
  assert.deepEqual(first, [1144304738, 1416247, 958946056]);
  const a = mulberry32(42), b = mulberry32(42);
  for (let i = 0; i < 100; i++) assert.equal(a(), b());
});

test('mulberry32 is roughly uniform', () => {
  const r = mulberry32(7);
  let sum = 0;
  for (let i = 0; i < 10000; i++) { const v = r(); assert.ok(v >= 0 && v < 1); sum += v; }
  assert.ok(Math.abs(sum / 10000 - 0.5) < 0.01);
});

test('hashString is FNV-1a', () => {
  assert.equal(hashString(''), 0x811c9dc5);
  assert.equal(hashString('a'), 0xe40c292c);
  assert.equal(hashString('foobar'), 0xbf9cf968);
});

test('shuffleInPlace is a deterministic permutation', () => {
  const xs = shuffleInPlace([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], mulberry32(1));
  assert.deepEqual([...xs].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(shuffleInPlace([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], mulberry32(1)), xs);
  const r = mulberry32(3);
  for (let i = 0; i < 1000; i++) { const v = randInt(r, 2, 4); assert.ok(v >= 2 && v <= 4); }
});
