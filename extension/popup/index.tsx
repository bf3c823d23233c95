/**
 * Popup: a summary line, the verdicts for the current tab in page order (thumbnail, verdict; clicking a row
 * scrolls the page to the image and outlines it), a per-site pause switch, "Tell us what it is" under each
 * detector verdict (local override, local report, prefilled tracker issue), the model's name and version and
 * the active backend in plain words. `popup.html?tabId=N` shows tab N (used by tests, which open the popup
 * as a page, and by the *Permission needed* badge, which opens `popup.html?tabId=N&grant=1`: the "Allow on
 * this site" button is focused).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { BackendStatus, Result, TabImage, TabIntegrity } from '../shared/messages';
import { effectiveThreshold, isPausedOn, normalizeHostname, normalizeSettings, SETTINGS_KEY, withSitePaused, type Settings } from '../shared/settings';
import { normalizeOverrides, OVERRIDES_KEY, type OverrideLabel } from '../shared/overrides';
import { summaryText, type SummaryCounts } from '../../content/summary';
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

/** The tfjs backends in plain words. */
export const BACKEND_WORDS: Record<string, string> = {
  webgpu: 'WebGPU (graphics card)', webgl: 'WebGL (graphics card)', wasm: 'WebAssembly (CPU)', cpu: 'Plain JavaScript (CPU, slow)',
};

const AI_LABELS = new Set(['synthetic', 'ai-generated', 'ai-generated-metadata']);
const NOT_AI_LABELS = new Set(['real', 'camera-original']);

/** Counts for the summary line (the same sentence the page's screen-reader summary uses). */
function countsOf(images: readonly TabImage[], rule: { threshold: number; unsureBand: number }, overrides: Record<string, { label: OverrideLabel }>): SummaryCounts {
  const c: SummaryCounts = { checked: 0, ai: 0, unsure: 0, notAi: 0, notChecked: 0, pending: 0 };
  for (const img of images) {
    if (img.status === 'pending') { c.pending++; continue; }
    c.checked++;
    const o = overrides[img.url]?.label;
    const label = img.verdict ? fuseScreened(img.verdict, rule).label : 'none';
    if (o === 'synthetic' || (!o && AI_LABELS.has(label))) c.ai++;
    else if (o === 'real' || NOT_AI_LABELS.has(label)) c.notAi++;
    else if (label === 'unsure') c.unsure++;
    else c.notChecked++;
  }
  return c;
}

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
function Row({ img, rule, tabId, override }: { img: TabImage; rule: { threshold: number; unsureBand: number }; tabId?: number; override?: OverrideLabel }) {
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
  const [found, setFound] = useState<boolean | undefined>();
  /** Scrolls the page to this image and outlines it. */
  const show = () => {
    if (tabId === undefined) return;
    void (browser.tabs.sendMessage(tabId, { type: 'highlight-image', url: img.url }) as Promise<Result<boolean>>)
      .then((r) => setFound(!!r?.ok && r.value), () => setFound(false));
  };
  return (
    <li data-url={img.url} data-status={img.status} data-label={fused && fused.label !== 'none' ? fused.label : cls} data-tone={cls}
      data-probability={img.verdict?.probability} data-provenance={img.verdict?.provenance && img.verdict.provenance.kind !== 'none' ? `${img.verdict.provenance.kind}/${img.verdict.provenance.claim}/${img.verdict.provenance.validation}` : undefined}
      data-override={override}>
      <button type="button" class="row-main" onClick={show} aria-label={`Show in page: ${full || text}${img.isProfile ? '. Profile photo.' : ''}`} title="Show this image in the page">
        <img src={img.url} alt="" loading="lazy" referrerpolicy="no-referrer" />
        <div class="info">
          <div class={`v ${cls}`} title={full || undefined}>
            {text}{img.isProfile ? ' · profile photo' : ''}
          </div>
          {fused?.basis === 'provenance' && <div class="prov-detail">{sentence(fused.detail)}</div>}
          {notes.map((n) => <div class="note" key={n}>{n}</div>)}
          <div class="url">{img.url}</div>
          {found === false && <div class="note">This image is no longer on the page.</div>}
        </div>
      </button>
      <div class="actions">
        {fused && fused.label !== 'none' && (
          <button type="button" class="explain" aria-label={`Explain: ${full || text}`} onClick={() => void openExplain(img, tabId)}>
            Explain
          </button>
        )}
        {fused?.basis === 'pixels' && fused.pixel && <ReportButtons img={img} label={fused.pixel.label as VerdictLabel} tabId={tabId} shown={text} rule={rule} override={override} />}
      </div>
    </li>
  );
}

