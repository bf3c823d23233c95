/**
 * Site adapters as data: for each supported social site, where its profile photos (avatars) are in the
 * DOM, how to get the largest URL its CDN serves for them, and where a badge goes. `find.ts` interprets
 * these records; nothing here touches the DOM.
 *
 * Markup notes (what the selectors rely on, as of 2025/2026; `e2e/fixtures/sites/*.html` reproduce it):
 * - X: `div[data-testid="UserAvatar-Container-<handle>"]` wraps a background-image `div` and an `<img>`
 *   with `pbs.twimg.com/profile_images/<id>/<name>_normal.jpg`; sizes `_mini` (24), `_normal` (48),
 *   `_bigger` (73), `_x96`, `_200x200`, `_400x400`; `_400x400` is the largest resized one.
 * - Facebook: avatars are SVG `<image xlink:href>` inside `svg[role=img]` (masked circle), also `<img>`;
 *   profile photos live under `/v/t39.30808-1/` (older `/t1.0-1/`, `/t1.6435-1/`). Sizes are in the
 *   `stp=` parameter (`..._s40x40_...`, `..._p160x160_...`) or, on old URLs, a `/p160x160/` path segment.
 *   Current URLs are signed (`oh=`/`oe=`); a changed `stp` is refused (403), so signed URLs are kept.
 * - Instagram: `<img alt="<user>'s profile picture" crossorigin="anonymous">`, profile pictures under
 *   `/v/t51.2885-19/`, size in `stp=dst-jpg_s150x150`, signed like Facebook.
 * - LinkedIn: `<img class="EntityPhoto-circle-3 … lazy-image" src="…/profile-displayphoto-shrink_100_100/…">`;
 *   sizes `shrink_100_100`, `_200_200`, `_400_400`, `_800_800`; lazy images keep the URL in
 *   `data-delayed-url` while `src` is a ghost placeholder.
 * - Reddit (shreddit): `<faceplate-img src="https://styles.redditmedia.com/t5_…/styles/profileIcon_….png?width=64&height=64&frame=1&auto=webp&crop=64:64,smart&s=…">`;
 *   the URL without the query is the original upload. `preview.redd.it/<f>?width=…` → `i.redd.it/<f>`.
 * - Mastodon (any instance; detected by the `#mastodon` app root): `.account__avatar` holds an `<img>`
 *   (older builds: a background image); public pages put the animated original in `data-original`. There
 *   are no resized variants: `/static/x.png` is the first frame of an animated `/original/x.gif` (a different
 *   extension), so it is not rewritten by path.
 * - Bluesky: `div[data-testid="userAvatarImage"]` holds an `<img>` (expo-image) with
 *   `cdn.bsky.app/img/avatar_thumbnail/plain/<did>/<cid>@jpeg`; `/img/avatar/` is the full-size one.
 */
import type { UpgradeRule } from './upgrade';

/** One way avatars appear on a site. */
export interface AvatarRule {
  /** CSS selector for the element that shows the avatar: `<img>`, SVG `<image>`, an element with a
   * `src` attribute (custom elements such as `faceplate-img`), or an element with a background image. */
  selector: string;
  /** Keep only avatars whose (absolute) URL matches. */
  urlMatch?: RegExp;
  /** Drop avatars whose URL matches (default/placeholder avatars). */
  exclude?: RegExp;
  /** Attributes that hold a larger or original URL, tried before `srcset` / `src` (e.g. `data-original`). */
  preferAttrs?: readonly string[];
  /** `closest()` selector for the badge anchor; default: the nearest HTML (non-SVG) ancestor. */
  anchor?: string;
}

/** The generic heuristic for sites without an adapter. */
export interface GenericRule {
  /** Candidate elements. */
  selector: string;
  /** Must match one of `attributes` of the element (or of its parent, up to `ancestorDepth`) or the URL. */
  keyword: RegExp;
  attributes: readonly string[];
  ancestorDepth: number;
  /** Largest rendered side in CSS px (avatars are small). */
  maxCssPx: number;
  /** Smallest rendered side in CSS px (icons below this are not worth a badge). */
  minCssPx: number;
  /** Allowed width/height ratio range ("roughly square"). */
  aspect: readonly [number, number];
}

