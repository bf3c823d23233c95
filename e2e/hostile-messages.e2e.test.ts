/**
 * Issue 13, item 8 ("messages"): the forged messages of the reliability review (`security.ts` S3) sent
 * from the extension's content-script world of a real page, against the test build. Every malformed
 * request gets a `Result` with `bad-request` (never a rejection, a verdict or a tab); `open-explain`
 * opens no tab for `javascript:` / `chrome:` URLs; after a hostile `report-images` (with a `null` entry)
 * the popup still lists the tab's real images instead of staying at "Loading…".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { inContentWorld, waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

test('item 8: forged content-world messages get bad-request, open no tab, and do not break the popup', { skip: skipReason(), timeout: 240_000 }, async () => {
  const imgs: FeedImage[] = [];
  for (let i = 0; i < 2; i++) imgs.push({ route: `/m/${i}.png`, bytes: await noiseImage(900 + i, 160, 120), contentType: 'image/png', source: `noise ${i}`, expect: 'verdict' });
  const server = await startFeedServer(imgs);
  server.setPage('/page', `<!doctype html><html><body>${imgs.map((i) => `<img src="${i.route}" width="160" height="120">`).join('')}</body></html>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/page`, { waitUntil: 'load' });
    await waitForAllBadges(page, 60_000);
    const forged: Record<string, string> = {
      'classify url=number': `{ type: 'classify', url: 12345, priority: 'normal', pageUrl: '' }`,
      'classify url=object': `{ type: 'classify', url: { toString: 1 }, priority: 'normal', pageUrl: '' }`,
      'classify url missing': `{ type: 'classify' }`,
      'classify url 8 MB': `{ type: 'classify', url: 'http://127.0.0.1/' + 'a'.repeat(8e6), priority: 'normal', pageUrl: '' }`,
      'classify priority bogus': `{ type: 'classify', url: location.origin + '/m/0.png?bogus', priority: 'bogus', pageUrl: '' }`,
      'classify-bytes bytes +256': `{ type: 'classify-bytes', url: 'blob:' + location.origin + '/x', bytes: [0xff + 256, 0xd8 + 256, 0xff + 256], priority: 'normal', pageUrl: '' }`,
      'report-images junk': `{ type: 'report-images', images: 'junk' }`,
      'report-images hostile': `{ type: 'report-images', images: [{ url: 'javascript:alert(1)', status: 'done', verdict: { url: 'javascript:alert(1)', probability: 'x', model: '<b>m</b>', backend: 1, contentHash: '../../x' } }, { url: 5 }, null] }`,
      'report-images 20000 entries': `{ type: 'report-images', images: Array.from({ length: 20000 }, (_, i) => ({ url: 'http://x/' + i + '.png', status: 'pending' })) }`,
      'open-explain javascript:': `{ type: 'open-explain', url: 'javascript:alert(1)', contentHash: '', probability: 0.5 }`,
      'open-explain chrome://': `{ type: 'open-explain', url: 'chrome://settings', contentHash: '<script>', probability: 'x' }`,
    };
    const pagesBefore = (await l.browser.pages()).length;
    for (const [name, m] of Object.entries(forged)) {
      const reply = await inContentWorld(page, l.extensionId,
        `chrome.runtime.sendMessage(${m}).then((r) => JSON.parse(JSON.stringify(r ?? null)), (e) => ({ rejected: String(e).slice(0, 150) }))`);
      assert.equal((reply as { ok?: boolean }).ok, false, `${name}: ${JSON.stringify(reply).slice(0, 200)}`);
      assert.equal((reply as { error?: { code?: string } }).error?.code, 'bad-request', `${name}: ${JSON.stringify(reply).slice(0, 200)}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const pages = await l.browser.pages();
    assert.equal(pages.length, pagesBefore, 'no tab opened by forged open-explain messages');
    // The popup for the tab still lists its real images (the last valid report), with no page error.
    const tabId = await inWorker<number>(l, `chrome.tabs.query({}).then((t) => t.find((x) => x.url && x.url.endsWith('/page')).id)`);
    // A real report after the hostile ones: the content script re-reports on changes.
    await page.evaluate(() => { const i = document.createElement('img'); i.src = '/m/1.png?again'; i.width = 160; i.height = 120; document.body.append(i); });
    await waitForAllBadges(page, 60_000);
    await new Promise((r) => setTimeout(r, 800));
    const pop = await l.browser.newPage();
    const errors: string[] = [];
    pop.on('pageerror', (e) => errors.push(String(e)));
    await pop.goto(`chrome-extension://${l.extensionId}/popup.html?tabId=${tabId}`, { waitUntil: 'load' });
    await pop.waitForSelector('#images li', { timeout: 15_000 });
    const rows = await pop.$$eval('#images li', (li) => li.length);
    assert.equal(rows, 3, 'popup lists the 3 real images');
    assert.deepEqual(errors, []);
  } finally {
    await l.close();
    await server.close();
  }
});
