/**
 * Popup parts for issue #5: the one-click host-permission grant for the current site, the per-image
 * "Tell us what it is" action (local override, local report, prefilled tracker issue; issue #12), and the
 * recent history. Kept apart from `index.tsx` so they can be
 * reviewed and changed on their own.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { HISTORY_KEY, HISTORY_RETENTION_DAYS, MAX_STORED_URL_CHARS, normalizeHistory, pruneHistory, type HistoryEntry } from '../shared/history';
import { normalizeOverrides, OVERRIDES_KEY, withOverride } from '../shared/overrides';
import { trackerIssueText, trackerIssueUrl } from '../shared/tracker';
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
export function GrantBar({ tabId, images, focus }: { tabId?: number; images: readonly TabImage[]; focus?: boolean }) {
  const [pageUrl, setPageUrl] = useState<string | undefined>();
  const [result, setResult] = useState<string>('');
  const [focused, setFocused] = useState(false);
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
      <button id="grant-button" type="button" onClick={onClick} title={origins.join('\n')}
        ref={(b) => { if (b && focus && !focused) { b.focus(); setFocused(true); } }}>Allow on this site</button>
      {result && <div class="meta" id="grant-result">{result}</div>}
    </div>
  );
}

/**
 * "Tell us what it is" (under *Unsure*) or "Not right?" (under a definite verdict) for one image. Opens two
 * choices, "I know this is real" / "I know this is AI-generated" (only the opposite one under a definite
 * verdict). A choice stores a local override for the image URL (`overrides.ts`; the badge shows it at once)
 * and a local report (`ReportStore`, exported as TSV from the options page); then it offers to report the
 * verdict on the project's tracker: the exact text (URL and scores only, `trackerIssueText`) is shown first
 * and the prefilled link opens only when the user confirms. "Undo" removes the override.
 */
export function ReportButtons({ img, label, tabId, shown, rule, override }: {
  img: TabImage; label: VerdictLabel; tabId?: number; shown: string; rule: { threshold: number; unsureBand: number }; override?: UserLabel;
}) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState<{ title: string; body: string; href: string } | undefined>();
  const v = img.verdict;
  if (!v || v.probability === undefined) return null; // a report is about the detector's verdict
  const probability = v.probability;
  const pageUrlOf = async () => (tabId === undefined ? '' : (await browser.tabs.get(tabId).catch(() => undefined))?.url ?? '');
  const choose = async (userLabel: UserLabel) => {
    const pageUrl = await pageUrlOf();
    const got = await browser.storage.local.get(OVERRIDES_KEY);
    await browser.storage.local.set({ [OVERRIDES_KEY]: withOverride(normalizeOverrides(got[OVERRIDES_KEY]), img.url.slice(0, MAX_STORED_URL_CHARS), userLabel) });
    await reports.add({
      url: img.url, pageUrl, verdict: label, probability, model: v.model ?? '',
      version: browser.runtime.getManifest().version, userLabel, time: Date.now(),
    });
    setOpen(false);
  };
  const undo = async () => {
    const got = await browser.storage.local.get(OVERRIDES_KEY);
    await browser.storage.local.set({ [OVERRIDES_KEY]: withOverride(normalizeOverrides(got[OVERRIDES_KEY]), img.url.slice(0, MAX_STORED_URL_CHARS), undefined) });
    setConfirming(undefined);
  };
  const prepareIssue = async (userLabel: UserLabel) => {
    const r = { url: img.url, pageUrl: await pageUrlOf(), shown, probability, userLabel, model: v.model ?? '', version: browser.runtime.getManifest().version, ...rule };
    setConfirming({ ...trackerIssueText(r), href: trackerIssueUrl(r) });
  };
  if (override) {
    return (
      <div class="feedback">
        <span class="meta reported" data-reported={override}>You marked this {override === 'real' ? 'real' : 'AI-generated'}.</span>
        <button type="button" class="small undo-override" onClick={() => void undo()}>Undo</button>
        {!confirming && <button type="button" class="small report-issue" onClick={() => void prepareIssue(override)}>Report to the project…</button>}
        {confirming && (
          <div class="confirm" role="group" aria-label="Report to the project: check what is sent">
            <div class="meta">This text goes to the project's public issue tracker (no image is sent):</div>
            <pre class="issue-preview">{confirming.title}{'\n\n'}{confirming.body}</pre>
            <a class="small button" id="open-issue" href={confirming.href} target="_blank" rel="noopener noreferrer" onClick={() => setConfirming(undefined)}>Open the prefilled report</a>
            <button type="button" class="small" onClick={() => setConfirming(undefined)}>Cancel</button>
          </div>
        )}
      </div>
    );
  }
  const options: UserLabel[] = label === 'synthetic' ? ['real'] : label === 'real' ? ['synthetic'] : ['real', 'synthetic'];
  return (
    <div class="feedback">
      <button type="button" class="small feedback-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {label === 'unsure' ? 'Tell us what it is' : 'Not right?'}
      </button>
      {open && options.map((o) => (
        <button type="button" class="small report-button" data-user-label={o} key={o} onClick={() => void choose(o)}
          title="Saved on this device; the badge shows your label from now on">
          {o === 'real' ? 'I know this is real' : 'I know this is AI-generated'}
        </button>
      ))}
    </div>
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
