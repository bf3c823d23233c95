import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDataUrl, readBlobOrDataUrl, toMessageBytes } from './bytes';
import { base64ToBytes } from '../../extension/shared/base64';

test('decodeDataUrl: base64 and percent-encoded payloads', () => {
  const b = decodeDataUrl('data:image/png;base64,iVBORw0KGgo=');
  assert.equal(b.mime, 'image/png');
  assert.deepEqual(Array.from(b.bytes), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const t = decodeDataUrl('data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E');
  assert.equal(t.mime, 'image/svg+xml');
  assert.equal(new TextDecoder().decode(t.bytes), '<svg/>');
  assert.equal(decodeDataUrl('data:,A').mime, 'text/plain');
  assert.throws(() => decodeDataUrl('data:image/png;base64,@@@'), SyntaxError);
  assert.throws(() => decodeDataUrl('http://x/y'), SyntaxError);
});

test('readBlobOrDataUrl: data: bytes, blob: via fetch, size limit, other schemes refused', async () => {
  const buf = await readBlobOrDataUrl('data:application/octet-stream;base64,AAEC/w==');
  assert.deepEqual(Array.from(new Uint8Array(buf)), [0, 1, 2, 255]);
  await assert.rejects(readBlobOrDataUrl('data:;base64,AAECAw==', 3), RangeError);
  await assert.rejects(readBlobOrDataUrl('https://example.com/a.png'), TypeError);
  const url = URL.createObjectURL(new Blob([new Uint8Array([9, 8, 7])]));
  try {
    assert.deepEqual(Array.from(new Uint8Array(await readBlobOrDataUrl(url))), [9, 8, 7]);
  } catch (e) {
    // Node 20's fetch does not resolve blob: URLs; the browser path is covered by the e2e test.
    assert.ok(e instanceof TypeError, String(e));
  } finally {
    URL.revokeObjectURL(url);
  }
});

test('item 10: toMessageBytes sends base64 text (survives JSON, 4/3 bytes per byte), not a number[]', () => {
  const msg = toMessageBytes(new Uint8Array([0, 127, 255]).buffer);
  assert.equal(typeof msg, 'string');
  assert.equal(msg, 'AH//');
  assert.deepEqual(Array.from(base64ToBytes(JSON.parse(JSON.stringify(msg)))), [0, 127, 255]);
  assert.equal(toMessageBytes(new Uint8Array([1, 2]).subarray(1)), 'Ag==');
  const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7919) % 256);
  const b64 = toMessageBytes(big);
  assert.equal(b64.length, 4 * Math.ceil(big.length / 3));
  assert.deepEqual(base64ToBytes(b64), big);
});
