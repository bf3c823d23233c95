/**
 * Records each new verdict in the local history (`extension/shared/history.ts`) when `Settings.history`
 * is on. The background is the only writer of the history (one `HistoryStore`, writes serialised);
 * extension pages read it and the options page may clear it.
 */
import browser from 'webextension-polyfill';
import { HistoryStore, storageAreaStore } from '../extension/shared/history';
import type { Verdict } from '../extension/shared/messages';
import { effectiveThreshold, normalizeSettings, SETTINGS_KEY } from '../extension/shared/settings';
import { verdictFor } from '../extension/shared/verdict';

let store: HistoryStore | undefined;

/** The background's history store (created on first use). */
export function historyStore(): HistoryStore {
  store ??= new HistoryStore(storageAreaStore(browser.storage.local as never));
  return store;
}

/**
 * Adds a fresh (not cached) verdict to the history, labelled with the threshold in force now.
 * Does nothing when the user turned history off. Never throws (a storage failure is logged).
 * @param model the model's own threshold and band (used where the user set none)
 * @param pageUrl the page that showed the image (may be '')
 */
export async function recordVerdict(v: Verdict, pageUrl: string, model: { threshold: number; unsureBand: number }): Promise<void> {
  try {
    const got = await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({} as Record<string, unknown>));
    const settings = normalizeSettings(got[SETTINGS_KEY]);
    if (!settings.history || v.cached) return;
    const rule = effectiveThreshold(settings, model);
    await historyStore().add({
      url: v.url, pageUrl, probability: v.probability, label: verdictFor(v.probability, rule.threshold, rule.unsureBand),
      model: v.model, time: Date.now(),
    });
  } catch (e) {
    console.warn('[synthscreen] history:', (e as Error).message);
  }
}
