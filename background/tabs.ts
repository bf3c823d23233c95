/**
 * What each tab shows: the list of images its content script reported (with their states), kept in
 * memory and mirrored to `storage.session` so the popup still lists them after the worker restarts.
 */
import browser from 'webextension-polyfill';
import type { TabImage } from '../extension/shared/messages';
import { validTabImage } from '../extension/shared/message-schema';

const KEY = 'tabImages';
let tabs: Record<string, TabImage[]> | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

async function load(): Promise<Record<string, TabImage[]>> {
  if (!tabs) {
    const got = await browser.storage.session?.get(KEY).catch(() => ({} as Record<string, unknown>));
    tabs = { ...((got?.[KEY] as Record<string, TabImage[]>) ?? {}), ...(tabs ?? {}) };
  }
  return tabs;
}

function persist(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    void browser.storage.session?.set({ [KEY]: tabs ?? {} }).catch(() => undefined);
  }, 200);
}

/** Replaces the image list of a tab (sent by its content script after every change). */
export async function setTabImages(tabId: number, images: TabImage[]): Promise<void> {
  const t = await load();
  t[String(tabId)] = images.slice(0, 2000);
  persist();
}

/** The image list of a tab, `[]` when it has none (entries restored from storage are re-validated). */
export async function getTabImages(tabId: number): Promise<TabImage[]> {
  const list = (await load())[String(tabId)];
  return Array.isArray(list) ? list.filter(validTabImage) : [];
}

/** Forgets a closed tab. */
export async function forgetTab(tabId: number): Promise<void> {
  const t = await load();
  delete t[String(tabId)];
  persist();
}
