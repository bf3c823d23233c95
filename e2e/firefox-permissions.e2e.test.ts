/**
 * Firefox host permissions end to end: "Permission needed" → "Allow on this site" → verdicts, in Debian's
 * firefox-esr through puppeteer-core (WebDriver BiDi), the dist/test/firefox build installed as a temporary add-on
 * as in `firefox.e2e.test.ts`. Skips when no Firefox is installed or the build is missing.
 *
 * Why the set-up differs from Chromium's (`permissions.e2e.test.ts`): Firefox MV3 counts the content
 * script's `<all_urls>` match as a host permission and grants it at install, so `permissions.contains` is
 * true for every http(s) origin — no loopback host or port is "ungranted" (checked below). The user can
 * withhold it (about:addons → Permissions); this test does that with `permissions.remove(['<all_urls>'])`.
 * Without any host permission Firefox does not inject the content script at all (no badge can be shown),
 * so the user then allows the page's own site (`http://127.0.0.1/*`), and the feed's images are served
 * from another origin (`http://localhost:<port>`, same server) that stays ungranted: each image's badge
 * must say "Permission needed". The grant is then made through the popup's real "Allow on this site"
 * button: a trusted BiDi click, so Firefox sees a user gesture, and
 * `extensions.webextOptionalPermissionPrompts=false` makes Firefox grant without showing its prompt
 * (headless, nobody could accept it). The background's test hook (`__synthscreenTest.grantForTests`) is not
 * needed here. Extension pages are opened in a tab by URL, which Firefox's BiDi allows only with
 * `-remote-allow-system-access`; the moz-extension UUID is pinned with `extensions.webextensions.uuids`.
 * See docs/firefox.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { REPO_ROOT, feedHtml, generatedImages, startFeedServer } from './helpers/feed';
import { readBadges, type BadgeInfo } from './helpers/page';

const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
// The test build of the Firefox package: release builds write no `data-synthscreen-*` attributes on badge
// hosts (issue 13, item 7), and `readBadges` reads them.
const FF_DIR = join(REPO_ROOT, 'dist', 'test', 'firefox');
const skip = !FIREFOX ? 'no Firefox found (apt-get install -y firefox-esr, or set FIREFOX_PATH); Firefox e2e skipped'
  : !existsSync(join(FF_DIR, 'manifest.json')) ? 'dist/test/firefox is missing: run `npm run build` first' : undefined;

const ADDON_ID = 'synthscreen@synthscreen.invalid';
/** Pinned moz-extension UUID (Firefox picks a random one per profile otherwise). */
const UUID = '5e7d1c2a-9f3b-4d6e-8a1c-2b3c4d5e6f70';
const EXT_ORIGIN = `moz-extension://${UUID}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens an extension page in `page`. Firefox's BiDi does not report the navigation's load for
 * moz-extension documents to puppeteer, so `goto` is given a short timeout and the document is polled.
 */
async function openExtensionPage(page: Page, path: string, timeoutMs = 30_000): Promise<void> {
  const url = EXT_ORIGIN + path;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 3_000 }).catch(() => undefined);
  const t0 = Date.now();
  let seen = '';
  while (Date.now() - t0 < timeoutMs) {
    seen = await page.evaluate(() => `${location.href} ${document.readyState} ${typeof (globalThis as { browser?: unknown }).browser}`).catch((e: Error) => e.message);
    if (seen === `${url} complete object`) return;
    await sleep(250);
  }
  throw new Error(`extension page ${url} did not load within ${timeoutMs} ms (last seen: ${seen})`);
}

/** Evaluates the expression `expr` (e.g. `browser.permissions.getAll()`) in the extension page; awaits and returns its result. */
async function extEval<T>(page: Page, expr: string): Promise<T> {
  return page.evaluate(`(async () => (${expr}))()`) as Promise<T>;
}

/**
 * Polls the feed's badges until `done(badges)` or `timeoutMs`.
 * @throws with `what` and the states seen last
 */
async function waitBadges(page: Page, what: string, done: (b: BadgeInfo[]) => boolean, timeoutMs: number): Promise<BadgeInfo[]> {
  const t0 = Date.now();
  let last: BadgeInfo[] = [];
  while (Date.now() - t0 < timeoutMs) {
    last = await readBadges(page).catch(() => last);
    if (done(last)) return last;
    await sleep(300);
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms; badges: ${JSON.stringify(last.map((b) => `${b.url} ${b.state}/${b.label}`))}`);
}

