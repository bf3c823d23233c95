/**
 * SynthScreen content script: finds the page's images, asks the background for verdicts and draws
 * badges; applies the user's threshold and unsure band live when settings change.
 */
import browser from 'webextension-polyfill';
import { isMessage, type BackendStatus, type Result } from '../extension/shared/messages';
import { effectiveThreshold, normalizeSettings, SETTINGS_KEY, type Settings } from '../extension/shared/settings';
import { Scanner } from './scanner';

declare global {
  interface Window { __synthscreenLoaded?: boolean }
}

async function main(): Promise<void> {
  if (window.__synthscreenLoaded) return; // injected twice (e.g. programmatically after install)
  window.__synthscreenLoaded = true;
  const scanner = new Scanner();
  let settings: Settings = normalizeSettings((await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({})) as Record<string, unknown>)[SETTINGS_KEY]);
  let modelRule = { threshold: 0.5, unsureBand: 0 };
  const applyRule = () => {
    const r = effectiveThreshold(settings, modelRule);
    scanner.setRule(r.threshold, r.unsureBand);
  };
  applyRule();

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' && changes[SETTINGS_KEY]) {
      settings = normalizeSettings(changes[SETTINGS_KEY].newValue);
      applyRule();
    }
  });
  browser.runtime.onMessage.addListener((msg: unknown) => {
    if (!isMessage(msg)) return undefined;
    if (msg.type === 'check-image-at' && msg.srcUrl) scanner.checkUrl(msg.srcUrl);
    else if (msg.type === 'rescan') scanner.scan();
    else return undefined;
    return Promise.resolve({ ok: true, value: null });
  });

  const enabled = settings.autoScan && !settings.disabledSites.includes(location.hostname);
  if (!enabled) return; // the context menu still works through 'check-image-at'
  scanner.start(settings.profileSites);
  // The model's own threshold and band (used when the user set none); the worker may still be loading.
  for (let i = 0; i < 30; i++) {
    const st = (await browser.runtime.sendMessage({ type: 'get-status' }).catch(() => undefined)) as Result<BackendStatus> | undefined;
    if (st?.ok && st.value.model) {
      modelRule = { threshold: st.value.model.threshold ?? 0.5, unsureBand: st.value.model.unsureBand ?? 0 };
      applyRule();
      break;
    }
    if (st?.ok && st.value.error) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

void main();
