/**
 * The explanation view (issue #4/#5 UI), end to end with the shipped model (models/default, or a tiny
 * generated one when it is not built): a badge on the fixture feed (real and synthetic images from
 * ../shared/data; generated images without it) is clicked, and another is activated from the keyboard
 * (Tab, Enter); each opens `explain.html` in a new tab, which shows the verdict and, by default, the
 * evidence map of the whole image (issue 12: the overlay canvas covers the image at its aspect, the class
 * it explains is stated, a colour bar with labelled ends), the other CAMs behind "Advanced" (Grad-CAM
 * computed over the tiles), LIME regions in blue/orange with dark + light outlines and a working
 * region-count control, the disclaimer, and progress + Cancel for a long LIME run. The popup's "Explain"
 * button opens the view too.
 * LIME runs with 60 samples (the `limeSamples` setting) to stay fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Target } from 'puppeteer-core';
import { inWorker, launchWithExtension, type Launched } from './helpers/browser';
import { feedHtml, generatedImages, hasSharedData, sharedImages, startFeedServer, type FeedImage } from './helpers/feed';
import { readBadges, waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

const LIME_SAMPLES = 60;

/** Waits for a new tab whose URL starts with the explanation view's address; returns its page. */
async function nextExplainTab(l: Launched, action: () => Promise<unknown>): Promise<{ page: Page; url: URL }> {
  const prefix = `chrome-extension://${l.extensionId}/explain.html`;
  const seen = new Set((await l.browser.pages()).map((p) => p.url()));
  const waiting = l.browser.waitForTarget((t: Target) => t.type() === 'page' && t.url().startsWith(prefix) && !seen.has(t.url()), { timeout: 30_000 });
  await action();
  const target = await waiting;
  const page = (await target.page())!;
  return { page, url: new URL(target.url()) };
}

/**
 * Overlay canvas statistics for the shown method: size, opaque pixels, the strongest alpha, pixels in the
 * class colours (orange = toward AI: red ≫ blue; blue = toward real: blue ≫ red), hatch (grey, "not read"),
 * and LIME outline pixels (opaque near-black and near-white).
 */
async function canvasStats(page: Page, method: string): Promise<{ w: number; h: number; opaque: number; maxAlpha: number; orange: number; blue: number; hatch: number; dark: number; light: number }> {
  return page.$eval(`canvas[data-method="${method}"]`, (c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let opaque = 0, maxAlpha = 0, orange = 0, blue = 0, hatch = 0, dark = 0, light = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b, a] = [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!];
      if (a === 0) continue;
      opaque++;
      maxAlpha = Math.max(maxAlpha, a);
      if (a === 255 && r < 30 && g < 30 && b < 30) dark++;
      else if (a === 255 && r > 250 && g > 250 && b > 250) light++;
      else if (a < 130 && Math.abs(r - 96) <= 3 && Math.abs(g - 96) <= 3 && Math.abs(b - 96) <= 3) hatch++;
      else if (r > b + 40) orange++;
      else if (b > r + 40) blue++;
    }
    return { w: cv.width, h: cv.height, opaque, maxAlpha, orange, blue, hatch, dark, light };
  });
}

/** Waits (bounded, 10 s) until the overlay canvas of `method` has been drawn (an effect after it mounts). */
async function waitDrawn(page: Page, method: string): Promise<void> {
  await page.waitForFunction((m) => {
    const c = document.querySelector(`canvas[data-method="${m}"]`) as HTMLCanvasElement | null;
    const d = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    return !!d && d.some((x, k) => k % 4 === 3 && x > 0);
  }, { timeout: 10_000 }, method);
}

/** The overlay canvas and the image: both boxes on screen, the image's natural size and the canvas raster size. */
async function overlayLayout(page: Page): Promise<{ natural: number[]; raster: number[]; img: number[]; canvas: number[] }> {
  return page.evaluate(() => {
    const img = document.querySelector('.explain-view figure img') as HTMLImageElement;
    const cv = document.querySelector('.explain-view figure canvas') as HTMLCanvasElement;
    const a = img.getBoundingClientRect(), b = cv.getBoundingClientRect();
    return { natural: [img.naturalWidth, img.naturalHeight], raster: [cv.width, cv.height], img: [a.left, a.top, a.width, a.height], canvas: [b.left, b.top, b.width, b.height] };
  });
}

