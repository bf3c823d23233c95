/**
 * Records each new verdict in the local history (`extension/shared/history.ts`) when `Settings.history`
 * is on (off by default) and prunes entries older than the retention. The background is the only writer of the history (one `HistoryStore`, writes serialised);
 * extension pages read it and the options page may clear it.
 */
import browser from 'webextension-polyfill';
import { HistoryStore, storageAreaStore } from '../extension/shared/history';
import type { Verdict } from '../extension/shared/messages';
import { effectiveThreshold, normalizeSettings, SETTINGS_KEY } from '../extension/shared/settings';
import { fuseScreened } from '../extension/shared/provenance/fusion';

let store: HistoryStore | undefined;

/** The background's history store (created on first use). */
export function historyStore(): HistoryStore {
  store ??= new HistoryStore(storageAreaStore(browser.storage.local as never));
  return store;
}

/**
 * Adds a fresh (not cached) verdict to the history, labelled and worded as the badge shows it: fused with
 * the image's provenance (`fuseScreened`) under the threshold in force now; `text` keeps the badge text
 * ("No AI signs found · AI score 12/100"), so the history shows the same words later whatever the rule.
 * Does nothing when the user turned history off. Never throws (a storage failure is logged).
 * @param model the model's own threshold and band (used where the user set none)
 * @param pageUrl the page that showed the image (may be '')
 */
export async function recordVerdict(v: Verdict, pageUrl: string, model: { threshold: number; unsureBand: number }): Promise<void> {
  try {
    const got = await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({} as Record<string, unknown>));
    const settings = normalizeSettings(got[SETTINGS_KEY]);
    if (!settings.history || v.cached) return;
    const fused = fuseScreened(v, effectiveThreshold(settings, model));
    if (fused.label === 'none') return;
    await historyStore().add({
      url: v.url, pageUrl,
      ...(v.probability !== undefined ? { probability: v.probability } : {}),
      label: fused.label,
      text: fused.short,
      model: v.model ?? '', time: Date.now(),
    });
  } catch (e) {
    console.warn('[synthscreen] history:', (e as Error).message);
  }
}

/**
 * Drops history entries older than the retention (`HISTORY_RETENTION_DAYS`) from storage. Called when the
 * background starts (entries are also pruned on every write and hidden on every read). Never throws.
 */
export async function pruneStoredHistory(): Promise<void> {
  try {
    await historyStore().prune();
  } catch (e) {
    console.warn('[synthscreen] history prune:', (e as Error).message);
  }
}
