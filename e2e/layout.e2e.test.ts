/**
 * Badges that fit social layouts, screen-reader summary and the actionable *Permission needed* badge (issue
 * #12), in Chromium with the test build. Geometry is read from the page: a badge host's box (its button, the
 * shadow root is closed) against its image's box, the viewport, every clipping ancestor's padding box and the
 * page's text nodes (`Range.getClientRects`).
 *
 * - social-profile.html: avatars at 24, 40, 64 px get the compact dot, the 400 px photo the full pill; no badge
 *   overlaps a text node, and every badge lies inside its image.
 * - sticky.html: with a post scrolled half under the sticky header, no badge overlaps the header and every
 *   badge lies in the visible part of its image.
 * - carousel.html: transformed `overflow:hidden` strip and sideways-scrolled `overflow-x:auto` strip: no badge
 *   area outside the visible part of its image; slides out of view show no badge.
 * - A feed with links around each image: one polite summary live region in the accessibility tree, badge
 *   buttons named after their image's alt text, and each badge right after its image in the tab order.
 * - Without host permission: clicking a *Permission needed* badge opens the grant page for that tab.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { inWorker, launchWithExtension } from './helpers/browser';
import { generatedImages, startFeedServer } from './helpers/feed';
import { waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { startFixtureServer } from './fixtures/sites/server';

interface Box { left: number; top: number; right: number; bottom: number }
/** `shown`: drawn (not hidden); `onScreen`: and inside the viewport. */
interface Geo { url: string; alt: string; shown: boolean; onScreen: boolean; form: string | null; badge: Box; img: Box; visible: Box | null }

/** Every badge with its image's box and visible part (image ∩ viewport ∩ clipping ancestors' padding boxes). */
function geometry(page: Page): Promise<Geo[]> {
  // A string, not a function: tsx would wrap the inner helpers in `__name`, which the page does not have.
  return page.evaluate(`(() => {
    const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const cut = (a, b) => {
      if (!a) return null;
      const r = { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
      return r.right > r.left && r.bottom > r.top ? r : null;
    };
    return [...document.querySelectorAll('[data-synthscreen-url]')].map((h) => {
      const url = h.getAttribute('data-synthscreen-url') ?? '';
      const img = [...document.images].find((i) => (i.currentSrc || i.src) === url);
      const ir = img.getBoundingClientRect();
      let visible = cut(box(ir), { left: 0, top: 0, right: document.documentElement.clientWidth, bottom: document.documentElement.clientHeight });
      for (let e = img.parentElement; e && e !== document.body; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
        const r = e.getBoundingClientRect();
        visible = cut(visible, { left: r.left + e.clientLeft, top: r.top + e.clientTop, right: r.left + e.clientLeft + e.clientWidth, bottom: r.top + e.clientTop + e.clientHeight });
      }
      const shown = h.hasAttribute('data-synthscreen-shown') && getComputedStyle(h).visibility === 'visible';
      const b = box(h.getBoundingClientRect());
      const onScreen = !!cut(b, { left: 0, top: 0, right: document.documentElement.clientWidth, bottom: document.documentElement.clientHeight });
      return { url, alt: img.alt, shown, onScreen, form: h.getAttribute('data-synthscreen-form'), badge: b, img: box(ir), visible };
    });
  })()`) as Promise<Geo[]>;
}

const inside = (a: Box, b: Box | null, tol = 0.5) => !!b && a.left >= b.left - tol && a.top >= b.top - tol && a.right <= b.right + tol && a.bottom <= b.bottom + tol;
const overlaps = (a: Box, b: Box) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
const fmt = (b: Box | null) => (b ? `[${Math.round(b.left)},${Math.round(b.top)} → ${Math.round(b.right)},${Math.round(b.bottom)}]` : 'none');

/** Two animation frames: the scanner places badges on the frame after a scroll or a verdict. */
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Waits until every image has a final badge, then until placement settles. */
async function settle(page: Page): Promise<Geo[]> {
  await waitForAllBadges(page, 120_000);
  await new Promise((r) => setTimeout(r, 300));
  await frames(page);
  return geometry(page);
}

