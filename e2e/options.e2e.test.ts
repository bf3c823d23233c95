/**
 * Options page end to end (issue #5): a stored value with bad fields loads with only those fields reset;
 * the backend preference is honoured by the background (the model reloads on it); a site added to "don't
 * check" gets no badges after a reload while auto-scan stays on elsewhere; profile-photo sites, the
 * explanation method, LIME samples and history switch are stored. Issue #12: settings saved before v3 keep
 * every badge (definite-only off); badge position and blur are stored; the threshold slider previews its
 * effect on the history ("N of the K checked images … would be flagged", the count `previewFlagged` gives for
 * the stored history) before it is applied on release.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { feedHtml, generatedImages, startFeedServer } from './helpers/feed';
import { readBadges, waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { normalizeHistory } from '../extension/shared/history';
import { previewFlagged } from '../extension/shared/threshold-preview';

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
    assert.equal(await opt.$eval('#definite-only', (e) => (e as HTMLInputElement).checked), false, 'v2 settings migrate with every badge shown');
    assert.match(await opt.$eval('#threshold-preview', (e) => e.textContent ?? ''), /No images checked yet/);

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

    // Display options and the threshold preview.
    await opt.bringToFront();
    await opt.select('#badge-position', 'bottom-right');
    await opt.click('#blur-flagged');
    await opt.click('#definite-only');
    await opt.waitForFunction(() => (document.querySelector('#definite-only') as HTMLInputElement).checked, { timeout: 5_000 });
    const s2 = await inWorker<Record<string, unknown>>(l, `chrome.storage.sync.get('settings').then((g) => g.settings)`);
    assert.deepEqual([s2.badgePosition, s2.blurFlagged, s2.definiteOnly, s2.version], ['bottom-right', true, true, 4]);
    let stored: ReturnType<typeof normalizeHistory> = [];
    for (let i = 0; i < 50 && stored.length < imgs.length; i++) {
      stored = normalizeHistory(await inWorker(l, `chrome.storage.local.get('history').then((g) => g.history ?? [])`));
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(stored.length, imgs.length, 'history has the checked images');
    const before = s2.threshold as number;
    for (const th of [0.05, 0.95]) {
      await opt.$eval('#threshold', (el, v) => { const i = el as HTMLInputElement; i.value = String(v); i.dispatchEvent(new Event('input', { bubbles: true })); }, th);
      const want = previewFlagged(stored, th, 0).flagged;
      const text = await opt.$eval('#threshold-preview', (e) => e.textContent ?? '');
      assert.match(text, new RegExp(`^With this setting, ${want} of the ${stored.length} checked images in your history would be flagged`), `preview at ${th}: ${text}`);
      assert.match(text, /release the slider to apply/);
      const unchanged = await inWorker<Record<string, unknown>>(l, `chrome.storage.sync.get('settings').then((g) => g.settings)`);
      assert.equal(unchanged.threshold, before, 'a previewed threshold is not applied yet');
    }
    await opt.$eval('#threshold', (el) => el.dispatchEvent(new Event('change', { bubbles: true })));
    await opt.waitForFunction(() => !/release the slider/.test(document.querySelector('#threshold-preview')?.textContent ?? ''), { timeout: 5_000 });
    const applied = await inWorker<Record<string, unknown>>(l, `chrome.storage.sync.get('settings').then((g) => g.settings)`);
    assert.equal(applied.threshold, 0.95, 'released: applied');
    assert.match(await opt.$eval('#threshold-ends', (e) => e.textContent ?? ''), /Flag more images.*Flag fewer images/);
    await opt.click('#history'); // off: the preview says it cannot be shown
    await opt.waitForFunction(() => /History is off/.test(document.querySelector('#threshold-preview')?.textContent ?? ''), { timeout: 5_000 });
  } finally {
    await l.close();
    await server.close();
  }
});
