/**
 * Options page, stored in `storage.sync` through `normalizeSettings` (invalid values fall back field by
 * field): decision threshold and unsure band (moving a slider previews its effect on the user's last 100
 * checked images, `previewSentence`, and applies it on release), how badges are drawn (definite verdicts
 * only, corner, blur of images flagged AI-generated), auto-scan globally and per site, which sites get
 * profile-photo badges, backend preference (the background reloads the model and tries it first),
 * default explanation method and LIME samples, history on/off and "clear history", host access for all
 * sites (optional permission), and the export of wrong-verdict reports as a training-manifest TSV.
 * Content scripts listen to `storage.onChanged`, so badges already on a page are re-labelled at once.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { SITE_ADAPTERS } from '../../content/adapters/sites';
import { HISTORY_KEY, HISTORY_RETENTION_DAYS, HistoryStore, normalizeHistory, pruneHistory, storageAreaStore, type HistoryEntry } from '../shared/history';
import { previewSentence } from '../shared/threshold-preview';
import type { BackendStatus, ExplainMethod, Result } from '../shared/messages';
import { ALL_URLS } from '../shared/permissions';
import { REPORTS_KEY, ReportStore, normalizeReports } from '../shared/report';
import {
  BADGE_POSITIONS, effectiveThreshold, normalizeHostname, normalizeSettings, SETTINGS_KEY, type BackendPreference, type BadgePosition, type Settings,
} from '../shared/settings';

const POSITION_WORDS: Record<BadgePosition, string> = {
  'top-left': 'Top left', 'top-right': 'Top right', 'bottom-left': 'Bottom left', 'bottom-right': 'Bottom right',
};

const local = storageAreaStore(browser.storage.local as never);
const history = new HistoryStore(local);
const reports = new ReportStore(local);

const BACKENDS: Array<[BackendPreference, string]> = [
  ['auto', 'Automatic (fastest available)'], ['webgpu', 'WebGPU'], ['webgl', 'WebGL'], ['wasm', 'WebAssembly'], ['cpu', 'CPU (slow)'],
];
const METHODS: Array<[ExplainMethod, string]> = [
  ['gradcam', 'Grad-CAM'], ['layercam', 'LayerCAM'], ['ablationcam', 'Ablation-CAM'], ['scorecam', 'Score-CAM'], ['lime', 'LIME'],
];

/** Writes a patch of settings (validated) to `storage.sync`. */
async function save(patch: Partial<Settings>): Promise<Settings> {
  const got = await browser.storage.sync.get(SETTINGS_KEY);
  const next = normalizeSettings({ ...normalizeSettings(got[SETTINGS_KEY]), ...patch });
  await browser.storage.sync.set({ [SETTINGS_KEY]: next });
  return next;
}

