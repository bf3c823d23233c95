/**
 * Site adapters and capture helpers in a real Chromium, without the extension: `content/adapters` and
 * `content/capture` are bundled with esbuild into an IIFE (`window.__ss`) and injected into hand-written
 * fixture pages (`e2e/fixtures/sites/*.html`) served on 127.0.0.1. Each site page lists in `#expected` the
 * largest URL of every avatar and its badge anchor; the test asserts each is found exactly once, and
 * nothing else is. Also: the image under a transparent overlay, open shadow roots, blob:/data: bytes, and a
 * 300-image infinite scroll checked exactly once per image through `SeenSet`.
 *
 * Needs Chromium: `CHROMIUM_PATH`, else /usr/lib/chromium/chromium, /usr/bin/chromium, … ; skipped with a
 * message when none is found. Does not need `npm run build`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startFixtureServer, type FixtureServer } from './fixtures/sites/server';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function findChromium(): string | null {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/lib/chromium/chromium',
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ];
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

const CHROMIUM = findChromium();
// esbuild comes with tsx; imported dynamically so a tree without it skips instead of failing to load.
const esbuild = await import('esbuild').catch(() => null);
const SKIP = !CHROMIUM
  ? 'no Chromium found (set CHROMIUM_PATH to a Chromium/Chrome binary); skipping adapter e2e tests'
  : !esbuild
    ? 'esbuild is not installed (it comes with tsx); skipping adapter e2e tests'
    : false;

/** Page-side helpers, plain JS (a string, so no transpiler helpers leak into the page). */
const PAGE_HELPERS = String.raw`
window.__e2e = {
  expected() { return JSON.parse(document.getElementById('expected').textContent); },
  abs(u) { return new URL(u, location.href).href; },
  describe(el) {
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    return el.localName + (el.id ? '#' + el.id : '') + cls;
  },
  siteCheck() {
    const exp = this.expected();
    const ss = window.__ss;
    const found = ss.findProfilePhotos(document, ss.adapterById(exp.adapter));
    const foundKeys = found.map((p) => {
      const m = exp.avatars.find((a) => this.abs(a.url) === p.url && p.anchor.matches(a.anchor));
      return p.url + ' @ ' + (m ? m.anchor : 'UNEXPECTED anchor ' + this.describe(p.anchor) + ' element ' + this.describe(p.element));
    }).sort();
    const expectedKeys = exp.avatars.map((a) => this.abs(a.url) + ' @ ' + a.anchor).sort();
    const detected = ss.adapterFor(exp.host, document);
    return {
      foundKeys, expectedKeys,
      adapterFor: detected ? detected.id : null, expectedAdapter: exp.adapter,
      shownOk: found.every((p) => /^https?:/.test(p.shownUrl)),
      anchorsHtml: found.every((p) => p.anchor.namespaceURI === 'http://www.w3.org/1999/xhtml'),
    };
  },
  overlayCheck() {
    return this.expected().points.map((p) => {
      const el = document.querySelector(p.at);
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      const hit = window.__ss.imageAtPoint(document, x, y);
      const want = p.url === 'currentSrc' ? el.currentSrc : p.url && this.abs(p.url);
      return { at: p.at, got: hit && hit.url, kind: hit && hit.kind, want, wantKind: p.kind || null, covered: document.elementFromPoint(x, y) !== el };
    });
  },
  async srcChangeCheck() {
    const img = document.getElementById('photo');
    const before = img.currentSrc;
    img.src = '/img/slow/photo-v2.png';
    await new Promise((r) => setTimeout(r, 200));
    return { before, complete: img.complete, currentSrc: img.currentSrc, got: window.__ss.currentImageUrl(img) };
  },
  async bytesCheck() {
    const c = document.createElement('canvas');
    c.width = 70; c.height = 70;
    c.getContext('2d').fillRect(0, 0, 70, 70);
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    const url = URL.createObjectURL(blob);
    const fromBlob = new Uint8Array(await window.__ss.readBlobOrDataUrl(url));
    const fromData = new Uint8Array(await window.__ss.readBlobOrDataUrl(c.toDataURL('image/png')));
    URL.revokeObjectURL(url);
    let revoked = null;
    try { await window.__ss.readBlobOrDataUrl(url); } catch (e) { revoked = e.name; }
    return { blobSize: blob.size, blobLen: fromBlob.length, blobSig: Array.from(fromBlob.slice(0, 8)), dataSig: Array.from(fromData.slice(0, 8)), revoked };
  },
  shadowCheck() {
    const ss = window.__ss;
    const roots = ss.walkOpenShadowRoots(document, () => {});
    const nested = document.querySelector('people-list').shadowRoot.querySelectorAll('user-card')[0].shadowRoot.querySelector('img');
    const r = nested.getBoundingClientRect();
    const hit = ss.imageAtPoint(document, r.left + r.width / 2, r.top + r.height / 2);
    return { roots, atPoint: hit && hit.url, site: this.siteCheck() };
  },
  observeStart() {
    window.__changed = [];
    window.__removed = [];
    window.__obs = window.__ss.observeDeep(document, (els) => { window.__changed.push(...els); },
      { onRemoved: (els) => { window.__removed.push(...els.map((e) => e.localName)); } });
    return window.__obs.rootCount;
  },
  observeMutate1() {
    document.querySelector('people-list').shadowRoot.querySelector('ul')
      .insertAdjacentHTML('beforeend', '<li><user-card data-src="/img/shadow/avatar-b3.png" data-name="Dora"></user-card></li>');
    document.querySelector('user-card').shadowRoot.querySelector('img').src = '/img/shadow/avatar-a1-v2.png';
    const c = document.createElement('user-card');
    c.id = 'fresh'; c.dataset.src = '/img/shadow/avatar-new.png'; c.dataset.name = 'New';
    document.body.append(c);
  },
  observeMutate2() {
    document.getElementById('fresh').shadowRoot.querySelector('.card')
      .insertAdjacentHTML('beforeend', '<img class="avatar" src="/img/shadow/avatar-new-inner.png" width="64" height="64" alt="second avatar">');
    document.querySelector('people-list').shadowRoot.querySelector('li').remove();
  },
  observeCollect() {
    const urls = new Set();
    const generic = window.__ss.adapterById('generic');
    for (const el of window.__changed) for (const p of window.__ss.findProfilePhotos(el, generic)) urls.add(p.url);
    window.__obs.disconnect();
    return { urls: [...urls].sort(), rootCount: window.__obs.rootCount, removed: window.__removed };
  },
  scrollInit() { window.__seen = new window.__ss.SeenSet(5000, document.baseURI); window.__checked = []; window.__attempts = 0; window.__beforeSwap = 0; },
  scrollScan() {
    const imgs = document.querySelectorAll('#feed img');
    for (const img of imgs) {
      const u = window.__ss.currentImageUrl(img);
      if (!u) continue;
      if (img.getAttribute('src').startsWith('data:')) window.__beforeSwap++;
      window.__attempts++;
      if (window.__seen.add(u)) window.__checked.push(u);
    }
    return { images: imgs.length, checked: window.__checked.length, done: !!window.__feedDone,
      atBottom: window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2 };
  },
};`;

