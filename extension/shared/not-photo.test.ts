/**
 * Issue 12 ("not a photograph"): a rendered bar chart is refused, a photo from ../shared/data is not,
 * and the features of a tiny synthetic image are known exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { isNotPhoto, notPhotoFeatures } from './not-photo';

const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');

async function rgba(input: Buffer | string) {
  const { data, info } = await sharp(input).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

const BAR_CHART = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
<rect width="320" height="240" fill="#ffffff"/>
<line x1="30" y1="210" x2="310" y2="210" stroke="#000" stroke-width="2"/><line x1="30" y1="10" x2="30" y2="210" stroke="#000" stroke-width="2"/>
<rect x="50" y="60" width="40" height="150" fill="#4e79a7"/><rect x="110" y="120" width="40" height="90" fill="#f28e2b"/>
<rect x="170" y="30" width="40" height="180" fill="#e15759"/><rect x="230" y="150" width="40" height="60" fill="#76b7b2"/>
</svg>`;

test('a rendered bar chart is not a photo (clean PNG and JPEG q75)', async () => {
  const png = await sharp(Buffer.from(BAR_CHART)).png().toBuffer();
  assert.equal(isNotPhoto(await rgba(png)), true, JSON.stringify(notPhotoFeatures(await rgba(png))));
  const jpg = await sharp(png).jpeg({ quality: 75 }).toBuffer();
  assert.equal(isNotPhoto(await rgba(jpg)), true, JSON.stringify(notPhotoFeatures(await rgba(jpg))));
});

const PHOTO = join(SHARED, 'bsds500');
test('a photo from ../shared/data is a photo', { skip: existsSync(PHOTO) ? false : '../shared/data/bsds500 absent (shared data not checked out)' }, async () => {
  const { readdirSync } = await import('node:fs');
  const file = readdirSync(PHOTO, { recursive: true }).map(String).filter((f) => f.endsWith('.jpg')).sort()[0]!;
  const f = notPhotoFeatures(await rgba(join(PHOTO, file)));
  assert.equal(isNotPhoto(await rgba(join(PHOTO, file))), false, `${file}: ${JSON.stringify(f)}`);
});

test('features of a tiny synthetic 16×8 image: left half white, right half black', () => {
  const data = new Uint8Array(16 * 8 * 4);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) {
    const o = 4 * (y * 16 + x);
    const v = x < 8 ? 255 : 0;
    data[o] = data[o + 1] = data[o + 2] = v; data[o + 3] = 255;
  }
  const f = notPhotoFeatures({ width: 16, height: 8, data });
  // Two 8×8 blocks, both flat; 2 colours over 128 samples; one luma step per row (255 levels: hard).
  assert.deepEqual(f, { flatBlocks: 1, topColours: 1, distinctColours: 2 / 128, hardEdges: 1, gradientPairs: 0 });
  assert.throws(() => notPhotoFeatures({ width: 4, height: 4, data: new Uint8Array(8) }), RangeError);
});