/** A site: identity, where it runs, where its avatars are and how to enlarge them. */
export interface SiteAdapter {
  /** Adapter id, as used in `Settings.profileSites`. */
  id: string;
  /** Human name for the options page. */
  name: string;
  /** WebExtension match patterns of the site's pages (content-script `matches`). */
  matches: readonly string[];
  /** Page hostnames the adapter applies to. */
  hostnames: RegExp;
  /** Selector whose presence identifies the site on any host (federated software such as Mastodon). */
  detect?: string;
  /** Match patterns of the CDN hosts avatar bytes come from (host permissions the background needs). */
  imageHosts: readonly string[];
  avatars: readonly AvatarRule[];
  /** Rewrites from the shown URL to the largest URL (applied after `srcset` selection). */
  upgrade: readonly UpgradeRule[];
  /** Heuristic rule (generic adapter only). */
  generic?: GenericRule;
}

/** Facebook/Instagram size tokens: `_s40x40`, `_p160x160` inside `stp=`, or a `/s160x160/` path segment. */
const META_UPGRADE: readonly UpgradeRule[] = [
  { kind: 'param-replace', param: 'stp', pattern: /_?[sp]\d+x\d+(?=_|$)/g, replacement: '', unlessParam: 'oh' },
  { kind: 'replace', pattern: /\/[sp]\d+x\d+(?=\/)/g, replacement: '', unlessParam: 'oh' },
];

export const X: SiteAdapter = {
  id: 'x',
  name: 'X (Twitter)',
  matches: ['*://x.com/*', '*://*.x.com/*', '*://twitter.com/*', '*://*.twitter.com/*'],
  hostnames: /(^|\.)(x|twitter)\.com$/i,
  imageHosts: ['*://pbs.twimg.com/*'],
  avatars: [
    {
      selector: '[data-testid^="UserAvatar-Container"] img, img[src*="/profile_images/"]',
      urlMatch: /\/profile_images\//,
      exclude: /\/default_profile_images\//,
      anchor: '[data-testid^="UserAvatar-Container"]',
    },
  ],
  upgrade: [
    { kind: 'replace', pattern: /_(?:normal|bigger|mini|reasonably_small|x96|200x200|400x400)(\.[a-z0-9]+)?$/i, replacement: '_400x400$1' },
  ],
};

export const FACEBOOK: SiteAdapter = {
  id: 'facebook',
  name: 'Facebook',
  matches: ['*://*.facebook.com/*'],
  hostnames: /(^|\.)facebook\.com$/i,
  imageHosts: ['*://*.fbcdn.net/*'],
  avatars: [
    {
      selector: 'svg[role="img"] image, svg image[preserveAspectRatio], img[src*="/t39.30808-1/"], img[src*="/t1.0-1/"], img[src*="/t1.6435-1/"]',
      urlMatch: /\/t39\.30808-1\/|\/t1\.0-1\/|\/t1\.6435-1\/|\/t1\.30497-1\//,
    },
  ],
  upgrade: META_UPGRADE,
};

