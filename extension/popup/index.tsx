/**
 * Popup: the verdicts for the current tab (thumbnail, probability, verdict), the model's name and
 * version and the active backend. `popup.html?tabId=N` shows tab N (used by tests, which open the popup
 * as a page).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { BackendStatus, Result, TabImage, TabIntegrity } from '../shared/messages';
import { effectiveThreshold, normalizeSettings, SETTINGS_KEY, type Settings } from '../shared/settings';
import { fuseScreened } from '../shared/provenance/fusion';
import type { VerdictLabel } from '../shared/verdict';
import { GrantBar, RecentHistory, ReportButtons } from './extras';
import { explainLink, needsHash } from '../explain/link';
import { sentence } from './provenance-view';
import { ReliabilityDetails } from './reliability-view';

const ERROR_TEXT: Record<string, string> = {
  'too-small': 'Too small to check', 'too-large': 'Too large to check', 'fetch-failed': 'Could not fetch image',
  timeout: 'Timed out', 'permission-needed': 'Permission needed', 'unsupported-format': 'Unsupported format',
  'decode-failed': 'Could not decode image', 'model-failed': 'Detector unavailable', cancelled: 'Not checked',
  'served-different': 'Served a different image to the checker',
};

async function ask<T>(msg: unknown): Promise<Result<T> | undefined> {
  return (await browser.runtime.sendMessage(msg).catch(() => undefined)) as Result<T> | undefined;
}

async function currentTabId(): Promise<number | undefined> {
  const q = new URLSearchParams(location.search).get('tabId');
  if (q && /^\d+$/.test(q)) return Number(q);
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

/**
 * Opens the explanation view for a listed image in a new tab (page-read `blob:` / `data:` images by
 * their content hash, which the background resolves to the bytes it kept).
 */
async function openExplain(img: TabImage, tabId: number | undefined): Promise<void> {
  if (!img.verdict) return;
  const url = explainLink(browser.runtime.getURL('explain.html'), {
    url: img.url,
    hash: needsHash(img.url) ? img.verdict.contentHash : undefined,
    tab: tabId,
    probability: img.verdict.probability,
  });
  await browser.tabs.create({ url }).catch(() => undefined);
}

/**
 * One image: the fused verdict (provenance first, the pixel probability beside it; `fuseScreened`) with
 * its caveats, or the status that stands for it. `data-label` is the fused label, `data-tone` its colour class.
 */
function Row({ img, rule, tabId }: { img: TabImage; rule: { threshold: number; unsureBand: number }; tabId?: number }) {
  let text: string, cls: string, full = '';
  let notes: string[] = [];
  const fused = img.verdict ? fuseScreened(img.verdict, rule) : undefined;
  if (fused && fused.label !== 'none') {
    text = fused.short;
    full = fused.text;
    cls = fused.tone;
    notes = fused.basis === 'provenance' ? [] : fused.notes;
  } else if (img.error) {
    text = ERROR_TEXT[img.error.code] ?? img.error.code;
    cls = 'error';
  } else {
    text = 'Analysing…';
    cls = 'pending';
  }
  return (
    <li data-url={img.url} data-status={img.status} data-label={fused && fused.label !== 'none' ? fused.label : cls} data-tone={cls}
      data-probability={img.verdict?.probability} data-provenance={img.verdict?.provenance && img.verdict.provenance.kind !== 'none' ? `${img.verdict.provenance.kind}/${img.verdict.provenance.claim}/${img.verdict.provenance.validation}` : undefined}>
      <img src={img.url} alt="" loading="lazy" referrerpolicy="no-referrer" />
      <div class="info">
        <div class={`v ${cls}`} title={full || undefined} aria-label={full ? `${full}${img.isProfile ? ' Profile photo.' : ''}` : undefined}>
          {text}{img.isProfile ? ' · profile photo' : ''}
        </div>
        {fused?.basis === 'provenance' && <div class="prov-detail">{sentence(fused.detail)}</div>}
        {notes.map((n) => <div class="note" key={n}>{n}</div>)}
        <div class="url" title={img.url}>{img.url}</div>
      </div>
      {fused && fused.label !== 'none' && (
        <button type="button" class="explain" aria-label={`Explain: ${full || text}`} onClick={() => void openExplain(img, tabId)}>
          Explain
        </button>
      )}
      {fused?.basis === 'pixels' && fused.pixel && <ReportButtons img={img} label={fused.pixel.label as VerdictLabel} tabId={tabId} />}
    </li>
  );
}

function Popup() {
  const [status, setStatus] = useState<BackendStatus | undefined>();
  const [images, setImages] = useState<TabImage[] | undefined>();
  const [settings, setSettings] = useState<Settings>(normalizeSettings(undefined));
  const [tabId, setTabId] = useState<number | undefined>();
  const [integrity, setIntegrity] = useState<TabIntegrity | undefined>();
  useEffect(() => {
    let alive = true;
    const refresh = async () => {
      const tabId = await currentTabId();
      if (alive) setTabId(tabId);
      const st = await ask<BackendStatus>({ type: 'get-status' });
      if (st?.ok && alive) setStatus(st.value);
      if (tabId !== undefined) {
        const r = await ask<TabImage[]>({ type: 'get-tab-images', tabId });
        if (r?.ok && alive) setImages(r.value);
        const g = await ask<TabIntegrity>({ type: 'get-tab-integrity', tabId });
        if (g?.ok && alive) setIntegrity(g.value);
      } else if (alive) setImages([]);
      const s = await browser.storage.sync.get(SETTINGS_KEY);
      if (alive) setSettings(normalizeSettings(s[SETTINGS_KEY]));
    };
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => { alive = false; clearInterval(timer); };
  }, []);
  const rule = effectiveThreshold(settings, { threshold: status?.model?.threshold ?? 0.5, unsureBand: status?.model?.unsureBand ?? 0 });
  return (
    <>
      <header>
        <h1>SynthScreen</h1>
        <div class="meta" id="model">
          {status?.model ? `Model ${status.model.name} ${status.model.version}` : status?.error ? `Model unavailable: ${status.error}` : 'Loading model…'}
        </div>
        <div class="meta" id="backend">{status?.backend ? `Backend: ${status.backend}` : ''}</div>
        {status?.backendFailures?.length ? (
          <div class="meta warn" id="backend-switch">
            {status.backendFailures.map((f) => `Switched away from ${f.backend} after an error (${f.stage}): ${f.reason.slice(0, 120)}`).join(' · ')}
          </div>
        ) : null}
      </header>
      {integrity && integrity.interference.removed + integrity.interference.hidden > 0 && (
        // Issue 13, item 7: the page removed or hid badges; this list comes from SynthScreen itself.
        <div class="meta warn" id="interference" data-removed={integrity.interference.removed} data-hidden={integrity.interference.hidden}>
          This page interfered with SynthScreen's badges ({integrity.interference.removed} removed, {integrity.interference.hidden} hidden; put back where possible).
          The list below comes from SynthScreen, not from the page.
        </div>
      )}
      {images && <GrantBar tabId={tabId} images={images} />}
      {images === undefined ? <div class="empty">Loading…</div> : images.length === 0 ? (
        <div class="empty">No images checked on this page yet.</div>
      ) : (
        <ul id="images">{images.map((img) => <Row key={img.url} img={img} rule={rule} tabId={tabId} />)}</ul>
      )}
      <RecentHistory enabled={settings.history} />
      <ReliabilityDetails />
      <footer><a onClick={() => void browser.runtime.openOptionsPage()}>Options</a></footer>
    </>
  );
}

render(<Popup />, document.getElementById('app')!);
