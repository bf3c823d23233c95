/**
 * Image discovery on a page: every `<img>` now and later (MutationObserver on the subtree), following
 * `src` / `srcset` / lazy-load `data-src` swaps (attribute observer) and using `currentSrc` once loaded.
 * One request per distinct URL; one badge per image element.
 */
import type { CheckedImage, ImageError, Priority, Result, ShownCheck, TabImage, Verdict } from '../extension/shared/messages';
import { MIN_SIDE_PIXELS } from '../extension/shared/preprocess';
import { adapterFor, findProfilePhotos, type ProfilePhoto, type SiteAdapter } from './adapters/index';
import { currentImageUrl, readBlobOrDataUrl, toMessageBytes, type ImageHit } from './capture/index';
import { Badge } from './badge';
import { compactProvenance } from '../extension/shared/provenance/compact';
import { send } from './client';
import { observeDeep, type DeepObserver } from './capture/observe';
import { queryAllDeep } from './capture/dom';
import { ShownConfirmer } from './shown';
import { BadgeGuard } from './badge-guard';

/** How often open shadow roots attached without a DOM mutation are looked for, in milliseconds. */
const SHADOW_RESCAN_MS = 2000;
import { MAX_TAB_IMAGES } from '../extension/shared/message-schema';

/** How long to wait for an image's own load before asking the background anyway (it fetches itself). */
const LOAD_WAIT_MS = 2500;
const MAX_PAGE_BYTES = 32 * 1024 * 1024;

interface Tracked {
  url: string;
  badge: Badge;
  isProfile: boolean;
  /** The element the badge sits on (the image itself, or the adapter's anchor for profile photos). */
  anchor: Element;
}

/** Heuristic: avatars and profile photos get the `profile` queue lane. */
export function looksLikeProfile(img: HTMLImageElement): boolean {
  const hay = `${img.alt} ${img.className} ${img.getAttribute('src') ?? ''} ${img.closest('[data-testid],[class]')?.className ?? ''}`;
  return /avatar|profile|pfp|user-?pic/i.test(hay);
}

/** The URL an image shows (or will show): `currentSrc`, else `src`, else a lazy `data-src`. */
export function imageUrl(img: HTMLImageElement): string | undefined {
  const raw = currentImageUrl(img) || img.currentSrc || img.src || img.getAttribute('data-src') || '';
  if (!raw) return undefined;
  try {
    const u = new URL(raw, document.baseURI);
    return u.href;
  } catch {
    return undefined;
  }
}

export class Scanner {
  private readonly tracked = new Map<Element, Tracked>();
  /** Profile photos found by the site adapter, by element. */
  private readonly profiles = new WeakMap<Element, ProfilePhoto>();
  private adapter: SiteAdapter | null = null;
  private profileTimer?: ReturnType<typeof setTimeout>;
  private readonly results = new Map<string, Promise<Result<Verdict>>>();
  private readonly outcome = new Map<string, { verdict?: Verdict; error?: ImageError }>();
  private observer?: DeepObserver;
  private rootTimer?: ReturnType<typeof setInterval>;
  private resize?: ResizeObserver;
  private rule = { threshold: 0.5, band: 0 };
  private reportTimer?: ReturnType<typeof setTimeout>;
  private placeQueued = false;
  /** Confirms that the checked bytes are the shown image (issue 13, item 1). */
  private readonly shown = new ShownConfirmer(() => [...this.tracked.values()].map((t) => t.badge));
  /** Puts back badges the page removes or hides, and counts it (issue 13, item 7). */
  private readonly guard = new BadgeGuard(() => [...this.tracked.values()].map((t) => ({
    host: t.badge.host, anchor: t.anchor, get styleTampered() { return t.badge.styleTampered; }, restoreStyle: () => t.badge.restoreStyle(),
  })), () => this.queueReport(), () => this.shown.capturing);
  /** Every badge host this scanner made (not images: the page's removals of them are not untracking). */
  private readonly hosts = new WeakSet<Element>();
  /** Shown-image checks by URL (for the popup list the background keeps its own). */
  private readonly shownChecks = new Map<string, ShownCheck>();

