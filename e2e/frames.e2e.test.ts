/**
 * Issue 13, item 6 ("frames"): the content script runs in every frame (`all_frames`, `match_about_blank`,
 * `match_origin_as_fallback`), so images in a same-origin iframe, a cross-origin iframe (another local
 * port), a `srcdoc` frame and a script-filled `about:blank` frame get badges in their own frame, and the
 * background's list for the popup holds them with the top frame's images. The review measured 0 badges in
 * frames before (content script in the top frame only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'puppeteer-core';
import { inWorker, launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

declare const chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };

const badgesIn = (f: Frame) => f.evaluate(() => Array.from(document.querySelectorAll('[data-synthscreen-url]')).map((h) => ({
  url: h.getAttribute('data-synthscreen-url') ?? '', state: h.getAttribute('data-synthscreen-state') ?? '', probability: Number(h.getAttribute('data-synthscreen-probability')),
}))).catch(() => []);

test('item 6: images in same-origin, cross-origin, srcdoc and about:blank iframes are badged in their frame', { skip: skipReason(), timeout: 240_000 }, async () => {
  const img = (route: string, seed: number): FeedImage => ({ route, bytes: Buffer.alloc(0), contentType: 'image/png', source: route, expect: 'verdict', alt: String(seed) });
  const top = await startFeedServer([]);
  const other = await startFeedServer([]);
  const images: Array<[typeof top, FeedImage]> = [
    [top, img('/top.png', 11)], [top, img('/same.png', 12)], [other, img('/cross.png', 13)], [top, img('/srcdoc.png', 14)], [top, img('/blank.png', 15)],
  ];
  for (const [s, i] of images) s.add({ ...i, bytes: await noiseImage(Number(i.alt), 200, 160) });
  top.setPage('/frame', '<!doctype html><body><img src="/same.png" width="200"></body>');
  other.setPage('/frame', '<!doctype html><body><img src="/cross.png" width="200"></body>');
  top.setPage('/page', `<!doctype html><html><body>
<img src="/top.png" width="200">
<iframe id="same" src="/frame" width="300" height="220"></iframe>
<iframe id="cross" src="${other.origin}/frame" width="300" height="220"></iframe>
<iframe id="srcdoc" srcdoc="<img src='${top.origin}/srcdoc.png' width=200>" width="300" height="220"></iframe>
<iframe id="blank" width="300" height="220"></iframe>
<script>
  const d = document.getElementById('blank').contentDocument;
  d.body.innerHTML = '<img src="${top.origin}/blank.png" width="200">';
</script>
</body></html>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    const page = await l.browser.newPage();
    await page.goto(`${top.origin}/page`, { waitUntil: 'load' });
    const want = ['/top.png', '/same.png', '/cross.png', '/srcdoc.png', '/blank.png'];
    let found: Record<string, { frame: string; state: string; count: number }> = {};
    const end = Date.now() + 90_000;
    while (Date.now() < end) {
      found = {};
      for (const f of page.frames()) {
        for (const b of await badgesIn(f)) {
          const p = new URL(b.url).pathname;
          found[p] = { frame: f === page.mainFrame() ? 'top' : (await f.evaluate(() => location.href).catch(() => '?')), state: b.state, count: (found[p]?.count ?? 0) + 1 };
        }
      }
      if (want.every((p) => found[p]?.state === 'done')) break;
      await new Promise((r) => setTimeout(r, 400));
    }
    const info = JSON.stringify(found);
    for (const p of want) assert.equal(found[p]?.state, 'done', `${p}: ${info}`);
    for (const p of want) assert.equal(found[p]!.count, 1, `one badge for ${p}: ${info}`);
    assert.equal(found['/top.png']!.frame, 'top');
    assert.equal(found['/same.png']!.frame, `${top.origin}/frame`, info);
    assert.equal(found['/cross.png']!.frame, `${other.origin}/frame`, info);
    assert.equal(found['/srcdoc.png']!.frame, 'about:srcdoc', info);
    assert.equal(found['/blank.png']!.frame, 'about:blank', info);
    // The background's list for the popup holds every frame's images, with its own verdicts.
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(`${top.origin}/page`)} }).then((t) => t[0].id)`);
    const popup = await l.browser.newPage();
    await popup.goto(`chrome-extension://${l.extensionId}/popup.html?tabId=${tabId}`);
    let listed: Array<{ url: string; status: string }> = [];
    for (let i = 0; i < 20; i++) {
      listed = ((await popup.evaluate((id) => chrome.runtime.sendMessage({ type: 'get-tab-images', tabId: id }), tabId)) as { value: typeof listed }).value;
      if (listed.length >= want.length && listed.every((x) => x.status === 'done')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(listed.map((x) => new URL(x.url).pathname).sort(), [...want].sort(), JSON.stringify(listed));
    assert.ok(listed.every((x) => x.status === 'done'), JSON.stringify(listed));
  } finally {
    await l.close();
    await top.close();
    await other.close();
  }
});

test('item 6: a top-level blob: page made by a matching origin is badged (match_origin_as_fallback); a top-level data: page is not', { skip: skipReason(), timeout: 180_000 }, async () => {
  const s = await startFeedServer([{ route: '/a.png', bytes: await noiseImage(21, 200, 160), contentType: 'image/png', source: 'a', expect: 'verdict' }]);
  s.setPage('/go', `<!doctype html><body><script>
const html = '<!doctype html><body><img src="' + location.origin + '/a.png" width=200></body>';
location.href = URL.createObjectURL(new Blob([html], { type: 'text/html' }));</script></body>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    const page = await l.browser.newPage();
    await page.goto(`${s.origin}/go`);
    let states: string[] = [];
    for (let i = 0; i < 60 && !states.includes('done'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      states = (await badgesIn(page.mainFrame())).map((b) => b.state);
    }
    assert.match(page.url(), /^blob:http:\/\/127\.0\.0\.1:/);
    assert.deepEqual(states, ['done']);
    const p2 = await l.browser.newPage();
    await p2.goto(`data:text/html,<img src="${s.origin}/a.png" width=200>`);
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(await badgesIn(p2.mainFrame()), [], 'opaque-origin data: pages stay out (docs/security.md)');
  } finally {
    await l.close();
    await s.close();
  }
});
