import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeOverrides, overrideMap, withOverride } from './overrides';

test('normalizeOverrides keeps only well-formed entries, newest first within the cap', () => {
  const got = normalizeOverrides({
    'https://a/1.jpg': { label: 'real', time: 10 },
    'https://a/2.jpg': { label: 'synthetic', time: 30 },
    'https://a/3.jpg': { label: 'maybe', time: 20 },
    'https://a/4.jpg': { label: 'real', time: Number.NaN },
    'https://a/5.jpg': null,
  });
  assert.deepEqual(got, { 'https://a/2.jpg': { label: 'synthetic', time: 30 }, 'https://a/1.jpg': { label: 'real', time: 10 } });
  assert.deepEqual(normalizeOverrides([1, 2]), {});
  assert.deepEqual(normalizeOverrides('x'), {});
  assert.deepEqual(Object.keys(normalizeOverrides({ a: { label: 'real', time: 1 }, b: { label: 'real', time: 3 }, c: { label: 'real', time: 2 } }, 2)), ['b', 'c']);
});

test('withOverride sets, replaces and removes one URL; overrideMap lists labels', () => {
  let all = withOverride({}, 'https://a/1.jpg', 'real', 1);
  all = withOverride(all, 'https://a/2.jpg', 'synthetic', 2);
  all = withOverride(all, 'https://a/1.jpg', 'synthetic', 3);
  assert.deepEqual(all, { 'https://a/1.jpg': { label: 'synthetic', time: 3 }, 'https://a/2.jpg': { label: 'synthetic', time: 2 } });
  all = withOverride(all, 'https://a/2.jpg', undefined);
  assert.deepEqual([...overrideMap(all)], [['https://a/1.jpg', 'synthetic']]);
  assert.throws(() => withOverride(all, '', 'real'), RangeError);
});
