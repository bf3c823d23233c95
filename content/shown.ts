/**
 * Asks the background to confirm that the bytes it checked are the image the page shows (issue 13,
 * item 1; `background/shown-check.ts` captures the tab and compares perceptual hashes). An image is sent
 * once it is fully inside the viewport (IntersectionObserver, ratio 1), rendered without filter, opacity
 * or rotation, and not covered by other elements at the centre and corners of its central region. Images
 * waiting in the same 300 ms go in one request (one capture). Our own badges over an image's central
 * region are hidden (visibility) for the capture and shown again after it.
 *
 * A first `mismatch` is checked once more with a new capture (the page may have moved in between); two
 * in a row call `onMismatch`. `unconfirmed` for a passing reason (capture busy, tab not visible, image
 * moved) is asked again on a later intersection, at most `MAX_TRIES` times. Sub-frames do not measure
 * (their position in the tab is unknown to them): they send their images at once and the background
 * records them as unconfirmed ("image in a frame").
 */
import browser from 'webextension-polyfill';
import type { Result, ShownCheck, ShownItem } from '../extension/shared/messages';
import { CENTRAL_REGION } from '../extension/shared/perceptual-hash';
import { MAX_SHOWN_ITEMS } from '../extension/shared/message-schema';

const BATCH_MS = 300;
const MAX_TRIES = 3;
const PASSING = /busy|not visible|moved|capture failed: .*(quota|MAX_CAPTURE|rate)/i;

interface Watched {
  img: HTMLImageElement;
  url: string;
  contentHash: string;
  onResult: (c: ShownCheck) => void;
  tries: number;
  mismatches: number;
  done: boolean;
}

type Rect = { x: number; y: number; width: number; height: number };

/**
 * The image's drawn content inside the viewport and the part of the source it shows (object-fit and
 * object-position in `%` or `px`; borders and padding excluded).
 * @returns `undefined` when the geometry is not one this check handles (rotation, filters, odd positions)
 */
export function shownGeometry(img: HTMLImageElement): { rect: Rect; region: Rect } | undefined {
  const nw = img.naturalWidth;
  const nh = img.naturalHeight;
  if (!img.complete || nw === 0 || nh === 0) return undefined;
  const cs = getComputedStyle(img);
  if (cs.filter !== 'none' || Number(cs.opacity) < 1 || cs.visibility !== 'visible') return undefined;
  if (cs.transform !== 'none') {
    const m = /^matrix\(([^)]+)\)$/.exec(cs.transform);
    const v = m?.[1]!.split(',').map(Number);
    if (!v || v[1] !== 0 || v[2] !== 0) return undefined; // rotated or skewed
  }
  const r = img.getBoundingClientRect();
  const px = (s: string) => parseFloat(s) || 0;
  const left = px(cs.borderLeftWidth) + px(cs.paddingLeft);
  const top = px(cs.borderTopWidth) + px(cs.paddingTop);
  const w = r.width - left - px(cs.borderRightWidth) - px(cs.paddingRight);
  const h = r.height - top - px(cs.borderBottomWidth) - px(cs.paddingBottom);
  if (w <= 0 || h <= 0) return undefined;
  const fit = cs.objectFit || 'fill';
  let s: number;
  let dw: number;
  let dh: number;
  if (fit === 'fill') { dw = w; dh = h; s = 1; } else {
    const contain = Math.min(w / nw, h / nh);
    s = fit === 'contain' ? contain : fit === 'cover' ? Math.max(w / nw, h / nh) : fit === 'none' ? 1 : Math.min(1, contain);
    dw = nw * s;
    dh = nh * s;
  }
  const pos = (cs.objectPosition || '50% 50%').trim().split(/\s+/);
  if (pos.length !== 2) return undefined;
  const offset = (p: string, free: number): number | undefined => {
    if (/^-?[\d.]+%$/.test(p)) return (free * parseFloat(p)) / 100;
    if (/^-?[\d.]+px$/.test(p)) return parseFloat(p);
    return undefined;
  };
  const ox = offset(pos[0]!, w - dw);
  const oy = offset(pos[1]!, h - dh);
  if (ox === undefined || oy === undefined) return undefined;
  // Drawn rectangle (box coordinates) ∩ the content box.
  const x0 = Math.max(0, ox);
  const y0 = Math.max(0, oy);
  const x1 = Math.min(w, ox + dw);
  const y1 = Math.min(h, oy + dh);
  if (x1 - x0 < 1 || y1 - y0 < 1) return undefined;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const region = { x: clamp((x0 - ox) / dw), y: clamp((y0 - oy) / dh), width: 0, height: 0 };
  region.width = Math.min(1 - region.x, (x1 - x0) / dw);
  region.height = Math.min(1 - region.y, (y1 - y0) / dh);
  return { rect: { x: r.left + left + x0, y: r.top + top + y0, width: x1 - x0, height: y1 - y0 }, region };
}

