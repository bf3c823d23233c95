/**
 * The popup (issue #12), opened as a page for the feed's tab (`popup.html?tabId=N`), in Chromium:
 * - a summary line (the page summary's sentence for the badges' verdicts) and rows in page order;
 * - every control is reachable with Tab (including the choices that "Tell us what it is" opens), the Options
 *   link among them; the backend is named in plain words;
 * - clicking a row scrolls to and outlines the image in the page;
 * - "I know this is real" stores a local override the badge shows at once; "Report to the project…" shows the
 *   exact text (URL and scores, no image data) before the prefilled tracker link; Undo removes the override;
 * - the per-site pause switch removes the page's badges and brings them back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { inWorker, launchWithExtension } from './helpers/browser';
import { feedHtml, generatedImages, startFeedServer } from './helpers/feed';
import { readBadges, waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { summaryText, type SummaryCounts } from '../content/summary';
import { TRACKER_NEW_ISSUE_URL } from '../extension/shared/tracker';

/** Focusable controls of the popup, as `tag#id.class[data-url]` keys, in document order. */
const controls = (p: Page) => p.evaluate(`[...document.querySelectorAll('button, a[href], input, select, summary, [tabindex]')]
  .filter((e) => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0)
  .map((e) => e.tagName + '#' + e.id + '.' + e.className + '@' + (e.closest('li')?.getAttribute('data-url') ?? '') + '/' + (e.getAttribute('data-user-label') ?? ''))`) as Promise<string[]>;
const activeKey = (p: Page) => p.evaluate(`(() => { const e = document.activeElement; return e ? e.tagName + '#' + e.id + '.' + e.className + '@' + (e.closest('li')?.getAttribute('data-url') ?? '') + '/' + (e.getAttribute('data-user-label') ?? '') : ''; })()`) as Promise<string>;

/**
 * Presses Tab until focus has gone once round the whole page (it leaves the page to the browser, `BODY`, at
 * the end of each round; the first round may start mid-page).
 * @returns the controls reached
 */
async function tabThrough(p: Page, max: number): Promise<Set<string>> {
  const seen = new Set<string>();
  let wraps = 0;
  for (let i = 0; i < 2 * max && wraps < 2; i++) {
    await p.keyboard.press('Tab');
    const k = await activeKey(p);
    if (k.startsWith('BODY') || k === '') wraps++;
    else seen.add(k);
  }
  return seen;
}