test('Firefox: image origin not granted → "Permission needed" → "Allow on this site" → verdicts', { skip, timeout: 300_000 }, async (t) => {
  const imgs = await generatedImages(2);
  const server = await startFeedServer(imgs);
  const port = new URL(server.origin).port;
  const imageOrigin = `http://localhost:${port}`; // same server, another origin: not covered by http://127.0.0.1/*
  server.setPage('/feed', feedHtml(imgs.map((i) => ({ src: imageOrigin + i.route, alt: i.source }))));
  const feedUrl = `${server.origin}/feed`;
  // Origin patterns as the product builds them (`originPattern`: no port; patterns without a port match every port).
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox', executablePath: FIREFOX, headless: true,
      args: ['-remote-allow-system-access'], // lets BiDi navigate a tab to moz-extension:// pages
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: UUID }),
        'extensions.webextOptionalPermissionPrompts': false, // permissions.request grants without a prompt
      },
    });
    t.diagnostic(`Firefox ${await browser.version()}`);
    assert.equal(await browser.installExtension(FF_DIR), ADDON_ID);
    const ext = await browser.newPage();
    await openExtensionPage(ext, '/popup.html');

    // 1. Firefox grants the content script's <all_urls> at install: every loopback origin is covered.
    const atInstall = await extEval<{ origins: string[] }>(ext, 'browser.permissions.getAll()');
    assert.ok(atInstall.origins.includes('<all_urls>'), `<all_urls> granted at install: ${JSON.stringify(atInstall.origins)}`);
    assert.equal(await extEval(ext, `browser.permissions.contains({ origins: ['http://localhost/*'] })`), true);

    // 2. The user withholds it (about:addons), then allows only the page's own site (trusted click → request).
    assert.equal(await extEval(ext, `browser.permissions.remove({ origins: ['<all_urls>'] })`), true);
    assert.equal(await extEval(ext, `browser.permissions.contains({ origins: ['http://127.0.0.1/*'] })`), false);
    await ext.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'test-allow-page-site';
      b.textContent = 'allow 127.0.0.1';
      b.style.cssText = 'position:fixed;left:0;top:0;width:240px;height:60px;z-index:2147483647';
      const api = (globalThis as unknown as { browser: { permissions: { request(p: { origins: string[] }): Promise<boolean> } } }).browser;
      b.onclick = () => { api.permissions.request({ origins: ['http://127.0.0.1/*'] }).then((g) => { b.dataset.result = String(g); }, (e: Error) => { b.dataset.result = `error: ${e.message}`; }); };
      document.body.append(b);
    });
    await ext.bringToFront();
    await ext.click('#test-allow-page-site');
    await ext.waitForFunction(() => document.querySelector('#test-allow-page-site')?.hasAttribute('data-result'), { timeout: 15_000 })
      .catch(() => { throw new Error('permissions.request for http://127.0.0.1/* did not settle within 15 s'); });
    assert.equal(await ext.$eval('#test-allow-page-site', (e) => (e as HTMLElement).dataset.result), 'true', 'page site granted');
    assert.equal(await extEval(ext, `browser.permissions.contains({ origins: ['http://127.0.0.1/*'] })`), true);
    assert.equal(await extEval(ext, `browser.permissions.contains({ origins: ['http://localhost/*'] })`), false, 'image origin not granted');

    // 3. The feed: the content script runs (page site allowed), every image says "Permission needed".
    const page = await browser.newPage();
    await page.goto(feedUrl, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    const t0 = Date.now();
    const before = await waitBadges(page, 'a settled badge per image without a grant',
      (b) => b.length === imgs.length && b.every((x) => x.state !== 'analysing'), 120_000);
    t.diagnostic(`no grant, ${Date.now() - t0} ms: ${before.map((b) => `${b.state}/${b.label}`).join(', ')}`);
    assert.deepEqual(before.map((b) => b.url).sort(), imgs.map((i) => imageOrigin + i.route).sort(), 'one badge per image');
    for (const b of before) {
      assert.equal(b.state, 'error', `${b.url}: ${b.state}/${b.label}`);
      assert.equal(b.error, 'permission-needed', `${b.url}: ${b.state}/${b.label}`);
      assert.equal(b.probability, undefined);
    }
    for (const i of imgs) assert.equal(server.hits.get(i.route) ?? 0, 1, `${i.route}: fetched by the page only (not by the background)`);

    // 4. The popup for that tab offers exactly the page's and the images' origins; its button grants them.
    const tabId = await extEval<number>(ext, `browser.tabs.query({}).then((ts) => ts.find((t) => t.url === ${JSON.stringify(feedUrl)})?.id ?? -1)`);
    assert.ok(tabId >= 0, `the feed tab (${feedUrl}) is listed by tabs.query`);
    await openExtensionPage(ext, `/popup.html?tabId=${tabId}`);
    await ext.waitForSelector('#grant-button', { timeout: 20_000 })
      .catch(() => { throw new Error('the popup shows no "Allow on this site" button within 20 s'); });
    assert.equal(await ext.$eval('#grant', (e) => e.getAttribute('data-origins')), 'http://127.0.0.1/* http://localhost/*');
    await ext.bringToFront();
    await ext.click('#grant-button');
    await ext.waitForSelector('#grant-result', { timeout: 15_000 })
      .catch(() => { throw new Error('"Allow on this site": permissions.request did not settle within 15 s'); });
    assert.equal(await ext.$eval('#grant-result', (e) => e.textContent), 'Allowed. Checking the images again…');
    assert.equal(await extEval(ext, `browser.permissions.contains({ origins: ['http://localhost/*'] })`), true, 'image origin granted');

    // 5. The grant rescans the tab: every image gets a verdict.
    const t1 = Date.now();
    const after = await waitBadges(page, 'a verdict per image after the grant',
      (b) => b.length === imgs.length && b.every((x) => x.state !== 'analysing' && x.error !== 'permission-needed'), 120_000);
    t.diagnostic(`after the grant, ${Date.now() - t1} ms: ${after.map((b) => `${b.state}/${b.label}/${b.probability}`).join(', ')}`);
    assert.deepEqual(after.map((b) => b.url).sort(), imgs.map((i) => imageOrigin + i.route).sort(), 'one badge per image after the rescan');
    for (const b of after) {
      assert.equal(b.state, 'done', `${b.url} after the grant: ${b.state}/${b.label}`);
      assert.ok(['real', 'synthetic', 'unsure'].includes(b.label), `${b.url}: label ${b.label}`);
      assert.ok(typeof b.probability === 'number' && b.probability >= 0 && b.probability <= 1, `${b.url}: probability ${b.probability}`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
  }
});
