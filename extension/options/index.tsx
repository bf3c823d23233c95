/**
 * Options page: the decision threshold and the width of the "unsure" band, stored in `storage.sync`
 * through `normalizeSettings`. Content scripts listen to `storage.onChanged`, so badges already on a
 * page are re-labelled at once.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { BackendStatus, Result } from '../shared/messages';
import { effectiveThreshold, normalizeSettings, SETTINGS_KEY, type Settings } from '../shared/settings';

/** Writes a patch of settings (validated) to `storage.sync`. */
async function save(patch: Partial<Settings>): Promise<Settings> {
  const got = await browser.storage.sync.get(SETTINGS_KEY);
  const next = normalizeSettings({ ...normalizeSettings(got[SETTINGS_KEY]), ...patch });
  await browser.storage.sync.set({ [SETTINGS_KEY]: next });
  return next;
}

function Options() {
  const [settings, setSettings] = useState<Settings | undefined>();
  const [model, setModel] = useState<{ threshold: number; unsureBand: number; name?: string }>({ threshold: 0.5, unsureBand: 0 });
  useEffect(() => {
    void browser.storage.sync.get(SETTINGS_KEY).then((s) => setSettings(normalizeSettings(s[SETTINGS_KEY])));
    void (browser.runtime.sendMessage({ type: 'get-status' }) as Promise<Result<BackendStatus>>).then((r) => {
      if (r?.ok && r.value.model) setModel({ threshold: r.value.model.threshold ?? 0.5, unsureBand: r.value.model.unsureBand ?? 0, name: `${r.value.model.name} ${r.value.model.version}` });
    }).catch(() => undefined);
    const onChange = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area === 'sync' && changes[SETTINGS_KEY]) setSettings(normalizeSettings(changes[SETTINGS_KEY].newValue));
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);
  if (!settings) return <p>Loading…</p>;
  const eff = effectiveThreshold(settings, model);
  const update = (patch: Partial<Settings>) => void save(patch).then(setSettings);
  return (
    <main>
      <h1>SynthScreen options</h1>
      <p class="hint">Model: {model.name ?? 'loading…'} (its own threshold {model.threshold.toFixed(2)}, unsure band {model.unsureBand.toFixed(2)}).</p>
      <label for="threshold">Threshold: <output id="threshold-value">{eff.threshold.toFixed(2)}</output>{settings.threshold === null ? ' (model default)' : ''}</label>
      <input id="threshold" type="range" min="0.05" max="0.95" step="0.01" value={eff.threshold}
        onInput={(e) => update({ threshold: Number((e.target as HTMLInputElement).value) })} />
      <div class="hint">Images whose probability of being AI-generated is at or above the threshold are labelled "Likely AI-generated".</div>
      <label for="band">Unsure band width: <output id="band-value">{eff.unsureBand.toFixed(2)}</output>{settings.unsureBand === null ? ' (model default)' : ''}</label>
      <input id="band" type="range" min="0" max="0.5" step="0.01" value={eff.unsureBand}
        onInput={(e) => update({ unsureBand: Number((e.target as HTMLInputElement).value) })} />
      <div class="hint">Probabilities within half this width of the threshold are labelled "Unsure".</div>
      <label><input id="autoscan" type="checkbox" checked={settings.autoScan} onChange={(e) => update({ autoScan: (e.target as HTMLInputElement).checked })} /> Check images on pages automatically</label>
      <button id="reset" onClick={() => update({ threshold: null, unsureBand: null })}>Use the model's defaults</button>
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
