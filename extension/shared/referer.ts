/**
 * The Referer a page's own `<img>` request carries, for the worker's second download of the same image
 * (issue 13, item 1: hotlink-protected CDNs refuse requests without it, and a cloaking server can tell the
 * worker's bare request apart). Pure; `background/referer-rule.ts` applies it with a
 * `declarativeNetRequest` session rule scoped to that one request.
 */

/**
 * The Referer a browser sends for an image on `pageUrl` under the default referrer policy
 * `strict-origin-when-cross-origin` (Fetch / Referrer Policy specs): the page URL without fragment and
 * credentials for a same-origin image, only the page's origin for a cross-origin one, nothing when an
 * `https:` page loads an `http:` image.
 * @param pageUrl the page showing the image (`location.href` of its frame)
 * @param imageUrl the image's absolute URL
 * @returns the header value, or `undefined` when none would be sent (no page URL, non-http(s) schemes,
 *   a downgrade, unparsable URLs)
 */
export function refererFor(pageUrl: string, imageUrl: string): string | undefined {
  let page: URL;
  let img: URL;
  try {
    page = new URL(pageUrl);
    img = new URL(imageUrl);
  } catch {
    return undefined;
  }
  const web = (u: URL) => u.protocol === 'http:' || u.protocol === 'https:';
  if (!web(page) || !web(img)) return undefined;
  if (page.protocol === 'https:' && img.protocol === 'http:') return undefined;
  if (page.origin === img.origin) {
    page.hash = '';
    page.username = '';
    page.password = '';
    return page.href;
  }
  return `${page.origin}/`;
}

/**
 * A `declarativeNetRequest` `urlFilter` that matches exactly `url` (anchored both ends). `*` and `^` in a
 * URL also match themselves, so the filter may match a few look-alike URLs as well; the rule is further
 * scoped to requests of no tab (the worker's own) and lives only for one fetch.
 * @returns the filter, or `undefined` for URLs a filter cannot express (non-ASCII, `|` inside)
 */
export function exactUrlFilter(url: string): string | undefined {
  if (!/^[\x21-\x7e]+$/.test(url) || url.includes('|')) return undefined;
  return `|${url}|`;
}
