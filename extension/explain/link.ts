/**
 * The explanation view's address: `explain.html?url=…&hash=…&tab=…&p=…&method=…&samples=…`, built by the
 * background (badge, context menu) and the popup, and parsed by the view. Pure: no extension APIs.
 *
 * - `url`: the image URL (http(s), or a label for page-read images; `data:` URLs are not repeated here
 *   because they can be megabytes long — `hash` resolves them).
 * - `hash`: sha256 hex of the image bytes (`Verdict.contentHash`): the background resolves it to the
 *   bytes it kept from `classify-bytes` (`blob:` / `data:` images it cannot fetch itself).
 * - `tab`: the tab the image was on (shown as context; optional).
 * - `p`: the verdict's calibrated probability in [0, 1] (over all test-time crops), shown at once.
 * - `method`: the first method shown (default: the `explainMethod` setting).
 * - `samples`: LIME samples, clamped to [50, 2000] (default: the `limeSamples` setting).
 */
import type { ExplainMethod } from '../shared/messages';

export const EXPLAIN_METHODS: readonly ExplainMethod[] = ['gradcam', 'ablationcam', 'layercam', 'scorecam', 'lime'];
const HASH_RE = /^[0-9a-f]{64}$/;
/** Longest `url` carried in the address (longer `data:` URLs travel by `hash` only). */
export const MAX_URL_IN_LINK = 4096;

export interface ExplainTarget {
  url: string;
  hash?: string;
  tab?: number;
  probability?: number;
  method?: ExplainMethod;
  samples?: number;
}

/** True when the image must be resolved through its content hash (the background cannot fetch it). */
export function needsHash(url: string): boolean {
  return /^(blob|data):/i.test(url.trim());
}

/**
 * Builds the view's address.
 * @param base `runtime.getURL('explain.html')`
 * @returns `base?…` with only the parameters that are set and valid
 */
export function explainLink(base: string, t: ExplainTarget): string {
  const q = new URLSearchParams();
  const label = /^data:/i.test(t.url) ? t.url.slice(0, 64) : t.url;
  if (label && label.length <= MAX_URL_IN_LINK) q.set('url', label);
  if (t.hash && HASH_RE.test(t.hash)) q.set('hash', t.hash);
  if (t.tab !== undefined && Number.isInteger(t.tab) && t.tab >= 0) q.set('tab', String(t.tab));
  if (t.probability !== undefined && Number.isFinite(t.probability) && t.probability >= 0 && t.probability <= 1) q.set('p', t.probability.toFixed(6));
  if (t.method && EXPLAIN_METHODS.includes(t.method)) q.set('method', t.method);
  if (t.samples !== undefined && Number.isFinite(t.samples)) q.set('samples', String(Math.round(Math.max(50, Math.min(2000, t.samples)))));
  return `${base}?${q.toString()}`;
}

/**
 * Parses the view's query string; invalid parameters are dropped (never throws).
 * @returns the target, or `undefined` when neither a fetchable URL nor a content hash is present
 */
export function parseExplainLink(search: string): ExplainTarget | undefined {
  const q = new URLSearchParams(search);
  const url = (q.get('url') ?? '').trim();
  const hash = q.get('hash') ?? '';
  const out: ExplainTarget = { url };
  if (HASH_RE.test(hash)) out.hash = hash;
  const fetchable = /^https?:\/\//i.test(url) || /^file:\/\//i.test(url);
  if (!out.hash && !fetchable) return undefined;
  const tab = q.get('tab');
  if (tab && /^\d+$/.test(tab)) out.tab = Number(tab);
  const p = Number(q.get('p'));
  if (q.get('p') !== null && q.get('p') !== '' && Number.isFinite(p) && p >= 0 && p <= 1) out.probability = p;
  const m = q.get('method') as ExplainMethod | null;
  if (m && EXPLAIN_METHODS.includes(m)) out.method = m;
  const s = Number(q.get('samples'));
  if (q.get('samples') && Number.isFinite(s)) out.samples = Math.round(Math.max(50, Math.min(2000, s)));
  return out;
}
