/**
 * The background's own record of a tab (issue 13, item 7: the popup is the trusted list of verdicts): for
 * each image URL the result the background itself answered to that tab's content scripts (verdict or
 * error) and the shown-image check (item 1); per frame the images its content script reported (which URLs
 * are on the page, profile flags, states decided in the page such as `too-small`) and how often the page
 * interfered with the badges. Pure data functions (no extension APIs), unit-tested in
 * `tab-ledger.test.ts`; `tabs.ts` keeps one ledger per tab and mirrors it to `storage.session`.
 *
 * A verdict is listed only when the background gave it: a verdict inside a `report-images` entry is never
 * shown (the page-side list only says which images exist).
 */
import type { ImageError, Interference, Result, ShownCheck, TabImage, TabIntegrity, Verdict } from '../extension/shared/messages';
import { compactProvenance } from '../extension/shared/provenance/compact';

/** Most results kept per tab (oldest dropped first). */
export const MAX_LEDGER_RESULTS = 2000;

export interface LedgerResult {
  status: 'pending' | 'done' | 'error';
  verdict?: Verdict;
  error?: ImageError;
  shown?: ShownCheck;
}

export interface TabLedger {
  /** By image URL, in insertion order. */
  results: Record<string, LedgerResult>;
  /** By frame id (as a string): the frame's last `report-images` list. */
  reported: Record<string, TabImage[]>;
  /** By frame id: the frame's interference counts. */
  interference: Record<string, Interference>;
  /** The top frame's document URL at its last report (a new one drops the sub-frames' reports). */
  topUrl?: string;
}

/** An empty ledger. */
export function emptyLedger(): TabLedger {
  return { results: {}, reported: {}, interference: {} };
}

/** A verdict as the popup needs it: no evidence map, provenance fields cut (`compactProvenance(…, 0)`). */
export function listVerdict(v: Verdict): Verdict {
  const { evidence: _e, ...rest } = v;
  return rest.provenance ? { ...rest, provenance: compactProvenance(rest.provenance, 0) } : rest;
}

function put(l: TabLedger, url: string, r: LedgerResult): void {
  delete l.results[url]; // re-insert: newest last
  l.results[url] = r;
  const keys = Object.keys(l.results);
  for (let i = 0; i < keys.length - MAX_LEDGER_RESULTS; i++) delete l.results[keys[i]!];
}

/** Records that the tab asked for `url` (no answer yet; an earlier answer is kept). */
export function recordPending(l: TabLedger, url: string): void {
  if (!l.results[url]) put(l, url, { status: 'pending' });
}

/**
 * Records the background's answer for `url` to this tab. A `served-different` finding already recorded
 * for the URL stands (the same bytes would be served to the checker again).
 */
export function recordResult(l: TabLedger, url: string, r: Result<Verdict>): void {
  const prev = l.results[url];
  if (prev?.shown?.status === 'mismatch') return;
  put(l, url, r.ok ? { status: 'done', verdict: listVerdict(r.value) } : { status: 'error', error: r.error });
}

/**
 * Records the shown-image check of `url`. A mismatch replaces the verdict by the `served-different`
 * error; `unconfirmed` after a `match` or `mismatch` does not undo it.
 */
export function recordShown(l: TabLedger, url: string, check: ShownCheck): void {
  const prev = l.results[url] ?? { status: 'pending' as const };
  if (check.status === 'unconfirmed' && (prev.shown?.status === 'match' || prev.shown?.status === 'mismatch')) return;
  if (check.status === 'mismatch') {
    put(l, url, {
      status: 'error', shown: check,
      error: { code: 'served-different', message: `the page shows a different image from the one the checker downloaded (perceptual-hash distance ${check.distance ?? '?'} of 63)` },
    });
    return;
  }
  put(l, url, { ...prev, shown: check });
}

/**
 * Replaces a frame's reported images and interference counts (its content script's `report-images`).
 * A report of the top frame (`frameId` 0) from another document URL than before means the tab navigated:
 * the sub-frames' reports are dropped (their new documents report again).
 * @param documentUrl the reporting frame's URL (`sender.url`)
 */
export function recordReport(l: TabLedger, frameId: number, images: TabImage[], interference?: Interference, documentUrl?: string): void {
  if (frameId === 0 && documentUrl !== undefined) {
    if (l.topUrl !== undefined && l.topUrl !== documentUrl) {
      for (const f of Object.keys(l.reported)) if (f !== '0') forgetFrame(l, Number(f));
    }
    l.topUrl = documentUrl;
  }
  l.reported[String(frameId)] = images.slice(0, MAX_LEDGER_RESULTS);
  if (interference) l.interference[String(frameId)] = { removed: interference.removed, hidden: interference.hidden };
}

/** Forgets a frame's report (its document went away). */
export function forgetFrame(l: TabLedger, frameId: number): void {
  delete l.reported[String(frameId)];
  delete l.interference[String(frameId)];
}

/**
 * The popup's list for the tab: one entry per distinct URL the tab's frames report (top frame first). The
 * state, verdict, error and shown check come from the background's own results; for a URL it has none
 * for, the reported entry without any verdict (`pending`, or the error decided in the page).
 */
export function listImages(l: TabLedger, max = MAX_LEDGER_RESULTS): TabImage[] {
  const out = new Map<string, TabImage>();
  const frames = Object.keys(l.reported).sort((a, b) => Number(a) - Number(b));
  for (const f of frames) {
    for (const img of l.reported[f]!) {
      if (out.has(img.url)) continue;
      const own = l.results[img.url];
      const base: TabImage = { url: img.url, status: 'pending', ...(img.isProfile ? { isProfile: true } : {}) };
      if (own && own.status !== 'pending') {
        out.set(img.url, { ...base, status: own.status, ...(own.verdict ? { verdict: own.verdict } : {}), ...(own.error ? { error: own.error } : {}), ...(own.shown ? { shown: own.shown } : {}) });
      } else if (img.status === 'error' && img.error) {
        out.set(img.url, { ...base, status: 'error', error: img.error });
      } else {
        out.set(img.url, own?.shown ? { ...base, shown: own.shown } : base);
      }
    }
  }
  return [...out.values()].slice(0, max);
}

/** The tab's integrity record: interference summed over frames, shown checks counted over results. */
export function integrity(l: TabLedger): TabIntegrity {
  const interference = { removed: 0, hidden: 0 };
  for (const i of Object.values(l.interference)) { interference.removed += i.removed; interference.hidden += i.hidden; }
  const shown = { match: 0, mismatch: 0, unconfirmed: 0 };
  for (const r of Object.values(l.results)) if (r.shown) shown[r.shown.status]++;
  return { interference, shown };
}