  /**
   * Starts observing `document` (call once).
   * @param profileSites the site adapters the user enabled (`Settings.profileSites`)
   */
  start(profileSites?: readonly string[]): void {
    this.adapter = adapterFor(location.hostname, document, profileSites);
    // Open shadow roots are walked and watched too (issue 13, item 6): `observeDeep` observes the document
    // and every open root, and each new root that arrives with added nodes; `rescan` on a timer finds roots
    // attached later without a DOM mutation. Closed roots stay out of reach (docs/security.md).
    const imagesIn = (el: Element): Element[] => queryAllDeep(el, 'img');
    this.observer = observeDeep(document, (changed) => {
      this.queueProfileScan();
      for (const el of changed) imagesIn(el).forEach((i) => this.consider(i as HTMLImageElement));
    }, {
      attributes: ['src', 'srcset', 'data-src', 'sizes'],
      onRemoved: (removed) => {
        for (const el of removed) if (!this.hosts.has(el)) imagesIn(el).forEach((i) => this.untrack(i as HTMLImageElement));
      },
    });
    this.rootTimer = setInterval(() => {
      if (this.observer!.rescan() > 0) queryAllDeep(document, 'img').forEach((img) => this.consider(img as HTMLImageElement));
    }, SHADOW_RESCAN_MS);
    this.resize = new ResizeObserver(() => this.queuePlace());
    window.addEventListener('scroll', () => this.queuePlace(), { passive: true, capture: true });
    window.addEventListener('resize', () => this.queuePlace(), { passive: true });
    this.scan();
  }

  /** Looks at every image currently in the document (profile photos first: they get priority). */
  scan(): void {
    this.retryPermissionNeeded();
    this.scanProfiles();
    queryAllDeep(document, 'img').forEach((img) => this.consider(img as HTMLImageElement));
  }

  /**
   * Forgets the outcome of images that showed `permission-needed` (the user may have granted the origin
   * since), so the scan that follows asks the background again. Elements that are not `<img>` (CSS
   * background avatars) are re-requested here directly.
   */
  private retryPermissionNeeded(): void {
    for (const [el, t] of [...this.tracked]) {
      if (this.outcome.get(t.url)?.error?.code !== 'permission-needed') continue;
      this.results.delete(t.url);
      this.outcome.delete(t.url);
      t.badge.remove();
      this.tracked.delete(el);
      if (!(el instanceof HTMLImageElement)) this.handleElement(el, t.url, t.anchor, t.isProfile);
    }
  }

  private queueProfileScan(): void {
    if (this.profileTimer || !this.adapter) return;
    this.profileTimer = setTimeout(() => {
      this.profileTimer = undefined;
      this.scanProfiles();
    }, 400);
  }

  /** Finds profile photos with the site adapter; images among them are badged at `profile` priority. */
  private scanProfiles(): void {
    if (!this.adapter) return;
    let found: ProfilePhoto[] = [];
    try {
      found = findProfilePhotos(document, this.adapter);
    } catch {
      return; // an adapter bug must not stop ordinary badging
    }
    for (const p of found) {
      const known = this.profiles.get(p.element);
      if (known && known.url === p.url) continue;
      this.profiles.set(p.element, p);
      if (p.element instanceof HTMLImageElement) {
        const t = this.tracked.get(p.element);
        if (t && t.url !== p.url) { t.badge.remove(); this.tracked.delete(p.element); }
        this.consider(p.element);
      } else {
        this.handleElement(p.element, p.url, p.anchor, true, p.shownUrl);
      }
    }
  }

  /** Sets the decision rule for all badges, now and later (live settings). */
  setRule(threshold: number, band: number): void {
    this.rule = { threshold, band };
    for (const t of this.tracked.values()) t.badge.setRule(threshold, band);
    this.queueReport();
  }

  /** Checks the images showing `srcUrl` (context menu), even where auto-scan is off. */
  checkUrl(srcUrl: string): void {
    document.querySelectorAll('img').forEach((img) => {
      if (imageUrl(img) === srcUrl || img.src === srcUrl) this.consider(img);
    });
  }

