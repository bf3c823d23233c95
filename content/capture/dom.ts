/**
 * DOM helpers for finding the URL of what an element actually shows: `<img>` (after load, `srcset`,
 * `<picture>`, lazy-loading attributes), CSS background images, SVG `<image>`, images inside open shadow
 * roots, and the image under the pointer even when a transparent overlay covers it (QA cases Q08, Q15, Q16
 * in `../shared/research/bug-log-platform.md`).
 *
 * Everything works on the `Document` / `ShadowRoot` it is given (no globals), so tests can run it in any page.
 */
import { cssImageUrl, isPlaceholderUrl, largestCandidate, parseSrcset, resolveUrl, type SrcsetCandidate } from './urls';

/** Attributes lazy-loading libraries (lazysizes, lozad, LinkedIn's `lazy-image`, …) keep the real URL in. */
export const LAZY_SRC_ATTRS = ['data-src', 'data-lazy-src', 'data-original', 'data-delayed-url', 'data-lazy', 'data-url'] as const;
/** Attributes lazy-loading libraries keep the real `srcset` in. */
export const LAZY_SRCSET_ATTRS = ['data-srcset', 'data-lazy-srcset'] as const;

/** Image MIME types every supported browser decodes (a `<source type>` outside this list is skipped). */
const DECODABLE_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/png', 'image/webp', 'image/avif', 'image/gif', 'image/bmp']);

function baseOf(el: Element): string {
  return el.ownerDocument.baseURI;
}

function isTag(el: Element, tag: string): boolean {
  return el.localName === tag;
}

/** The real URL from lazy-loading attributes (single-URL attributes first, then the largest `data-srcset`). */
export function lazyImageUrl(el: Element): string | null {
  for (const a of LAZY_SRC_ATTRS) {
    const v = el.getAttribute(a);
    if (v && !isPlaceholderUrl(v)) return resolveUrl(v, baseOf(el));
  }
  for (const a of LAZY_SRCSET_ATTRS) {
    const v = largestCandidate(parseSrcset(el.getAttribute(a) ?? ''));
    if (v && !isPlaceholderUrl(v)) return resolveUrl(v, baseOf(el));
  }
  return null;
}

/**
 * All `srcset` candidates an `<img>` could show: its own `srcset` / `data-srcset`, plus those of the
 * `<source>` siblings in a `<picture>` whose `type` is decodable and whose `media` matches (when the
 * document has a window to evaluate `media`).
 */
export function srcsetCandidates(img: HTMLImageElement): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  const win = img.ownerDocument.defaultView;
  const parent = img.parentElement;
  if (parent && isTag(parent, 'picture')) {
    for (const source of Array.from(parent.children)) {
      if (!isTag(source, 'source')) continue;
      const type = source.getAttribute('type');
      if (type && !DECODABLE_TYPES.has(type.trim().toLowerCase())) continue;
      const media = source.getAttribute('media');
      if (media && win && !win.matchMedia(media).matches) continue;
      out.push(...parseSrcset(source.getAttribute('srcset') ?? source.getAttribute('data-srcset') ?? ''));
    }
  }
  out.push(...parseSrcset(img.getAttribute('srcset') ?? ''));
  for (const a of LAZY_SRCSET_ATTRS) out.push(...parseSrcset(img.getAttribute(a) ?? ''));
  return out.filter((c) => !isPlaceholderUrl(c.url));
}

/**
 * The largest URL an `<img>` offers: the greatest `w` (else `x`) candidate over `srcset`, `<picture>`
 * sources and `data-srcset`; else a lazy `data-src`; else `currentImageUrl`.
 * @returns an absolute URL, or `null`
 */
export function largestImageUrl(img: HTMLImageElement): string | null {
  const best = largestCandidate(srcsetCandidates(img));
  if (best) return resolveUrl(best, baseOf(img));
  return lazyImageUrl(img) ?? currentImageUrl(img);
}

