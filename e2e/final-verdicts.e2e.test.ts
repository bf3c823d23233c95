/**
 * Issue 13, item 2 ("images given up for good under load"): on a slow machine 1,465 of 3,000 feed images
 * stayed *Not checked* because the content script stopped waiting (8 attempts of 45 s) although the worker
 * computed them later. Here the client's per-attempt timeout is shortened to 1 s (test builds only:
 * `storage.local.testClientTimeoutMs`), so the old client would have given up after ~28 s; a 1,000-image
 * feed must still end with 100 % final verdicts, one badge per image (0 duplicates), and each image
 * fetched by the worker once (re-asking joins the running request).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

const N = 1000;

test('item 2: a 1,000-image feed with a 1 s client timeout ends with 100 % final verdicts and 0 duplicates', { skip: skipReason(), timeout: 900_000 }, async (t) => {
  const imgs: FeedImage[] = [];
  for (let i = 0; i < N; i++) imgs.push({ route: `/v/${i}.png`, bytes: await noiseImage(31_000 + i, 160, 120), contentType: 'image/png', source: `noise ${i}`, expect: 'verdict' });
  const server = await startFeedServer(imgs);
  server.setPage('/feed', `<!doctype html><html><body>${imgs.map((i) => `<img src="${i.route}" width="160" height="120">`).join('')}</body></html>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    await inWorker(l, `chrome.storage.local.set({ testClientTimeoutMs: 1000 })`);
    const s0 = await inWorker<{ fetches: number; startedAt: number }>(l, 'self.__synthscreenTest.stats()');
    const page = await l.browser.newPage();
    const t0 = Date.now();
    // 'domcontentloaded': waiting for 'load' means waiting for 1,000 images, which passes 30 s on a loaded machine.
    await page.goto(`${server.origin}/feed`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    let waited: Awaited<ReturnType<typeof waitForAllBadges>> | undefined;
    try {
      waited = await waitForAllBadges(page, 840_000);
    } finally {
      // A changed `startedAt` means the browser stopped and restarted the worker during the run.
      const s = await inWorker<{ fetches: number; startedAt: number }>(l, 'self.__synthscreenTest.stats()').catch(() => undefined);
      t.diagnostic(`worker ${s === undefined ? 'unreachable' : s.startedAt === s0.startedAt ? 'never restarted' : 'restarted during the run'}; ${s?.fetches ?? '?'} fetches since its start`);
    }
    const { badges } = waited;
    t.diagnostic(`${badges.length} badges final after ${Math.round((Date.now() - t0) / 1000)} s`);
    assert.equal(badges.length, N, 'one badge per image');
    assert.equal(new Set(badges.map((b) => b.url)).size, N, 'no duplicate badges');
    const notFinal = badges.filter((b) => b.state !== 'done');
    assert.deepEqual(notFinal.map((b) => `${b.url.slice(-12)}: ${b.state} ${b.error ?? ''}`).slice(0, 10), [], `${notFinal.length} images without a verdict`);
    const s1 = await inWorker<{ fetches: number }>(l, 'self.__synthscreenTest.stats()');
    assert.equal(s1.fetches - s0.fetches, N, 'each image fetched once by the worker');
  } finally {
    await l.close();
    await server.close();
  }
});
