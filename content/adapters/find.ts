/**
 * The interpreter for `sites.ts`: finds profile photos in a DOM tree with a site adapter (or the generic
 * heuristic) and resolves each one's largest URL and badge anchor.
 */
import { backgroundImageUrl, currentImageUrl, largestImageUrl, queryAllDeep, selfMatch, svgImageUrl } from '../capture/dom';
import { isPlaceholderUrl, normalizeImageUrl, resolveUrl } from '../capture/urls';
import { GENERIC, SITE_ADAPTERS, type AvatarRule, type GenericRule, type SiteAdapter } from './sites';
import { test, upgradeUrl } from './upgrade';

/** One profile photo found on the page. */
export interface ProfilePhoto {
  /** The element that shows the photo (`<img>`, SVG `<image>`, custom element with `src`, or a background). */
  element: Element;
  /** Absolute URL of the largest version (srcset maximum, then the adapter's rewrite rules). Check this one. */
  url: string;
  /** Absolute URL of what the page shows now; the fallback when `url` fails (e.g. a CDN refuses the rewrite). */
  shownUrl: string;
  /** Element to attach the badge to: an HTML element (never inside an SVG). */
  anchor: Element;
  /** Id of the adapter that found it. */
  site: string;
}

/** Options for `findProfilePhotos`. */
export interface FindOptions {
  /** Also search open shadow roots (default `true`). */
  shadow?: boolean;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The nearest ancestor-or-self that is not an SVG element (a badge cannot live inside an `<svg>`). */
function outsideSvg(el: Element): Element {
  let cur: Element = el;
  while (cur.namespaceURI === SVG_NS && cur.parentElement) cur = cur.parentElement;
  if (cur.namespaceURI === SVG_NS) {
    // SVG at the top of a shadow root: use its host.
    const root = cur.getRootNode();
    if ('host' in root && (root as ShadowRoot).host) return (root as ShadowRoot).host;
  }
  return cur;
}

/** The badge anchor: `closest(rule.anchor)`, else the nearest non-SVG parent, else the element itself. */
function anchorFor(el: Element, anchorSel: string | undefined): Element {
  const hit = anchorSel ? el.closest(anchorSel) : null;
  if (hit) return outsideSvg(hit);
  const start = el.namespaceURI === SVG_NS ? el : el.parentElement ?? el;
  return outsideSvg(start);
}

/** The URL an element shows and the largest one it offers, before rewrite rules. */
function sourceUrls(el: Element, preferAttrs: readonly string[] | undefined): { largest: string; shown: string } | null {
  const base = el.ownerDocument.baseURI;
  let shown: string | null = null;
  let largest: string | null = null;
  if (el.localName === 'img') {
    shown = currentImageUrl(el as HTMLImageElement);
    largest = largestImageUrl(el as HTMLImageElement);
  } else if (el.localName === 'image' && el.namespaceURI === SVG_NS) {
    shown = largest = svgImageUrl(el);
  } else if (el.hasAttribute('src') && !isPlaceholderUrl(el.getAttribute('src'))) {
    shown = largest = resolveUrl(el.getAttribute('src')!, base);
  } else {
    shown = largest = backgroundImageUrl(el);
  }
  for (const a of preferAttrs ?? []) {
    const v = el.getAttribute(a);
    if (v && !isPlaceholderUrl(v)) {
      largest = resolveUrl(v, base) ?? largest;
      shown ??= largest;
      break;
    }
  }
  if (!largest || !shown) return null;
  return { largest, shown };
}

/** Rendered size in CSS px; falls back to the `width`/`height` attributes for elements not laid out yet. */
function cssSize(el: Element): { w: number; h: number } {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && r.height > 0) return { w: r.width, h: r.height };
  const w = Number(el.getAttribute('width'));
  const h = Number(el.getAttribute('height'));
  return { w: Number.isFinite(w) ? w : 0, h: Number.isFinite(h) ? h : 0 };
}