/**
 * The URL of the picture an `<img>` shows, never a lazy-loading placeholder (Q15):
 * 1. after load (`complete` and `naturalWidth > 0`), `currentSrc` unless it is a placeholder;
 * 2. else the real URL from lazy attributes (`data-src`, `data-srcset`, …);
 * 3. else, while loading, `currentSrc` if it is one of the current `srcset` / `<picture>` candidates (it
 *    still names the old image while a changed `src` loads), else the largest candidate, else `src`.
 * @returns an absolute URL (may be `data:` or `blob:`), or `null` when the element shows nothing usable
 */
export function currentImageUrl(img: HTMLImageElement): string | null {
  const base = baseOf(img);
  const loaded = img.complete && img.naturalWidth > 0;
  if (loaded && img.currentSrc && !isPlaceholderUrl(img.currentSrc)) return img.currentSrc;
  const lazy = lazyImageUrl(img);
  if (lazy) return lazy;
  // Loading (or reloading after a src/srcset change): `currentSrc` may still name the previous image until
  // the pending request completes, so trust it only when it is one of the current candidates.
  const cands = srcsetCandidates(img);
  if (cands.length > 0) {
    const resolved = cands.map((c) => resolveUrl(c.url, base));
    if (img.currentSrc && resolved.includes(img.currentSrc)) return img.currentSrc;
    const best = largestCandidate(cands);
    if (best) return resolveUrl(best, base);
  }
  const src = img.getAttribute('src');
  return src && !isPlaceholderUrl(src) ? resolveUrl(src, base) : null;
}

/**
 * Waits until an `<img>` has finished loading (or failed), then returns `currentImageUrl`. Resolves at the
 * latest after `timeoutMs` with whatever is known then.
 * @param timeoutMs milliseconds, default 10 000
 */
export function whenImageReady(img: HTMLImageElement, timeoutMs = 10_000): Promise<string | null> {
  if (img.complete && (img.naturalWidth > 0 || !img.getAttribute('src'))) return Promise.resolve(currentImageUrl(img));
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      img.removeEventListener('load', done);
      img.removeEventListener('error', done);
      resolve(currentImageUrl(img));
    };
    const timer = setTimeout(done, timeoutMs);
    img.addEventListener('load', done);
    img.addEventListener('error', done);
  });
}

/**
 * The image URL of an element's computed `background-image` (top-most layer with a URL; highest density of
 * an `image-set()`), resolved against the document.
 * @returns an absolute URL, or `null` when the element has no background image
 */
export function backgroundImageUrl(el: Element): string | null {
  const win = el.ownerDocument.defaultView;
  const value = win ? win.getComputedStyle(el).backgroundImage : (el as HTMLElement).style?.backgroundImage;
  const url = cssImageUrl(value);
  return url && !isPlaceholderUrl(url) ? resolveUrl(url, baseOf(el)) : null;
}

/** The `href` (or legacy `xlink:href`) of an SVG `<image>`, resolved; `null` when absent. */
export function svgImageUrl(el: Element): string | null {
  const href = el.getAttribute('href') ?? el.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
  return href && !isPlaceholderUrl(href) ? resolveUrl(href, baseOf(el)) : null;
}

/**
 * Calls `cb` for every open shadow root under `root` (`root`'s own first when it is a host; then roots
 * nested inside shadow trees, too). Closed shadow roots are unreachable by design and are skipped (documented limit, Q16).
 * @param cb receives the shadow root and its host element
 * @returns the number of shadow roots visited
 */
export function walkOpenShadowRoots(root: ParentNode, cb: (shadow: ShadowRoot, host: Element) => void): number {
  let count = 0;
  const stack: ParentNode[] = [root];
  const own = root.nodeType === 1 ? (root as Element).shadowRoot : null;
  if (own) {
    count++;
    cb(own, root as Element);
    stack.push(own);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const el of Array.from(node.querySelectorAll('*'))) {
      const sr = el.shadowRoot;
      if (sr) {
        count++;
        cb(sr, el);
        stack.push(sr);
      }
    }
  }
  return count;
}

