/**
 * The "Check image with SynthScreen" context-menu item (contexts: image). Created in
 * `runtime.onInstalled`; the click handler is registered at the top level of the worker (MV3 wakes the
 * worker for it) and exported so e2e tests can call it (headless Chromium has no menu UI).
 */
import browser, { type Menus, type Tabs } from 'webextension-polyfill';
import type { BackgroundToContent, Result, Verdict } from '../extension/shared/messages';
import { classifyUrl } from './classifier';

export const MENU_ID = 'synthscreen-check-image';

/** Creates the menu item (idempotent: removes all of ours first). */
export async function createContextMenu(): Promise<void> {
  const menus = browser.contextMenus ?? (browser as unknown as { menus?: typeof browser.contextMenus }).menus;
  if (!menus) return;
  await menus.removeAll();
  menus.create({ id: MENU_ID, title: 'Check image with SynthScreen', contexts: ['image'] });
}

/**
 * Handles a click on the item: asks the tab's content script to badge that image (even where
 * auto-scan is off) and classifies it at `profile` priority.
 * @returns the verdict (or error) for `info.srcUrl`; `undefined` for other menu items
 */
export async function onMenuClick(info: Pick<Menus.OnClickData, 'menuItemId' | 'srcUrl' | 'pageUrl'>, tab?: Pick<Tabs.Tab, 'id'>): Promise<Result<Verdict> | undefined> {
  if (info.menuItemId !== MENU_ID || !info.srcUrl) return undefined;
  if (tab?.id !== undefined && tab.id >= 0) {
    const msg: BackgroundToContent = { type: 'check-image-at', srcUrl: info.srcUrl, pageUrl: info.pageUrl };
    void browser.tabs.sendMessage(tab.id, msg).catch(() => undefined);
  }
  return classifyUrl(info.srcUrl, 'profile', info.pageUrl ?? '');
}
