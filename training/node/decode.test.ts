import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage, decodeFile, encodeImage, DecodeError } from './decode';
import { makeImage } from '../data/fixtures';

test('decodes PNG losslessly to RGBA', async () => {
  const img = makeImage(20, 10, 'synthetic');
  const out = await decodeImage(await encodeImage(img, 'png'));
  assert.equal(out.width, 20);
  assert.equal(out.height, 10);
  assert.deepEqual(Buffer.from(out.data), Buffer.from(img.data));
});

test('grey and alpha inputs come out as 4-channel RGBA', async () => {
  const grey = await sharp({ create: { width: 3, height: 2, channels: 3, background: { r: 9, g: 9, b: 9 } } }).greyscale().png().toBuffer();
  const g = await decodeImage(grey);
  assert.deepEqual(Array.from(g.data.subarray(0, 4)), [9, 9, 9, 255]);
  const rgba = await sharp({ create: { width: 2, height: 2, channels: 4, background: { r: 200, g: 10, b: 0, alpha: 0.5 } } }).png().toBuffer();
  const a = await decodeImage(rgba);
  assert.deepEqual(Array.from(a.data.subarray(0, 4)), [200, 10, 0, 128]);
});

test('applies EXIF orientation', async () => {
  const jpg = await sharp(Buffer.from(makeImage(40, 20, 'real').data), { raw: { width: 40, height: 20, channels: 4 } })
    .jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const out = await decodeImage(jpg);
  assert.deepEqual([out.width, out.height], [20, 40]);
});

test('broken, empty, truncated and missing inputs give DecodeError', async () => {
  await assert.rejects(decodeImage(new Uint8Array(0), 'x.png'), (e: Error) => e instanceof DecodeError && /x\.png: empty file/.test(e.message));
  await assert.rejects(decodeImage(Buffer.from('not an image at all'), 'y.jpg'), (e: Error) => e instanceof DecodeError && /y\.jpg: not a decodable image/.test(e.message));
  const jpg = await encodeImage(makeImage(64, 64, 'real'), 'jpeg');
  await assert.rejects(decodeImage(jpg.subarray(0, jpg.length >> 1), 't.jpg'), DecodeError);
  await assert.rejects(decodeFile('/nonexistent/dir/z.png'), /cannot read file/);
});

test('images above 40 MP are refused before decoding', async () => {
  const big = await sharp({ create: { width: 8000, height: 5001, channels: 3, background: '#000' } }).png({ compressionLevel: 1 }).toBuffer();
  await assert.rejects(decodeImage(big, 'big.png'), /8000x5001 = 40\.0 MP, above the 40 MP decode limit/);
});

test('16-bit PNG, GIF and lossless WebP decode to 8-bit RGBA with exact colours', async () => {
  const png16 = await sharp({ create: { width: 4, height: 3, channels: 3, background: { r: 255, g: 128, b: 0 } } }).toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(png16).metadata()).depth, 'ushort');
  const a = await decodeImage(png16);
  assert.deepEqual([a.width, a.height, ...a.data.subarray(0, 4)], [4, 3, 255, 128, 0, 255]);
  const gif = await sharp({ create: { width: 5, height: 5, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 1 } } }).gif().toBuffer();
  assert.deepEqual(Array.from((await decodeImage(gif)).data.subarray(0, 4)), [0, 0, 255, 255]);
  const webp = await sharp({ create: { width: 5, height: 5, channels: 3, background: '#00ff00' } }).webp({ lossless: true }).toBuffer();
  assert.deepEqual(Array.from((await decodeImage(webp)).data.subarray(0, 4)), [0, 255, 0, 255]);
});
