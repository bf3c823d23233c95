/**
 * SynthScreen content script: finds the page's images, asks the background for verdicts and draws
 * badges; applies the user's threshold and unsure band live when settings change.
 */
import browser from 'webextension-polyfill';
import { isMessage, type BackendStatus, type CheckedImage, type Result } from '../extension/shared/messages';
import { effectiveThreshold, isPausedOn, normalizeSettings, SETTINGS_KEY, type Settings } from '../extension/shared/settings';
import { normalizeOverrides, overrideMap, OVERRIDES_KEY } from '../extension/shared/overrides';
import { imageAtPoint, imageOf, type ImageHit } from './capture/index';
import { imageUrl, Scanner } from './scanner';

/** A `contextmenu` position older than this is not trusted for "the image the user right-clicked". */
const POINTER_FRESH_MS = 60_000;

/** Where the last `contextmenu` event happened (viewport CSS px) and when. */
let lastContextMenu: { x: number; y: number; at: number; target: Element | null } | undefined;

/**
 * Finds the image for a `check-image-at`: first an `<img>` showing `srcUrl` (the browser's own hit, only
 * given when the menu opened on an image), then what lies under the last `contextmenu` position —
 * through transparent overlays, including CSS `background-image` (`imageAtPoint`).
 * @returns the hit and how it was found, or `undefined` when there is no image there
 */
export function findMenuImage(srcUrl: string | undefined, doc: Document = document): { hit: ImageHit; found: CheckedImage['found'] } | undefined {
  const pos = lastContextMenu && Date.now() - lastContextMenu.at < POINTER_FRESH_MS ? lastContextMenu : undefined;
  if (srcUrl) {
    const candidates = Array.from(doc.images).filter((img) => imageUrl(img) === srcUrl || img.src === srcUrl || img.currentSrc === srcUrl);
    // Several images with that URL: the one under the pointer, else the first.
    const under = pos ? candidates.find((img) => { const r = img.getBoundingClientRect(); return pos.x >= r.left && pos.x <= r.right && pos.y >= r.top && pos.y <= r.bottom; }) : undefined;
    const img = under ?? candidates[0];
    const hit = img ? imageOf(img) : null;
    if (hit) return { hit: { ...hit, url: srcUrl.startsWith('blob:') || srcUrl.startsWith('data:') ? hit.url : srcUrl }, found: 'src-url' };
  }
  if (!pos) return undefined;
  const hit = imageAtPoint(doc, pos.x, pos.y);
  return hit ? { hit, found: hit.kind } : undefined;
}

declare global {
  interface Window { __synthscreenLoaded?: boolean }
}

async function main(): Promise<void> {
  if (window.__synthscreenLoaded) return; // injected twice (e.g. programmatically after install)
  window.__synthscreenLoaded = true;
  // Capture phase, passive: recorded before the page can stop the event, and never changes it.
  window.addEventListener('contextmenu', (e) => {
    lastContextMenu = { x: e.clientX, y: e.clientY, at: Date.now(), target: e.target instanceof Element ? e.target : null };
  }, { capture: true, passive: true });
  const scanner = new Scanner();
  let settings: Settings = normalizeSettings((await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({})) as Record<string, unknown>)[SETTINGS_KEY]);
  let modelRule = { threshold: 0.5, unsureBand: 0 };
  const applyRule = () => {
    const r = effectiveThreshold(settings, modelRule);
    scanner.setRule(r.threshold, r.unsureBand);
  };
  const applyDisplay = () => scanner.setDisplay({ definiteOnly: settings.definiteOnly, corner: settings.badgePosition }, settings.blurFlagged);
  applyRule();
  applyDisplay();
  // The user's own labels ("I know this is real / AI-generated"), by image URL.
  const overrides = await browser.storage.local.get(OVERRIDES_KEY).catch(() => ({} as Record<string, unknown>));
  scanner.setOverrides(overrideMap(normalizeOverrides(overrides[OVERRIDES_KEY])));

  let modelRuleLoading = false;
  /** The model's own threshold and band (used when the user set none); the worker may still be loading. */
  const loadModelRule = async () => {
    if (modelRuleLoading) return;
    modelRuleLoading = true;
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
  };
  /** Starts or stops scanning as auto-scan and the per-site pause say (live, from the popup's switch). */
  const applyPause = () => {
    if (isPausedOn(settings, location.hostname)) {
      scanner.stop(); // the context menu still works through 'check-image-at'
      return;
    }
    if (scanner.isRunning) return;
    scanner.start(settings.profileSites);
    void loadModelRule();
  };

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' && changes[SETTINGS_KEY]) {
      settings = normalizeSettings(changes[SETTINGS_KEY].newValue);
      applyRule();
      applyDisplay();
      applyPause();
    }
    if (area === 'local' && changes[OVERRIDES_KEY]) scanner.setOverrides(overrideMap(normalizeOverrides(changes[OVERRIDES_KEY].newValue)));
  });
  browser.runtime.onMessage.addListener((msg: unknown) => {
    if (!isMessage(msg)) return undefined;
    if (msg.type === 'check-image-at') {
      const where = findMenuImage(msg.srcUrl);
      if (!where) {
        return Promise.resolve({ ok: false, error: { code: 'fetch-failed', message: 'no image found where the menu was opened' } } satisfies Result<CheckedImage>);
      }
      return scanner.checkHit(where.hit, where.found);
    }
    if (msg.type === 'highlight-image') {
      return Promise.resolve({ ok: true, value: typeof msg.url === 'string' && scanner.highlight(msg.url) } satisfies Result<boolean>);
    }
    if (msg.type === 'rescan') {
      if (scanner.isRunning) scanner.scan();
    } else return undefined;
    return Promise.resolve({ ok: true, value: null });
  });

  applyPause();
}

void main();