/** True when `el` passes the generic heuristic (`GenericRule`). */
export function looksLikeAvatar(el: Element, rule: GenericRule, url: string): boolean {
  const { w, h } = cssSize(el);
  if (w < rule.minCssPx || h < rule.minCssPx || w > rule.maxCssPx || h > rule.maxCssPx) return false;
  const ratio = w / h;
  if (ratio < rule.aspect[0] || ratio > rule.aspect[1]) return false;
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    /* data: etc. */
  }
  if (test(rule.keyword, path)) return true;
  let cur: Element | null = el;
  for (let depth = 0; cur && depth <= rule.ancestorDepth; depth++, cur = cur.parentElement) {
    for (const a of rule.attributes) {
      const v = cur.getAttribute(a);
      if (v && test(rule.keyword, v)) return true;
    }
  }
  return false;
}

/**
 * Finds the profile photos in `root` (a document, element or shadow root) with `adapter`'s rules, or with
 * its `generic` heuristic for the generic adapter. Each photo is reported once: an element matched by several
 * selectors counts once, and two elements showing the same URL count once when one contains the other or
 * they share a badge anchor (X and Bluesky render a background `div` and an `<img>` of the same photo).
 * Placeholder-only elements (lazy images not started) are skipped unless a lazy attribute holds the URL.
 * `root` itself is included when it is a matching element, so `findProfilePhotos(addedImg, adapter)` works
 * for incremental re-scans (see `observeDeep`).
 * @returns photos in document order of discovery (light DOM first, then open shadow roots)
 */
export function findProfilePhotos(root: ParentNode, adapter: SiteAdapter, opts: FindOptions = {}): ProfilePhoto[] {
  const deep = opts.shadow ?? true;
  const query = (sel: string): Element[] =>
    deep ? queryAllDeep(root, sel) : selfMatch(root, sel).concat(Array.from(root.querySelectorAll(sel)));
  const out: ProfilePhoto[] = [];
  const claimed = new Set<Element>();
  const byUrl = new Map<string, Array<{ element: Element; anchor: Element }>>();

  const consider = (el: Element, rule: AvatarRule | null): void => {
    if (claimed.has(el)) return;
    const src = sourceUrls(el, rule?.preferAttrs);
    if (!src) return;
    if (rule?.urlMatch && !test(rule.urlMatch, src.largest) && !test(rule.urlMatch, src.shown)) return;
    if (rule?.exclude && (test(rule.exclude, src.largest) || test(rule.exclude, src.shown))) return;
    if (!rule && adapter.generic && !looksLikeAvatar(el, adapter.generic, src.largest)) return;
    const url = upgradeUrl(src.largest, adapter.upgrade);
    const anchor = anchorFor(el, rule?.anchor);
    const key = normalizeImageUrl(url);
    const same = byUrl.get(key) ?? [];
    if (same.some((p) => p.anchor === anchor || p.element.contains(el) || el.contains(p.element))) {
      claimed.add(el);
      return;
    }
    claimed.add(el);
    same.push({ element: el, anchor });
    byUrl.set(key, same);
    out.push({ element: el, url, shownUrl: src.shown, anchor, site: adapter.id });
  };

  for (const rule of adapter.avatars) for (const el of query(rule.selector)) consider(el, rule);
  if (adapter.generic) for (const el of query(adapter.generic.selector)) consider(el, null);
  return out;
}

/**
 * The adapter for a page: the site adapter whose `hostnames` match `hostname`, else one whose `detect`
 * selector is present in `doc` (Mastodon on any instance), else `GENERIC`.
 * @param enabled adapter ids the user enabled (`Settings.profileSites`); a matching site adapter that is
 *   not enabled yields `null` (no profile-photo badging on that site). `GENERIC` is always allowed.
 */
export function adapterFor(hostname: string, doc?: ParentNode, enabled?: readonly string[]): SiteAdapter | null {
  const host = hostname.toLowerCase();
  let hit = SITE_ADAPTERS.find((a) => test(a.hostnames, host));
  if (!hit && doc) hit = SITE_ADAPTERS.find((a) => a.detect && doc.querySelector(a.detect));
  if (!hit) return GENERIC;
  return !enabled || enabled.includes(hit.id) ? hit : null;
}
