/**
 * Image discovery on a page: every `<img>` now and later (MutationObserver on the subtree), following
 * `src` / `srcset` / lazy-load `data-src` swaps (attribute observer) and using `currentSrc` once loaded.
 * One request per distinct URL; one badge per image element.
 */
import type { CheckedImage, ImageError, Priority, Result, ShownCheck, TabImage, Verdict } from '../extension/shared/messages';
import { MIN_SIDE_PIXELS } from '../extension/shared/preprocess';
import { adapterFor, findProfilePhotos, type ProfilePhoto, type SiteAdapter } from './adapters/index';
import { currentImageUrl, readBlobOrDataUrl, toMessageBytes, type ImageHit } from './capture/index';
import { Badge, HOST_TAG, clippingAncestors, coverAt, type BadgeDisplay, type OverrideLabel } from './badge';
import { PageSummary, type SummaryCounts } from './summary';
import type { Rect } from './layout';
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
  /** The site adapter's anchor for profile photos (else the image): used when the image itself has no box. */
  anchor: Element;
  /**
   * The element whose box the badge sits in: the image element itself (an `<img>`, or the element showing a
   * CSS background), never a wrapper that also holds the name next to an avatar.
   */
  box: Element;
  /** The anchor's clipping ancestors (read on its first placement). */
  clips?: Element[];
}

/** Fused labels that count as "flagged as AI-generated" (summary, blur). */
const AI_LABELS = new Set(['synthetic', 'ai-generated', 'ai-generated-metadata']);
/** Fused labels that count as "no AI signs found". */
const NOT_AI_LABELS = new Set(['real', 'camera-original']);
/** Inline style that greys out and blurs an image flagged AI-generated (`Settings.blurFlagged`). */
const BLUR_FILTER = 'blur(14px) grayscale(1)';

