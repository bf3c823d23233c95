/**
 * Popup parts for issue #5: the one-click host-permission grant for the current site, the per-image
 * "report wrong verdict" action, and the recent history. Kept apart from `index.tsx` so they can be
 * reviewed and changed on their own.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { HISTORY_KEY, HISTORY_RETENTION_DAYS, normalizeHistory, pruneHistory, type HistoryEntry } from '../shared/history';
import type { TabImage } from '../shared/messages';
import { grantOriginsFor } from '../shared/permissions';
import { REPORTS_KEY, ReportStore, normalizeReports, type UserLabel } from '../shared/report';
import { storageAreaStore } from '../shared/history';
import { TONE_OF } from '../shared/provenance/fusion';
import type { VerdictLabel } from '../shared/verdict';
import { aiScore, wordingOf } from '../shared/wording';

const reports = new ReportStore(storageAreaStore(browser.storage.local as never));

/**
 * "Allow on this site": shown when some image of the tab needs a host permission. The request runs
 * inside the click handler (a user gesture, required by both browsers); after a grant the tab rescans
 * (the background also rescans every tab on `permissions.onAdded`).
 */
export function GrantBar({ tabId, images }: { tabId?: number; images: readonly TabImage[] }) {
  const [pageUrl, setPageUrl] = useState<string | undefined>();
  const [result, setResult] = useState<string>('');
  useEffect(() => {
    if (tabId === undefined) return;
    void browser.tabs.get(tabId).then((t) => setPageUrl(t.url), () => undefined);
  }, [tabId]);
  const needed = images.filter((i) => i.error?.code === 'permission-needed').length;
  if (!needed) return null;
  const origins = grantOriginsFor(pageUrl, images);
  const onClick = () => {
    // Called synchronously in the handler: permissions.request needs the user gesture.
    void browser.permissions.request({ origins }).then(
      (granted) => {
        setResult(granted ? 'Allowed. Checking the images again…' : 'Not allowed.');
        if (granted && tabId !== undefined) void browser.tabs.sendMessage(tabId, { type: 'rescan' }).catch(() => undefined);
      },
      (e: unknown) => setResult(`Could not ask: ${(e as Error).message}`),
    );
  };
  return (
    <div class="grant" id="grant" data-origins={origins.join(' ')}>
      <div>{needed} image{needed === 1 ? '' : 's'} on this page need{needed === 1 ? 's' : ''} permission to be checked.</div>
      <button id="grant-button" type="button" onClick={onClick} title={origins.join('\n')}>Allow on this site</button>
      {result && <div class="meta" id="grant-result">{result}</div>}
    </div>
  );
}

/**
 * "Report wrong verdict" for one image: stores the URL, the verdict shown, its probability, the model id
 * and the extension version locally (`ReportStore`; nothing is uploaded). Offers the opposite label(s).
 */
export function ReportButtons({ img, label, tabId }: { img: TabImage; label: VerdictLabel; tabId?: number }) {
  const [done, setDone] = useState<UserLabel | undefined>();
  const v = img.verdict;
  if (!v || v.probability === undefined) return null; // a report is about the detector's verdict
  const probability = v.probability;
  const report = async (userLabel: UserLabel) => {
    const pageUrl = tabId === undefined ? '' : (await browser.tabs.get(tabId).catch(() => undefined))?.url ?? '';
    await reports.add({
      url: img.url, pageUrl, verdict: label, probability, model: v.model ?? '',
      version: browser.runtime.getManifest().version, userLabel, time: Date.now(),
    }).then(() => setDone(userLabel));
  };
  if (done) return <span class="meta reported" data-reported={done}>Reported as {done === 'real' ? 'real' : 'AI-generated'}</span>;
  const options: UserLabel[] = label === 'synthetic' ? ['real'] : label === 'real' ? ['synthetic'] : ['real', 'synthetic'];
  return (
    <span class="report">
      {options.map((o) => (
        <button type="button" class="report-button" data-user-label={o} key={o} onClick={() => void report(o)}
          title="Report wrong verdict (stored on this device; export it from the options page)">
          Wrong? It's {o === 'real' ? 'real' : 'AI'}
        </button>
      ))}
    </span>
  );
}

/**
 * The text a history entry shows: the badge text kept with it (worded by `../shared/wording.ts` under the
 * rule in force when it was checked), else, for entries stored before the text was kept, the same wording
 * rebuilt from the stored label and probability.
 */
function historyText(e: HistoryEntry): string {
  if (e.text) return e.text;
  if (e.probability !== undefined && (e.label === 'real' || e.label === 'synthetic' || e.label === 'unsure')) return wordingOf(e.label, aiScore(e.probability)).short;
  return e.label;
}

/** The most recent `limit` history entries (read from `storage.local`), or a note when history is off. */
export function RecentHistory({ enabled, limit = 10 }: { enabled: boolean; limit?: number }) {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [reported, setReported] = useState<Set<string>>(new Set());
  useEffect(() => {
    const load = () => void browser.storage.local.get([HISTORY_KEY, REPORTS_KEY]).then((got) => {
      setEntries(pruneHistory(normalizeHistory(got[HISTORY_KEY]), Date.now()).slice(0, limit));
      setReported(new Set(normalizeReports(got[REPORTS_KEY]).map((r) => r.url)));
    });
    load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, [limit]);
  return (
    <details id="history">
      <summary>Recent history</summary>
      {!enabled ? <div class="empty">History is off (turn it on in the options; entries are kept {HISTORY_RETENTION_DAYS} days).</div> : entries.length === 0 ? <div class="empty">Nothing yet.</div> : (
        <ul>
          {entries.map((e) => (
            <li key={e.url} data-url={e.url} data-label={e.label}>
              <div class="info">
                <div class={`v ${TONE_OF[e.label]}`}>{historyText(e)}{reported.has(e.url) ? ' · reported' : ''}</div>
                <div class="url" title={e.url}>{new Date(e.time).toLocaleString()} · {e.url}</div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
