/**
 * Image discovery on a changing page: images added later, lazy `data-src` → `src` swaps, `srcset`
 * (`currentSrc`), `data:` and `blob:` images (bytes read in the page, `classify-bytes`), and a page with
 * auto-scan off where only the context menu checks an image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { readBadges } from './helpers/page';
import { loadReference } from './helpers/reference';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('dynamic pages: added images, lazy swaps, srcset, data: and blob: URLs, context menu', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const imgs: FeedImage[] = [];
  for (let i = 0; i < 6; i++) imgs.push({ route: `/d/${i}.png`, bytes: await noiseImage(4242 + i, 200, 160), contentType: 'image/png', source: `noise ${i}`, expect: 'verdict' });
  const server = await startFeedServer(imgs);
  const dataUrl = `data:image/png;base64,${imgs[4]!.bytes.toString('base64')}`;
  server.setPage('/dyn', `<!doctype html><html><body>
    <img id="lazy" data-src="/d/0.png" width="200" height="160" alt="lazy">
    <img id="srcset" srcset="/d/1.png 1x, /d/5.png 2x" width="200" alt="srcset">
    <img id="data" src="${dataUrl}" width="200" alt="data url">
    <div id="later"></div>
    <script>
      setTimeout(() => { const i = document.getElementById('lazy'); i.src = i.dataset.src; }, 800);
      setTimeout(() => { const i = document.createElement('img'); i.id = 'added'; i.src = '/d/2.png'; document.getElementById('later').append(i); }, 1200);
      setTimeout(async () => {
        const b = await (await fetch('/d/3.png')).blob();
        const i = document.createElement('img'); i.id = 'blob'; i.src = URL.createObjectURL(b); document.getElementById('later').append(i);
      }, 1500);
    </script></body></html>`);
  server.setPage('/off', `<!doctype html><html><body><img id="one" src="/d/5.png" width="200"></body></html>`);
  const model = await testModelDir();
  const ref = await loadReference(model.dir);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/dyn`, { waitUntil: 'domcontentloaded' });
    const badges = await waitFor(async () => {
      const b = await readBadges(page);
      return b.length === 5 && b.every((x) => x.state === 'done') ? b : undefined;
    }, 60_000, '5 final badges');
    const urls = badges.map((b) => b.url);
    assert.ok(urls.includes(`${server.origin}/d/0.png`), 'lazy image badged with its swapped-in src');
    assert.ok(urls.includes(`${server.origin}/d/1.png`), 'srcset image badged with currentSrc (1x at DPR 1)');
    assert.ok(urls.includes(`${server.origin}/d/2.png`), 'image added later');
    assert.ok(urls.some((u) => u.startsWith('blob:')), 'blob: image');
    assert.ok(urls.some((u) => u.startsWith('data:image/png')), 'data: image');
    const byRoute = new Map(imgs.map((i) => [`${server.origin}${i.route}`, i]));
    for (const b of badges) {
      const src = b.url.startsWith('blob:') ? imgs[3]! : b.url.startsWith('data:') ? imgs[4]! : byRoute.get(b.url)!;
      const p = await ref.probability(src.bytes);
      assert.ok(Math.abs(p - b.probability!) <= 0.02, `${b.url.slice(0, 60)}: ${b.probability} vs node ${p}`);
    }
    // Swap an image's src: its badge follows (one badge, new URL).
    await page.evaluate(() => { (document.getElementById('added') as HTMLImageElement).src = '/d/5.png'; });
    const swapped = await waitFor(async () => {
      const b = await readBadges(page);
      const s = b.find((x) => x.url === `${server.origin}/d/5.png`);
      return s && s.state === 'done' && b.length === 5 && !b.some((x) => x.url === `${server.origin}/d/2.png`) ? s : undefined;
    }, 30_000, 'the swapped badge');
    assert.ok(Math.abs(swapped.probability! - (await ref.probability(imgs[5]!.bytes))) <= 0.02);

    // Auto-scan off: nothing is badged until the context menu asks for one image.
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 2, autoScan: false } })`);
    const off = await l.browser.newPage();
    await off.goto(`${server.origin}/off`, { waitUntil: 'load' });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await readBadges(off)).length, 0, 'no badge with auto-scan off');
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(`${server.origin}/off`)} }).then((t) => t[0].id)`);
    await inWorker(l, `self.__synthscreenTest.onMenuClick({ menuItemId: self.__synthscreenTest.MENU_ID, srcUrl: ${JSON.stringify(`${server.origin}/d/5.png`)} }, { id: ${tabId} })`);
    const one = await waitFor(async () => {
      const b = await readBadges(off);
      return b.length === 1 && b[0]!.state === 'done' ? b[0] : undefined;
    }, 30_000, 'the context-menu badge');
    assert.equal(one.url, `${server.origin}/d/5.png`);
    t.diagnostic(`badged ${badges.length} dynamic images and 1 by context menu`);
  } finally {
    await l.close();
    await server.close();
    ref.detector.dispose();
  }
});
