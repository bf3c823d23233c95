/**
 * Host permissions, smallest set that works (issue #5).
 *
 * - Required `host_permissions` are only the social sites' image CDNs: the union of the site adapters'
 *   `imageHosts` (`requiredImageHosts`). `manifest.json` keeps a checked copy of that list; a unit test
 *   (`permissions.test.ts`) fails when the two disagree.
 * - Everything else is `optional_host_permissions: ["<all_urls>"]`, granted per site from the popup
 *   (`grantOriginsFor`, `permissions.request` inside the click handler) or for all sites from the options
 *   page.
 * - The background asks `permissions.contains({ origins: [originPattern(url)] })` before fetching; without
 *   the permission the image gets the `permission-needed` state.
 *
 * Pure functions only (no browser APIs), so everything here is unit-testable in Node.
 */

/** A WebExtension match pattern such as `*://*.fbcdn.net/*` or `<all_urls>`. */
export type MatchPattern = string;

/** Pattern for "every site", as in `optional_host_permissions`. */
export const ALL_URLS: MatchPattern = '<all_urls>';

/**
 * The required host permissions: the sorted, de-duplicated union of `imageHosts` over `adapters`.
 * @param adapters site adapters (normally `SITE_ADAPTERS`)
 */
export function requiredImageHosts(adapters: ReadonlyArray<{ imageHosts: readonly string[] }>): MatchPattern[] {
  return [...new Set(adapters.flatMap((a) => a.imageHosts))].sort();
}

/** `url` parsed, when it is an http(s) URL; undefined for other schemes and unparsable strings. */
function httpUrl(url: string): URL | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The match pattern of one URL's origin, `<scheme>://<host>/*` (no port: Chrome and Firefox patterns
 * without a port match every port), or undefined for URLs that need no host permission (`data:`,
 * `blob:`) or cannot have one (other schemes, unparsable strings).
 * @example originPattern('https://pbs.twimg.com/media/a.jpg?x=1') === 'https://pbs.twimg.com/*'
 */
export function originPattern(url: string): MatchPattern | undefined {
  const u = httpUrl(url);
  if (!u) return undefined;
  return `${u.protocol}//${u.hostname}/*`;
}

/**
 * Whether a match pattern covers `url` (scheme, host with `*.` subdomain wildcard, path glob; ports
 * ignored as in an origin-only pattern). Used for the test grant and by unit tests; the browser's own
 * `permissions.contains` is authoritative in the extension.
 * @returns false for malformed patterns and non-http(s) URLs
 */
export function matchesPattern(pattern: MatchPattern, url: string): boolean {
  const u = httpUrl(url);
  if (!u) return false;
  if (pattern === ALL_URLS) return true;
  const m = /^(\*|https?):\/\/(\*|\*\.[^/*]+|[^/*]+)(\/.*)$/.exec(pattern);
  if (!m) return false;
  const [, scheme, host, path] = m as unknown as [string, string, string, string];
  if (scheme !== '*' && `${scheme}:` !== u.protocol) return false;
  const h = u.hostname.toLowerCase();
  const hostOk = host === '*' || (host.startsWith('*.') ? h === host.slice(2).toLowerCase() || h.endsWith(host.slice(1).toLowerCase())
    : h === host.toLowerCase().replace(/:\d+$/, ''));
  if (!hostOk) return false;
  const re = new RegExp('^' + path.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(u.pathname + u.search);
}

/**
 * The origins to request for "allow on this site" in the popup: the page's own origin plus the origin
 * of every image on it that is in the `permission-needed` state, as sorted unique origin patterns.
 * @param pageUrl the tab's URL (ignored when not http(s))
 * @param images the tab's images with their error codes
 */
export function grantOriginsFor(pageUrl: string | undefined, images: ReadonlyArray<{ url: string; error?: { code: string } }>): MatchPattern[] {
  const out = new Set<MatchPattern>();
  const page = pageUrl ? originPattern(pageUrl) : undefined;
  if (page) out.add(page);
  for (const i of images) {
    if (i.error?.code !== 'permission-needed') continue;
    const p = originPattern(i.url);
    if (p) out.add(p);
  }
  return [...out].sort();
}