/**
 * `querySelectorAll` over `root` and every open shadow root below it; when `root` is an element that
 * matches, it comes first (so re-scanning one added or changed `<img>` finds that image).
 * @returns matching elements, root first, then light DOM, then each shadow root's in visiting order
 */
export function queryAllDeep(root: ParentNode, selector: string): Element[] {
  const out = selfMatch(root, selector).concat(Array.from(root.querySelectorAll(selector)));
  walkOpenShadowRoots(root, (sr) => {
    out.push(...Array.from(sr.querySelectorAll(selector)));
  });
  return out;
}

/** `[root]` when `root` is an element matching `selector`, else `[]`. */
export function selfMatch(root: ParentNode, selector: string): Element[] {
  return root.nodeType === 1 && (root as Element).matches(selector) ? [root as Element] : [];
}

/** What `imageAtPoint` found. */
export interface ImageHit {
  /** The element that shows the image (`<img>`, an SVG `<image>`, or the element with the background). */
  element: Element;
  /** Absolute URL of the image (for `<img>`: `currentImageUrl`). */
  url: string;
  kind: 'img' | 'svg-image' | 'background';
}

/** The image URL `el` itself shows, if any (see `ImageHit.kind`). */
export function imageOf(el: Element): ImageHit | null {
  if (isTag(el, 'img')) {
    const url = currentImageUrl(el as HTMLImageElement);
    return url ? { element: el, url, kind: 'img' } : null;
  }
  if (isTag(el, 'picture')) {
    const img = el.querySelector('img');
    return img ? imageOf(img) : null;
  }
  if (isTag(el, 'image') && el.namespaceURI === 'http://www.w3.org/2000/svg') {
    const url = svgImageUrl(el);
    return url ? { element: el, url, kind: 'svg-image' } : null;
  }
  const bg = backgroundImageUrl(el);
  return bg ? { element: el, url: bg, kind: 'background' } : null;
}

/**
 * The image under the viewport point (`x`, `y` in CSS px, as `MouseEvent.clientX/Y`), looking through
 * transparent overlays: walks `elementsFromPoint` from top to bottom and returns the first `<img>`, SVG
 * `<image>` or element with a background image. Descends into open shadow roots of hosts on the stack.
 * The `<html>` and `<body>` backgrounds are ignored (page decoration, not an image the user pointed at).
 * When the stack holds no image, falls back to geometry (images with `pointer-events: none`).
 * @returns the hit, or `null` when there is no image under the point
 */
export function imageAtPoint(doc: Document | ShadowRoot, x: number, y: number): ImageHit | null {
  return imageInStack(doc, x, y) ?? imageByGeometry(doc, x, y);
}

function imageInStack(doc: Document | ShadowRoot, x: number, y: number): ImageHit | null {
  const stack = doc.elementsFromPoint(x, y);
  for (const el of stack) {
    if (el.shadowRoot && el.shadowRoot !== doc) {
      const inner = imageInStack(el.shadowRoot, x, y);
      if (inner) return inner;
    }
    if (isTag(el, 'html') || isTag(el, 'body')) continue;
    const hit = imageOf(el);
    if (hit) return hit;
  }
  return null;
}

/**
 * Fallback for images that hit testing skips (`pointer-events: none` on the image itself, which
 * `elementsFromPoint` leaves out): the `<img>` / SVG `<image>` whose box contains the point and that is
 * visible; among several, the last in tree order (usually the top-most).
 */
function imageByGeometry(doc: Document | ShadowRoot, x: number, y: number): ImageHit | null {
  let best: ImageHit | null = null;
  for (const el of queryAllDeep(doc, 'img, image')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0 || x < r.left || x > r.right || y < r.top || y > r.bottom) continue;
    const win = el.ownerDocument.defaultView;
    const cs = win?.getComputedStyle(el);
    if (cs && (cs.visibility === 'hidden' || cs.display === 'none')) continue;
    best = imageOf(el) ?? best;
  }
  return best;
}