describe('site adapters and capture helpers in Chromium', { skip: SKIP }, () => {
  let browser: Browser;
  let server: FixtureServer;
  let bundle: string;

  before(async () => {
    const out = await esbuild!.build({
      stdin: {
        contents: "import * as c from './content/capture/index';\nimport * as a from './content/adapters/index';\n(globalThis as unknown as { __ss: unknown }).__ss = { ...c, ...a };\n",
        resolveDir: ROOT,
        sourcefile: 'adapters-e2e-entry.ts',
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      write: false,
      logLevel: 'silent',
    });
    bundle = out.outputFiles[0]!.text;
    server = await startFixtureServer();
    const args = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    browser = await puppeteer.launch({ executablePath: CHROMIUM!, headless: true, args, defaultViewport: { width: 1000, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(name: string): Promise<Page> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.origin}/sites/${name}.html`, { waitUntil: 'load' });
    await page.addScriptTag({ content: bundle });
    await page.addScriptTag({ content: PAGE_HELPERS });
    assert.deepEqual(errors, [], `page errors on ${name}`);
    return page;
  }

  for (const site of ['x', 'facebook', 'instagram', 'linkedin', 'reddit', 'mastodon', 'bluesky', 'generic']) {
    it(`${site}: every avatar found exactly once, with its largest URL and badge anchor`, async () => {
      const page = await open(site);
      try {
        const r = await page.evaluate('__e2e.siteCheck()') as {
          foundKeys: string[]; expectedKeys: string[]; adapterFor: string | null; expectedAdapter: string; shownOk: boolean; anchorsHtml: boolean;
        };
        assert.deepEqual(r.foundKeys, r.expectedKeys);
        assert.equal(r.adapterFor, r.expectedAdapter, 'adapterFor(host, document)');
        assert.equal(r.shownOk, true, 'every shownUrl is an http(s) URL');
        assert.equal(r.anchorsHtml, true, 'badge anchors are HTML elements (never inside an SVG)');
      } finally {
        await page.close();
      }
    });
  }

  it('overlay: imageAtPoint finds <img>, srcset currentSrc, background and SVG images under transparent covers', async () => {
    const page = await open('overlay');
    try {
      const rows = await page.evaluate('__e2e.overlayCheck()') as Array<{ at: string; got: string | null; kind: string | null; want: string | null; wantKind: string | null; covered: boolean }>;
      assert.equal(rows.length, 6);
      for (const row of rows) {
        assert.equal(row.got, row.want, `URL at ${row.at}`);
        assert.equal(row.kind, row.wantKind, `kind at ${row.at}`);
        assert.equal(row.covered, true, `${row.at} is really covered by an overlay`);
      }
      assert.match(rows[1]!.want!, /\/img\/overlay\/pic-200\.png$/, 'the browser showed the 200w candidate at DPR 1');
      const sc = await page.evaluate('__e2e.srcChangeCheck()') as { before: string; complete: boolean; currentSrc: string; got: string };
      assert.equal(sc.complete, false, 'the new src is still loading');
      // Chromium empties currentSrc while the new request is pending (the spec keeps the old one until it
      // completes); either way currentImageUrl must name the new image.
      assert.ok(sc.currentSrc === '' || sc.currentSrc === sc.before, `currentSrc while loading: ${sc.currentSrc}`);
      assert.equal(sc.got, `${server.origin}/img/slow/photo-v2.png`, 'currentImageUrl names the image being loaded, not the stale currentSrc');
      const b = await page.evaluate('__e2e.bytesCheck()') as { blobSize: number; blobLen: number; blobSig: number[]; dataSig: number[]; revoked: string | null };
      const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
      assert.equal(b.blobLen, b.blobSize);
      assert.deepEqual(b.blobSig, PNG);
      assert.deepEqual(b.dataSig, PNG);
      assert.equal(b.revoked, 'TypeError', 'a revoked blob: URL is an error, not empty bytes');
    } finally {
      await page.close();
    }
  });

  it('shadow: avatars in open (and nested, and late) shadow roots are found; closed roots are not', async () => {
    const page = await open('shadow');
    try {
      await page.waitForFunction('window.__lateAdded === true', { timeout: 5000 });
      const r = await page.evaluate('__e2e.shadowCheck()') as { roots: number; atPoint: string | null; site: { foundKeys: string[]; expectedKeys: string[] } };
      assert.equal(r.roots, 5);
      assert.deepEqual(r.site.foundKeys, r.site.expectedKeys);
      assert.equal(r.atPoint, `${server.origin}/img/shadow/avatar-b1.png`);
    } finally {
      await page.close();
    }
  });

  it('shadow: observeDeep reports changes inside open shadow roots, including roots that arrive later', async () => {
    const page = await open('shadow');
    try {
      await page.waitForFunction('window.__lateAdded === true', { timeout: 5000 });
      assert.equal(await page.evaluate('__e2e.observeStart()'), 6, 'document + 5 open shadow roots');
      await page.evaluate('__e2e.observeMutate1()');
      await page.evaluate('new Promise((r) => setTimeout(r, 20))');
      await page.evaluate('__e2e.observeMutate2()');
      await page.evaluate('new Promise((r) => setTimeout(r, 20))');
      const r = await page.evaluate('__e2e.observeCollect()') as { urls: string[]; rootCount: number; removed: string[] };
      assert.deepEqual(r.removed, ['li'], 'removal inside a shadow root is reported');
      assert.deepEqual(r.urls, ['avatar-a1-v2', 'avatar-b3', 'avatar-new', 'avatar-new-inner'].map((n) => `${server.origin}/img/shadow/${n}.png`).sort());
      assert.equal(r.rootCount, 8, 'the two new user-card roots are observed too');
    } finally {
      await page.close();
    }
  });

  it('scroll: 300 lazily generated images, each checked exactly once via SeenSet', async () => {
    const page = await open('scroll');
    try {
      await page.evaluate('__e2e.scrollInit()');
      let state = { images: 0, checked: 0, done: false, atBottom: false };
      let steps = 0;
      for (; steps < 400; steps++) {
        state = await page.evaluate('__e2e.scrollScan()') as typeof state;
        if (state.done && state.atBottom && state.checked === 300) break;
        await page.evaluate('window.scrollBy(0, Math.round(window.innerHeight * 0.8))');
        await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      }
      assert.equal(state.images, 300, `feed size after ${steps} steps`);
      const checked = await page.evaluate('window.__checked') as string[];
      const attempts = await page.evaluate('window.__attempts') as number;
      assert.equal(checked.length, 300);
      assert.equal(new Set(checked).size, 300);
      const want = Array.from({ length: 300 }, (_, i) => `${server.origin}/img/feed/post-${i}.png`);
      assert.deepEqual([...checked].sort(), want.sort());
      const beforeSwap = await page.evaluate('window.__beforeSwap') as number;
      assert.ok(beforeSwap > 0, 'some images were scanned while still showing the lazy placeholder (data-src path)');
      assert.ok(attempts > 600, `re-scans offered already-seen images (${attempts} attempts) and SeenSet refused them`);
    } finally {
      await page.close();
    }
  });
});