/** Offers `text` as a file download named `name`. */
function download(name: string, text: string, type = 'text/tab-separated-values'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Options() {
  const [settings, setSettings] = useState<Settings | undefined>();
  const [model, setModel] = useState<{ threshold: number; unsureBand: number; name?: string; calibration?: 'source-held-out' | 'in-domain' }>({ threshold: 0.5, unsureBand: 0 });
  const [counts, setCounts] = useState({ history: 0, reports: 0 });
  const [allSites, setAllSites] = useState<boolean | undefined>();
  const [site, setSite] = useState('');
  const [note, setNote] = useState('');
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  /** Slider positions being moved but not applied yet (previewed). */
  const [pending, setPending] = useState<{ threshold?: number; unsureBand?: number }>({});
  const refreshCounts = () => void browser.storage.local.get([HISTORY_KEY, REPORTS_KEY]).then((g) => {
    const h = pruneHistory(normalizeHistory(g[HISTORY_KEY]), Date.now());
    setEntries(h);
    setCounts({ history: h.length, reports: normalizeReports(g[REPORTS_KEY]).length });
  });
  const refreshAllSites = () => void browser.permissions.contains({ origins: [ALL_URLS] }).then(setAllSites, () => setAllSites(undefined));
  useEffect(() => {
    void browser.storage.sync.get(SETTINGS_KEY).then((s) => setSettings(normalizeSettings(s[SETTINGS_KEY])));
    void (browser.runtime.sendMessage({ type: 'get-status' }) as Promise<Result<BackendStatus>>).then((r) => {
      if (r?.ok && r.value.model) setModel({ threshold: r.value.model.threshold ?? 0.5, unsureBand: r.value.model.unsureBand ?? 0, name: `${r.value.model.name} ${r.value.model.version}`, calibration: r.value.model.calibration });
    }).catch(() => undefined);
    refreshCounts();
    refreshAllSites();
    const onChange = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area === 'sync' && changes[SETTINGS_KEY]) setSettings(normalizeSettings(changes[SETTINGS_KEY].newValue));
      if (area === 'local' && (changes[HISTORY_KEY] || changes[REPORTS_KEY])) refreshCounts();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);
  if (!settings) return <p>Loading…</p>;
  const eff = effectiveThreshold(settings, model);
  const update = (patch: Partial<Settings>) => void save(patch).then(setSettings);
  /** The rule the sliders show: the one being previewed, else the one in force. */
  const shownRule = { threshold: pending.threshold ?? eff.threshold, unsureBand: pending.unsureBand ?? eff.unsureBand };
  const dirty = (pending.threshold !== undefined && pending.threshold !== eff.threshold) || (pending.unsureBand !== undefined && pending.unsureBand !== eff.unsureBand);
  const preview = previewSentence(settings.history ? entries : null, shownRule.threshold, shownRule.unsureBand);
  /** Applies a slider's value (on release, or each key press) and ends its preview. */
  const apply = (patch: { threshold?: number; unsureBand?: number }) => {
    setPending({});
    update(patch);
  };
  const addSite = () => {
    const h = normalizeHostname(site);
    if (!h) { setNote(`"${site}" is not a site name`); return; }
    setNote('');
    setSite('');
    update({ disabledSites: [...settings.disabledSites.filter((x) => x !== h), h] });
  };
  const toggleProfile = (id: string, on: boolean) =>
    update({ profileSites: on ? [...settings.profileSites.filter((x) => x !== id), id] : settings.profileSites.filter((x) => x !== id) });
  return (
    <main>
      <h1>SynthScreen options</h1>
      <p class="hint">Model: {model.name ?? 'loading…'} (its own threshold {model.threshold.toFixed(2)}, unsure band {model.unsureBand.toFixed(2)}).</p>
      {model.calibration === 'source-held-out' && (
        <p class="hint" id="calibration-hint">Its probabilities are calibrated on image sources it never saw in training: 0.5 means no evidence either way, and on new kinds of images most fall between 0.4 and 0.6. Moving the threshold far from 0.5 mostly trades one kind of error for the other.</p>
      )}

      <h2>Verdicts</h2>
      <label for="threshold">Threshold: <output id="threshold-value">{shownRule.threshold.toFixed(2)}</output>{settings.threshold === null && pending.threshold === undefined ? ' (model default)' : ''}</label>
      <input id="threshold" type="range" min="0.05" max="0.95" step="0.01" value={shownRule.threshold} aria-describedby="threshold-preview threshold-ends"
        onInput={(e) => setPending({ ...pending, threshold: Number((e.target as HTMLInputElement).value) })}
        onChange={(e) => apply({ threshold: Number((e.target as HTMLInputElement).value) })} />
      <div class="ends" id="threshold-ends"><span>◀ Flag more images</span><span>Flag fewer images ▶</span></div>
      <p class="preview" id="threshold-preview" aria-live="polite">{preview}{dirty ? ' (release the slider to apply)' : ''}</p>
      <div class="hint">Images whose probability of being AI-generated is at or above the threshold are labelled "Likely AI-generated".</div>
      <label for="band">Unsure band width: <output id="band-value">{shownRule.unsureBand.toFixed(2)}</output>{settings.unsureBand === null && pending.unsureBand === undefined ? ' (model default)' : ''}</label>
      <input id="band" type="range" min="0" max="0.5" step="0.01" value={shownRule.unsureBand} aria-describedby="threshold-preview"
        onInput={(e) => setPending({ ...pending, unsureBand: Number((e.target as HTMLInputElement).value) })}
        onChange={(e) => apply({ unsureBand: Number((e.target as HTMLInputElement).value) })} />
      <div class="ends"><span>◀ Fewer unsure labels</span><span>More unsure labels ▶</span></div>
      <div class="hint">Probabilities within half this width of the threshold are labelled "Unsure".</div>
      <button id="reset" onClick={() => { setPending({}); update({ threshold: null, unsureBand: null }); }}>Use the model's defaults</button>

      <h2>Badges</h2>
      <label><input id="definite-only" type="checkbox" checked={settings.definiteOnly}
        onChange={(e) => update({ definiteOnly: (e.target as HTMLInputElement).checked })} /> Show badges only for definite verdicts</label>
      <div class="hint">Unsure verdicts, images still being checked and images that could not be checked then appear only in the toolbar popup.
        "Permission needed" badges are always shown.</div>
      <label for="badge-position">Badge position on the image</label>
      <select id="badge-position" value={settings.badgePosition} onChange={(e) => update({ badgePosition: (e.target as HTMLSelectElement).value as BadgePosition })}>
        {BADGE_POSITIONS.map((p) => <option key={p} value={p}>{POSITION_WORDS[p]}</option>)}
      </select>
      <label><input id="blur-flagged" type="checkbox" checked={settings.blurFlagged}
        onChange={(e) => update({ blurFlagged: (e.target as HTMLInputElement).checked })} /> Blur and grey out images flagged as likely AI-generated</label>
      <div class="hint">Click a blurred image to show it.</div>

      <h2>Where to check</h2>
      <label><input id="autoscan" type="checkbox" checked={settings.autoScan} onChange={(e) => update({ autoScan: (e.target as HTMLInputElement).checked })} /> Check images on pages automatically</label>
      <div class="hint">Sites where images are not checked automatically (the context menu still works there):</div>
      <ul id="disabled-sites">
        {settings.disabledSites.map((h) => (
          <li key={h} data-site={h}>{h} <button type="button" class="remove-site" aria-label={`Check ${h} automatically again`}
            onClick={() => update({ disabledSites: settings.disabledSites.filter((x) => x !== h) })}>Remove</button></li>
        ))}
      </ul>
      <div class="row">
        <input id="site-input" type="text" placeholder="example.com" value={site} aria-label="Site to exclude"
          onInput={(e) => setSite((e.target as HTMLInputElement).value)} onKeyDown={(e) => { if (e.key === 'Enter') addSite(); }} />
        <button id="site-add" type="button" onClick={addSite}>Don't check this site</button>
      </div>
      {note && <div class="hint" id="site-note">{note}</div>}
      <div class="hint">Profile photos get badges on:</div>
      <div id="profile-sites">
        {SITE_ADAPTERS.map((a) => (
          <label class="inline" key={a.id}><input type="checkbox" data-site={a.id} checked={settings.profileSites.includes(a.id)}
            onChange={(e) => toggleProfile(a.id, (e.target as HTMLInputElement).checked)} /> {a.name}</label>
        ))}
      </div>
      <div class="hint">Site access: the social sites' image servers are always allowed; other sites are asked for from the popup
        ("Allow on this site"), or here for all sites at once.</div>
      <button id="grant-all" type="button" disabled={allSites === true}
        onClick={() => void browser.permissions.request({ origins: [ALL_URLS] }).then(() => refreshAllSites(), () => refreshAllSites())}>
        {allSites ? 'Allowed on all sites' : 'Allow on all sites'}
      </button>

      <h2>Detector and explanations</h2>
      <label for="backend">Backend</label>
      <select id="backend" value={settings.backend} onChange={(e) => update({ backend: (e.target as HTMLSelectElement).value as BackendPreference })}>
        {BACKENDS.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
      </select>
      <div class="hint">Tried first; if it is unavailable the next one is used. Changing it reloads the detector.</div>
      <label for="method">Default explanation method</label>
      <select id="method" value={settings.explainMethod} onChange={(e) => update({ explainMethod: (e.target as HTMLSelectElement).value as ExplainMethod })}>
        {METHODS.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
      </select>
      <label for="lime-samples">LIME samples (50–2000)</label>
      <input id="lime-samples" type="number" min="50" max="2000" step="50" value={settings.limeSamples}
        onChange={(e) => update({ limeSamples: Number((e.target as HTMLInputElement).value) })} />

      <h2>History and reports</h2>
      <label><input id="history" type="checkbox" checked={settings.history}
        onChange={(e) => {
          const on = (e.target as HTMLInputElement).checked;
          update({ history: on });
          if (!on) void history.clear(); // off means nothing kept
        }} /> Keep a history of checked images on this device</label>
      <div class="hint" id="history-hint">
        Off unless you turn it on. Each entry (image address, page address, verdict) stays on this device for {HISTORY_RETENTION_DAYS} days and is
        then deleted; turning history off deletes it at once. <span id="history-count">{counts.history}</span> entries.
      </div>
      <button id="clear-history" type="button" onClick={() => void history.clear().then(refreshCounts)}>Clear history</button>
      <div class="hint"><span id="report-count">{counts.reports}</span> wrong-verdict reports (stored only here, never uploaded).</div>
      <button id="export-reports" type="button" disabled={counts.reports === 0}
        onClick={() => void reports.exportTsv().then((tsv) => download(`synthscreen-reports-${new Date().toISOString().slice(0, 10)}.tsv`, tsv))}>
        Export wrong-verdict reports (TSV)
      </button>
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
