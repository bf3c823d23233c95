/**
 * Sends the page's Referer with the worker's own download of an image (issue 13, item 1): a
 * `declarativeNetRequest` session rule that sets `Referer` only on requests to exactly that URL
 * (`exactUrlFilter`), made by no tab (`tabIds: [-1]`: the worker's own requests, never the page's) of type
 * `xmlhttprequest` (what `fetch` is), added just before the fetch and removed right after it. Needs the
 * `declarativeNetRequestWithHostAccess` permission (no install warning; header changes apply only where
 * the extension has host access, which `hasHostPermission` requires before any fetch anyway). Checked in
 * Chromium (`e2e/cloaking.e2e.test.ts`); Firefox has session rules, `tabIds` and `modifyHeaders` since 113
 * but this path is not tested there. Where the API is missing or refuses the rule, the fetch goes ahead
 * without a Referer (as before).
 */
import browser from 'webextension-polyfill';
import { exactUrlFilter, refererFor } from '../extension/shared/referer';

/** Session-rule ids this module uses: [RULE_ID_BASE, RULE_ID_BASE + RULE_ID_SPAN). */
const RULE_ID_BASE = 1_000_000;
const RULE_ID_SPAN = 100_000;
let next = 0;
let cleared: Promise<void> | undefined;

type Dnr = {
  updateSessionRules(o: { addRules?: unknown[]; removeRuleIds?: number[] }): Promise<void>;
  getSessionRules(): Promise<Array<{ id: number }>>;
};
function dnr(): Dnr | undefined {
  return (browser as unknown as { declarativeNetRequest?: Dnr }).declarativeNetRequest;
}

/** Removes rules a stopped worker may have left behind (once per worker life). */
function clearStale(): Promise<void> {
  cleared ??= (async () => {
    const api = dnr();
    if (!api) return;
    const ids = (await api.getSessionRules().catch(() => [])).map((r) => r.id).filter((id) => id >= RULE_ID_BASE && id < RULE_ID_BASE + RULE_ID_SPAN);
    if (ids.length) await api.updateSessionRules({ removeRuleIds: ids }).catch(() => undefined);
  })();
  return cleared;
}

/** Counters for tests: rules added, and rules the browser refused. */
export const refererStats = { added: 0, refused: 0 };

/**
 * Runs `fetchIt` with a session rule that gives the request to `url` the Referer the page's own request
 * would carry (`refererFor(pageUrl, url)`), then removes the rule.
 * @param url the image URL about to be fetched
 * @param pageUrl the page showing it ('' when unknown: no rule)
 * @returns what `fetchIt` returns (its errors pass through)
 */
export async function withPageReferer<T>(url: string, pageUrl: string, fetchIt: () => Promise<T>): Promise<T> {
  const api = dnr();
  const referer = refererFor(pageUrl, url);
  const filter = exactUrlFilter(url);
  if (!api || !referer || !filter) return fetchIt();
  await clearStale();
  const id = RULE_ID_BASE + (next++ % RULE_ID_SPAN);
  const rule = {
    id,
    priority: 1,
    action: { type: 'modifyHeaders', requestHeaders: [{ header: 'referer', operation: 'set', value: referer }] },
    condition: { urlFilter: filter, tabIds: [-1], resourceTypes: ['xmlhttprequest'] },
  };
  let added = false;
  try {
    await api.updateSessionRules({ removeRuleIds: [id], addRules: [rule] });
    added = true;
    refererStats.added++;
  } catch (e) {
    refererStats.refused++;
    console.warn('[synthscreen] referer rule refused:', (e as Error)?.message);
  }
  try {
    return await fetchIt();
  } finally {
    if (added) await api.updateSessionRules({ removeRuleIds: [id] }).catch(() => undefined);
  }
}
