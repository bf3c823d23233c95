/**
 * The "Check image with SynthScreen" context-menu item. Contexts: image, and also page / link / frame,
 * so that it works when the image sits under a transparent overlay (the browser then reports no
 * `srcUrl`): the content script remembers where the last `contextmenu` happened and finds the image
 * there (`imageAtPoint`: through overlays, CSS `background-image`). Created in `runtime.onInstalled`;
 * the click handler is registered at the top level of the worker (MV3 wakes the worker for it) and
 * exported so e2e tests can call it (headless Chromium has no menu UI).
 *
 * Flow: `check-image-at` → the content script badges the image (`blob:` / `data:` bytes are read in the
 * page and sent as `classify-bytes`) and answers with the verdict → the explanation view opens in a new
 * tab next to the page (with the content hash, so page-read bytes resolve).
 */
import browser, { type Menus, type Tabs } from 'webextension-polyfill';
import { err, type BackgroundToContent, type CheckedImage, type Result, type Verdict } from '../extension/shared/messages';
import { explainLink, needsHash } from '../extension/explain/link';
import { classifyUrl } from './classifier';

export const MENU_ID = 'synthscreen-check-image';
export const MENU_CONTEXTS = ['image', 'page', 'link', 'frame'] as const;

/** Creates the menu item (idempotent: removes all of ours first). */
export async function createContextMenu(): Promise<void> {
  const menus = browser.contextMenus ?? (browser as unknown as { menus?: typeof browser.contextMenus }).menus;
  if (!menus) return;
  await menus.removeAll();
  menus.create({ id: MENU_ID, title: 'Check image with SynthScreen', contexts: [...MENU_CONTEXTS] });
}

/**
 * Opens the explanation view for one image in a new tab (next to `tab` when known).
 * @returns the new tab's id (undefined when the browser gave none)
 */
export async function openExplainView(v: Pick<Verdict, 'url' | 'contentHash' | 'probability'>, tab?: { id?: number; index?: number }): Promise<number | undefined> {
  const url = explainLink(browser.runtime.getURL('explain.html'), {
    url: v.url,
    hash: needsHash(v.url) ? v.contentHash : undefined,
    tab: tab?.id !== undefined && tab.id >= 0 ? tab.id : undefined,
    probability: v.probability,
  });
  const created = await browser.tabs.create({
    url,
    ...(tab?.id !== undefined && tab.id >= 0 ? { openerTabId: tab.id } : {}),
    ...(typeof tab?.index === 'number' ? { index: tab.index + 1 } : {}),
  });
  return created.id;
}

/** Asks the tab's content script to check the image; `undefined` when no content script answers. */
async function askTab(tabId: number, msg: BackgroundToContent, frameId?: number): Promise<Result<CheckedImage> | undefined> {
  const send = (opts?: { frameId: number }) =>
    (browser.tabs.sendMessage(tabId, msg, opts) as Promise<Result<CheckedImage> | undefined>).catch(() => undefined);
  // Content scripts run in every frame (issue 13, item 6): the clicked frame's own script answers; the top
  // frame is asked when that frame has none (e.g. a sandboxed frame).
  const r = frameId !== undefined && frameId > 0 ? await send({ frameId }) : undefined;
  return r ?? send({ frameId: 0 });
}

/**
 * Handles a click on the item: the content script of `tab` finds and badges the image (even where
 * auto-scan is off) and answers with its verdict; without a content script (e.g. a page it cannot run
 * on), an http(s) `srcUrl` is classified by the worker directly. Then opens the explanation view.
 * @param opts.openView open the explanation view (default true)
 * @returns the verdict (or error) for the image; `undefined` for other menu items
 */
export async function onMenuClick(
  info: Pick<Menus.OnClickData, 'menuItemId' | 'srcUrl' | 'pageUrl'> & { frameId?: number },
  tab?: Pick<Tabs.Tab, 'id'> & { index?: number },
  opts: { openView?: boolean } = {},
): Promise<Result<Verdict> | undefined> {
  if (info.menuItemId !== MENU_ID) return undefined;
  let result: Result<Verdict> | undefined;
  if (tab?.id !== undefined && tab.id >= 0) {
    const msg: BackgroundToContent = { type: 'check-image-at', srcUrl: info.srcUrl, pageUrl: info.pageUrl };
    const r = await askTab(tab.id, msg, info.frameId);
    if (r && typeof r === 'object' && 'ok' in r) result = r.ok ? { ok: true, value: r.value.verdict } : r;
  }
  const notFound = !!result && !result.ok && (result.error.code === 'cancelled' || /^no image found/.test(result.error.message));
  if (!result || notFound) {
    if (info.srcUrl && /^https?:/i.test(info.srcUrl)) result = await classifyUrl(info.srcUrl, 'profile', info.pageUrl ?? '');
    else if (!result) result = err('fetch-failed', info.srcUrl ? 'the page did not answer for this image' : 'no image found where the menu was opened');
  }
  if (result.ok && opts.openView !== false) {
    await openExplainView(result.value, tab).catch((e: unknown) => console.warn('[synthscreen] explain view:', e));
  }
  return result;
}
