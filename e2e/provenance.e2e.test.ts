/**
 * Provenance on the badge, in Chromium and in Firefox, from the built package (`npm run build`): a local page
 * (127.0.0.1) with a C2PA-signed AI JPEG, a ComfyUI PNG, the same two stripped of their metadata, a camera
 * photo, the C2PA JPEG altered after signing, and a ComfyUI PNG the detector refuses (IHDR claims 30000×30000)
 * — `helpers/provenance.ts`. The c2pa-rs test roots are trusted (test hook `setTrustAnchors`), so the test-signed
 * JPEG reads `valid`.
 *
 * For every image the badge's fused verdict and text must equal what Node's reader and `fuseVerdict` give for
 * the same bytes with the badge's own probability (the pixel percentage stays beside a provenance verdict), and
 * must be the provenance verdict where the file decides (signed AI → "AI-generated (signed)", ComfyUI →
 * "AI-generated (metadata)"), the pixel verdict where it does not (stripped copies, camera EXIF, altered
 * signature). Every request the browser sends goes through a recording proxy: none may leave 127.0.0.1.
 * Chromium also checks the accessible names, the popup rows and the explanation view's Provenance section.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Page } from 'puppeteer-core';
import { inWorker, launchWithExtension } from './helpers/browser';
import { feedHtml, REPO_ROOT, startFeedServer, type FeedServer } from './helpers/feed';
import { readBadges, type BadgeInfo } from './helpers/page';
import { expectedBadge, nodeProvenance, provenanceImages, TEST_ROOTS_PEM, type ProvenanceImage } from './helpers/provenance';
import { BROWSER_SERVICE, FIREFOX_SERVICE, startRecordingProxy } from './helpers/proxy';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { aiScore } from '../extension/shared/wording';

const PIXEL_LABELS = ['real', 'synthetic', 'unsure'];

/** Polls until every image has a final badge (not analysing); @throws with the states seen last. */
async function waitFinal(page: Page, n: number, timeoutMs: number): Promise<BadgeInfo[]> {
  const t0 = Date.now();
  let last: BadgeInfo[] = [];
  while (Date.now() - t0 < timeoutMs) {
    last = await readBadges(page).catch(() => last);
    if (last.length >= n && last.every((b) => b.state !== 'analysing')) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`badges not final after ${timeoutMs} ms: ${last.map((b) => `${b.url} ${b.state}`).join(', ')}`);
}

/**
 * The badge checks shared by both browsers.
 * @returns the expected full text per image name (for the accessibility check)
 */
async function checkBadges(t: TestContext, badges: BadgeInfo[], imgs: ProvenanceImage[], server: FeedServer, rule: { threshold: number; unsureBand: number }): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  assert.equal(badges.length, imgs.length, 'one badge per image');
  for (const img of imgs) {
    const b = badges.find((x) => x.url === server.origin + img.route);
    assert.ok(b, `${img.name} has a badge`);
    t.diagnostic(`${img.name}: ${b.state} verdict=${b.verdict} label=${b.label} p=${b.probability} provenance=${b.provenance} "${b.text}"`);
    assert.equal(b.state, 'done', `${img.name}: ${b.state}/${b.label}`);
    const p = await nodeProvenance(new Uint8Array(img.bytes));
    const exp = expectedBadge(p, b.probability, rule, b.probability === undefined ? 'too large to check' : undefined);
    assert.equal(b.verdict, exp.label, `${img.name}: fused verdict`);
    assert.equal(b.text, exp.short, `${img.name}: badge text`);
    assert.equal(b.provenance, img.wantProvenance, `${img.name}: provenance attribute`);
    if (img.want === 'pixels') {
      assert.ok(PIXEL_LABELS.includes(b.verdict!), `${img.name}: falls back to the pixel verdict (${b.verdict})`);
      assert.equal(b.verdict, b.label, `${img.name}: the pixel label is the verdict`);
      assert.ok(b.probability !== undefined && b.probability >= 0 && b.probability <= 1);
    } else assert.equal(b.verdict, img.want, `${img.name}: provenance verdict`);
    texts.set(img.name, exp.text);
  }
  const by = (name: string) => badges.find((x) => x.url.endsWith(`/prov/${name}`))!;
  const score = (b: BadgeInfo) => `AI score ${aiScore(b.probability!, rule)}/100`;
  // The exact texts the user reads (the score is the badge's own probability, `extension/shared/wording.ts`).
  assert.equal(by('c2pa-ai.jpg').text, `AI-generated (signed) · pixel ${score(by('c2pa-ai.jpg'))}`);
  assert.equal(by('comfyui.png').text, `AI-generated (metadata) · pixel ${score(by('comfyui.png'))}`);
  assert.match(by('c2pa-altered.jpg').text!, /^(Likely AI-generated|No AI signs found|Unsure) · AI score \d+\/100 · credentials invalid$/);
  assert.equal(by('comfyui-huge.png').text, 'AI-generated (metadata)', 'provenance-only verdict without pixels');
  assert.equal(by('comfyui-huge.png').label, 'too-large', 'the detector refused it');
  assert.equal(by('comfyui-huge.png').probability, undefined);
  for (const name of ['c2pa-ai-stripped.jpg', 'comfyui-stripped.png']) assert.equal(by(name).provenance, undefined, `${name}: nothing found`);
  return texts;
}