  /** Waits for an image to settle (load, error, or a timeout), then handles it. */
  private consider(img: HTMLImageElement): void {
    if (img.complete || !img.getAttribute('src')) {
      this.handle(img);
      return;
    }
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      img.removeEventListener('load', go);
      img.removeEventListener('error', go);
      this.handle(img);
    };
    const timer = setTimeout(go, LOAD_WAIT_MS);
    img.addEventListener('load', go);
    img.addEventListener('error', go);
  }

  private untrack(img: Element): void {
    const t = this.tracked.get(img);
    if (!t) return;
    t.badge.remove();
    this.resize?.unobserve(img);
    if (img instanceof HTMLImageElement) this.shown.unwatch(img);
    this.tracked.delete(img);
    this.queueReport();
  }

  private handle(img: HTMLImageElement): void {
    if (!img.isConnected) return;
    const profile = this.profiles.get(img);
    const url = profile?.url ?? imageUrl(img);
    if (!url) return;
    const loaded = img.complete && img.naturalWidth > 0;
    const tooSmall = !profile && loaded && Math.min(img.naturalWidth, img.naturalHeight) < MIN_SIDE_PIXELS
      ? `${img.naturalWidth}x${img.naturalHeight}` : undefined;
    this.handleElement(img, url, profile?.anchor ?? img, !!profile || looksLikeProfile(img), profile?.shownUrl, tooSmall);
  }

  /**
   * Badges one element showing `url`: one badge per element, one request per distinct URL.
   * @param fallbackUrl asked when `url` cannot be fetched (a profile photo's shown size)
   * @param tooSmall the natural size when the page's own decode says it is below MIN_SIDE_PIXELS
   */
  private handleElement(el: Element, url: string, anchor: Element, isProfile: boolean, fallbackUrl?: string, tooSmall?: string): void {
    if (!el.isConnected) return;
    const prev = this.tracked.get(el);
    if (prev && prev.url === url) return; // same image as before: one badge, one verdict
    prev?.badge.remove();
    const badge = new Badge(url, () => this.openExplain(url));
    badge.setRule(this.rule.threshold, this.rule.band);
    const t: Tracked = { url, badge, isProfile, anchor };
    this.tracked.set(el, t);
    (document.body ?? document.documentElement).appendChild(badge.host);
    this.hosts.add(badge.host);
    this.guard.watch({ host: badge.host, anchor, styleTampered: false, restoreStyle: () => badge.restoreStyle() });
    this.resize?.observe(anchor);
    badge.place(anchor);

    if (tooSmall) {
      const error: ImageError = { code: 'too-small', message: `${tooSmall}: shorter side below ${MIN_SIDE_PIXELS} px` };
      badge.set({ kind: 'error', ...error });
      this.outcome.set(url, { error });
      this.queueReport();
      return;
    }
    let p = this.results.get(url);
    if (!p) {
      const priority: Priority = isProfile ? 'profile' : 'normal';
      p = this.request(url, priority).then((r) =>
        !r.ok && r.error.code === 'fetch-failed' && fallbackUrl && fallbackUrl !== url ? this.request(fallbackUrl, priority) : r);
      this.results.set(url, p);
    }
    this.queueReport();
    void p.then((r) => {
      if (this.tracked.get(el) !== t) return; // swapped or removed meanwhile
      if (r.ok) {
        const v = r.value;
        const known = this.shownChecks.get(url);
        if (known?.status === 'mismatch') {
          this.showMismatch(badge, url, known);
        } else {
          badge.set({ kind: 'verdict', probability: v.probability, model: v.model, backend: v.backend, provenance: v.provenance, pixelError: v.pixelError, face: v.face });
          this.outcome.set(url, { verdict: r.value });
          if (known) badge.setShown(known.status);
          else if (el instanceof HTMLImageElement && v.probability !== undefined) {
            this.shown.watch(el, url, v.contentHash, (c) => {
              this.shownChecks.set(url, c);
              if (this.tracked.get(el) !== t) return;
              if (c.status === 'mismatch') this.showMismatch(badge, url, c);
              else badge.setShown(c.status);
              this.queueReport();
            });
          }
        }
      } else {
        badge.set({ kind: 'error', ...r.error });
        this.outcome.set(url, { error: r.error });
        if (r.error.code === 'cancelled' || r.error.code === 'timeout') this.results.delete(url); // may retry later
      }
      badge.place(anchor);
      this.queueReport();
    });
  }

  /** The badge and the popup list say the page showed another image than the one checked (item 1). */
  private showMismatch(badge: Badge, url: string, c: ShownCheck): void {
    const error: ImageError = { code: 'served-different', message: `the page shows a different image from the one the checker downloaded (perceptual-hash distance ${c.distance ?? '?'} of 63)` };
    badge.set({ kind: 'error', ...error });
    badge.setShown('mismatch');
    this.outcome.set(url, { error });
  }

  /**
   * Asks the background to open the explanation view for `url` (badge activated). Page-read images
   * (`blob:` / `data:`) travel with their content hash, which the background resolves to the bytes.
   */
  openExplain(url: string): void {
    const v = this.outcome.get(url)?.verdict;
    if (!v) return;
    void send({ type: 'open-explain', url: v.url || url, contentHash: v.contentHash, probability: v.probability });
  }

  /**
   * Context menu: badges the image `hit` shows (even where auto-scan is off; CSS backgrounds too) and
   * waits for its verdict.
   * @param found how the image was found (reported back to the background)
   * @returns the image and its verdict, or the error that stands for it (e.g. `too-small`)
   */
  async checkHit(hit: ImageHit, found: CheckedImage['found']): Promise<Result<CheckedImage>> {
    let url = hit.url;
    const prev = this.tracked.get(hit.element);
    if (prev && !this.results.has(prev.url)) { // checked before without a result (cancelled, timed out): again
      prev.badge.remove();
      this.tracked.delete(hit.element);
    }
    if (hit.element instanceof HTMLImageElement) {
      const img = hit.element;
      const profile = this.profiles.get(img);
      url = profile?.url ?? imageUrl(img) ?? hit.url;
      this.handle(img);
    } else {
      this.handleElement(hit.element, url, hit.element, false);
    }
    const p = this.results.get(url);
    if (!p) {
      const o = this.outcome.get(url);
      return { ok: false, error: o?.error ?? { code: 'fetch-failed', message: 'the image could not be checked' } };
    }
    const r = await p;
    return r.ok ? { ok: true, value: { url, found, verdict: r.value } } : r;
  }

  private async request(url: string, priority: Priority): Promise<Result<Verdict>> {
    const pageUrl = location.href;
    if (url.startsWith('blob:') || url.startsWith('data:')) {
      // The background cannot fetch these: read the bytes here.
      try {
        const buf = await readBlobOrDataUrl(url, MAX_PAGE_BYTES);
        return send({ type: 'classify-bytes', url: url.slice(0, 2048), bytes: toMessageBytes(buf), priority, pageUrl });
      } catch (e) {
        const tooLarge = /large|limit|bytes/i.test((e as Error).message);
        return { ok: false, error: { code: tooLarge ? 'too-large' : 'fetch-failed', message: (e as Error).message } };
      }
    }
    return send({ type: 'classify', url, priority, pageUrl });
  }

  private queuePlace(): void {
    if (this.placeQueued) return;
    this.placeQueued = true;
    requestAnimationFrame(() => {
      this.placeQueued = false;
      for (const t of this.tracked.values()) t.badge.place(t.anchor);
    });
  }

  /** The tab's images for the popup: one entry per distinct URL. */
  images(): TabImage[] {
    const seen = new Map<string, TabImage>();
    for (const t of this.tracked.values()) {
      if (seen.has(t.url)) continue;
      const o = this.outcome.get(t.url);
      seen.set(t.url, {
        url: t.url.length > 2048 ? t.url.slice(0, 2048) : t.url, // long data: URLs (the verdict's url is cut alike)
        status: o?.verdict ? 'done' : o?.error ? 'error' : 'pending',
        // The popup needs no raw provenance fields (the explanation view asks the worker for them), nor the
        // evidence map (up to 1,024 cells per image, resent with every change of a long feed).
        verdict: o?.verdict ? withoutEvidence(o.verdict.provenance ? { ...o.verdict, provenance: compactProvenance(o.verdict.provenance, 0) } : o.verdict) : undefined,
        error: o?.error,
        isProfile: t.isProfile,
        ...(this.shownChecks.has(t.url) ? { shown: this.shownChecks.get(t.url) } : {}),
      });
    }
    return [...seen.values()].slice(0, MAX_TAB_IMAGES); // the background keeps and accepts at most this many
  }

  private queueReport(): void {
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      void send({ type: 'report-images', images: this.images(), interference: { ...this.guard.counts } });
    }, 300);
  }
}

/** A verdict without its evidence map (`Verdict.evidence`), for the tab's image list. */
function withoutEvidence(v: Verdict): Verdict {
  if (v.evidence === undefined) return v;
  const { evidence: _evidence, ...rest } = v;
  return rest;
}
