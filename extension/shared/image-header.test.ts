import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { sniffImageHeader } from './image-header';

const raw = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 10, g: 200, b: 30 } } });

test('sniffs format and size of sharp-encoded images', async () => {
  const cases: Array<[string, Buffer, string]> = [
    ['jpeg', await raw(123, 45).jpeg().toBuffer(), 'jpeg'],
    ['png', await raw(123, 45).png().toBuffer(), 'png'],
    ['gif', await raw(123, 45).gif().toBuffer(), 'gif'],
    ['webp lossy', await raw(123, 45).webp({ quality: 80 }).toBuffer(), 'webp'],
    ['webp lossless', await raw(123, 45).webp({ lossless: true }).toBuffer(), 'webp'],
    ['avif', await raw(124, 46).avif().toBuffer(), 'avif'],
  ];
  for (const [name, buf, fmt] of cases) {
    const h = sniffImageHeader(new Uint8Array(buf));
    assert.equal(h.format, fmt, name);
    assert.equal(h.animated, false, name);
    if (fmt === 'avif') { assert.equal(h.width, 124); assert.equal(h.height, 46); }
    else { assert.equal(h.width, 123, name); assert.equal(h.height, 45, name); }
  }
});

test('detects animated GIF and WebP, and PNG sizes from IHDR alone', async () => {
  // Build a real 3-frame animation by declaring pageHeight.
  // Three distinct frames (identical frames are merged by the encoder): red, green, blue.
  const rawPixels = Buffer.alloc(20 * 60 * 4);
  for (let i = 0; i < 20 * 60; i++) rawPixels.set([Math.floor(i / 400) === 0 ? 255 : 0, Math.floor(i / 400) === 1 ? 255 : 0, Math.floor(i / 400) === 2 ? 255 : 0, 255], i * 4);
  const animated = await sharp(rawPixels, { raw: { width: 20, height: 60, channels: 4, pageHeight: 20 } }).gif({ loop: 0, delay: [100, 100, 100] }).toBuffer();
  const hg = sniffImageHeader(animated);
  assert.deepEqual([hg.format, hg.width, hg.height, hg.animated], ['gif', 20, 20, true]);
  const animWebp = await sharp(rawPixels, { raw: { width: 20, height: 60, channels: 4, pageHeight: 20 } }).webp({ loop: 0, delay: [100, 100, 100] }).toBuffer();
  const hw = sniffImageHeader(animWebp);
  assert.deepEqual([hw.format, hw.width, hw.height, hw.animated], ['webp', 20, 20, true]);

  const png = Buffer.from(await raw(8, 8).png().toBuffer());
  png.writeUInt32BE(30000, 16);
  png.writeUInt32BE(30000, 20);
  const hp = sniffImageHeader(png);
  assert.deepEqual([hp.format, hp.width, hp.height], ['png', 30000, 30000]);
});

test('SVG, BMP, truncated and unknown inputs', () => {
  const svg = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
  assert.equal(sniffImageHeader(svg).format, 'svg');
  const bmp = new Uint8Array(54);
  bmp.set([0x42, 0x4d]);
  new DataView(bmp.buffer).setInt32(14, 40, true);
  new DataView(bmp.buffer).setInt32(18, 640, true);
  new DataView(bmp.buffer).setInt32(22, -480, true);
  assert.deepEqual(sniffImageHeader(bmp), { format: 'bmp', width: 640, height: 480, animated: false });
  assert.deepEqual(sniffImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00])), { format: 'jpeg', animated: false });
  assert.equal(sniffImageHeader(new Uint8Array([1, 2, 3, 4])).format, 'unknown');
  assert.equal(sniffImageHeader(new Uint8Array(0)).format, 'unknown');
});
