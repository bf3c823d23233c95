/**
 * Issue 12 (first run): installing the release build (`dist/chromium`, as users get it) opens the first-run
 * page `welcome.html` in a new tab, which explains the three verdicts with their AI-score ranges under the
 * shipped model's rule, the Unsure band, on-device privacy, permissions, the history setting (off, 7 days)
 * and the model card's reliability numbers; the popup's "How reliable is this?" shows the same numbers.
 * The test build (`dist/test/chromium`, every other e2e test) opens no such tab, so tests that count tabs
 * or pages see only their own. Firefox: installing `dist/firefox` as a temporary add-on opens it too (the
 * Firefox e2e tests use that release build and do not count tabs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { launchWithExtension } from './helpers/browser';
import { REPO_ROOT } from './helpers/feed';
import { EXT_DIR, RELEASE_EXT_DIR, skipReason } from './helpers/setup';

const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
const FF_DIR = join(REPO_ROOT, 'dist', 'firefox');

const skip = skipReason() ?? (!existsSync(join(RELEASE_EXT_DIR, 'welcome.html')) ? 'dist/chromium/welcome.html is missing: run `npm run build` first' : undefined);

test('installing the release build opens the first-run page; the test build does not', { skip, timeout: 180_000 }, async (t) => {
  // Release build: no test hooks, so no test grant (grantHosts: []).
  const l = await launchWithExtension(RELEASE_EXT_DIR, { grantHosts: [] });
  try {
    const welcomeUrl = `chrome-extension://${l.extensionId}/welcome.html`;
    const target = await l.browser.waitForTarget((x) => x.type() === 'page' && x.url() === welcomeUrl, { timeout: 30_000 });
    const page = (await target.page())!;
    await page.waitForSelector('#verdicts [data-verdict="real"]', { timeout: 30_000 });
    await page.waitForSelector('#welcome-reliability [data-reliability="shown"]', { timeout: 30_000 });
    const text = (id: string) => page.$eval(id, (e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim());
    // The shipped model's rule (threshold 0.5, band 0.1) in scores.
    const verdicts = await page.$$eval('#verdicts dt', (dts) => dts.map((d) => (d.textContent ?? '').replace(/\s+/g, ' ').trim()));
    assert.deepEqual(verdicts, ['Likely AI-generated AI score 55–100', 'Unsure AI score 45–54', 'No AI signs found AI score 0–44']);
    assert.match(await text('#unsure-text'), /^Scores within 5 points of the threshold \(50\) get "Unsure"\./);
    assert.match(await text('#privacy-text'), /No image, no page address and no verdict is sent anywhere/);
    assert.match(await text('#permissions-text'), /"Allow on this site" in the toolbar popup/);
    assert.match(await text('#history-text'), /^History is off unless you turn it on in the options\. .* for 7 days, then deletes it/);
    assert.match(await text('#welcome-reliability'), /Real photos wrongly labelled "Likely AI-generated": 11 % \(full-size files\), 12 % \(web-sized copies\) and 4 % \(avatar-sized copies\)\./);
    t.diagnostic(`first-run page opened: ${welcomeUrl}`);

    // The popup's disclosure: keyboard-reachable <details>, the same numbers.
    const popup = await l.browser.newPage();
    await popup.goto(`chrome-extension://${l.extensionId}/popup.html`);
    await popup.waitForSelector('#reliability summary');
    assert.equal(await popup.$eval('#reliability summary', (e) => e.textContent), 'How reliable is this?');
    await popup.focus('#reliability summary');
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('#reliability[open] li[data-fact="unsure"]', { timeout: 10_000 });
    assert.equal(await popup.$eval('#reliability li[data-fact="unsure"]', (e) => e.textContent),
      'On image sources it never saw in training, about 3 in 4 images get "Unsure": 74 % (full-size files), 76 % (web-sized copies) and 81 % (avatar-sized copies).');
  } finally {
    await l.close();
  }

  // Test build: the same package with test hooks, which never opens the page.
  const lt = await launchWithExtension(EXT_DIR);
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const pages = (await lt.browser.pages()).map((p) => p.url());
    assert.ok(!pages.some((u) => u.endsWith('/welcome.html')), `no first-run tab in the test build: ${pages.join(', ')}`);
  } finally {
    await lt.close();
  }
});

test('Firefox: installing dist/firefox opens the first-run page', {
  skip: !FIREFOX ? 'no Firefox found (apt-get install -y firefox-esr, or set FIREFOX_PATH)' : !existsSync(join(FF_DIR, 'welcome.html')) ? 'dist/firefox/welcome.html is missing: run `npm run build` first' : undefined,
  timeout: 120_000,
}, async (t) => {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  try {
    await browser.installExtension(FF_DIR);
    const t0 = Date.now();
    let welcome: import('puppeteer-core').Page | undefined;
    // Puppeteer's BiDi page list keeps the tab's first URL (about:blank) for a tab the extension opened: ask the page.
    const hrefOf = (p: import('puppeteer-core').Page) => p.evaluate(() => location.href).catch(() => p.url());
    while (!welcome && Date.now() - t0 < 30_000) {
      for (const p of await browser.pages()) if (/^moz-extension:\/\/[^/]+\/welcome\.html$/.test(await hrefOf(p))) welcome = p;
      if (!welcome) await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(welcome, `a first-run tab: ${(await Promise.all((await browser.pages()).map(hrefOf))).join(', ')}`);
    await welcome.waitForSelector('#verdicts [data-verdict="real"]', { timeout: 20_000 });
    const verdicts = await welcome.$$eval('#verdicts dt', (dts) => dts.map((d) => (d.textContent ?? '').replace(/\s+/g, ' ').trim()));
    assert.deepEqual(verdicts, ['Likely AI-generated AI score 55–100', 'Unsure AI score 45–54', 'No AI signs found AI score 0–44']);
    t.diagnostic(`Firefox first-run page: ${await hrefOf(welcome)}`);
  } finally {
    await browser.close();
  }
});