/**
 * Every badge drawn on screen lies in the visible part of its image. A badge whose image is scrolled out of the
 * viewport stays in its image's corner off screen (where screen readers and Tab still find it), inside the image.
 */
function assertInside(geo: Geo[], what: string): void {
  for (const g of geo) {
    if (!g.shown) continue;
    if (g.onScreen) assert.ok(inside(g.badge, g.visible), `${what}: badge of ${g.alt} ${fmt(g.badge)} outside the visible part of its image ${fmt(g.visible)}`);
    else assert.ok(!g.visible && inside(g.badge, g.img), `${what}: off-screen badge of ${g.alt} ${fmt(g.badge)} not in its image ${fmt(g.img)} / visible ${fmt(g.visible)}`);
  }
}

test('badges fit social layouts; one summary live region; Permission needed opens the grant page', { skip: skipReason(), timeout: 420_000 }, async (t) => {
  const fixtures = await startFixtureServer();
  const imgs = await generatedImages(2);
  const feed = await startFeedServer(imgs);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    // Every badge drawn (the fixtures' flat images are "Not enough detail", which definite-only would hide).
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 4, definiteOnly: false } })`);

    // 1. Social profile: compact dots on avatars, no text covered.
    const page = await l.browser.newPage();
    await page.goto(`${fixtures.origin}/sites/social-profile.html`, { waitUntil: 'load' });
    const geo = await settle(page);
    assert.equal(geo.length, 4, 'one badge per avatar');
    const bySize = new Map(geo.map((g) => [Math.round(g.img.right - g.img.left), g]));
    for (const side of [24, 40, 64]) {
      const g = bySize.get(side)!;
      assert.ok(g.shown, `${side} px avatar badge shown`);
      assert.equal(g.form, 'compact', `${side} px avatar gets the compact form`);
      assert.ok(g.badge.right - g.badge.left <= 14 && g.badge.bottom - g.badge.top <= 14, `${side} px: dot ${fmt(g.badge)}`);
    }
    assert.equal(bySize.get(400)!.form, 'full', 'the 400 px photo gets the full pill');
    assertInside(geo, 'profile');
    const textBoxes = await page.evaluate(() => {
      const out: Array<{ text: string; left: number; top: number; right: number; bottom: number }> = [];
      const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) {
        if (!n.textContent?.trim() || n.parentElement?.closest('script,style')) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) out.push({ text: n.textContent.trim().slice(0, 30), left: r.left, top: r.top, right: r.right, bottom: r.bottom });
      }
      return out;
    });
    assert.ok(textBoxes.length >= 8, `the page's text was measured (${textBoxes.length} boxes)`);
    for (const g of geo.filter((x) => x.shown && x.onScreen)) {
      for (const tb of textBoxes) assert.ok(!overlaps(g.badge, tb), `badge of ${g.alt} ${fmt(g.badge)} overlaps text "${tb.text}" ${fmt(tb)}`);
    }
    t.diagnostic(`profile: ${geo.map((g) => `${Math.round(g.img.right - g.img.left)}px→${g.form} ${fmt(g.badge)}`).join(', ')}`);

    // 2. Sticky header: post 1 scrolled half under it.
    await page.goto(`${fixtures.origin}/sites/sticky.html`, { waitUntil: 'load' });
    await settle(page);
    await page.evaluate(() => {
      const img = document.querySelector('#p1 img')!;
      window.scrollBy(0, img.getBoundingClientRect().top - 20); // its top 44 px under the 64 px header
    });
    await new Promise((r) => setTimeout(r, 200));
    await frames(page);
    const sticky = await geometry(page);
    const header = await page.$eval('#header', (h) => { const r = h.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; });
    assertInside(sticky, 'sticky');
    for (const g of sticky.filter((x) => x.shown && x.onScreen)) assert.ok(!overlaps(g.badge, header), `badge of ${g.alt} ${fmt(g.badge)} drawn over the sticky header ${fmt(header)}`);
    const p1 = sticky.find((g) => g.alt === 'post 1')!;
    assert.ok(p1.shown && p1.badge.top >= header.bottom, `the half-covered post's badge moved below the header: ${fmt(p1.badge)}`);
    const p0 = sticky.find((g) => g.alt === 'post 0')!;
    assert.equal(p0.shown && p0.onScreen, false, 'a post scrolled out of view shows no badge on screen');
    t.diagnostic(`sticky: post 1 badge ${fmt(p1.badge)}, header ${fmt(header)}`);

    // 3. Carousels.
    await page.goto(`${fixtures.origin}/sites/carousel.html`, { waitUntil: 'load' });
    const car = await settle(page);
    assertInside(car, 'carousel');
    const shownAlts = car.filter((g) => g.shown).map((g) => g.alt).sort();
    for (const g of car) if (!g.visible) assert.equal(g.shown, false, `${g.alt} is clipped away and shows no badge`);
    assert.ok(shownAlts.includes('slide 1') && shownAlts.includes('card 1'), `badges on the visible slides: ${shownAlts.join(', ')}`);
    for (const alt of ['slide 2', 'slide 3']) assert.ok(!shownAlts.includes(alt), `${alt} lies wholly outside the strip: no badge`);
    t.diagnostic(`carousel: shown ${shownAlts.join(', ')}`);

    // 4. Screen readers and tab order on a feed with verdicts.
    feed.setPage('/a11y', `<!doctype html><html lang="en"><head><title>a11y</title></head><body>${imgs.slice(0, 3).map((im, i) =>
      `<p><a href="#b${i}" id="before-${i}">before ${i}</a></p><img src="${im.route}" alt="photo ${i}" width="240"><p><a href="#a${i}" id="after-${i}">after ${i}</a></p>`).join('\n')}</body></html>`);
    await page.goto(`${feed.origin}/a11y`, { waitUntil: 'load' });
    const { badges } = await waitForAllBadges(page, 120_000);
    assert.ok(badges.every((b) => b.state === 'done'), 'verdicts for the generated images');
    await page.waitForFunction(() => /^SynthScreen checked 3 images:/.test(document.querySelector('synthscreen-summary')?.getAttribute('data-synthscreen-summary') ?? ''), { timeout: 10_000 });
    const snap = await page.accessibility.snapshot({ interestingOnly: true });
    const nodes: Array<{ role?: string; name?: string }> = [];
    const walk = (n: { role?: string; name?: string; children?: unknown[] } | null | undefined) => {
      if (!n) return;
      nodes.push(n);
      for (const c of (n.children ?? []) as typeof n[]) walk(c);
    };
    walk(snap as never);
    const live = nodes.filter((n) => n.role === 'status' || n.role === 'alert' || n.role === 'log');
    assert.equal(live.length, 1, `exactly one live region: ${live.map((n) => `${n.role}:${n.name}`).join(' | ')}`);
    const summary = await page.$eval('synthscreen-summary', (h) => h.getAttribute('data-synthscreen-summary'));
    t.diagnostic(`summary: ${summary}`);
    const named = nodes.filter((n) => n.role === 'button' && /^photo \d: .*Explain this verdict$/.test(n.name ?? ''));
    assert.equal(named.length, 3, `badge buttons named after their image: ${nodes.filter((n) => n.role === 'button').map((n) => n.name).join(' | ')}`);
    for (let i = 0; i < 3; i++) {
      await page.focus(`#before-${i}`);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-synthscreen-url') ?? document.activeElement?.id ?? null);
      assert.equal(focused, feed.origin + imgs[i]!.route, `Tab from the link before image ${i} reaches its badge`);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id ?? null), `after-${i}`, `the badge of image ${i} is followed by the link after it`);
    }

    // Badge corner and blur of flagged images (options): bottom-right, and images flagged AI-generated blurred
    // until clicked.
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 4, definiteOnly: false, badgePosition: 'bottom-right', blurFlagged: true } })`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await new Promise((r) => setTimeout(r, 500));
    await frames(page);
    const corner = (await geometry(page)).filter((g) => g.shown && g.onScreen && g.visible);
    assert.ok(corner.length > 0, 'some badges on screen');
    for (const g of corner) {
      assert.ok(Math.abs(g.badge.right - (g.visible!.right - 4)) <= 1 && Math.abs(g.badge.bottom - (g.visible!.bottom - 4)) <= 1,
        `${g.alt}: badge ${fmt(g.badge)} in the bottom-right corner of ${fmt(g.visible)}`);
    }
    const blur = await page.evaluate(() => [...document.querySelectorAll('[data-synthscreen-url]')].map((h) => {
      const img = [...document.images].find((i) => i.src === h.getAttribute('data-synthscreen-url'))!;
      return { url: img.src, verdict: h.getAttribute('data-synthscreen-verdict'), blurred: img.hasAttribute('data-synthscreen-blurred'), filter: img.style.filter };
    }));
    for (const b of blur) {
      const flagged = b.verdict === 'synthetic' || b.verdict === 'ai-generated' || b.verdict === 'ai-generated-metadata';
      assert.equal(b.blurred, flagged, `${b.url} (${b.verdict}) blurred iff flagged`);
      if (flagged) assert.match(b.filter, /blur\(/);
    }
    const blurred = blur.find((b) => b.blurred);
    t.diagnostic(`blur: ${blur.filter((b) => b.blurred).length} of ${blur.length} images blurred`);
    if (blurred) {
      await page.evaluate((u) => [...document.images].find((i) => i.src === u)!.scrollIntoView({ block: 'center' }), blurred.url);
      const c = await page.evaluate((u) => { const r = [...document.images].find((i) => i.src === u)!.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; }, blurred.url);
      await page.mouse.click(c.x, c.y);
      assert.equal(await page.evaluate((u) => [...document.images].find((i) => i.src === u)!.hasAttribute('data-synthscreen-blurred'), blurred.url), false, 'a click reveals the image');
      assert.equal(new URL(page.url()).hash, '', 'the revealing click did nothing else');
    }

    // 5. Permission needed: clicking the badge opens the grant page for this tab.
    await inWorker(l, 'self.__synthscreenTest.revokeTestGrants()');
    const permImg = imgs[3]!;
    feed.add({ ...permImg, route: '/perm/p.png' });
    feed.setPage('/perm', `<!doctype html><html lang="en"><head><title>perm</title></head><body><img src="/perm/p.png" alt="needs permission" width="240"></body></html>`);
    await page.goto(`${feed.origin}/perm`, { waitUntil: 'load' });
    const { badges: pb } = await waitForAllBadges(page, 60_000);
    assert.equal(pb[0]?.error, 'permission-needed');
    await frames(page);
    const at = await page.evaluate(() => {
      const h = document.querySelector('[data-synthscreen-url]')!;
      const r = h.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2, grantable: h.hasAttribute('data-synthscreen-grantable') };
    });
    assert.equal(at.grantable, true, 'a Permission needed badge is actionable');
    const opened = l.browser.waitForTarget((x) => x.type() === 'page' && x.url().startsWith(`chrome-extension://${l.extensionId}/popup.html`), { timeout: 30_000 });
    await page.mouse.click(at.x, at.y);
    const grantPage = (await (await opened).page())!;
    const u = new URL(grantPage.url());
    assert.equal(u.searchParams.get('grant'), '1');
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(`${feed.origin}/perm`)} }).then((t) => t[0].id)`);
    assert.equal(Number(u.searchParams.get('tabId')), tabId, 'the grant page is for the tab whose badge was clicked');
    await grantPage.waitForSelector('#grant-button', { timeout: 15_000 });
    assert.match(await grantPage.$eval('#grant', (e) => e.getAttribute('data-origins') ?? ''), /127\.0\.0\.1/);
  } finally {
    await l.close();
    await fixtures.close();
    await feed.close();
  }
});
