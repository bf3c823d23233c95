/**
 * What each tab shows: one `TabLedger` per tab (`tab-ledger.ts`: the background's own results for the
 * tab's images, the frames' reported image lists, interference counts and shown-image checks), kept in
 * memory and mirrored to `storage.session` so the popup still lists them after the worker restarts.
 */
import browser from 'webextension-polyfill';
import type { Interference, Result, ShownCheck, TabImage, TabIntegrity, Verdict } from '../extension/shared/messages';
import { validTabImage } from '../extension/shared/message-schema';
import { emptyLedger, forgetFrame, integrity, listImages, recordPending, recordReport, recordResult, recordShown, type TabLedger } from './tab-ledger';

const KEY = 'tabLedgers';
let tabs: Record<string, TabLedger> | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

async function load(): Promise<Record<string, TabLedger>> {
  if (!tabs) {
    const got = await browser.storage.session?.get(KEY).catch(() => ({} as Record<string, unknown>));
    const stored = (got?.[KEY] ?? {}) as Record<string, TabLedger>;
    tabs = { ...stored, ...(tabs ?? {}) };
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

async function ledger(tabId: number): Promise<TabLedger> {
  const t = await load();
  const l = t[String(tabId)];
  if (l && typeof l === 'object' && l.results && l.reported && l.interference) return l;
  return (t[String(tabId)] = emptyLedger());
}

/** Replaces the image list (and interference counts) a frame of a tab reported. */
export async function setTabImages(tabId: number, images: TabImage[], frameId = 0, interference?: Interference, documentUrl?: string): Promise<void> {
  recordReport(await ledger(tabId), frameId, images, interference, documentUrl);
  persist();
}

/** Records that a tab asked for `url`. */
export async function notePending(tabId: number, url: string): Promise<void> {
  recordPending(await ledger(tabId), url);
  persist();
}

/** Records the background's answer to a tab for `url`. */
export async function noteResult(tabId: number, url: string, r: Result<Verdict>): Promise<void> {
  recordResult(await ledger(tabId), url, r);
  persist();
}

/** Records a shown-image check for `url` in a tab. */
export async function noteShown(tabId: number, url: string, check: ShownCheck): Promise<void> {
  recordShown(await ledger(tabId), url, check);
  persist();
}

/** The image list of a tab, `[]` when it has none (entries restored from storage are re-validated). */
export async function getTabImages(tabId: number): Promise<TabImage[]> {
  const t = await load();
  const l = t[String(tabId)];
  if (!l) return [];
  try {
    return listImages(l).filter(validTabImage);
  } catch {
    return []; // a corrupted mirror: nothing rather than a broken popup
  }
}

/** The tab's integrity record (interference with badges, shown-image checks). */
export async function getTabIntegrity(tabId: number): Promise<TabIntegrity> {
  const t = await load();
  const l = t[String(tabId)];
  return l ? integrity(l) : { interference: { removed: 0, hidden: 0 }, shown: { match: 0, mismatch: 0, unconfirmed: 0 } };
}

/** Forgets a frame of a tab (its document was replaced). */
export async function forgetTabFrame(tabId: number, frameId: number): Promise<void> {
  const t = await load();
  const l = t[String(tabId)];
  if (l) { forgetFrame(l, frameId); persist(); }
}

/** Forgets a closed tab. */
export async function forgetTab(tabId: number): Promise<void> {
  const t = await load();
  delete t[String(tabId)];
  persist();
}