test('popup: summary, page order, Tab reaches every control, row click highlights, overrides, tracker report, pause', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const imgs = await generatedImages(2);
  const server = await startFeedServer(imgs);
  server.setPage('/feed', feedHtml(imgs.map((i, n) => ({ src: i.route, alt: `photo ${n}` }))));
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    await inWorker(l, `chrome.storage.sync.set({ settings: { version: 4, definiteOnly: false } })`);
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/feed`, { waitUntil: 'load' });
    const { badges } = await waitForAllBadges(page, 120_000);
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(`${server.origin}/feed`)} }).then((t) => t[0].id)`);
    const popup = await l.browser.newPage();
    await popup.goto(`chrome-extension://${l.extensionId}/popup.html?tabId=${tabId}`);
    await popup.waitForFunction((n) => document.querySelectorAll('#images li[data-status="done"]').length >= n, { timeout: 60_000, polling: 200 }, imgs.length);

    // Summary line and page order.
    const c: SummaryCounts = { checked: badges.length, ai: 0, unsure: 0, notAi: 0, notChecked: 0, pending: 0 };
    for (const b of badges) {
      if (b.verdict === 'synthetic') c.ai++;
      else if (b.verdict === 'real') c.notAi++;
      else if (b.verdict === 'unsure') c.unsure++;
      else c.notChecked++;
    }
    assert.equal(await popup.$eval('#summary', (e) => e.textContent), summaryText(c));
    const rows = await popup.$$eval('#images li', (lis) => lis.map((li) => li.getAttribute('data-url')));
    assert.deepEqual(rows, imgs.map((i) => server.origin + i.route), 'rows in page order');
    assert.match(await popup.$eval('#backend', (e) => e.textContent ?? ''), /^Runs on: (WebGPU \(graphics card\)|WebGL \(graphics card\)|WebAssembly \(CPU\)|Plain JavaScript \(CPU, slow\))$/);

    // Every control reachable by Tab, then again with the choices of one "Tell us what it is" / "Not right?" open.
    const all = await controls(popup);
    assert.ok(all.some((k) => k.startsWith('BUTTON#options-link')), 'the Options link is a control');
    assert.ok(all.some((k) => k.startsWith('INPUT#pause-site')), 'the pause switch is a control');
    let reached = await tabThrough(popup, all.length + 10);
    assert.deepEqual(all.filter((k) => !reached.has(k)), [], 'every control reached by Tab');
    const toggleLabel = await popup.$eval('#images li button.feedback-toggle', (b) => b.textContent);
    assert.ok(toggleLabel === 'Tell us what it is' || toggleLabel === 'Not right?', `feedback action: ${toggleLabel}`);
    assert.equal(await popup.$$eval('#images li', (lis) => lis.filter((li) => li.getAttribute('data-label') === 'unsure' && !/Tell us what it is/.test(li.textContent ?? '')).length), 0, '"Tell us what it is" under every Unsure');
    assert.equal(await popup.$$eval('button', (bs) => bs.filter((b) => /Wrong\?/.test(b.textContent ?? '')).length), 0, 'no "Wrong?"');
    await popup.focus('#images li button.feedback-toggle');
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('#images li button.report-button');
    const withChoices = await controls(popup);
    reached = await tabThrough(popup, withChoices.length + 10);
    assert.deepEqual(withChoices.filter((k) => !reached.has(k)), [], 'the choices are reached by Tab too');
    t.diagnostic(`${withChoices.length} controls, all reached by Tab`);

    // Row click: the page scrolls to the image and outlines it.
    const last = rows[rows.length - 1]!;
    await popup.click(`#images li[data-url="${last}"] button.row-main`);
    await page.waitForFunction((u) => [...document.images].some((i) => i.src === u && i.hasAttribute('data-synthscreen-highlight')), { timeout: 60_000, polling: 200 }, last);

    // Override and tracker report.
    const first = rows[0]!;
    await popup.evaluate((u) => {
      const li = document.querySelector(`#images li[data-url="${u}"]`)!;
      const open = li.querySelector('button.report-button') ?? null;
      if (!open) (li.querySelector('button.feedback-toggle') as HTMLButtonElement).click();
    }, first);
    await popup.waitForSelector(`#images li[data-url="${first}"] button.report-button`);
    const choice = await popup.$eval(`#images li[data-url="${first}"] button.report-button`, (b) => b.getAttribute('data-user-label'));
    await popup.click(`#images li[data-url="${first}"] button.report-button`);
    await page.waitForFunction((u, want) => [...document.querySelectorAll('[data-synthscreen-url]')].some((h) => h.getAttribute('data-synthscreen-url') === u && h.getAttribute('data-synthscreen-override') === want), { timeout: 60_000, polling: 200 }, first, choice);
    const marked = (await readBadges(page)).find((b) => b.url === first)!;
    assert.equal(marked.text, choice === 'real' ? 'You marked this real' : 'You marked this AI-generated');
    await popup.waitForSelector(`#images li[data-url="${first}"] button.report-issue`, { timeout: 60_000 });
    await popup.click(`#images li[data-url="${first}"] button.report-issue`);
    const preview = await popup.waitForSelector(`#images li[data-url="${first}"] pre.issue-preview`).then((e) => e!.evaluate((x) => x.textContent ?? ''));
    assert.ok(preview.includes(`- Image: ${first}`) && /AI score \(pixel detector\): \d+\/100/.test(preview), preview);
    const href = await popup.$eval('#open-issue', (a) => (a as HTMLAnchorElement).href);
    assert.ok(href.startsWith(`${TRACKER_NEW_ISSUE_URL}?`), href);
    assert.equal(new URL(href).searchParams.get('body'), preview.slice(preview.indexOf('- Image:')), 'the link carries exactly the text shown');
    const reports = await inWorker<unknown[]>(l, `chrome.storage.local.get('reports').then((g) => g.reports ?? [])`);
    assert.equal(reports.length, 1, 'a local report too');
    await popup.click(`#images li[data-url="${first}"] button.undo-override`);
    await page.waitForFunction((u) => [...document.querySelectorAll('[data-synthscreen-url]')].some((h) => h.getAttribute('data-synthscreen-url') === u && !h.hasAttribute('data-synthscreen-override')), { timeout: 60_000, polling: 200 }, first);

    // Pause on this site, then resume.
    await popup.click('#pause-site');
    await page.waitForFunction(() => document.querySelectorAll('[data-synthscreen-url]').length === 0, { timeout: 60_000, polling: 200 });
    const paused = await inWorker<{ disabledSites: string[] }>(l, `chrome.storage.sync.get('settings').then((g) => g.settings)`);
    assert.deepEqual(paused.disabledSites, ['127.0.0.1']);
    await popup.waitForFunction(() => (document.querySelector('#pause-site') as HTMLInputElement).checked, { timeout: 60_000, polling: 200 });
    await popup.click('#pause-site');
    const back = await waitForAllBadges(page, 60_000);
    assert.equal(back.badges.length, imgs.length, 'badges back after resuming');

    // The Options link opens the options page from the keyboard.
    const opened = l.browser.waitForTarget((x) => x.url().startsWith(`chrome-extension://${l.extensionId}/options.html`), { timeout: 60_000 });
    await popup.focus('#options-link');
    await popup.keyboard.press('Enter');
    await opened;
  } finally {
    await l.close();
    await server.close();
  }
});
