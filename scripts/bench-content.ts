/**
 * Content-script main-thread cost per image on the 300-image infinite-scroll fixture
 * (e2e/fixtures/sites/scroll.html), for `npm run bench`.
 *
 * Method: the same scripted scroll (80 % of the viewport every 60 ms until all 300 lazy images are
 * swapped in, then until every badge has settled) runs twice in Debian's Chromium — once with the
 * extension, once without (same switches, fresh profile). CDP `Performance.getMetrics` on the page gives
 * the renderer main thread's `ScriptDuration` (all JavaScript on it, page and content script's isolated
 * world alike), `TaskDuration`, `LayoutDuration` and `RecalcStyleDuration`, as deltas over the run. The
 * content script's share is the difference with/without, divided by the images on the page (300).
 * Includes badge creation and placement, MutationObserver/ResizeObserver work and messaging; excludes the
 * service worker (another thread/process). Repeat runs agree to roughly ±20 % on a 2-core machine.
 *
 * The fixture's flat images are all "Not enough detail", which the default "definite verdicts only" setting
 * does not draw; `SYNTHSCREEN_BENCH_ALL_BADGES=1` (or `opts.allBadges`) turns that setting off so that every
 * badge is drawn and placed, as before that setting existed.
 */
import puppeteer, { type Browser, type CDPSession } from 'puppeteer-core';
import { BASE_ARGS, findChromium, inWorker, launchWithExtension } from '../e2e/helpers/browser';
import { startFixtureServer } from '../e2e/fixtures/sites/server';
import { EXT_DIR, prepareWorker, testModelDir } from '../e2e/helpers/setup';

type Metrics = Record<string, number>;
const KEYS = ['ScriptDuration', 'TaskDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;

async function metrics(s: CDPSession): Promise<Metrics> {
  const { metrics: m } = (await s.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return Object.fromEntries(m.map((x) => [x.name, x.value]));
}

/** Scrolls the fixture to the end and waits until `settled()` holds. @returns metric deltas in ms */
async function scrollRun(browser: Browser, url: string, withBadges: boolean): Promise<{ deltas: Metrics; images: number; badges: number; wallMs: number }> {
  const page = await browser.newPage();
  const s = await page.createCDPSession();
  await s.send('Performance.enable');
  await page.goto(url, { waitUntil: 'load' });
  await new Promise((r) => setTimeout(r, 500));
  const before = await metrics(s);
  const t0 = Date.now();
  for (let i = 0; i < 2000; i++) {
    const done = await page.evaluate(() => (window as unknown as { __feedDone?: boolean }).__feedDone === true
      && [...document.querySelectorAll('img.post-img')].every((i) => !(i as HTMLImageElement).src.startsWith('data:'))
      && window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2);
    if (done) break;
    await page.evaluate(() => window.scrollBy(0, Math.round(window.innerHeight * 0.8)));
    await new Promise((r) => setTimeout(r, 60));
  }
  const images = await page.evaluate(() => document.querySelectorAll('img.post-img').length);
  let badges = 0;
  if (withBadges) {
    for (let i = 0; i < 600; i++) {
      const st = await page.evaluate(() => [...document.querySelectorAll('[data-synthscreen-url]')].map((h) => h.getAttribute('data-synthscreen-state')));
      badges = st.length;
      if (st.length >= images && st.every((x) => x !== 'analysing')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } else {
    await new Promise((r) => setTimeout(r, 1000));
  }
  const after = await metrics(s);
  await page.close();
  const deltas = Object.fromEntries(KEYS.map((k) => [k, ((after[k] ?? 0) - (before[k] ?? 0)) * 1000]));
  return { deltas, images, badges, wallMs: Date.now() - t0 };
}

/**
 * Runs the measurement (see the module comment).
 * @returns one JSON-able record: ms per image of content-script main-thread script time, and the raw runs
 */
export async function benchContentScript(opts: { allBadges?: boolean } = { allBadges: process.env.SYNTHSCREEN_BENCH_ALL_BADGES === '1' }): Promise<Record<string, unknown>> {
  const exe = findChromium();
  if (!exe) return { bench: 'content-script', skipped: 'no Chromium' };
  const fixture = await startFixtureServer();
  try {
    const url = `${fixture.origin}/sites/scroll.html`;
    const plain = await puppeteer.launch({ executablePath: exe, headless: true, pipe: true, args: BASE_ARGS, defaultViewport: { width: 1280, height: 900 } });
    let base;
    try { base = await scrollRun(plain, url, false); } finally { await plain.close(); }
    const l = await launchWithExtension(EXT_DIR);
    let ext;
    try {
      await prepareWorker(l, await testModelDir());
      if (opts.allBadges) await inWorker(l, `chrome.storage.sync.set({ settings: { version: 4, definiteOnly: false } })`);
      ext = await scrollRun(l.browser, url, true);
    } finally { await l.close(); }
    const per = (k: string) => +(((ext.deltas[k] ?? 0) - (base.deltas[k] ?? 0)) / Math.max(1, ext.images)).toFixed(3);
    return {
      bench: 'content-script', fixture: 'e2e/fixtures/sites/scroll.html', images: ext.images, badges: ext.badges, allBadgesDrawn: !!opts.allBadges,
      scriptMsPerImage: per('ScriptDuration'), taskMsPerImage: per('TaskDuration'),
      layoutMsPerImage: per('LayoutDuration'), styleMsPerImage: per('RecalcStyleDuration'),
      withExtension: Object.fromEntries(Object.entries(ext.deltas).map(([k, v]) => [k, Math.round(v)])),
      withoutExtension: Object.fromEntries(Object.entries(base.deltas).map(([k, v]) => [k, Math.round(v)])),
      wallMs: ext.wallMs,
      method: 'CDP Performance.getMetrics deltas over the same scripted scroll, with minus without the extension, / images',
    };
  } finally {
    await fixture.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchContentScript().then((r) => console.log(JSON.stringify(r)), (e: unknown) => { console.log(JSON.stringify({ bench: 'content-script', error: String(e) })); process.exit(1); });
}