/** "Pause on this site": adds the tab's site to `disabledSites` (content scripts stop and remove their badges at once). */
function PauseSwitch({ tabId, settings, onSaved }: { tabId?: number; settings: Settings; onSaved: (s: Settings) => void }) {
  const [host, setHost] = useState<string | undefined>();
  useEffect(() => {
    if (tabId === undefined) return;
    void browser.tabs.get(tabId).then((t) => {
      try {
        const u = new URL(t.url ?? '');
        setHost(/^https?:$/.test(u.protocol) ? normalizeHostname(u.hostname) : undefined);
      } catch { setHost(undefined); }
    }, () => undefined);
  }, [tabId]);
  if (!host) return null;
  const paused = isPausedOn(settings, host);
  const toggle = async (pause: boolean) => {
    const got = await browser.storage.sync.get(SETTINGS_KEY);
    const next = withSitePaused(normalizeSettings(got[SETTINGS_KEY]), host, pause);
    await browser.storage.sync.set({ [SETTINGS_KEY]: next });
    onSaved(next); // the switch shows the stored state at once, not on the next refresh
  };
  return (
    <div class="pause">
      <label>
        <input type="checkbox" role="switch" id="pause-site" checked={paused} disabled={!settings.autoScan}
          onChange={(e) => void toggle((e.target as HTMLInputElement).checked)} /> Pause on {host}
      </label>
      {!settings.autoScan && <div class="meta">Automatic checking is off everywhere (Options).</div>}
    </div>
  );
}

function Popup() {
  const [status, setStatus] = useState<BackendStatus | undefined>();
  const [images, setImages] = useState<TabImage[] | undefined>();
  const [settings, setSettings] = useState<Settings>(normalizeSettings(undefined));
  const [tabId, setTabId] = useState<number | undefined>();
  const [integrity, setIntegrity] = useState<TabIntegrity | undefined>();
  const [overrides, setOverrides] = useState<Record<string, { label: OverrideLabel }>>({});
  const grantFocus = new URLSearchParams(location.search).get('grant') === '1';
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
      const o = await browser.storage.local.get(OVERRIDES_KEY);
      if (alive) setOverrides(normalizeOverrides(o[OVERRIDES_KEY]));
    };
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => { alive = false; clearInterval(timer); };
  }, []);
  const rule = effectiveThreshold(settings, { threshold: status?.model?.threshold ?? 0.5, unsureBand: status?.model?.unsureBand ?? 0 });
  const backendWords = status?.backend ? BACKEND_WORDS[status.backend] ?? status.backend : '';
  return (
    <>
      <header>
        <h1>SynthScreen</h1>
        {images && images.length > 0 && <p id="summary">{summaryText(countsOf(images, rule, overrides))}</p>}
        <PauseSwitch tabId={tabId} settings={settings} onSaved={setSettings} />
        <div class="meta" id="model">
          {status?.model ? `Model ${status.model.name} ${status.model.version}` : status?.error ? `Model unavailable: ${status.error}` : 'Loading model…'}
        </div>
        <div class="meta" id="backend" data-backend={status?.backend}>{backendWords ? `Runs on: ${backendWords}` : ''}</div>
        {status?.backendFailures?.length ? (
          <div class="meta warn" id="backend-switch">
            {status.backendFailures.map((f) => `Switched away from ${BACKEND_WORDS[f.backend] ?? f.backend} after an error (${f.stage}): ${f.reason.slice(0, 120)}`).join(' · ')}
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
      {images && <GrantBar tabId={tabId} images={images} focus={grantFocus} />}
      {images === undefined ? <div class="empty">Loading…</div> : images.length === 0 ? (
        <div class="empty">No images checked on this page yet.</div>
      ) : (
        <ul id="images" aria-label="Images on this page, in page order">{images.map((img) => <Row key={img.url} img={img} rule={rule} tabId={tabId} override={overrides[img.url]?.label} />)}</ul>
      )}
      <RecentHistory enabled={settings.history} />
      <ReliabilityDetails />
      <footer><button type="button" id="options-link" class="link" onClick={() => void browser.runtime.openOptionsPage()}>Options</button></footer>
    </>
  );
}

render(<Popup />, document.getElementById('app')!);
