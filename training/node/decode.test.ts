import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage, decodeFile, encodeImage, DecodeError } from './decode';
import { isoBmffImage } from '../../extension/shared/iso-bmff-fixture';
import { decodeCmykJpeg, orient } from '../../extension/shared/cmyk-jpeg';
import { sniffImageHeader } from '../../extension/shared/image-header';
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

test('images above 64 MP are refused before decoding; 48 MP is decoded to at most 16 MP (format policy)', async () => {
  const big = await sharp({ create: { width: 8001, height: 8000, channels: 3, background: '#000' } }).png({ compressionLevel: 1 }).toBuffer();
  await assert.rejects(decodeImage(big, 'big.png'), (e: Error) => e instanceof DecodeError && e.code === 'too-large' && /8001x8000 = 64\.0 MP is above the 64 MP limit/.test(e.message));
  const phone = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#123456' } }).jpeg().toBuffer();
  const d = await decodeImage(phone, 'phone.jpg');
  assert.deepEqual([d.width, d.height], [4729, 3547]);
  for (const [i, v] of [0x12, 0x34, 0x56].entries()) assert.ok(Math.abs(d.data[i]! - v) <= 2, `channel ${i}: ${d.data[i]} vs ${v}`);
});

test('item 10: one format policy in Node — BMP read, SVG and HEIC refused like the extension', async () => {
  // A 24-bit bottom-up BMP, 2×2: top row red, green; bottom row blue, white (rows stored bottom first).
  const row = (px: number[][]) => Buffer.from([...px.flatMap(([r, g, b]) => [b!, g!, r!]), 0, 0]); // padded to 8 bytes
  const pixels = Buffer.concat([row([[0, 0, 255], [255, 255, 255]]), row([[255, 0, 0], [0, 255, 0]])]);
  const head = Buffer.alloc(54);
  head.write('BM', 0, 'ascii'); head.writeUInt32LE(54 + pixels.length, 2); head.writeUInt32LE(54, 10);
  head.writeUInt32LE(40, 14); head.writeInt32LE(2, 18); head.writeInt32LE(2, 22); head.writeUInt16LE(1, 26); head.writeUInt16LE(24, 28);
  head.writeUInt32LE(pixels.length, 34);
  const bmp = await decodeImage(Buffer.concat([head, pixels]), 'x.bmp');
  assert.deepEqual([bmp.width, bmp.height, ...bmp.data], [2, 2, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300"/></svg>');
  await assert.rejects(decodeImage(svg, 'a.svg'), (e: Error) => e instanceof DecodeError && e.code === 'unsupported-format' && /SVG/.test(e.message));
  const heic = Buffer.from(isoBmffImage(4032, 3024, { brand: 'heic' }));
  await assert.rejects(decodeImage(heic, 'a.heic'), (e: Error) => e instanceof DecodeError && e.code === 'unsupported-format' && /HEIC/.test(e.message));
});

test('item 10: CMYK JPEGs decode with the shared jpeg-js path (the browser runs the same), not libvips', async () => {
  const cmyk = await sharp({ create: { width: 90, height: 64, channels: 3, background: { r: 200, g: 40, b: 90 } } }).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
  assert.equal(sniffImageHeader(cmyk).components, 4);
  const img = await decodeImage(cmyk, 'cmyk.jpg');
  assert.deepEqual([img.width, img.height], [90, 64]);
  assert.deepEqual(Array.from(img.data), Array.from(decodeCmykJpeg(cmyk).data));
});

test('item 10: orient applies the 8 EXIF orientations like sharp rotate()', async () => {
  // 3×2 image with distinct pixels; sharp's rotate() of the same pixels with each orientation is the reference.
  const w = 3, h = 2;
  const px = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
  for (let o = 1; o <= 8; o++) {
    const jpegless = await sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 4 } }).png().withMetadata({ orientation: o }).toBuffer();
    const ref = await sharp(jpegless).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const got = orient({ width: w, height: h, data: px.slice() }, o);
    assert.deepEqual([got.width, got.height, ...got.data], [ref.info.width, ref.info.height, ...ref.data], `orientation ${o}`);
  }
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
