/**
 * "How reliable is this?": the shipped model card's numbers in plain words (`../shared/reliability.ts`),
 * read from the packaged model manifest (`model/manifest.json`, its `reliability` block). Used as a
 * disclosure in the popup and the explanation view, and open on the first-run page.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { validateManifest } from '../shared/model-manifest';
import { reliabilityFacts, reliabilityHeadline, type ModelReliability } from '../shared/reliability';

/** What the packaged manifest says: the model id and its reliability block, or why there is none. */
export interface ReliabilityState {
  model?: string;
  reliability?: ModelReliability;
  /** Set when the manifest could not be read or has no block. */
  missing?: string;
}

/**
 * Reads `model/manifest.json` of the extension package once (validated with `validateManifest`).
 * @returns `undefined` while loading, then the state; never throws (a failure becomes `missing`)
 */
export function useReliability(): ReliabilityState | undefined {
  const [state, setState] = useState<ReliabilityState | undefined>();
  useEffect(() => {
    let alive = true;
    void (async (): Promise<ReliabilityState> => {
      try {
        const res = await fetch(browser.runtime.getURL('model/manifest.json'));
        if (!res.ok) return { missing: `no model manifest (HTTP ${res.status})` };
        const m = validateManifest(await res.json());
        const model = `${m.name}@${m.version}`;
        return m.reliability ? { model, reliability: m.reliability } : { model, missing: 'this model has no reliability numbers' };
      } catch (e) {
        return { missing: (e as Error).message.slice(0, 200) };
      }
    })().then((s) => { if (alive) setState(s); });
    return () => { alive = false; };
  }, []);
  return state;
}

/** The headline, one line per number group and where they come from. */
export function ReliabilityFacts({ state }: { state: ReliabilityState | undefined }) {
  if (!state) return <p class="meta">Loading the model card…</p>;
  if (!state.reliability) {
    return <p class="meta" data-reliability="missing">The model card's numbers are not available ({state.missing}). Treat every verdict as a hint, not proof.</p>;
  }
  const r = state.reliability;
  const facts = reliabilityFacts(r);
  return (
    <div class="reliability-body" data-reliability="shown">
      <p class="reliability-headline">{reliabilityHeadline(r)}</p>
      <ul class="reliability-facts">
        {facts.map((f) => <li key={f.id} data-fact={f.id}>{f.text}</li>)}
      </ul>
      <p class="meta">
        Measured on the project's test images at the model's own setting (threshold {r.threshold.toFixed(2)}, unsure band {r.unsureBand.toFixed(2)});
        a different threshold in the options changes how many images get each label. Source: the model card of {state.model}{' '}
        ({[...new Set(facts.map((f) => f.report.split(' ')[0]))].join(', ')}).
      </p>
    </div>
  );
}

/** "How reliable is this?" as a keyboard-reachable disclosure (`<details>`). */
export function ReliabilityDetails({ id = 'reliability' }: { id?: string }) {
  const state = useReliability();
  return (
    <details id={id} class="reliability">
      <summary>How reliable is this?</summary>
      <ReliabilityFacts state={state} />
    </details>
  );
}
