import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureCache, mergeFeatureCaches } from './feature-cache';

test('mergeFeatureCaches: union of entries; equal duplicates accepted, conflicting ones and other extractors refused', () => {
  const a = new FeatureCache(2, 'x@1'); a.set('p1', 'clean', Float32Array.of(1, 2)); a.set('p2', 'clean', Float32Array.of(3, 4));
  const b = new FeatureCache(2, 'x@1'); b.set('p1', 'avatar', Float32Array.of(5, 6)); b.set('p1', 'clean', Float32Array.of(1, 2));
  const m = mergeFeatureCaches([a, b]);
  assert.equal(m.size, 3);
  assert.deepEqual(Array.from(m.get('p1', 'avatar')!), [5, 6]);
  assert.deepEqual(Array.from(m.get('p2', 'clean')!), [3, 4]);
  const c = new FeatureCache(2, 'x@1'); c.set('p1', 'clean', Float32Array.of(1, 2.5));
  assert.throws(() => mergeFeatureCaches([a, c]), /conflicting/);
  assert.throws(() => mergeFeatureCaches([a, new FeatureCache(2, 'y@1')]), RangeError);
  assert.throws(() => mergeFeatureCaches([]), RangeError);
});
