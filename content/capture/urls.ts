/**
 * Pure URL helpers for image capture: `srcset` parsing, CSS `url()` / `image-set()` parsing, placeholder
 * detection and the URL normalisation used as the de-duplication key. No DOM access, so every function
 * runs (and is unit-tested) in Node.
 */

/** One `srcset` candidate. `width` comes from a `w` descriptor (CSS px of the source), `density` from `x`. */
export interface SrcsetCandidate {
  url: string;
  width?: number;
  density?: number;
}

const WS = /[\t\n\f\r ]/;

/**
 * Parses a `srcset` attribute value following the HTML spec's candidate parsing (URLs may contain commas,
 * e.g. Reddit's `crop=64:64,smart`; a comma ends a candidate only after the URL token).
 * Unknown or malformed descriptors are ignored; `h` descriptors are accepted and ignored.
 * @param srcset attribute text, may be empty
 * @returns candidates in source order (URLs unresolved, as written)
 * Source: HTML Living Standard §4.8.4.3.10 "parse a srcset attribute".
 */
export function parseSrcset(srcset: string): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  const s = srcset;
  const n = s.length;
  let i = 0;
  while (i < n) {
    while (i < n && (WS.test(s[i]!) || s[i] === ',')) i++;
    if (i >= n) break;
    let start = i;
    while (i < n && !WS.test(s[i]!)) i++;
    let url = s.slice(start, i);
    let descriptors = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      start = i;
      let depth = 0;
      while (i < n) {
        const c = s[i]!;
        if (c === '(') depth++;
        else if (c === ')') depth = Math.max(0, depth - 1);
        else if (c === ',' && depth === 0) break;
        i++;
      }
      descriptors = s.slice(start, i).trim();
    }
    if (!url) continue;
    const cand: SrcsetCandidate = { url };
    for (const d of descriptors.split(/\s+/)) {
      let m: RegExpExecArray | null;
      if ((m = /^(\d+)w$/.exec(d))) cand.width = Number(m[1]);
      else if ((m = /^(\d*\.?\d+(?:e[+-]?\d+)?)x$/i.exec(d))) cand.density = Number(m[1]);
    }
    out.push(cand);
  }
  return out;
}

/**
 * The largest candidate: the greatest `w` descriptor when any candidate has one, otherwise the greatest
 * density (`x`, default 1). Ties keep the first.
 * @returns the candidate URL as written, or `null` for an empty list
 */
export function largestCandidate(cands: readonly SrcsetCandidate[]): string | null {
  if (cands.length === 0) return null;
  const withW = cands.filter((c) => c.width !== undefined);
  if (withW.length > 0) {
    return withW.reduce((a, b) => ((b.width ?? 0) > (a.width ?? 0) ? b : a)).url;
  }
  return cands.reduce((a, b) => ((b.density ?? 1) > (a.density ?? 1) ? b : a)).url;
}

/** `largestCandidate(parseSrcset(srcset))`. */
export function largestFromSrcset(srcset: string | null | undefined): string | null {
  return srcset ? largestCandidate(parseSrcset(srcset)) : null;
}

/** Splits at commas that are outside parentheses and quotes. */
function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** Reads one `url(...)` token at the start of `text`; returns the URL (unescaped) and the rest. */
function readUrlToken(text: string): { url: string; rest: string } | null {
  const m = /^url\(\s*/i.exec(text);
  if (!m) return null;
  let i = m[0].length;
  const q = text[i];
  let url = '';
  if (q === '"' || q === "'") {
    i++;
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      url += text[i];
      i++;
    }
    i++; // closing quote
    const close = text.indexOf(')', i);
    return { url, rest: close < 0 ? '' : text.slice(close + 1) };
  }
  while (i < text.length && text[i] !== ')') {
    if (text[i] === '\\' && i + 1 < text.length) i++;
    url += text[i];
    i++;
  }
  return { url: url.trim(), rest: text.slice(i + 1) };
}

/**
 * The image URL a CSS `background-image` value (computed or specified) shows, for the top-most layer that
 * has one: `url(...)` directly, or the highest-resolution `url()` inside `image-set()` /
 * `-webkit-image-set()`. Gradients and `none` are skipped.
 * @param value e.g. `url("https://a/b.png"), linear-gradient(...)`
 * @returns the URL as written (unresolved), or `null`
 */
export function cssImageUrl(value: string | null | undefined): string | null {
  if (!value || value === 'none') return null;
  for (const layer of splitTopLevel(value)) {
    const direct = readUrlToken(layer);
    if (direct) {
      if (direct.url) return direct.url;
      continue;
    }
    const set = /^(?:-webkit-)?image-set\(([\s\S]*)\)$/i.exec(layer);
    if (set) {
      let best: { url: string; density: number } | null = null;
      for (const opt of splitTopLevel(set[1]!)) {
        let tok = readUrlToken(opt);
        if (!tok) {
          const str = /^(["'])((?:\\.|(?!\1).)*)\1([\s\S]*)$/.exec(opt);
          if (str) tok = { url: str[2]!.replace(/\\(.)/g, '$1'), rest: str[3]! };
        }
        if (!tok || !tok.url) continue;
        const d = /(\d*\.?\d+)(x|dppx)\b/.exec(tok.rest);
        const density = d ? Number(d[1]) : 1;
        if (!best || density > best.density) best = { url: tok.url, density };
      }
      if (best) return best.url;
    }
  }
  return null;
}

/**
 * True for URLs that stand in for an image not loaded yet: empty, `about:blank`, or a `data:` URL shorter
 * than 400 characters (the 1×1 GIF / tiny SVG placeholders lazy-loading libraries use; an image that small
 * is below `MIN_SIDE_PIXELS` anyway).
 */
export function isPlaceholderUrl(url: string | null | undefined): boolean {
  if (!url) return true;
  const u = url.trim();
  return u === '' || u === 'about:blank' || (/^data:/i.test(u) && u.length < 400);
}

/** 53-bit string hash (cyrb53, public domain, bryc 2018) as 14 hex digits. */
export function hashString(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * Resolves `url` against `base` to an absolute URL string.
 * @returns the absolute URL, or `null` when it cannot be parsed
 */
export function resolveUrl(url: string, base?: string): string | null {
  try {
    return new URL(url.trim(), base).href;
  } catch {
    return null;
  }
}

/**
 * The de-duplication key of an image URL: absolute, fragment removed, host lower-cased and default port
 * dropped (by the URL parser); the query is kept (it often selects the image). `data:` URLs, which can be
 * megabytes long, become `data:<mime>;len=<n>;h=<hash>` so the key stays short.
 * @returns the key; the trimmed input when it cannot be parsed
 */
export function normalizeImageUrl(url: string, base?: string): string {
  const u = url.trim();
  if (/^data:/i.test(u)) {
    const mime = /^data:([^;,]*)/i.exec(u)?.[1]?.toLowerCase() ?? '';
    return `data:${mime};len=${u.length};h=${hashString(u)}`;
  }
  if (/^blob:/i.test(u)) return u;
  try {
    const parsed = new URL(u, base);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return u;
  }
}
