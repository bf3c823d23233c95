/**
 * Right-click "Check image with SynthScreen" (issue #5), with auto-scan off so that only the menu
 * badges anything. Each case right-clicks the page (a real `contextmenu` event, which the content script
 * records in the capture phase), FORCES a service-worker restart (CDP `ServiceWorker.stopAllWorkers`),
 * then calls the handler the top-level `contextMenus.onClicked` listener calls
 * (`self.__synthscreenTest.onMenuClick`) with the `OnClickData` Chromium would send:
 *
 * - an `<img>` under a transparent overlay: page context, no `srcUrl` → found with `imageAtPoint`;
 * - a CSS `background-image` under an overlay (page context);
 * - a `blob:` image and a `data:` image (image context, `srcUrl` set): the bytes are read in the page
 *   and sent as `classify-bytes`.
 *
 * Each gets a verdict equal (±0.02) to Node's for the same bytes, a badge in the page, and an explanation
 * view tab; the `blob:` one's view resolves the bytes by content hash and shows a heatmap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Target } from 'puppeteer-core';
import { inWorker, launchWithExtension, type Launched } from './helpers/browser';
import { generatedImages, hasSharedData, sharedImages, startFeedServer, type FeedImage } from './helpers/feed';
import { readBadges } from './helpers/page';
import { loadReference } from './helpers/reference';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

interface MenuResult { ok: boolean; value?: { url: string; probability: number; contentHash: string }; error?: { code: string; message: string } }

/** Stops every service worker of the profile and waits until a new instance of ours answers. */
async function forceWorkerRestart(l: Launched): Promise<void> {
  const before = await inWorker<number>(l, 'self.__synthscreenTest.startedAt');
  const ext = await l.browser.newPage();
  await ext.goto(`chrome-extension://${l.extensionId}/options.html`);
  const cdp = await ext.createCDPSession();
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  await ext.close();
  l.startResumer(); // harness artefact: see Launched.startResumer
  try {
    const end = Date.now() + 60_000;
    for (;;) {
      const now = await inWorker<number>(l, 'self.__synthscreenTest.startedAt').catch(() => before);
      if (now !== before) return;
      if (Date.now() > end) throw new Error('the service worker did not restart');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    l.stopResumer();
  }
}

/** Right-clicks the centre of `selector` (dispatches a real `contextmenu` through the input pipeline). */
async function rightClick(page: Page, selector: string): Promise<void> {
  const c = await page.$eval(selector, (e) => { const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; });
  await page.mouse.click(c.x, c.y, { button: 'right' });
}

test('context menu after a forced worker restart: image under an overlay, CSS background, blob: and data: images', { skip: skipReason(), timeout: 420_000 }, async (t) => {
  const base: FeedImage[] = hasSharedData() ? await sharedImages(2) : await generatedImages(2);
  const imgs = base.map((im, i) => ({ ...im, route: `/m/${i}${im.route.slice(im.route.lastIndexOf('.'))}` }));
  const server = await startFeedServer(imgs);
  const dataUrl = `data:${imgs[3]!.contentType};base64,${imgs[3]!.bytes.toString('base64')}`;
  server.setPage('/menu', `<!doctype html><html><head><meta charset="utf-8"><style>
    body{margin:0} .case{position:absolute;width:240px;height:240px} .cover{position:absolute;inset:0;background:transparent;z-index:2}
    #c1{left:10px;top:10px} #c2{left:270px;top:10px} #c3{left:10px;top:270px} #c4{left:270px;top:270px}
    .case img{display:block;width:240px;height:240px;object-fit:cover}
  </style></head><body>
    <div id="c1" class="case"><img id="photo" src="${imgs[0]!.route}" alt=""><div class="cover" id="cover1"></div></div>
    <div id="c2" class="case"><div id="bg" style="width:240px;height:240px;background:url('${imgs[1]!.route}') center/cover"></div><div class="cover" id="cover2"></div></div>
    <div id="c3" class="case"><img id="blob" alt=""></div>
    <div id="c4" class="case"><img id="data" src="${dataUrl}" alt=""></div>
    <script>
      fetch('${imgs[2]!.route}').then((r) => r.blob()).then((b) => { document.getElementById('blob').src = URL.createObjectURL(b); });
    </script>
  </body></html>`);
  const model = await testModelDir();
  const ref = await loadReference(model.dir);
  const l = await launchWithExtension(EXT_DIR);
  try {
    const st = await prepareWorker(l, model);
    t.diagnostic(`model ${st.model} on ${st.backend}`);
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 2, autoScan: false, explainMethod: 'gradcam' } })`);
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/menu`, { waitUntil: 'load' });
    await page.waitForFunction(() => (document.getElementById('blob') as HTMLImageElement).complete && (document.getElementById('blob') as HTMLImageElement).naturalWidth > 0, { timeout: 15_000 });
    const blobUrl = await page.$eval('#blob', (e) => (e as HTMLImageElement).src);
    assert.match(blobUrl, /^blob:/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await readBadges(page)).length, 0, 'auto-scan is off: no badge before the menu');
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(`${server.origin}/menu`)} }).then((t) => t[0].id)`);

    const cases = [
      { name: 'img under a transparent overlay', at: '#cover1', info: { pageUrl: `${server.origin}/menu` }, bytes: imgs[0]!.bytes, badgeUrl: server.origin + imgs[0]!.route },
      { name: 'CSS background under an overlay', at: '#cover2', info: { pageUrl: `${server.origin}/menu` }, bytes: imgs[1]!.bytes, badgeUrl: server.origin + imgs[1]!.route },
      { name: 'blob: image', at: '#blob', info: { srcUrl: blobUrl, pageUrl: `${server.origin}/menu` }, bytes: imgs[2]!.bytes, badgeUrl: blobUrl },
      { name: 'data: image', at: '#data', info: { srcUrl: dataUrl, pageUrl: `${server.origin}/menu` }, bytes: imgs[3]!.bytes, badgeUrl: dataUrl },
    ];
    const viewPrefix = `chrome-extension://${l.extensionId}/explain.html`;
    for (const [i, c] of cases.entries()) {
      await page.bringToFront();
      await rightClick(page, c.at);
      const startedBefore = await inWorker<number>(l, 'self.__synthscreenTest.startedAt');
      await forceWorkerRestart(l);
      const opened = l.browser.waitForTarget((tg: Target) => tg.type() === 'page' && tg.url().startsWith(viewPrefix), { timeout: 60_000 });
      const info = { menuItemId: 'synthscreen-check-image', ...c.info };
      const t0 = Date.now();
      const r = await inWorker<MenuResult>(l, `self.__synthscreenTest.onMenuClick(${JSON.stringify(info)}, { id: ${tabId} })`, 180_000);
      assert.notEqual(await inWorker<number>(l, 'self.__synthscreenTest.startedAt'), startedBefore, `${c.name}: the worker really restarted`);
      assert.equal(r.ok, true, `${c.name}: ${JSON.stringify(r.error)}`);
      const v = r.value!;
      const p = await ref.probability(c.bytes);
      t.diagnostic(`${c.name}: p=${v.probability.toFixed(4)} (node ${p.toFixed(4)}) in ${Date.now() - t0} ms after the restart`);
      assert.ok(v.probability >= 0 && v.probability <= 1);
      assert.ok(Math.abs(v.probability - p) <= 0.02, `${c.name}: ${v.probability} vs node ${p}`);
      assert.match(v.contentHash, /^[0-9a-f]{64}$/);
      // The page shows a badge for it (one per case so far).
      const badges = await readBadges(page);
      assert.equal(badges.length, i + 1, `${c.name}: one more badge`);
      const b = badges.find((x) => x.url === c.badgeUrl);
      assert.ok(b, `${c.name}: badge for ${c.badgeUrl.slice(0, 60)}`);
      assert.equal(b!.state, 'done');
      assert.ok(Math.abs(b!.probability! - v.probability) < 1e-5);
      // And the explanation view opened for it; page-read bytes travel by content hash.
      const view = (await (await opened).page())!;
      const q = new URL(view.url()).searchParams;
      if (c.badgeUrl.startsWith('blob:') || c.badgeUrl.startsWith('data:')) assert.equal(q.get('hash'), v.contentHash);
      else assert.equal(q.get('url'), c.badgeUrl);
      assert.ok(Math.abs(Number(q.get('p')) - v.probability) < 1e-5);
      if (c.badgeUrl.startsWith('blob:')) {
        // The default view (issue 12): the verdict's evidence map, which the view gets by content hash.
        await view.waitForSelector('canvas[data-method="evidence"]', { timeout: 60_000 });
        const shown = await view.$eval('.explain-view figure img', (e) => ({ src: (e as HTMLImageElement).src, w: (e as HTMLImageElement).naturalWidth }));
        assert.match(shown.src, new RegExp(`^blob:chrome-extension://${l.extensionId}/`), 'the view shows its own copy of the bytes');
        assert.ok(shown.w > 0);
        // The canvas is drawn in an effect after it mounts: wait (bounded) for its first pixels.
        await view.waitForFunction(() => {
          const c2 = document.querySelector('canvas[data-method="evidence"]') as HTMLCanvasElement | null;
          const d = c2?.getContext('2d')?.getImageData(0, 0, c2.width, c2.height).data;
          return !!d && d.some((x, k) => k % 4 === 3 && x > 0);
        }, { timeout: 10_000 }).catch(async () => t.diagnostic(`evidence canvas empty; status: ${await view.$eval('.explain-view .status', (e) => e.textContent)}`));
        const cells = await view.$eval('canvas[data-method="evidence"]', (cv) => {
          const c2 = cv as HTMLCanvasElement;
          const d = c2.getContext('2d')!.getImageData(0, 0, c2.width, c2.height).data;
          let n = 0;
          for (let k = 3; k < d.length; k += 4) if (d[k]! > 0) n++;
          return n;
        });
        assert.ok(cells > 0, 'an evidence map for the page-read image');
      }
      await view.close();
    }

    // No image where the menu was opened: an error, no badge, no view.
    await page.bringToFront();
    await page.mouse.click(700, 700, { button: 'right' });
    const none = await inWorker<MenuResult>(l, `self.__synthscreenTest.onMenuClick({ menuItemId: 'synthscreen-check-image', pageUrl: ${JSON.stringify(`${server.origin}/menu`)} }, { id: ${tabId} }, { openView: false })`);
    assert.equal(none.ok, false);
    assert.match(none.error!.message, /no image found/);
    assert.equal((await readBadges(page)).length, cases.length);
    // Another menu item is not ours.
    assert.equal(await inWorker(l, `self.__synthscreenTest.onMenuClick({ menuItemId: 'other' }, { id: ${tabId} }).then((r) => r === undefined)`), true);
  } finally {
    await l.close();
    await server.close();
    ref.detector.dispose();
  }
});
