/**
 * Issue 13, item 9 ("animations"): an animated GIF whose first frame is blank got *Likely AI-generated,
 * 55 %* (8 of 8 in the review). Policy (docs/security.md): a blank or near-uniform first frame is not
 * scored; the first frame with detail among the first + up to 4 spread frames is; when every sampled
 * frame is flat, or a still image is flat, the badge says *Not enough detail*. Issue 12: a rendered bar
 * chart on the same page gets *Not a photo – not assessed* (`not-photo`), the noisy animation still a verdict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

/** An animated GIF of `frames` (raw RGB, w×h each), stacked as pages (identical frames are merged by the encoder). */
function gif(frames: Buffer[], w: number, h: number): Promise<Buffer> {
  return sharp(Buffer.concat(frames), { raw: { width: w, height: h * frames.length, channels: 3, pageHeight: h } }).gif({ loop: 0, delay: new Array(frames.length).fill(100) }).toBuffer();
}

test('item 9: blank-first-frame animation is scored on a later frame; flat animation and flat still → Not enough detail', { skip: skipReason(), timeout: 240_000 }, async () => {
  const w = 200, h = 150;
  const black = Buffer.alloc(w * h * 3);
  const noisy = await Promise.all([1, 2, 3].map(async (k) => sharp(await noiseImage(9090 + k, w, h)).removeAlpha().raw().toBuffer()));
  const blackFirst = await gif([black, ...noisy], w, h);
  const allBlack = await gif([black, Buffer.alloc(w * h * 3, 40), Buffer.alloc(w * h * 3, 80)], w, h); // distinct flat frames
  assert.equal((await sharp(allBlack, { animated: true }).metadata()).pages, 3);
  const flatPng = await sharp({ create: { width: w, height: h, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
  assert.equal((await sharp(blackFirst, { animated: true }).metadata()).pages, 4);
  const bars = [[20, 40, 100], [80, 90, 50], [140, 20, 120], [170, 60, 80]].map(([x, y, bh], i) => `<rect x="${x}" y="${y}" width="24" height="${bh}" fill="${['#4e79a7', '#f28e2b', '#e15759', '#76b7b2'][i]}"/>`).join('');
  const chartPng = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#fff"/><line x1="10" y1="140" x2="195" y2="140" stroke="#000" stroke-width="2"/>${bars}</svg>`)).png().toBuffer();
  const imgs: FeedImage[] = [
    { route: '/g/black-first.gif', bytes: blackFirst, contentType: 'image/gif', source: 'black first', expect: 'verdict' },
    { route: '/g/all-black.gif', bytes: allBlack, contentType: 'image/gif', source: 'all black', expect: 'error' },
    { route: '/g/flat.png', bytes: flatPng, contentType: 'image/png', source: 'flat', expect: 'error' },
    { route: '/g/chart.png', bytes: chartPng, contentType: 'image/png', source: 'bar chart', expect: 'error' },
  ];
  const server = await startFeedServer(imgs);
  server.setPage('/page', `<!doctype html><html><body>${imgs.map((i) => `<img src="${i.route}" width="${w}" height="${h}">`).join('')}</body></html>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/page`, { waitUntil: 'load' });
    const { badges } = await waitForAllBadges(page, 120_000);
    const by = (r: string) => badges.find((b) => b.url.endsWith(r));
    assert.equal(by('black-first.gif')?.state, 'done', JSON.stringify(by('black-first.gif')));
    assert.equal(by('all-black.gif')?.error, 'low-detail', JSON.stringify(by('all-black.gif')));
    assert.equal(by('flat.png')?.error, 'low-detail', JSON.stringify(by('flat.png')));
    assert.equal(by('chart.png')?.error, 'not-photo', JSON.stringify(by('chart.png')));
  } finally {
    await l.close();
    await server.close();
  }
});