export const INSTAGRAM: SiteAdapter = {
  id: 'instagram',
  name: 'Instagram',
  matches: ['*://*.instagram.com/*'],
  hostnames: /(^|\.)instagram\.com$/i,
  imageHosts: ['*://*.cdninstagram.com/*', '*://*.fbcdn.net/*'],
  avatars: [
    { selector: 'img[alt$="profile picture"], img[src*="/t51.2885-19/"]', urlMatch: /\/t51\.2885-19\// },
  ],
  upgrade: META_UPGRADE,
};

export const LINKEDIN: SiteAdapter = {
  id: 'linkedin',
  name: 'LinkedIn',
  matches: ['*://*.linkedin.com/*'],
  hostnames: /(^|\.)linkedin\.com$/i,
  imageHosts: ['*://media.licdn.com/*'],
  avatars: [
    {
      selector: 'img[src*="profile-displayphoto"], img[src*="profile-framedphoto"], img[data-delayed-url*="photo-shrink"], img[class*="EntityPhoto-circle"], img.update-components-actor__avatar-image, img.pv-top-card-profile-picture__image',
      urlMatch: /profile-(?:display|framed)photo-/,
      preferAttrs: ['data-delayed-url'],
      anchor: '.presence-entity, .ivm-view-attr__img-wrapper, .pv-top-card-profile-picture',
    },
  ],
  upgrade: [{ kind: 'replace', pattern: /(profile-(?:display|framed)photo-)shrink_\d+_\d+/g, replacement: '$1shrink_800_800' }],
};

export const REDDIT: SiteAdapter = {
  id: 'reddit',
  name: 'Reddit',
  matches: ['*://*.reddit.com/*'],
  hostnames: /(^|\.)reddit\.com$/i,
  imageHosts: ['*://styles.redditmedia.com/*', '*://i.redd.it/*', '*://preview.redd.it/*'],
  avatars: [
    {
      selector: 'faceplate-img[src*="profileIcon"], faceplate-img[src*="snoovatar"], img[src*="profileIcon"], img[src*="snoovatar"], img[alt$=" avatar"]',
      urlMatch: /profileIcon_|snoovatar/,
      exclude: /avatar_default|\/avatars\/defaults\//,
      anchor: 'span.avatar, [slot="commentAvatar"], [slot="authorAvatar"]',
    },
  ],
  upgrade: [
    { kind: 'set-host', from: /^preview\.redd\.it$/i, to: 'i.redd.it', dropQuery: true },
    { kind: 'drop-query', when: /[?&]width=\d+/ },
  ],
};

export const MASTODON: SiteAdapter = {
  id: 'mastodon',
  name: 'Mastodon',
  matches: [
    '*://mastodon.social/*', '*://mastodon.online/*', '*://mstdn.social/*', '*://mastodon.world/*', '*://mas.to/*',
    '*://fosstodon.org/*', '*://hachyderm.io/*', '*://infosec.exchange/*', '*://techhub.social/*',
  ],
  hostnames: /^(mastodon\.social|mastodon\.online|mstdn\.social|mastodon\.world|mas\.to|fosstodon\.org|hachyderm\.io|infosec\.exchange|techhub\.social)$/i,
  detect: '#mastodon',
  imageHosts: ['*://files.mastodon.social/*', '*://files.mastodon.online/*', '*://cdn.masto.host/*'],
  avatars: [
    {
      selector: '.account__avatar img, img.account__avatar, .account__avatar[style*="background-image"], img[src*="/accounts/avatars/"]',
      urlMatch: /\/accounts\/avatars\//,
      exclude: /\/avatars\/original\/missing\.png$/,
      preferAttrs: ['data-original'],
      anchor: '.account__avatar:not(img)',
    },
  ],
  upgrade: [],
};

export const BLUESKY: SiteAdapter = {
  id: 'bluesky',
  name: 'Bluesky',
  matches: ['*://bsky.app/*'],
  hostnames: /^bsky\.app$/i,
  imageHosts: ['*://cdn.bsky.app/*'],
  avatars: [
    {
      selector: '[data-testid="userAvatarImage"] img, [data-testid="userAvatarImage"] [style*="background-image"], img[src*="/img/avatar_thumbnail/"], img[src*="/img/avatar/"]',
      urlMatch: /\/img\/avatar(?:_thumbnail)?\//,
      anchor: '[data-testid="userAvatarImage"]',
    },
  ],
  upgrade: [{ kind: 'replace', pattern: /\/img\/avatar_thumbnail\//, replacement: '/img/avatar/' }],
};

/** Heuristic for every other site: avatar-ish names, roughly square, small. */
export const GENERIC: SiteAdapter = {
  id: 'generic',
  name: 'Other sites',
  matches: ['<all_urls>'],
  hostnames: /^/,
  imageHosts: [],
  avatars: [],
  upgrade: [
    // Gravatar: `?s=80` / `?size=80` → 512 (Gravatar serves up to 2048; 512 is enough for the model).
    { kind: 'param-replace', host: /(^|\.)gravatar\.com$/i, param: 's', pattern: /^\d+$/, replacement: '512' },
    { kind: 'param-replace', host: /(^|\.)gravatar\.com$/i, param: 'size', pattern: /^\d+$/, replacement: '512' },
  ],
  generic: {
    selector: 'img, [style*="background-image"]',
    keyword: /avatar|profile|userpic|user-pic|pfp/i,
    attributes: ['alt', 'class', 'aria-label', 'id', 'title', 'data-testid'],
    ancestorDepth: 1,
    maxCssPx: 200,
    minCssPx: 24,
    aspect: [0.8, 1.25],
  },
};

/** The site adapters, in matching order. */
export const SITE_ADAPTERS: readonly SiteAdapter[] = [X, FACEBOOK, INSTAGRAM, LINKEDIN, REDDIT, MASTODON, BLUESKY];

/** Every adapter including `GENERIC`, by id. */
export function adapterById(id: string): SiteAdapter | undefined {
  return id === GENERIC.id ? GENERIC : SITE_ADAPTERS.find((a) => a.id === id);
}
