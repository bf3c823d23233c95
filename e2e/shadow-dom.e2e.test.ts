/**
 * Issue 13, item 6 ("shadow DOM"), on the product's own scanner (not a helper): images inside open shadow
 * roots get badges — a root attached 2 s after load to an element already in the page (found by the
 * periodic rescan), one with alt="avatar", a custom element that attaches its root in `connectedCallback`
 * — while an image in a closed root stays out of reach (documented in docs/security.md). The page is the
 * review's reproduction (`shadow-dom.html`: 0 badges of 4 before).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { readBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

test('item 6: images in open shadow roots are badged by the scanner; the closed root stays out', { skip: skipReason(), timeout: 240_000 }, async () => {
  const imgs: FeedImage[] = [{ route: '/a.png', bytes: await noiseImage(6060, 300, 200), contentType: 'image/png', source: 'a', expect: 'verdict' }];
  const server = await startFeedServer(imgs);
  server.setPage('/shadow', `<!doctype html><html><body>
<div id="host-open"></div><div id="host-closed"></div><div id="host-avatar"></div>
<script>
  setTimeout(() => {
    document.getElementById('host-open').attachShadow({ mode: 'open' }).innerHTML = '<img src="/a.png?open" width="300" alt="photo">';
    document.getElementById('host-closed').attachShadow({ mode: 'closed' }).innerHTML = '<img src="/a.png?closed" width="300" alt="photo">';
    document.getElementById('host-avatar').attachShadow({ mode: 'open' }).innerHTML = '<img src="/a.png?avatar" width="300" alt="avatar">';
  }, 2000);
  customElements.define('x-card', class extends HTMLElement { connectedCallback() { this.attachShadow({ mode: 'open' }).innerHTML = '<img src="/a.png?card" width="300" alt="photo">'; } });
  setTimeout(() => document.body.append(document.createElement('x-card')), 2500);
</script></body></html>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/shadow`, { waitUntil: 'load' });
    const want = ['open', 'avatar', 'card'].map((q) => `${server.origin}/a.png?${q}`).sort();
    const end = Date.now() + 60_000;
    let badges = await readBadges(page);
    while (Date.now() < end) {
      badges = await readBadges(page);
      if (badges.length >= 3 && badges.every((b) => b.state === 'done')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 2500)); // one more rescan period: nothing else appears
    badges = await readBadges(page);
    assert.deepEqual(badges.map((b) => b.url).sort(), want, JSON.stringify(badges));
    assert.ok(badges.every((b) => b.state === 'done' && Number.isFinite(b.probability)), JSON.stringify(badges));
  } finally {
    await l.close();
    await server.close();
  }
});
