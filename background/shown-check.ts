/**
 * Confirms that the bytes the worker checked are the image the page shows (issue 13, item 1: a server
 * can serve a decoy to the worker's own download). The worker keeps a `THUMB_SIDE²` luma thumbnail of
 * every image it scored (by content hash); when the content script reports images fully in the viewport,
 * one `tabs.captureVisibleTab` of the tab is cropped to each image's content box, and the perceptual
 * hashes (`perceptual-hash.ts`: DCT hash of the central 70 % of the shown region) are compared:
 * more than `MISMATCH_DISTANCE` of 63 bits apart is `mismatch` ("Served a different image to the
 * checker").
 *
 * `unconfirmed` (recorded in the tab's ledger, never shown on the badge) when: the capture is not allowed
 * (`captureVisibleTab` needs the `<all_urls>` grant or activeTab), the tab is not the active one of its
 * window, the request comes from a sub-frame (its offset in the tab is unknown), the thumbnail is gone
 * (worker restarted), the image was animated or flat, or the capture rate limit is reached. Chromium allows
 * `MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND` = 2 captures per second; captures here are at least
 * `CAPTURE_GAP_MS` apart and at most `MAX_WAITING` requests wait for one.
 */
import browser from 'webextension-polyfill';
import type { ShownCheck, ShownItem } from '../extension/shared/messages';
import { CENTRAL_REGION, compareHashes, lumaThumbnail, perceptualHash, THUMB_SIDE, type FractionRect } from '../extension/shared/perceptual-hash';
import type { RgbaImage } from '../extension/shared/preprocess';
import { LruCache } from './cache';

/** Least time between two captures (Chromium refuses more than 2 per second). */
export const CAPTURE_GAP_MS = 550;
/** Most requests waiting for a capture slot; more are answered `unconfirmed` ("capture busy"). */
export const MAX_WAITING = 4;

const thumbs = new LruCache<Uint8Array>(400);
let lastCapture = 0;
let chain: Promise<unknown> = Promise.resolve();
let waiting = 0;

/** Counters for tests: captures taken, captures refused, and outcomes. */
export const shownStats = { captures: 0, captureErrors: 0, noGrant: 0, match: 0, mismatch: 0, unconfirmed: 0, lastError: '' };

/**
 * Whether `captureVisibleTab` may run: Chromium and Firefox require the `<all_urls>` host permission (or
 * activeTab, which SynthScreen does not ask for). Checked before queueing, so pages without the grant cost
 * no capture attempt. When the permissions API is missing, the capture is tried.
 */
async function captureAllowed(): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: ['<all_urls>'] });
  } catch {
    return true;
  }
}

/**
 * Keeps the luma thumbnail of a scored image (not for animations: the page may show another frame).
 * @param contentHash sha256 hex of the checked bytes
 */
export function rememberShownThumbnail(contentHash: string, image: RgbaImage, animated: boolean): void {
  if (animated || thumbs.get(contentHash)) return;
  thumbs.set(contentHash, lumaThumbnail(image));
}

/** The middle `CENTRAL_REGION` of a rectangle given in any unit. */
function central<T extends { x: number; y: number; width: number; height: number }>(r: T): FractionRect {
  return { x: r.x + CENTRAL_REGION.x * r.width, y: r.y + CENTRAL_REGION.y * r.height, width: CENTRAL_REGION.width * r.width, height: CENTRAL_REGION.height * r.height };
}

/** Waits for a capture slot (≥ CAPTURE_GAP_MS after the previous capture), then runs `f`. */
function inCaptureSlot<T>(f: () => Promise<T>): Promise<T> {
  const run = chain.then(async () => {
    const wait = lastCapture + CAPTURE_GAP_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      return await f();
    } finally {
      lastCapture = Date.now();
    }
  });
  chain = run.catch(() => undefined);
  return run;
}

/** Decodes a `captureVisibleTab` PNG data URL to RGBA. */
async function decodeCapture(dataUrl: string): Promise<RgbaImage> {
  const blob = await (await fetch(dataUrl)).blob();
  const bmp = await createImageBitmap(blob);
  try {
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height);
    return { width: d.width, height: d.height, data: d.data };
  } finally {
    bmp.close();
  }
}

function count(c: ShownCheck): ShownCheck {
  shownStats[c.status]++;
  return c;
}

/**
 * Checks the images of one `confirm-shown` request against one capture of the sender's tab.
 * @param tabId the sender's tab; `frameId` its frame (only the top frame, 0, is checked)
 * @param viewport the frame's inner size in CSS px
 * @returns one `ShownCheck` per item, in order (never throws)
 */
export async function confirmShown(tabId: number | undefined, frameId: number | undefined, viewport: { width: number; height: number }, items: ShownItem[]): Promise<ShownCheck[]> {
  const all = (reason: string) => items.map(() => count({ status: 'unconfirmed', reason }));
  if (tabId === undefined) return all('no tab');
  if (frameId !== undefined && frameId !== 0) return all('image in a frame');
  const checked = items.map((it) => thumbs.get(it.contentHash));
  if (checked.every((t) => !t)) return items.map(() => count({ status: 'unconfirmed', reason: 'checked pixels not kept (animated, or the worker restarted)' }));
  if (!(await captureAllowed())) { shownStats.noGrant++; return all('capture needs the <all_urls> grant'); }
  if (waiting >= MAX_WAITING) return all('capture busy');
  waiting++;
  let shot: RgbaImage;
  try {
    shot = await inCaptureSlot(async () => {
      const tab = await browser.tabs.get(tabId);
      if (!tab.active || tab.windowId === undefined) throw new Error('tab not visible');
      const dataUrl = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
      const after = await browser.tabs.get(tabId);
      if (!after.active) throw new Error('tab not visible');
      shownStats.captures++;
      return decodeCapture(dataUrl);
    });
  } catch (e) {
    shownStats.captureErrors++;
    shownStats.lastError = (e as Error)?.message ?? String(e);
    return all(`capture failed: ${shownStats.lastError.slice(0, 200)}`);
  } finally {
    waiting--;
  }
  const scale = shot.width / viewport.width;
  return items.map((it, i) => {
    const thumb = checked[i];
    if (!thumb) return count({ status: 'unconfirmed', reason: 'checked pixels not kept (animated, or the worker restarted)' });
    const px = { x: it.rect.x * scale, y: it.rect.y * scale, width: it.rect.width * scale, height: it.rect.height * scale };
    if (px.x < -1 || px.y < -1 || px.x + px.width > shot.width + 1 || px.y + px.height > shot.height + 1) return count({ status: 'unconfirmed', reason: 'image not fully in the capture' });
    if (px.width < 16 || px.height < 16) return count({ status: 'unconfirmed', reason: 'image too small on screen' });
    const c = central(px);
    try {
      const shown = perceptualHash({ ...shot, channels: 4 }, { x: c.x / shot.width, y: c.y / shot.height, width: c.width / shot.width, height: c.height / shot.height });
      const source = perceptualHash({ width: THUMB_SIDE, height: THUMB_SIDE, data: thumb, channels: 1 }, central(it.region));
      const r = compareHashes(shown, source);
      return count(r.status === 'unconfirmed' ? { status: 'unconfirmed', reason: r.reason } : { status: r.status, distance: r.distance });
    } catch (e) {
      return count({ status: 'unconfirmed', reason: `hash failed: ${(e as Error).message}` });
    }
  });
}
