/**
 * URL rewrite rules that turn the avatar URL a site shows (often a 48 px thumbnail) into the largest one
 * its CDN serves. Rules are plain data (see `UpgradeRule`) applied in order by `upgradeUrl`, a pure
 * function over URL strings, so every site's rules are unit-tested on real-shaped URLs in Node.
 */

/**
 * One rewrite step.
 * - `replace`: `pattern` → `replacement` (`String.replace` syntax) on the URL's `pathname` (default) or
 *   the whole `href`.
 * - `param-replace`: the same on the value of query parameter `param` (absent → no-op).
 * - `drop-query`: removes the whole query (and fragment) when `when` matches the href.
 * - `set-host`: when the hostname matches `from`, replaces it with `to` (and drops the query when
 *   `dropQuery`).
 *
 * `host`: apply only when the URL's hostname matches.
 * `unlessParam`: skip the step when the URL carries this query parameter. Used for CDNs that sign the URL
 * (Facebook/Instagram `oh=`): changing a signed part makes the CDN answer 403, so the shown URL is kept.
 */
export type UpgradeRule = RuleGuard &
  (
    | { kind: 'replace'; pattern: RegExp; replacement: string; part?: 'pathname' | 'href' }
    | { kind: 'param-replace'; param: string; pattern: RegExp; replacement: string }
    | { kind: 'drop-query'; when: RegExp }
    | { kind: 'set-host'; from: RegExp; to: string; dropQuery?: boolean }
  );

/** Conditions shared by all rules: `host` must match the hostname; `unlessParam` must be absent. */
export interface RuleGuard {
  host?: RegExp;
  unlessParam?: string;
}

/**
 * Applies `rules` in order to an absolute URL. `data:` and `blob:` URLs, and URLs that do not parse, are
 * returned unchanged; so is any URL no rule matches.
 * @param url absolute URL
 * @returns the rewritten absolute URL
 */
export function upgradeUrl(url: string, rules: readonly UpgradeRule[]): string {
  if (rules.length === 0 || /^(data|blob):/i.test(url)) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  for (const r of rules) {
    if (r.unlessParam && u.searchParams.has(r.unlessParam)) continue;
    if (r.host && !test(r.host, u.hostname)) continue;
    switch (r.kind) {
      case 'replace': {
        if ((r.part ?? 'pathname') === 'href') {
          const next = u.href.replace(r.pattern, r.replacement);
          try {
            u = new URL(next);
          } catch {
            /* keep u */
          }
        } else {
          u.pathname = u.pathname.replace(r.pattern, r.replacement);
        }
        break;
      }
      case 'param-replace': {
        const v = u.searchParams.get(r.param);
        if (v !== null) {
          const next = v.replace(r.pattern, r.replacement);
          if (next !== v) u.search = replaceParamRaw(u.search, r.param, next);
        }
        break;
      }
      case 'drop-query':
        if (test(r.when, u.href)) {
          u.search = '';
          u.hash = '';
        }
        break;
      case 'set-host':
        if (test(r.from, u.hostname)) {
          u.hostname = r.to;
          if (r.dropQuery) u.search = '';
        }
        break;
    }
  }
  return u.href;
}

/** `re.test(s)` that ignores a `g`/`y` flag's `lastIndex` state (rules are shared data). */
export function test(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  const hit = re.test(s);
  re.lastIndex = 0;
  return hit;
}

/**
 * Replaces one parameter's value in a raw query string without re-encoding the others (URLSearchParams
 * would re-encode `,` `:` etc., and some CDNs compare the query byte for byte).
 */
function replaceParamRaw(search: string, param: string, value: string): string {
  const q = search.startsWith('?') ? search.slice(1) : search;
  const parts = q.split('&').map((kv) => {
    const eq = kv.indexOf('=');
    const k = eq < 0 ? kv : kv.slice(0, eq);
    let name = k;
    try {
      name = decodeURIComponent(k.replace(/\+/g, ' '));
    } catch {
      /* raw */
    }
    return name === param ? `${k}=${encodeURIComponent(value)}` : kv;
  });
  return '?' + parts.join('&');
}