/** Asserts that the proxy saw only requests to the test server (the browser's own service calls aside). */
function checkProxy(t: TestContext, seen: readonly string[], origin: string, browserOwn: RegExp): void {
  const own = seen.filter((p) => browserOwn.test(p));
  if (own.length) t.diagnostic(`the browser's own service requests (not the add-on's): ${[...new Set(own)].join(' | ')}`);
  const outside = seen.filter((p) => !p.startsWith('GET ' + origin + '/') && !browserOwn.test(p));
  t.diagnostic(`proxy saw ${seen.length} requests, ${seen.filter((p) => p.includes('/prov/')).length} of them images`);
  assert.deepEqual(outside, [], 'requests that left 127.0.0.1 (or went to another local port)');
  assert.ok(seen.some((p) => p.includes('/prov/')), 'the proxy saw the image fetches (the net works)');
}

test('Chromium: badges show the provenance verdicts; stripped copies fall back to pixels; nothing leaves 127.0.0.1', { skip: skipReason(), timeout: 420_000 }, async (t) => {
  const imgs = await provenanceImages();
  const server = await startFeedServer(imgs);
  server.setPage('/prov', feedHtml(imgs.map((i) => ({ src: i.route, alt: i.name, caption: i.name })), 'Provenance feed'));
  const proxy = await startRecordingProxy(new URL(server.origin).host);
  const model = await testModelDir();
  const l = await launchWithExtension(EXT_DIR, { args: proxy.chromiumArgs });
  try {
    await prepareWorker(l, model);
    await inWorker(l, `self.__synthscreenTest.setTrustAnchors(${JSON.stringify(TEST_ROOTS_PEM)})`);
    // Every badge drawn, unsure pixel verdicts included (the accessibility check reads them all).
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 4, definiteOnly: false } })`);
    const st = await inWorker<{ model?: { threshold?: number; unsureBand?: number } }>(l, 'self.__synthscreenTest.status()');
    const rule = { threshold: st.model?.threshold ?? 0.5, unsureBand: st.model?.unsureBand ?? 0 };
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/prov`, { waitUntil: 'domcontentloaded' });
    const badges = await waitFinal(page, imgs.length, 240_000);
    const texts = await checkBadges(t, badges, imgs, server, rule);

    // The provenance is cached with the verdict: in memory (a second request is a cache hit carrying it) and in
    // the storage.session mirror that a restarted worker reads (raw fields cut to a budget there).
    const c2paUrl = server.origin + '/prov/c2pa-ai.jpg';
    const again = await inWorker<{ ok: boolean; value?: { cached: boolean; provenance?: { kind: string; validation: string; fields: Record<string, string> } } }>(l, `self.__synthscreenTest.classifyUrl(${JSON.stringify(c2paUrl)})`);
    assert.equal(again.value?.cached, true);
    assert.deepEqual([again.value?.provenance?.kind, again.value?.provenance?.validation], ['c2pa', 'valid']);
    assert.equal(again.value?.provenance?.fields['C2PA signer'], 'C2PA Test Signing Cert');
    const mirrored = await inWorker<Record<string, { provenance?: { kind: string; claim: string; validation: string }; pixelError?: { code: string } }>>(l, `chrome.storage.session.get('verdicts').then((g) => g.verdicts)`);
    assert.deepEqual(mirrored[c2paUrl]?.provenance && [mirrored[c2paUrl]!.provenance!.kind, mirrored[c2paUrl]!.provenance!.claim, mirrored[c2paUrl]!.provenance!.validation], ['c2pa', 'ai-generated', 'valid']);
    assert.equal(mirrored[server.origin + '/prov/comfyui-huge.png']?.pixelError?.code, 'too-large', 'provenance-only verdicts are mirrored too');

    // Accessible names (closed shadow root: the accessibility tree): each badge button is named after its image
    // (the alt text) and carries the full text; the page has one summary live region, not one per badge.
    await page.waitForFunction(() => !!document.querySelector('synthscreen-summary')?.getAttribute('data-synthscreen-summary'), { timeout: 10_000 });
    const snap = await page.accessibility.snapshot({ interestingOnly: true });
    const names: string[] = [];
    let statuses = 0;
    const walk = (n: { name?: string; role?: string; children?: unknown[] } | null | undefined) => {
      if (!n) return;
      if (n.role === 'button' && n.name) names.push(n.name);
      if (n.role === 'status') statuses++;
      for (const c of (n.children ?? []) as typeof n[]) walk(c);
    };
    walk(snap as never);
    assert.equal(statuses, 1, 'one summary live region');
    for (const name of ['c2pa-ai.jpg', 'comfyui.png', 'camera.jpg', 'comfyui-huge.png']) {
      assert.ok(names.some((n) => n.startsWith(`${name}: ${texts.get(name)!}`)), `${name}: button name "${name}: ${texts.get(name)}…" among ${names.join(' | ')}`);
    }
    assert.match(texts.get('c2pa-ai.jpg')!, /^AI-generated \(signed\): Content Credentials signed by C2PA Test Signing Cert, made with Make Test Images 0\.33\.1\. Pixel detector: AI score \d+\/100 \((likely AI-generated|unsure|no AI signs found)\)\./);
    assert.match(texts.get('camera.jpg')!, /Camera metadata: Canon EOS REBEL T3\. Metadata can be copied from a real photo, so it does not change the verdict\.$/);

    // The popup lists the fused verdicts.
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(server.origin + '/prov')} }).then((t) => t[0].id)`);
    const popup = await l.browser.newPage();
    await popup.goto(`chrome-extension://${l.extensionId}/popup.html?tabId=${tabId}`);
    await popup.waitForFunction((n) => document.querySelectorAll('#images li[data-status="done"]').length >= n, { timeout: 20_000 }, imgs.length);
    const rows = await popup.$$eval('#images li', (lis) => lis.map((li) => ({ url: li.getAttribute('data-url') ?? '', label: li.getAttribute('data-label'), provenance: li.getAttribute('data-provenance'), text: li.querySelector('.v')?.textContent ?? '' })));
    for (const b of badges) {
      const row = rows.find((r) => r.url === b.url);
      assert.ok(row, `popup lists ${b.url}`);
      assert.equal(row.label, b.verdict, `${b.url}: popup label`);
      assert.equal(row.text.trim(), b.text, `${b.url}: popup text`);
      assert.equal(row.provenance ?? undefined, b.provenance, `${b.url}: popup provenance`);
    }
    await popup.close();

    // The explanation view: Provenance section with the facts, raw fields behind a closed disclosure.
    const comfy = server.origin + '/prov/comfyui.png';
    const view = await l.browser.newPage();
    await view.goto(`chrome-extension://${l.extensionId}/explain.html?url=${encodeURIComponent(comfy)}&method=gradcam`);
    await view.waitForSelector('#provenance[data-kind="generator-metadata"]', { timeout: 30_000 });
    const facts = await view.$$eval('#provenance dd[data-fact]', (dds) => Object.fromEntries(dds.map((d) => [d.getAttribute('data-fact'), d.textContent])));
    assert.equal(facts.Tool, 'ComfyUI');
    assert.equal(facts.Model, 'juggernautXL_v9.safetensors');
    assert.equal(facts.Validation, 'Not signed: plain metadata that anyone can write or strip');
    assert.match(await view.$eval('#provenance-verdict', (e) => e.textContent ?? ''), /^Its metadata says so \(ComfyUI, model juggernautXL_v9\.safetensors\)\. Metadata can be forged or stripped\. Pixel detector: AI score \d+\/100 \((likely AI-generated|unsure|no AI signs found)\)\./);
    assert.equal(await view.$eval('#provenance-raw', (e) => (e as HTMLDetailsElement).open), false, 'raw fields closed by default');
    await view.click('#provenance-raw summary');
    const raw = await view.$eval('#provenance-raw', (e) => ({ open: (e as HTMLDetailsElement).open, keys: Array.from(e.querySelectorAll('th')).map((th) => th.textContent) }));
    assert.deepEqual(raw, { open: true, keys: ['PNG tEXt prompt'] });
    // The section comes before the heatmap.
    assert.ok(await view.evaluate(() => {
      const prov = document.querySelector('#provenance');
      const fig = document.querySelector('.explain-view figure');
      return !!prov && !!fig && (prov.compareDocumentPosition(fig) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    }), 'Provenance first');
    await view.close();

    // A provenance-only verdict, opened by clicking its badge: no heatmap is computed, the view says why.
    const huge = server.origin + '/prov/comfyui-huge.png';
    await page.bringToFront();
    const at = await page.evaluate((u) => {
      const h = Array.from(document.querySelectorAll('[data-synthscreen-url]')).find((x) => x.getAttribute('data-synthscreen-url') === u)!;
      h.scrollIntoView({ block: 'center', inline: 'center' });
      return h.hasAttribute('data-synthscreen-explainable');
    }, huge).then(async (explainable) => {
      // The badge is re-placed on the frame after the scroll (compact dot or clamped pill): click its centre.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const r = await page.evaluate((u) => {
        const h = Array.from(document.querySelectorAll('[data-synthscreen-url]')).find((x) => x.getAttribute('data-synthscreen-url') === u)!;
        const b = h.getBoundingClientRect();
        return { x: b.left + b.width / 2, y: b.top + b.height / 2, shown: h.hasAttribute('data-synthscreen-shown') };
      }, huge);
      assert.ok(r.shown && r.x >= 0 && r.y >= 0, `the badge is drawn inside the viewport: ${JSON.stringify(r)}`);
      return { ...r, explainable };
    });
    assert.equal(at.explainable, true, 'a provenance-only verdict is explainable');
    const opened = l.browser.waitForTarget((x) => x.type() === 'page' && x.url().startsWith(`chrome-extension://${l.extensionId}/explain.html`), { timeout: 30_000 });
    await page.mouse.click(at.x, at.y);
    const v2 = (await (await opened).page())!;
    assert.equal(new URL(v2.url()).searchParams.get('url'), huge);
    await v2.waitForSelector('#pixel-absent', { timeout: 30_000 });
    assert.equal(await v2.$eval('#explain-root', (e) => e.getAttribute('data-fused')), 'ai-generated-metadata');
    assert.equal(await v2.$eval('.explain-view .verdict', (e) => e.textContent?.trim()), 'AI-generated (metadata)', 'the headline is the badge text');
    assert.equal(await v2.$('canvas'), null, 'no heatmap');
    await v2.close();

    checkProxy(t, proxy.seen, server.origin, BROWSER_SERVICE);
  } finally {
    await l.close();
    proxy.close();
    await server.close();
  }
});

