/**
 * Issue 13, item 5 ("decompression bomb past the header check"), in the browser: an AVIF whose `ispe`
 * (16384 × 16384) sits beyond the first 64 KiB is refused as *Too large to check* before any decoder runs,
 * an ICO (format not screened) as *Unsupported format*, and an 8000 × 6000 (48 MP) phone-size JPEG, refused
 * before, now gets a verdict: it is decoded straight to ≤ 16 MP (`createImageBitmap` resize). Peak
 * memory is not asserted here (timings and memory belong to `npm run bench`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { isoBmffImage } from '../extension/shared/iso-bmff-fixture';

test('item 5: hidden-ispe AVIF bomb → Too large; ICO → Unsupported; 48 MP JPEG → a verdict', { skip: skipReason(), timeout: 300_000 }, async () => {
  // A smooth 48 MP photo stand-in: 800×600 noise upscaled 10× (a few MB as JPEG).
  const small = await noiseImage(4848, 800, 600);
  const big = await sharp(small).resize(8000, 6000, { kernel: 'cubic' }).jpeg({ quality: 85 }).toBuffer();
  const ico = Buffer.from(Uint8Array.of(0, 0, 1, 0, 1, 0, 64, 64, 0, 0, 1, 0, 32, 0, 0, 0, 0, 0, 22, 0, 0, 0, ...new Array(200).fill(7)));
  const imgs: FeedImage[] = [
    { route: '/b/bomb.avif', bytes: Buffer.from(isoBmffImage(16384, 16384, { padding: 70_000 })), contentType: 'image/avif', source: 'bomb', expect: 'error' },
    { route: '/b/icon.ico', bytes: ico, contentType: 'image/x-icon', source: 'ico', expect: 'error' },
    { route: '/b/phone.jpg', bytes: big, contentType: 'image/jpeg', source: '48 MP', expect: 'verdict' },
  ];
  const server = await startFeedServer(imgs);
  server.setPage('/page', `<!doctype html><html><body>${imgs.map((i) => `<img src="${i.route}" width="200" height="150">`).join('')}</body></html>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/page`, { waitUntil: 'load' });
    const { badges } = await waitForAllBadges(page, 180_000);
    const by = (r: string) => badges.find((b) => b.url.endsWith(r));
    assert.equal(by('bomb.avif')?.error, 'too-large', JSON.stringify(by('bomb.avif')));
    assert.equal(by('icon.ico')?.error, 'unsupported-format', JSON.stringify(by('icon.ico')));
    const phone = by('phone.jpg');
    assert.equal(phone?.state, 'done', JSON.stringify(phone));
    assert.ok(Number.isFinite(phone?.probability), 'a probability for the 48 MP photo');
  } finally {
    await l.close();
    await server.close();
  }
});
