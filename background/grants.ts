/**
 * Host-permission grants in the background: when the user grants origins (popup "allow on this site",
 * options "allow on all sites", or the browser's own site-access UI), every tab rescans, so images that
 * showed `permission-needed` get a verdict. Also the test grant used by e2e tests, because headless
 * Chromium leaves the `permissions.request` prompt open forever (nobody can click "Allow"): tests record
 * patterns in `storage.session` (reachable only from trusted extension contexts, not content scripts)
 * through `__synthscreenTest.grantForTests`, and `hasHostPermission` honours them.
 */
import browser from 'webextension-polyfill';
import { matchesPattern } from '../extension/shared/permissions';
import { TEST_HOOKS } from './build-flags';

/** `storage.session` key of the patterns granted by tests. */
export const TEST_GRANTS_KEY = 'testGrantedOrigins';

/** Patterns granted through the test hook (empty outside tests). */
export async function testGrants(): Promise<string[]> {
  if (!TEST_HOOKS) return [];
  const got = await browser.storage.session?.get(TEST_GRANTS_KEY).catch(() => ({} as Record<string, unknown>));
  const v = got?.[TEST_GRANTS_KEY];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** True when a test grant covers `url`. */
export async function testGrantCovers(url: string): Promise<boolean> {
  return (await testGrants()).some((p) => matchesPattern(p, url));
}

/** Sends `rescan` to every tab with a content script (tabs without one reject; ignored). */
export async function rescanAllTabs(): Promise<number> {
  const tabs = await browser.tabs.query({});
  let n = 0;
  await Promise.all(tabs.map(async (t) => {
    if (t.id === undefined) return;
    await browser.tabs.sendMessage(t.id, { type: 'rescan' }).then(() => { n++; }, () => undefined);
  }));
  return n;
}

browser.permissions?.onAdded?.addListener((p) => {
  if (p.origins?.length) void rescanAllTabs();
});

/** A tab's grant page opens at most once per this many milliseconds (a looping or forged `open-grant`). */
export const GRANT_PAGE_INTERVAL_MS = 3000;
const lastGrantPage = new Map<number, number>();

/**
 * Opens the grant page for `tabId` (a *Permission needed* badge was activated): the popup's page for that tab,
 * `popup.html?tabId=N&grant=1`, next to it; its "Allow on this site" button calls `permissions.request` in its
 * click handler (a content script's message is no user gesture).
 * @returns the new tab's id, or `undefined` when one was opened for this tab less than
 *   `GRANT_PAGE_INTERVAL_MS` ago
 */
export async function openGrantPage(tabId: number, now = Date.now()): Promise<number | undefined> {
  const last = lastGrantPage.get(tabId);
  if (last !== undefined && now - last < GRANT_PAGE_INTERVAL_MS) return undefined;
  lastGrantPage.set(tabId, now);
  const tab = await browser.tabs.get(tabId).catch(() => undefined);
  const opened = await browser.tabs.create({
    url: browser.runtime.getURL(`popup.html?tabId=${tabId}&grant=1`),
    ...(tab?.index !== undefined ? { index: tab.index + 1 } : {}),
    ...(tab?.windowId !== undefined ? { windowId: tab.windowId } : {}),
    openerTabId: tabId,
  });
  return opened.id;
}

/** Test hooks (merged into `__synthscreenTest`; test builds only). */
export const grantsTestApi = {
  /** Grants `patterns` as if the user had accepted the prompt, then rescans every tab. */
  async grantForTests(patterns: string[], rescan = true): Promise<string[]> {
    const next = [...new Set([...(await testGrants()), ...patterns])];
    await browser.storage.session.set({ [TEST_GRANTS_KEY]: next });
    if (rescan) await rescanAllTabs();
    return next;
  },
  /** Removes all test grants. */
  async revokeTestGrants(): Promise<void> {
    await browser.storage.session.remove(TEST_GRANTS_KEY);
  },
};