/** True when `rect` lies wholly inside the viewport (scrollbars excluded). */
function inViewport(rect: Rect): boolean {
  const vw = document.documentElement.clientWidth || innerWidth;
  const vh = document.documentElement.clientHeight || innerHeight;
  return rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= vw + 0.5 && rect.y + rect.height <= vh + 0.5;
}

/** True when the image itself is hit at the centre and the corners of its central region. */
function unobstructed(img: HTMLImageElement, rect: Rect): boolean {
  const root = img.getRootNode() as Document | ShadowRoot;
  const c = { x: rect.x + CENTRAL_REGION.x * rect.width, y: rect.y + CENTRAL_REGION.y * rect.height, w: CENTRAL_REGION.width * rect.width, h: CENTRAL_REGION.height * rect.height };
  const points = [[c.x + c.w / 2, c.y + c.h / 2], [c.x + 1, c.y + 1], [c.x + c.w - 1, c.y + 1], [c.x + 1, c.y + c.h - 1], [c.x + c.w - 1, c.y + c.h - 1]];
  return points.every(([x, y]) => (root.elementFromPoint?.(x!, y!) ?? document.elementFromPoint(x!, y!)) === img);
}

function overlaps(a: DOMRect, b: Rect): boolean {
  return a.left < b.x + b.width && a.right > b.x && a.top < b.y + b.height && a.bottom > b.y;
}

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

export class ShownConfirmer {
  private readonly watched = new Map<HTMLImageElement, Watched>();
  private readonly io?: IntersectionObserver;
  private readonly queue = new Set<Watched>();
  private timer?: ReturnType<typeof setTimeout>;
  /** True while our own badges are hidden for a capture (the interference watcher ignores that). */
  capturing = false;
  /** In a sub-frame: images are only reported, and the background records them as not confirmed. */
  private subframe = false;

