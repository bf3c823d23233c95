/**
 * Host permissions end to end (issue #5): the test server's origin (127.0.0.1) is not among the required
 * image-CDN hosts, so with no grant every image's badge says "Permission needed" (never nothing); the popup
 * offers "Allow on this site" for exactly the page's and images' origins and its click calls
 * `permissions.request` (headless Chromium then shows a prompt nobody can accept, so the request stays
 * pending: checked); the grant is completed through the background's test grant, which rescans the tab,
 * and every image then gets a verdict. Also: each new verdict lands in the history, and "report wrong
 * verdict" in the popup stores URL, verdict, probability and model.
 */
import { test } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { feedHtml, generatedImages, startFeedServer } from './helpers/feed';
import { readBadges, waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

test('permission needed → grant → verdicts; history and reports', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const imgs = await generatedImages(2);
  const server = await startFeedServer(imgs);
  server.setPage('/feed', feedHtml(imgs.map((i) => ({ src: i.route, alt: i.source }))));
  const model = await testModelDir();
  const l = await launchWithExtension(EXT_DIR, { grantHosts: [] });
  try {
    await prepareWorker(l, model);
    // History is off by default (settings v3); this user turns it on.
    const defaults = await inWorker<unknown>(l, `chrome.storage.sync.get('settings').then((g) => g.settings ?? null)`);
    assert.equal(defaults, null, 'a new install stores no settings: history uses the default, off');
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 3, history: true } })`);
    const contains = await inWorker<boolean>(l, `chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })`);
    assert.equal(contains, false, 'unpacked extension: the optional host is not auto-granted');
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/feed`, { waitUntil: 'domcontentloaded' });
    const before = (await waitForAllBadges(page, 120_000)).badges;
    assert.equal(before.length, imgs.length);
    for (const b of before) assert.equal(b.error, 'permission-needed', `${b.url}: ${b.state}/${b.label}`);
    const text = await page.evaluate(() => document.querySelector('[data-synthscreen-url]')?.getAttribute('data-synthscreen-state'));
    assert.equal(text, 'error');
    assert.equal(server.hits.get(imgs[0]!.route) ?? 0, 1, 'only the page itself fetched the image (the worker did not)');

    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(server.origin + '/feed')} }).then((t) => t[0].id)`);
    const popup = await l.browser.newPage();
    await popup.goto(`chrome-extension://${l.extensionId}/popup.html?tabId=${tabId}`);
    await popup.waitForSelector('#grant-button', { timeout: 20_000 });
    await popup.waitForFunction(() => (document.querySelector('#grant')?.getAttribute('data-origins') ?? '').includes('127.0.0.1'), { timeout: 10_000 });
    const origins = await popup.$eval('#grant', (e) => e.getAttribute('data-origins'));
    assert.equal(origins, 'http://127.0.0.1/*');
    await popup.click('#grant-button'); // a real user gesture: permissions.request opens the prompt
    await new Promise((r) => setTimeout(r, 1500));
    const result = await popup.$eval('#grant-result', (e) => e.textContent).catch(() => null);
    t.diagnostic(`headless Chromium after permissions.request: ${result === null ? 'prompt open, request pending' : result}`);
    await popup.close();

    await inWorker(l, `self.__synthscreenTest.grantForTests(['http://127.0.0.1/*'])`);
    const t0 = Date.now();
    let after = await readBadges(page);
    while (Date.now() - t0 < 120_000 && !(after.length === imgs.length && after.every((b) => b.state === 'done'))) {
      await new Promise((r) => setTimeout(r, 300));
      after = await readBadges(page);
    }
    assert.equal(after.length, imgs.length, 'one badge per image after the rescan');
    for (const b of after) assert.equal(b.state, 'done', `${b.url} after the grant: ${b.state}/${b.label}`);

    // History (turned on above): every new verdict recorded, with the badge's own words.
    const history = await inWorker<Array<{ url: string; probability: number; model: string; label: string; text?: string }>>(l,
      `chrome.storage.local.get('history').then((g) => g.history ?? [])`);
    for (const b of after) {
      const h = history.find((e) => e.url === b.url);
      assert.ok(h, `history has ${b.url}`);
      assert.ok(Math.abs(h.probability - b.probability!) < 1e-6);
      assert.equal(h.text, b.text, 'history keeps the badge text (extension/shared/wording.ts)');
    }

    // Report wrong verdict from the popup.
    const p2 = await l.browser.newPage();
    await p2.goto(`chrome-extension://${l.extensionId}/popup.html?tabId=${tabId}`);
    await p2.waitForSelector('#images li[data-status="done"] button.feedback-toggle', { timeout: 20_000 });
    const url = await p2.$eval('#images li[data-status="done"]', (e) => e.getAttribute('data-url'));
    await p2.click('#images li[data-status="done"] button.feedback-toggle'); // "Tell us what it is" / "Not right?" opens the choices
    await p2.click('#images li[data-status="done"] button.report-button');
    await p2.waitForSelector('#images li[data-status="done"] .reported', { timeout: 10_000 });
    const reports = await inWorker<Array<Record<string, unknown>>>(l, `chrome.storage.local.get('reports').then((g) => g.reports ?? [])`);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.url, url);
    assert.equal(reports[0]!.pageUrl, `${server.origin}/feed`);
    assert.ok(typeof reports[0]!.model === 'string' && (reports[0]!.model as string).includes('@'));
    assert.equal(reports[0]!.probability, history.find((e) => e.url === url)!.probability);

    // Options: export the report as a manifest TSV; clear history.
    const dl = mkdtempSync(join(tmpdir(), 'synthscreen-dl-'));
    try {
      const opt = await l.browser.newPage();
      const cdp = await opt.createCDPSession();
      await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dl });
      await opt.goto(`chrome-extension://${l.extensionId}/options.html`);
      await opt.waitForFunction(() => document.querySelector('#report-count')?.textContent === '1', { timeout: 10_000 });
      await opt.click('#export-reports');
      let files: string[] = [];
      for (let i = 0; i < 50 && !files.some((f) => f.endsWith('.tsv')); i++) { await new Promise((r) => setTimeout(r, 200)); files = readdirSync(dl); }
      const tsv = readFileSync(join(dl, files.find((f) => f.endsWith('.tsv'))!), 'utf8').split('\n');
      assert.equal(tsv[0], 'path\tlabel\tgenerator\tsource_repo\tcrop\tnotes');
      assert.ok(tsv[1]!.startsWith(`${url}\t`), tsv[1]);
      assert.match(tsv[1]!, /\tuser-report\t\t.*verdict=.*p=0\.\d{3}.*model=/);
      await opt.click('#clear-history');
      await opt.waitForFunction(() => document.querySelector('#history-count')?.textContent === '0', { timeout: 10_000 });
    } finally {
      rmSync(dl, { recursive: true, force: true });
    }
  } finally {
    await l.close();
    await server.close();
  }
});
