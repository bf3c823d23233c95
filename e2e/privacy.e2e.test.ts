/**
 * Privacy: during a feed run nothing leaves the device except the image fetches themselves (from their
 * own URLs on 127.0.0.1) and the page the user opened.
 *
 * Two independent nets:
 * 1. Every byte the browser sends goes through a recording HTTP proxy (`helpers/proxy.ts`: `--proxy-server`, with
 *    `<-loopback>` so even 127.0.0.1 goes through it); the proxy forwards only to the feed server and
 *    refuses everything else (CONNECT tunnels included), recording each request. This sees requests of
 *    every process (browser, renderer, extension worker), not only those of attached targets.
 * 2. CDP `Network.requestWillBeSent` on every target (the page, the extension service worker, and any
 *    target created later), so each request is attributed to who made it: the worker may only load its own
 *    `chrome-extension://` files and the images; the page only itself and its images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CDPSession, Target } from 'puppeteer-core';
import { launchWithExtension } from './helpers/browser';
import { feedHtml, generatedImages, startFeedServer } from './helpers/feed';
import { waitForAllBadges } from './helpers/page';
import { BROWSER_SERVICE, startRecordingProxy } from './helpers/proxy';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

test('privacy: only the images (and the page) are fetched during a feed run', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const imgs = await generatedImages(5);
  const server = await startFeedServer(imgs);
  server.setPage('/feed', feedHtml(imgs.map((i) => ({ src: i.route, alt: i.source }))));
  const feedHost = new URL(server.origin).host;

  const proxy = await startRecordingProxy(feedHost);
  const proxied = proxy.seen;

  const model = await testModelDir();
  const l = await launchWithExtension(EXT_DIR, { args: proxy.chromiumArgs });
  const seen: Array<{ target: string; url: string }> = [];
  const sessions: CDPSession[] = [];
  const watch = async (target: Target) => {
    const type = target.type();
    if (!['page', 'service_worker', 'background_page', 'other', 'shared_worker', 'webview'].includes(type)) return;
    try {
      const s = await target.createCDPSession();
      sessions.push(s);
      const label = `${type} ${target.url().slice(0, 80)}`;
      s.on('Network.requestWillBeSent', (e: { request: { url: string } }) => { seen.push({ target: label, url: e.request.url }); });
      await s.send('Network.enable');
      await s.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    } catch { /* target gone */ }
  };
  try {
    await prepareWorker(l, model);
    for (const target of l.browser.targets()) await watch(target);
    l.browser.on('targetcreated', (target: Target) => void watch(target));
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/feed`, { waitUntil: 'domcontentloaded' });
    const { badges } = await waitForAllBadges(page, 120_000);
    assert.equal(badges.length, imgs.length);
    for (const b of badges) assert.equal(b.state, 'done', `${b.url}: ${b.state}/${b.label}`);
    const popup = await l.browser.newPage(); // the popup too
    await popup.goto(`chrome-extension://${l.extensionId}/popup.html`);
    await new Promise((r) => setTimeout(r, 2000));

    const allowed = new Set([`${server.origin}/feed`, `${server.origin}/favicon.ico`, ...imgs.map((i) => server.origin + i.route)]);
    const outside = proxied.filter((p) => {
      const m = /^(\w+) (.*)$/.exec(p)!;
      return m[1] === 'CONNECT' || !allowed.has(m[2]!);
    });
    // Chromium's own background services (time sync, component/extension updater, sign-in) still call
    // Google despite --disable-background-networking/--disable-component-update/--disable-sync. They are
    // the browser's, not the extension's: none of them appears on any target's CDP log (checked below).
    const browserOwn = outside.filter((p) => BROWSER_SERVICE.test(p));
    if (browserOwn.length) t.diagnostic(`Chromium's own service requests (not the extension's): ${browserOwn.map((p) => p.slice(0, 70)).join(' | ')}`);
    for (const p of browserOwn) {
      const host = /^(?:CONNECT |\w+ https?:\/\/)([^/:]+)/.exec(p)![1]!;
      assert.ok(!seen.some((s) => s.url.includes(host)), `${host} was requested by a page or extension target`);
    }
    outside.splice(0, outside.length, ...outside.filter((p) => !BROWSER_SERVICE.test(p)));
    t.diagnostic(`proxy saw ${proxied.length} requests; CDP saw ${seen.length} on ${new Set(seen.map((s) => s.target)).size} targets`);
    assert.deepEqual(outside, [], 'requests through the proxy other than the page and its images');
    assert.ok(proxied.some((p) => p.includes('/img/')), 'the proxy did see the image fetches (the net works)');
    const ext = `chrome-extension://${l.extensionId}/`;
    // Only network schemes can leave the device (chrome://, chrome-extension://, data:, blob: are local).
    const bad = seen.filter((s) => /^(https?|wss?|ftp):/i.test(s.url) && !allowed.has(s.url));
    assert.deepEqual(bad, [], 'requests seen by CDP outside the extension package, the page and its images');
    const sw = seen.filter((s) => s.target.startsWith('service_worker'));
    t.diagnostic(`worker requests: ${sw.filter((s) => !s.url.startsWith(ext)).length} image fetches, ${sw.filter((s) => s.url.startsWith(ext)).length} package files`);
  } finally {
    for (const s of sessions) await s.detach().catch(() => undefined);
    await l.close();
    proxy.close();
    await server.close();
  }
});