/** The accessible name of an image for its badge: its alt text (or `aria-label`, `title`), else "image N". */
export function imageName(el: Element, n: number): string {
  const alt = (el.getAttribute('alt') ?? el.getAttribute('aria-label') ?? el.getAttribute('title') ?? '').replace(/\s+/g, ' ').trim();
  return alt ? alt.slice(0, 120) : `image ${n}`;
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
    host: t.badge.host, anchor: t.box, get styleTampered() { return t.badge.styleTampered; }, restoreStyle: () => t.badge.restoreStyle(), reattach: () => t.badge.attach(t.box),
  })), () => this.queueReport(), () => this.shown.capturing);
  /** Every badge host this scanner made (not images: the page's removals of them are not untracking). */
  private readonly hosts = new WeakSet<Element>();
  /** Shown-image checks by URL (for the popup list the background keeps its own). */
  private readonly shownChecks = new Map<string, ShownCheck>();
  /** Trackers of anchors in view (IntersectionObserver): the only badges repositioned on scroll. */
  private readonly inView = new Set<Tracked>();
  /** Trackers out of view whose badge needs one placement (new, changed, or just left the view). */
  private readonly offscreen = new Set<Tracked>();
  private readonly byAnchor = new Map<Element, Set<Tracked>>();
  private io?: IntersectionObserver;
  private display: BadgeDisplay = { definiteOnly: false, corner: 'top-left' };
  private blurFlagged = false;
  private overrides = new Map<string, OverrideLabel>();
  /** Images the user revealed (clicked while blurred) stay revealed. */
  private readonly revealed = new WeakSet<Element>();
  private readonly blurred = new Map<Element, string>();
  private readonly summary = new PageSummary(() => this.counts());
  /** How many badges were made (for "image N" names). */
  private made = 0;
  private running = false;
  private readonly onScroll = () => this.queuePlace();
  private readonly onResize = () => this.replaceAll();

  /**
   * Starts observing `document` (call once).
   * @param profileSites the site adapters the user enabled (`Settings.profileSites`)
   */
  start(profileSites?: readonly string[]): void {
    if (this.running) return;
    this.running = true;
    this.adapter = adapterFor(location.hostname, document, profileSites);
    // Open shadow roots are walked and watched too (issue 13, item 6): `observeDeep` observes the document
    // and every open root, and each new root that arrives with added nodes; `rescan` on a timer finds roots
    // attached later without a DOM mutation. Closed roots stay out of reach (docs/security.md).
    const imagesIn = (el: Element): Element[] => queryAllDeep(el, 'img');
    this.observer = observeDeep(document, (all) => {
      const changed = all.filter((el) => el.localName !== HOST_TAG && el.tagName !== 'SYNTHSCREEN-SUMMARY');
      if (!changed.length) return; // our own hosts going in
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
    this.resize = new ResizeObserver((entries) => {
      for (const e of entries) for (const t of this.byAnchor.get(e.target) ?? []) if (!this.inView.has(t)) this.offscreen.add(t);
      this.queuePlace();
    });
    this.io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        for (const t of this.byAnchor.get(e.target) ?? []) {
          t.badge.setInView(e.isIntersecting);
          if (e.isIntersecting) {
            this.inView.add(t);
            this.offscreen.delete(t);
          } else {
            this.inView.delete(t);
            this.offscreen.add(t);
          }
        }
      }
      this.queuePlace();
    });
    window.addEventListener('scroll', this.onScroll, { passive: true, capture: true });
    window.addEventListener('resize', this.onResize, { passive: true });
    this.scan();
  }

  /**
   * Stops scanning (the site was paused from the popup): removes every badge, blur and the summary, stops the
   * observers; `start` begins again. Verdicts already received are kept (a restart shows them at once).
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.observer?.disconnect();
    clearInterval(this.rootTimer);
    this.resize?.disconnect();
    this.io?.disconnect();
    window.removeEventListener('scroll', this.onScroll, { capture: true });
    window.removeEventListener('resize', this.onResize);
    for (const el of [...this.tracked.keys()]) this.untrack(el);
    for (const el of [...this.blurred.keys()]) this.unblur(el);
    this.summary.remove();
    void send({ type: 'report-images', images: [] });
  }

  /** Whether the scanner is running (not paused). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Sets how badges are drawn (definite verdicts only, corner) and whether flagged images are blurred. */
  setDisplay(display: BadgeDisplay, blurFlagged: boolean): void {
    this.display = { ...display };
    this.blurFlagged = blurFlagged;
    for (const t of this.tracked.values()) t.badge.setDisplay(this.display);
    this.refreshBlur();
    this.replaceAll();
  }

  /** Sets the user's own labels by image URL ("I know this is real / AI-generated"); badges show them. */
  setOverrides(overrides: ReadonlyMap<string, OverrideLabel>): void {
    this.overrides = new Map(overrides);
    for (const t of this.tracked.values()) t.badge.setOverride(this.overrides.get(t.url));
    this.refreshBlur();
    this.queueReport();
    this.replaceAll();
  }

  /**
   * Blurs (greys out) the images flagged AI-generated when the setting is on; clears the rest.
   * @param only just this tracker (a verdict arrived), instead of all of them (settings changed)
   */
  private refreshBlur(only?: [Element, Tracked]): void {
    if (!this.blurFlagged && this.blurred.size === 0) return; // nothing to do (the usual case): no per-image work
    for (const [el, t] of only ? [only] : this.tracked) {
      const o = this.overrides.get(t.url);
      const label = t.badge.fused?.label;
      const flagged = o ? o === 'synthetic' : !!label && AI_LABELS.has(label);
      const target = t.box;
      if (this.blurFlagged && flagged && !this.revealed.has(target) && el.isConnected) this.blur(target);
      else if (this.blurred.has(target)) this.unblur(target);
    }
  }

  private blur(el: Element): void {
    if (this.blurred.has(el) || !(el instanceof HTMLElement || el instanceof SVGElement)) return;
    this.blurred.set(el, el.style.filter);
    el.style.filter = BLUR_FILTER;
    el.setAttribute('data-synthscreen-blurred', '');
    el.addEventListener('click', this.reveal, { capture: true });
  }

  private unblur(el: Element): void {
    const prev = this.blurred.get(el);
    if (prev === undefined || !(el instanceof HTMLElement || el instanceof SVGElement)) return;
    el.style.filter = prev;
    el.removeAttribute('data-synthscreen-blurred');
    el.removeEventListener('click', this.reveal, { capture: true });
    this.blurred.delete(el);
  }

  /** Click on a blurred image: shows it (this click does nothing else, e.g. does not follow a link around it). */
  private readonly reveal = (e: Event) => {
    const el = e.currentTarget as Element;
    if (!this.blurred.has(el)) return;
    e.preventDefault();
    e.stopPropagation();
    this.revealed.add(el);
    this.unblur(el);
  };

  /**
   * Scrolls to the image showing `url` and outlines it for two seconds (popup row click).
   * @returns true when such an image is on the page
   */
  highlight(url: string): boolean {
    const t = [...this.tracked.values()].find((x) => x.url === url && x.box.isConnected);
    if (!t) return false;
    const el = t.box as HTMLElement;
    el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'smooth' });
    const prev = { outline: el.style.outline, offset: el.style.outlineOffset };
    el.style.outline = '4px solid #0b57d0';
    el.style.outlineOffset = '2px';
    el.setAttribute('data-synthscreen-highlight', '');
    setTimeout(() => {
      el.style.outline = prev.outline;
      el.style.outlineOffset = prev.offset;
      el.removeAttribute('data-synthscreen-highlight');
    }, 2000);
    return true;
  }

  /** Counts for the page summary: one per badge (image on the page), by what it shows. */
  private counts(): SummaryCounts {
    const c: SummaryCounts = { checked: 0, ai: 0, unsure: 0, notAi: 0, notChecked: 0, pending: 0 };
    for (const t of this.tracked.values()) {
      const o = this.overrides.get(t.url);
      const st = t.badge.current;
      const label = t.badge.fused?.label;
      if (st.kind === 'analysing') { c.pending++; continue; }
      c.checked++;
      if (o === 'synthetic' || (!o && label && AI_LABELS.has(label))) c.ai++;
      else if (o === 'real' || (label && NOT_AI_LABELS.has(label))) c.notAi++;
      else if (label === 'unsure') c.unsure++;
      else c.notChecked++;
    }
    return c;
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
      this.forget(el, t);
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
        if (t && t.url !== p.url) this.forget(p.element, t);
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
    this.refreshBlur();
    this.queueReport();
    this.replaceAll();
  }

  /** Every badge changed (settings): badges out of view get one placement too. */
  private replaceAll(): void {
    for (const t of this.tracked.values()) if (!this.inView.has(t)) this.offscreen.add(t);
    this.queuePlace();
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
    if (img instanceof HTMLImageElement) this.shown.unwatch(img);
    this.forget(img, t);
    this.queueReport();
  }

  /** Drops one tracker: its badge, observers and blur. */
  private forget(el: Element, t: Tracked): void {
    t.badge.remove();
    this.tracked.delete(el);
    this.inView.delete(t);
    this.offscreen.delete(t);
    const set = this.byAnchor.get(t.box);
    set?.delete(t);
    if (set && !set.size) {
      this.byAnchor.delete(t.box);
      this.resize?.unobserve(t.box);
      this.io?.unobserve(t.box);
      this.unblur(t.box);
    }
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
    if (prev) this.forget(el, prev);
    const badge = new Badge(url, () => this.openExplain(url), { name: imageName(el, ++this.made), onGrant: () => this.requestGrant(url) });
    badge.setRule(this.rule.threshold, this.rule.band);
    badge.setDisplay(this.display);
    badge.setOverride(this.overrides.get(url));
    const t: Tracked = { url, badge, isProfile, anchor, box: el };
    this.tracked.set(el, t);
    badge.attach(el);
    this.hosts.add(badge.host);
    this.guard.watch({ host: badge.host, anchor: el, styleTampered: false, restoreStyle: () => badge.restoreStyle(), reattach: () => badge.attach(el) });
    let set = this.byAnchor.get(el);
    if (!set) {
      this.byAnchor.set(el, set = new Set());
      this.resize?.observe(el);
      this.io?.observe(el);
    } else if ([...set].some((x) => x.badge.isInView)) {
      badge.setInView(true);
      this.inView.add(t);
    }
    set.add(t);
    if (!this.io) { // checked from the context menu while auto-scan is off: no observers, place it once
      badge.setInView(true);
      this.inView.add(t);
    } else if (!this.inView.has(t)) this.offscreen.add(t);
    this.queuePlace();

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
      this.refreshBlur([el, t]);
      if (!this.inView.has(t)) this.offscreen.add(t);
      this.queuePlace();
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
    if (prev && !this.results.has(prev.url)) this.forget(hit.element, prev); // checked before without a result (cancelled, timed out): again
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

  /** A *Permission needed* badge was activated: the background opens the grant flow for this tab. */
  private requestGrant(url: string): void {
    void send({ type: 'open-grant', url: url.slice(0, 2048) });
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

  /**
   * Asks for a placement pass on the next frame: badges whose image is in view (IntersectionObserver) and
   * those out of view that changed (once each, off screen), never the whole page on a scroll; reads for all of them first (rectangles, clipping ancestors, hit tests for fixed/sticky
   * elements), then writes (only what changed), so a pass costs one layout.
   */
  private queuePlace(): void {
    if (this.placeQueued) return;
    this.placeQueued = true;
    requestAnimationFrame(() => {
      this.placeQueued = false;
      this.placeVisible();
    });
  }

  private placeVisible(): void {
    const de = document.documentElement;
    const viewport: Rect = { left: 0, top: 0, right: de.clientWidth || window.innerWidth, bottom: de.clientHeight || window.innerHeight };
    const positions = new Map<Element, string>();
    const cover = (anchor: Element, x: number, y: number) => coverAt(anchor, x, y, positions);
    const work: Array<[Tracked, ReturnType<Badge['measure']>]> = [];
    for (const t of this.inView) {
      if (!t.badge.host.isConnected && t.box.isConnected) continue; // re-attached below, placed next frame
      t.clips ??= clippingAncestors(t.box);
      work.push([t, t.badge.measure(t.box, t.clips, viewport, cover, t.anchor)]);
    }
    for (const t of this.offscreen) {
      if (!t.badge.host.isConnected) continue;
      t.clips ??= clippingAncestors(t.box);
      work.push([t, t.badge.measure(t.box, t.clips, null, cover, t.anchor)]);
    }
    this.offscreen.clear();
    for (const [t, p] of work) t.badge.apply(p);
    let again = false;
    for (const t of this.inView) {
      if (!t.badge.host.isConnected && t.box.isConnected) { // the page removed our host: put it back
        t.badge.attach(t.box);
        again = true;
      }
    }
    if (again) this.queuePlace();
  }

  /** The tab's images for the popup: one entry per distinct URL. */
  images(): TabImage[] {
    const seen = new Map<string, TabImage>();
    // Page order: by the badge hosts, which sit next to their images in the light DOM.
    const order = [...this.tracked.values()].sort((a, b) =>
      a.badge.host === b.badge.host ? 0 : a.badge.host.compareDocumentPosition(b.badge.host) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
    for (const t of order) {
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
    this.summary.queue();
  }
}

/** A verdict without its evidence map (`Verdict.evidence`), for the tab's image list. */
function withoutEvidence(v: Verdict): Verdict {
  if (v.evidence === undefined) return v;
  const { evidence: _evidence, ...rest } = v;
  return rest;
}