  /**
   * @param badges every badge of the scanner (those over an image's central region are hidden for the capture)
   * @param sendMessage the messaging function (tests)
   */
  constructor(private readonly badges: () => Array<{ host: HTMLElement; setStyle(prop: string, value: string): void }>, private readonly sendMessage: (m: unknown) => Promise<unknown> = (m) => browser.runtime.sendMessage(m)) {
    if (typeof IntersectionObserver === 'undefined') return;
    this.subframe = window !== window.top;
    this.io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const w = this.watched.get(e.target as HTMLImageElement);
        if (w && !w.done && e.intersectionRatio >= 0.99) this.enqueue(w);
      }
    }, { threshold: [1] });
  }

  /**
   * Starts watching an image that got a verdict for `contentHash`.
   * @param onResult called with the final check (`match`, `mismatch` after two captures, or `unconfirmed`)
   */
  watch(img: HTMLImageElement, url: string, contentHash: string, onResult: (c: ShownCheck) => void): void {
    if (!this.io) return;
    this.unwatch(img);
    const w: Watched = { img, url, contentHash, onResult, tries: 0, mismatches: 0, done: false };
    this.watched.set(img, w);
    this.io.observe(img);
  }

  unwatch(img: HTMLImageElement): void {
    if (!this.watched.has(img)) return;
    this.watched.delete(img);
    this.io?.unobserve(img);
  }

  private enqueue(w: Watched, delay = BATCH_MS): void {
    this.queue.add(w);
    if (!this.timer) this.timer = setTimeout(() => { this.timer = undefined; void this.flush(); }, delay);
  }

  private finish(w: Watched, c: ShownCheck): void {
    w.done = true;
    this.unwatch(w.img);
    w.onResult(c);
  }

  /** Sub-frames: the background answers `unconfirmed` ("image in a frame") and records it. */
  private async reportUnchecked(batch: Watched[]): Promise<void> {
    const items: ShownItem[] = batch.map((w) => ({ url: w.url, contentHash: w.contentHash, rect: { x: 0, y: 0, width: 1, height: 1 }, region: { x: 0, y: 0, width: 1, height: 1 } }));
    const r = (await this.sendMessage({ type: 'confirm-shown', viewport: { width: Math.max(1, Math.round(innerWidth)), height: Math.max(1, Math.round(innerHeight)) }, items }).catch(() => undefined)) as Result<ShownCheck[]> | undefined;
    batch.forEach((w, i) => this.finish(w, r?.ok && r.value[i] ? r.value[i]! : { status: 'unconfirmed', reason: 'image in a frame' }));
  }

  private async flush(): Promise<void> {
    const batch = [...this.queue].filter((w) => !w.done && w.img.isConnected && this.watched.get(w.img) === w).slice(0, MAX_SHOWN_ITEMS);
    for (const w of batch) this.queue.delete(w);
    if (!batch.length) return;
    if (this.subframe) { await this.reportUnchecked(batch); return; }
    if (document.visibilityState !== 'visible') return;
    const geo = new Map<Watched, { rect: Rect; region: Rect }>();
    for (const w of batch) {
      const g = shownGeometry(w.img);
      if (!g) { this.finish(w, { status: 'unconfirmed', reason: 'rendering not comparable (filter, opacity, rotation or position)' }); continue; }
      if (inViewport(g.rect)) geo.set(w, g);
    }
    if (!geo.size) return;
    const hidden: Array<{ host: HTMLElement; setStyle(prop: string, value: string): void }> = [];
    this.capturing = true;
    try {
      const hosts = this.badges();
      for (const g of geo.values()) {
        const c = { x: g.rect.x + CENTRAL_REGION.x * g.rect.width, y: g.rect.y + CENTRAL_REGION.y * g.rect.height, width: CENTRAL_REGION.width * g.rect.width, height: CENTRAL_REGION.height * g.rect.height };
        for (const o of hosts) if (!hidden.includes(o) && o.host.style.visibility !== 'hidden' && overlaps(o.host.getBoundingClientRect(), c)) { o.setStyle('visibility', 'hidden'); hidden.push(o); }
      }
      await frame();
      await frame();
      const items: Array<{ w: Watched; item: ShownItem }> = [];
      for (const [w, g] of geo) {
        if (!unobstructed(w.img, g.rect)) { w.tries++; if (w.tries >= MAX_TRIES) this.finish(w, { status: 'unconfirmed', reason: 'covered by other elements' }); continue; }
        items.push({ w, item: { url: w.url, contentHash: w.contentHash, rect: g.rect, region: g.region } });
      }
      if (!items.length) return;
      const viewport = { width: Math.max(1, Math.round(innerWidth)), height: Math.max(1, Math.round(innerHeight)) };
      const r = (await this.sendMessage({ type: 'confirm-shown', viewport, items: items.map((x) => x.item) }).catch(() => undefined)) as Result<ShownCheck[]> | undefined;
      for (let i = 0; i < items.length; i++) {
        const { w, item } = items[i]!;
        const now = shownGeometry(w.img);
        const moved = !now || Math.abs(now.rect.x - item.rect.x) > 1 || Math.abs(now.rect.y - item.rect.y) > 1;
        const c: ShownCheck = !r?.ok ? { status: 'unconfirmed', reason: `no answer${r && !r.ok ? `: ${r.error.message}` : ''}` }
          : moved ? { status: 'unconfirmed', reason: 'image moved during the capture' } : r.value[i] ?? { status: 'unconfirmed', reason: 'no answer' };
        w.tries++;
        if (c.status === 'mismatch') {
          w.mismatches++;
          if (w.mismatches >= 2) this.finish(w, c);
          else this.enqueue(w, 700); // a second capture before saying so
        } else if (c.status === 'match') {
          this.finish(w, c);
        } else if (!(PASSING.test(c.reason ?? '') || moved) || w.tries >= MAX_TRIES) {
          this.finish(w, c);
        }
      }
    } finally {
      for (const o of hidden) o.setStyle('visibility', 'visible');
      this.capturing = false;
    }
  }
}
