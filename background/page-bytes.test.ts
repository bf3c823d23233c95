import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesFor, clearBytesMemory, fromBase64, MAX_ENTRIES, rememberBytes, sniffMime, toBase64 } from './page-bytes';

const hash = (i: number) => i.toString(16).padStart(64, '0');

test('base64 round trip, including chunk boundaries', () => {
  for (const n of [0, 1, 2, 3, 0x8000, 0x8001, 100_000]) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 7919) & 255);
    assert.deepEqual(fromBase64(toBase64(b)), b, `n=${n}`);
  }
  assert.equal(toBase64(Uint8Array.from([0xff, 0x00, 0x41])), '/wBB');
});

test('sniffMime reads magic numbers', () => {
  assert.equal(sniffMime(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a])), 'image/png');
  assert.equal(sniffMime(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(sniffMime(new TextEncoder().encode('GIF89a')), 'image/gif');
  assert.equal(sniffMime(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'image/webp');
  assert.equal(sniffMime(new TextEncoder().encode('\0\0\0\x1cftypavif')), 'image/avif');
  assert.equal(sniffMime(new Uint8Array(0)), 'application/octet-stream');
});

test('bytes are kept by content hash, LRU-bounded; bad keys are refused', async () => {
  clearBytesMemory();
  const b = Uint8Array.from([1, 2, 3]);
  rememberBytes(hash(1), b);
  assert.deepEqual(await bytesFor(hash(1)), b);
  assert.equal(await bytesFor(hash(2)), undefined);
  rememberBytes('not-a-hash', b);
  assert.equal(await bytesFor('not-a-hash'), undefined);
  rememberBytes(hash(3), new Uint8Array(0)); // empty: not kept
  assert.equal(await bytesFor(hash(3)), undefined);
  // Fill past the bound: the least recently used (hash 1 was read last before the others were added) goes first.
  for (let i = 10; i < 10 + MAX_ENTRIES; i++) rememberBytes(hash(i), Uint8Array.from([i]));
  assert.equal(await bytesFor(hash(1)), undefined, 'evicted');
  assert.deepEqual(await bytesFor(hash(10 + MAX_ENTRIES - 1)), Uint8Array.from([10 + MAX_ENTRIES - 1]));
  clearBytesMemory();
});