/** Asserts that the overlay covers the whole displayed image at the image's aspect ratio. */
function assertCoversImage(l: Awaited<ReturnType<typeof overlayLayout>>, what: string): void {
  assert.ok(l.natural[0]! > 0 && l.raster[0]! > 0, `${what}: image and canvas have a size ${JSON.stringify(l)}`);
  l.img.forEach((v, i) => assert.ok(Math.abs(v - l.canvas[i]!) <= 1, `${what}: canvas box = image box ${JSON.stringify(l)}`));
  const aspect = l.natural[0]! / l.natural[1]!, rasterAspect = l.raster[0]! / l.raster[1]!;
  assert.ok(Math.abs(rasterAspect - aspect) / aspect < 0.02 + 1 / l.raster[1]!, `${what}: raster aspect ${rasterAspect} = image aspect ${aspect}`);
}

const statusOf = (page: Page) => page.$eval('.explain-view .status', (e) => e.textContent ?? '');

test('explanation view: opened from a badge (click and keyboard) and from the popup; heatmap, LIME regions, cancel', { skip: skipReason(), timeout: 420_000 }, async (t) => {
  const shared = hasSharedData();
  if (!shared) t.diagnostic('../shared/data is absent: using generated images instead of the real/synthetic feed');
  const imgs: FeedImage[] = shared ? await sharedImages(2) : await generatedImages(2);
  const server = await startFeedServer(imgs);
  server.setPage('/feed', feedHtml(imgs.map((i) => ({ src: i.route, alt: i.alt, caption: i.source }))));
  const model = await testModelDir();
  if (!model.packaged) t.diagnostic('models/default is not packaged in dist/chromium: running with the tiny generated model');
  const l = await launchWithExtension(EXT_DIR);
  try {
    const st = await prepareWorker(l, model);
    t.diagnostic(`model ${st.model} on ${st.backend}`);
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 2, limeSamples: ${LIME_SAMPLES} } })`);
    const feed = await l.browser.newPage();
    await feed.goto(`${server.origin}/feed`, { waitUntil: 'load' });
    const { badges } = await waitForAllBadges(feed, 120_000);
    const done = badges.filter((b) => b.state === 'done');
    assert.equal(done.length, imgs.length, 'every feed image has a verdict');

    // 1. Click on the first badge (the host sits over the image's top-left corner; its button takes the click).
    const first = done[0]!;
    const box = await feed.evaluate((u) => {
      const h = [...document.querySelectorAll('[data-synthscreen-url]')].find((e) => e.getAttribute('data-synthscreen-url') === u)!;
      const r = h.getBoundingClientRect();
      h.scrollIntoView({ block: 'center' });
      const r2 = h.getBoundingClientRect();
      // The feed's grid is wider than the window: click the middle of the badge's visible part.
      const x = (Math.max(0, r2.left) + Math.min(window.innerWidth, r2.right)) / 2;
      return { x, y: r2.top + r2.height / 2, w: r.width, h: r.height, explainable: h.hasAttribute('data-synthscreen-explainable') };
    }, first.url);
    assert.ok(box.w > 10 && box.h > 5, `badge has a size (${box.w}x${box.h})`);
    assert.equal(box.explainable, true, 'a badge with a verdict is explainable');
    // Accessibility (closed shadow root: read the accessibility tree): the status keeps the verdict text,
    // and inside it an enabled button says it explains the verdict.
    const snap = await feed.accessibility.snapshot({ interestingOnly: true });
    const nodes: Array<{ role?: string; name?: string; disabled?: boolean }> = [];
    const walk = (n: { role?: string; name?: string; disabled?: boolean; children?: unknown[] } | null | undefined) => {
      if (!n) return;
      nodes.push(n);
      for (const c of (n.children ?? []) as typeof n[]) walk(c);
    };
    walk(snap as never);
    const buttons = nodes.filter((n) => n.role === 'button' && /Explain this verdict$/.test(n.name ?? ''));
    assert.equal(buttons.length, done.length, `one explain button per verdict badge: ${nodes.filter((n) => n.role === 'button').map((n) => n.name).join(' | ')}`);
    // Named after the image (its alt text, else "image N"), then the verdict.
    assert.ok(buttons.every((n) => !n.disabled && /^[^:]+: (Likely AI-generated|No AI signs found|Unsure) · AI score \d+\/100/.test(n.name!)));
    const { page: view, url: viewUrl } = await nextExplainTab(l, () => feed.mouse.click(box.x, box.y));
    assert.equal(viewUrl.searchParams.get('url'), first.url, 'the view explains the clicked image');
    assert.ok(Math.abs(Number(viewUrl.searchParams.get('p')) - first.probability!) < 1e-5, 'the view carries the badge probability');

    // The evidence map is shown first: the verdict's per-tile logits over the whole image, no computation.
    await view.waitForSelector('canvas[data-method="evidence"]', { timeout: 60_000 });
    await view.waitForFunction(() => /^Evidence map: .*read/.test(document.querySelector('.explain-view .status')?.textContent ?? ''), { timeout: 60_000 });
    const evStatus = await statusOf(view);
    t.diagnostic(`evidence: ${evStatus}`);
    const evm = /(\d+) of (\d+) parts read|all (\d+) parts? read/.exec(evStatus);
    assert.ok(evm, evStatus);
    const counts = /(\d+) lean AI-generated \(orange\), (\d+) lean real \(blue\)/.exec(evStatus)!;
    assert.ok(counts && Number(counts[1]) + Number(counts[2]) > 0, evStatus);
    assertCoversImage(await overlayLayout(view), 'evidence map');
    await waitDrawn(view, 'evidence');
    const ev = await canvasStats(view, 'evidence');
    t.diagnostic(`evidence overlay ${ev.w}x${ev.h}: orange ${ev.orange}, blue ${ev.blue}, hatch ${ev.hatch}`);
    // The tile farthest from the threshold sits at an end of the colour bar: at least one side is coloured,
    // and no side is coloured that has no tiles.
    assert.ok(ev.orange + ev.blue > 0, 'the evidence map is coloured');
    if (Number(counts[1]) === 0) assert.equal(ev.orange, 0, 'no orange without tiles leaning AI-generated');
    if (Number(counts[2]) === 0) assert.equal(ev.blue, 0, 'no blue without tiles leaning real');
    if (evm[1] && Number(evm[1]) < Number(evm[2])) assert.ok(ev.hatch > 0, 'tiles not read are hatched');
    const cls = await view.$eval('#explained-class', (e) => ({ target: e.getAttribute('data-target'), text: e.textContent ?? '' }));
    assert.equal(cls.target, 'both');
    assert.match(cls.text, /Orange .*toward AI-generated, blue .*toward real/);
    const bar = await view.$eval('#colour-bar', (e) => ({ left: e.getAttribute('data-left'), right: e.getAttribute('data-right'), label: e.getAttribute('aria-label') ?? '', text: e.textContent ?? '' }));
    assert.deepEqual([bar.left, bar.right], ['Toward real', 'Toward AI-generated']);
    assert.match(bar.text, /Toward real.*decision threshold.*Toward AI-generated/);
    assert.match(bar.label, /blue means toward real.*orange means toward AI-generated/);
    const root = await view.$eval('#explain-root', (e) => ({ method: e.getAttribute('data-method'), p: Number(e.getAttribute('data-probability')), verdict: e.getAttribute('data-verdict') }));
    assert.equal(root.method, 'evidence');
    assert.ok(Math.abs(root.p - first.probability!) < 1e-5);
    assert.equal(root.verdict, first.label, 'the view shows the badge verdict');
    const verdictText = await view.$eval('.explain-view .verdict', (e) => e.textContent ?? '');
    assert.match(verdictText, /^(Likely AI-generated|No AI signs found|Unsure) · AI score \d+\/100/);
    assert.ok(Math.abs(Number(/(\d+)\/100/.exec(verdictText)![1]) - 100 * first.probability!) <= 1, 'the view shows the badge score');
    assert.match(await view.$eval('.explain-view .disclaimer', (e) => e.textContent ?? ''), /where the model looked.*not proof/);
    // "How reliable is this?": the shipped model card's numbers (models/default/manifest.json `reliability`), in words.
    await view.waitForSelector('#explain-reliability [data-reliability]');
    const reliability = await view.$eval('#explain-reliability', (e) => ({ summary: e.querySelector('summary')?.textContent, facts: [...e.querySelectorAll('li[data-fact]')].map((li) => li.getAttribute('data-fact')), text: e.textContent ?? '' }));
    assert.equal(reliability.summary, 'How reliable is this?');
    assert.deepEqual(reliability.facts, ['unsure', 'decided', 'false-alarm', 'missed', 'loso', 'seen']);
    assert.match(reliability.text, /Real photos wrongly labelled "Likely AI-generated": 11 % \(full-size files\), 12 % \(web-sized copies\) and 4 % \(avatar-sized copies\)\./);
    // The provenance section comes first: before the pixel detector's explanation.
    assert.equal(await view.evaluate(() => {
      const prov = document.querySelector('.explain-view .provenance'), fig = document.querySelector('.explain-view figure');
      return !!prov && !!fig && (prov.compareDocumentPosition(fig) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    }), true, 'provenance precedes the heatmap');
    // The main choice holds the evidence map and LIME; "Advanced" (closed) holds the four CAMs.
    const choice = await view.evaluate(() => ({
      main: [...document.querySelectorAll('fieldset.methods:not(.advanced) input[type=radio]')].map((e) => (e as HTMLInputElement).value),
      advanced: [...document.querySelectorAll('#explain-advanced input[type=radio]')].map((e) => (e as HTMLInputElement).value),
      open: (document.getElementById('explain-advanced') as HTMLDetailsElement).open,
    }));
    assert.deepEqual(choice, { main: ['evidence', 'lime'], advanced: ['gradcam', 'layercam', 'ablationcam', 'scorecam'], open: false });

    // Grad-CAM from "Advanced": computed over the same tiles, stitched, covering the whole image.
    await view.click('#explain-advanced summary');
    await view.click('#method-gradcam');
    await view.waitForSelector('canvas[data-method="gradcam"]', { timeout: 60_000 });
    await view.waitForFunction(() => /stronger colours|no localised evidence/.test(document.querySelector('.explain-view .status')?.textContent ?? ''), { timeout: 60_000 });
    const gradStatus = await statusOf(view);
    t.diagnostic(`Grad-CAM: ${gradStatus}`);
    assertCoversImage(await overlayLayout(view), 'Grad-CAM');
    if (!/no localised evidence/.test(gradStatus)) await waitDrawn(view, 'gradcam');
    const grad = await canvasStats(view, 'gradcam');
    const gcls = await view.$eval('#explained-class', (e) => ({ target: e.getAttribute('data-target'), text: e.textContent ?? '' }));
    t.diagnostic(`Grad-CAM overlay ${grad.w}x${grad.h}: ${grad.opaque} coloured, orange ${grad.orange}, blue ${grad.blue}, max alpha ${grad.maxAlpha}; ${gcls.text}`);
    if (first.label === 'unsure') assert.equal(gcls.target, 'both', 'Unsure shows both directions');
    else assert.equal(gcls.target, first.label, 'the class explained is the verdict\'s');
    if (!/no localised evidence/.test(gradStatus)) {
      assert.ok(grad.maxAlpha > 200, 'the heatmap has strong colours');
      if (gcls.target === 'synthetic') assert.ok(grad.orange > 0 && grad.blue === 0, 'toward AI is orange only');
      if (gcls.target === 'real') assert.ok(grad.blue > 0 && grad.orange === 0, 'toward real is blue only');
    }
    assert.equal(await view.$eval('#colour-bar', (e) => e.getAttribute('data-kind')), gcls.target);
    // Opacity slider drives the overlay's opacity.
    await view.$eval('#explain-opacity', (e) => { const i = e as HTMLInputElement; i.value = '80'; i.dispatchEvent(new Event('input', { bubbles: true })); });
    assert.equal(await view.$eval('canvas[data-method="gradcam"]', (e) => getComputedStyle(e).opacity), '0.8');

    // LIME, chosen with the keyboard (Space on its radio button).
    await view.focus('#method-lime');
    await view.keyboard.press('Space');
    await view.waitForFunction(() => /regions? toward|no localised evidence/.test(document.querySelector('.explain-view .status')?.textContent ?? ''), { timeout: 180_000 });
    const limeStatus = await statusOf(view);
    t.diagnostic(`LIME: ${limeStatus}`);
    assert.match(limeStatus, /LIME regions: \d+ regions? toward (AI-generated \(orange\)|real \(blue\)), \d+ toward (real \(blue\)|AI-generated \(orange\))/);
    assertCoversImage(await overlayLayout(view), 'LIME');
    await waitDrawn(view, 'lime');
    const lime5 = await canvasStats(view, 'lime');
    t.diagnostic(`LIME overlay ${lime5.w}x${lime5.h}: orange ${lime5.orange}, blue ${lime5.blue}, outline dark ${lime5.dark} / light ${lime5.light}`);
    assert.ok(lime5.orange + lime5.blue > 0, `LIME shows coloured regions (orange ${lime5.orange}, blue ${lime5.blue})`);
    assert.ok(lime5.dark > 0 && lime5.light > 0, 'LIME regions carry a dark and a light outline');
    await view.$eval('#explain-regions', (e) => { const i = e as HTMLInputElement; i.value = '1'; i.dispatchEvent(new Event('input', { bubbles: true })); });
    await view.waitForFunction(() => /: [01] regions? toward/.test(document.querySelector('.explain-view .status')?.textContent ?? ''), { timeout: 10_000 });
    // The status text can update a frame before the canvas redraws: poll the canvas (bounded, 10 s).
    let lime1 = await canvasStats(view, 'lime');
    for (let i = 0; i < 50 && lime1.orange + lime1.blue >= lime5.orange + lime5.blue; i++) {
      await new Promise((r) => setTimeout(r, 200));
      lime1 = await canvasStats(view, 'lime');
    }
    t.diagnostic(`LIME coloured pixels: 5 regions each side → ${lime5.orange + lime5.blue}; 1 region → ${lime1.orange + lime1.blue}`);
    assert.ok(lime1.orange + lime1.blue > 0 && lime1.orange + lime1.blue < lime5.orange + lime5.blue, 'fewer regions colour fewer pixels');
    await view.close();

    // 2. Keyboard: Tab reaches a badge (disabled badges are skipped), Enter opens the view.
    await feed.bringToFront();
    await feed.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); window.scrollTo(0, 0); });
    await feed.keyboard.press('Tab');
    const focused = await feed.evaluate(() => document.activeElement?.getAttribute('data-synthscreen-url') ?? null);
    assert.ok(focused && done.some((b) => b.url === focused), `Tab focuses a badge (got ${focused})`);
    const { page: view2, url: url2 } = await nextExplainTab(l, () => feed.keyboard.press('Enter'));
    assert.equal(url2.searchParams.get('url'), focused);
    await view2.waitForSelector('canvas[data-method="evidence"]', { timeout: 60_000 });
    await view2.close();

    // 3. Progress and Cancel on a long LIME run (2000 samples through ?samples=).
    const long = await l.browser.newPage();
    await long.goto(`chrome-extension://${l.extensionId}/explain.html?url=${encodeURIComponent(first.url)}&method=lime&samples=2000`);
    await long.waitForFunction(() => Number((document.getElementById('explain-progress') as HTMLProgressElement | null)?.value ?? 0) > 0, { timeout: 120_000, polling: 100 });
    const shownProgress = await long.$eval('#explain-progress', (e) => (e as HTMLProgressElement).value);
    assert.ok(shownProgress > 0 && shownProgress < 1, `progress shown (${shownProgress})`);
    await long.click('.explain-view .controls button');
    await long.waitForFunction(() => /cancelled/.test(document.querySelector('.explain-view .status')?.textContent ?? ''), { timeout: 30_000 });
    assert.ok(await long.$('#explain-retry'), 'a cancelled method can be computed again');
    assert.equal(await long.$('#explain-progress'), null, 'no progress after cancelling');
    await long.close();

    // Bad input: an image that cannot be fetched, and a content hash the background does not know.
    const bad = await l.browser.newPage();
    await bad.goto(`chrome-extension://${l.extensionId}/explain.html?url=${encodeURIComponent(`${server.origin}/missing.png`)}&method=gradcam&p=0.5`);
    await bad.waitForFunction(() => /Grad-CAM: could not get the image/.test(document.querySelector('.explain-view .status')?.textContent ?? ''), { timeout: 30_000 });
    assert.equal(await bad.$('canvas'), null, 'no heatmap for an image that could not be fetched');
    await bad.goto(`chrome-extension://${l.extensionId}/explain.html?hash=${'0'.repeat(64)}`);
    await bad.waitForFunction(() => /no longer available/.test(document.querySelector('[role=alert]')?.textContent ?? ''), { timeout: 30_000 });
    await bad.goto(`chrome-extension://${l.extensionId}/explain.html?url=javascript:alert(1)`);
    await bad.waitForFunction(() => /Nothing to explain/.test(document.querySelector('[role=alert]')?.textContent ?? ''), { timeout: 10_000 });
    await bad.close();

    // 4. The popup's "Explain" button.
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(server.origin + '/feed')} }).then((t) => t[0].id)`);
    const popup = await l.browser.newPage();
    await popup.goto(`chrome-extension://${l.extensionId}/popup.html?tabId=${tabId}`);
    await popup.waitForFunction((n) => document.querySelectorAll('#images li button.explain').length >= n, { timeout: 15_000 }, done.length);
    const second = done[1]!;
    const { page: view3, url: url3 } = await nextExplainTab(l, () => popup.$eval(`#images li[data-url="${second.url}"] button.explain`, (b) => (b as HTMLButtonElement).click()));
    assert.equal(url3.searchParams.get('url'), second.url);
    assert.equal(url3.searchParams.get('tab'), String(tabId));
    await view3.waitForSelector('canvas[data-method="evidence"]', { timeout: 60_000 });
    assert.equal(await view3.$eval('#explain-root', (e) => e.getAttribute('data-verdict')), second.label);
    await view3.close();
    await popup.close();
    assert.equal((await readBadges(feed)).length, imgs.length, 'activating badges did not add or remove any');
  } finally {
    await l.close();
    await server.close();
  }
});
