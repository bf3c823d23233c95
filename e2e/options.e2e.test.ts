/**
 * Options page end to end (issue #5): a stored value with bad fields loads with only those fields reset;
 * the backend preference is honoured by the background (the model reloads on it); a site added to "don't
 * check" gets no badges after a reload while auto-scan stays on elsewhere; profile-photo sites, the
 * explanation method, LIME samples and history switch are stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { feedHtml, generatedImages, startFeedServer } from './helpers/feed';
import { readBadges, waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

test('options: field-by-field fallback, backend honoured, per-site auto-scan', { skip: skipReason(), timeout: 240_000 }, async (t) => {
  const imgs = await generatedImages(1);
  const server = await startFeedServer(imgs);
  server.setPage('/feed', feedHtml(imgs.map((i) => ({ src: i.route }))));
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    // A damaged stored value: only the bad fields fall back.
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 2, threshold: 0.3, unsureBand: 'wide', backend: 'quantum', limeSamples: 900, history: 'yes' } })`);
    const opt = await l.browser.newPage();
    await opt.goto(`chrome-extension://${l.extensionId}/options.html`);
    await opt.waitForSelector('#backend');
    assert.equal(await opt.$eval('#threshold-value', (e) => e.textContent), '0.30');
    assert.equal(await opt.$eval('#backend', (e) => (e as HTMLSelectElement).value), 'auto');
    assert.equal(await opt.$eval('#lime-samples', (e) => (e as HTMLInputElement).value), '900');
    assert.equal(await opt.$eval('#history', (e) => (e as HTMLInputElement).checked), true);

    t.diagnostic(`backend before: ${await inWorker<string>(l, `self.__synthscreenTest.status().then((s) => s.backend ?? '')`)}`);
    await opt.select('#backend', 'cpu');
    t.diagnostic('selected cpu');
    const t0 = Date.now();
    let backend = '';
    while (Date.now() - t0 < 120_000 && backend !== 'cpu') {
      await new Promise((r) => setTimeout(r, 500));
      backend = await inWorker<string>(l, `self.__synthscreenTest.status().then((s) => s.backend ?? '')`);
    }
    assert.equal(backend, 'cpu', 'the background reloaded the model on the preferred backend');
    t.diagnostic(`reloaded on cpu in ${Date.now() - t0} ms`);
    await opt.select('#backend', 'wasm');
    await opt.select('#method', 'lime');
    await opt.click('#profile-sites input[data-site="reddit"]');
    await opt.type('#site-input', 'https://127.0.0.1:1/x');
    await opt.click('#site-add');
    await opt.waitForSelector('#disabled-sites li[data-site="127.0.0.1"]');
    const s = await inWorker<Record<string, unknown>>(l, `chrome.storage.sync.get('settings').then((g) => g.settings)`);
    assert.equal(s.backend, 'wasm');
    assert.equal(s.explainMethod, 'lime');
    assert.deepEqual(s.disabledSites, ['127.0.0.1']);
    assert.ok(!(s.profileSites as string[]).includes('reddit'));
    assert.equal(s.unsureBand, null);

    t.diagnostic('settings stored');
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/feed`, { waitUntil: 'load' });
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await readBadges(page)).length, 0, 'no badges on a site where auto-scan is off');
    await opt.bringToFront();
    await opt.click('#disabled-sites li[data-site="127.0.0.1"] button');
    await opt.waitForFunction(() => !document.querySelector('#disabled-sites li'), { polling: 200, timeout: 10_000 });
    await page.bringToFront();
    await page.reload({ waitUntil: 'domcontentloaded' });
    const { badges } = await waitForAllBadges(page, 120_000);
    assert.equal(badges.length, imgs.length);
  } finally {
    await l.close();
    await server.close();
  }
});
