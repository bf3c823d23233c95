/**
 * Firefox: the dist/test/firefox build installed as a temporary add-on in Debian's firefox-esr through
 * puppeteer-core (WebDriver BiDi, `browser.installExtension`), on a feed served from 127.0.0.1: every
 * image gets exactly one badge with a verdict. Skips when no Firefox is installed
 * (`apt-get install -y firefox-esr`) or the build is missing. See docs/firefox.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { REPO_ROOT, feedHtml, generatedImages, startFeedServer } from './helpers/feed';
import { readBadges } from './helpers/page';

const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
// The test build of the Firefox package: release builds write no `data-synthscreen-*` attributes on badge
// hosts (issue 13, item 7), and `readBadges` reads them.
const FF_DIR = join(REPO_ROOT, 'dist', 'test', 'firefox');
const skip = !FIREFOX ? 'no Firefox found (apt-get install -y firefox-esr, or set FIREFOX_PATH); Firefox e2e skipped'
  : !existsSync(join(FF_DIR, 'manifest.json')) ? 'dist/test/firefox is missing: run `npm run build` first' : undefined;

test('Firefox: the feed gets one verdict badge per image', { skip, timeout: 240_000 }, async (t) => {
  const imgs = await generatedImages(3);
  const server = await startFeedServer(imgs);
  server.setPage('/feed', feedHtml(imgs.map((i) => ({ src: i.route, alt: i.source }))));
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  try {
    t.diagnostic(`Firefox ${await browser.version()}`);
    const id = await browser.installExtension(FF_DIR);
    assert.equal(id, 'synthscreen@synthscreen.invalid');
    const page = await browser.newPage();
    const t0 = Date.now();
    await page.goto(`${server.origin}/feed`);
    let badges = await readBadges(page);
    while (Date.now() - t0 < 180_000 && !(badges.length >= imgs.length && badges.every((b) => b.state !== 'analysing'))) {
      await new Promise((r) => setTimeout(r, 500));
      badges = await readBadges(page);
    }
    t.diagnostic(`load to last badge: ${Date.now() - t0} ms; states: ${badges.map((b) => `${b.state}/${b.label}`).join(', ')}`);
    assert.equal(badges.length, imgs.length, 'one badge per image');
    for (const img of imgs) {
      const b = badges.filter((x) => x.url === server.origin + img.route);
      assert.equal(b.length, 1, img.route);
      assert.equal(b[0]!.state, 'done', `${img.route}: ${b[0]!.state}/${b[0]!.label}`);
      assert.ok(b[0]!.probability! >= 0 && b[0]!.probability! <= 1);
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