const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
const FF_DIR = join(REPO_ROOT, 'dist', 'test', 'firefox');
const ffSkip = !FIREFOX ? 'no Firefox found (apt-get install -y firefox-esr, or set FIREFOX_PATH); Firefox provenance e2e skipped'
  : !existsSync(join(FF_DIR, 'manifest.json')) ? 'dist/test/firefox is missing: run `npm run build` first' : undefined;
/** Pinned internal UUID of the add-on, so that a tab can open its pages (as in provenance-runtime.e2e). */
const FF_UUID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';

test('Firefox: badges show the provenance verdicts; stripped copies fall back to pixels; nothing leaves 127.0.0.1', { skip: ffSkip, timeout: 420_000 }, async (t) => {
  const imgs = await provenanceImages();
  const server = await startFeedServer(imgs);
  server.setPage('/prov', feedHtml(imgs.map((i) => ({ src: i.route, alt: i.name, caption: i.name })), 'Provenance feed'));
  const proxy = await startRecordingProxy(new URL(server.origin).host);
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true,
    args: ['-remote-allow-system-access'],
    extraPrefsFirefox: {
      ...proxy.firefoxPrefs,
      'extensions.webextensions.uuids': JSON.stringify({ 'synthscreen@synthscreen.invalid': FF_UUID }),
    },
  });
  try {
    await browser.installExtension(FF_DIR);
    // Trust the c2pa-rs test roots in the event page, through an extension page.
    const ext = await browser.newPage();
    const url = `moz-extension://${FF_UUID}/popup.html`;
    await ext.goto(url, { waitUntil: 'domcontentloaded', timeout: 3_000 }).catch(() => undefined);
    for (const t0 = Date.now(); Date.now() - t0 < 30_000;) {
      if ((await ext.evaluate(() => `${location.href} ${document.readyState}`).catch(() => '')) === `${url} complete`) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const rule = (await ext.evaluate(async (pem: string) => {
      const api = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Record<string, unknown>> } } }).browser;
      const bg = await api.runtime.getBackgroundPage();
      const hooks = bg.__synthscreenTest as { setTrustAnchors(p: string): void; status(): Promise<{ model?: { threshold?: number; unsureBand?: number } }> };
      hooks.setTrustAnchors(pem);
      let st = await hooks.status();
      for (let i = 0; i < 120 && !st.model; i++) { await new Promise((r) => setTimeout(r, 500)); st = await hooks.status(); }
      return { threshold: st.model?.threshold ?? 0.5, unsureBand: st.model?.unsureBand ?? 0 };
    }, TEST_ROOTS_PEM)) as { threshold: number; unsureBand: number };
    const page = await browser.newPage();
    await page.goto(`${server.origin}/prov`);
    const badges = await waitFinal(page, imgs.length, 300_000);
    await checkBadges(t, badges, imgs, server, rule);
    checkProxy(t, proxy.seen, server.origin, FIREFOX_SERVICE);
  } finally {
    await browser.close();
    proxy.close();
    await server.close();
  }
});
