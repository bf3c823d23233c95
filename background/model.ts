/**
 * The detector in the service worker: loads the packaged model (`model/manifest.json`, verified by
 * sha256 through `loadDetector`) on the active backend, warms it up once, and scores preprocessed inputs.
 *
 * Test builds only (`TEST_HOOKS`, compiled out of release builds) can replace the packaged model with
 * one stored in `storage.local` under `testModelOverride` (`{ manifest, files: { [path]: base64 } }`),
 * e.g. a tiny model for the WebGPU check; it is verified exactly like the packaged one.
 */
import browser from 'webextension-polyfill';
import { loadDetector, type Detector } from '../extension/shared/detector';
import type { BackendPreference } from '../extension/shared/settings';
import { TEST_HOOKS } from './build-flags';
import { chooseBackend, tf, type BackendAttempt, type BackendFlags, type BackendName } from './tf-backend';

export interface TestModelOverride {
  manifest: unknown;
  files: Record<string, string>;
}

export interface LoadedModel {
  detector: Detector;
  backend: BackendName;
  attempts: BackendAttempt[];
  /** Milliseconds spent loading + verifying and on the warm-up run. */
  loadMs: number;
  warmupMs: number;
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function readPackaged(path: string): Promise<Uint8Array> {
  const res = await fetch(browser.runtime.getURL(`model/${path}`));
  if (!res.ok) throw new Error(`model file ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Picks a backend, loads and verifies the model, runs one warm-up inference.
 * @param opts.preference backend preference (settings); `opts.exact` tries only that backend
 * @throws when no backend works, the manifest is invalid or a file's sha256 differs (ModelIntegrityError)
 */
export async function loadModel(opts: { preference: BackendPreference; flags: BackendFlags; exact?: boolean }): Promise<LoadedModel> {
  const { backend, attempts } = await chooseBackend(opts.preference, opts.flags, opts.exact);
  const t0 = performance.now();
  const stored = TEST_HOOKS ? (await browser.storage.local.get('testModelOverride')).testModelOverride as TestModelOverride | undefined : undefined;
  let detector: Detector;
  if (stored && stored.manifest && stored.files) {
    detector = await loadDetector(tf, stored.manifest, async (p) => {
      const b64 = stored.files[p];
      if (b64 === undefined) throw new Error(`test model lacks ${p}`);
      return fromBase64(b64);
    });
  } else {
    const res = await fetch(browser.runtime.getURL('model/manifest.json')).catch(() => undefined);
    if (!res || !res.ok) throw new Error('no model is packaged (model/manifest.json missing); build with MODEL_DIR');
    detector = await loadDetector(tf, await res.json(), readPackaged);
  }
  const t1 = performance.now();
  const s = detector.manifest.preprocess.inputSize;
  await detector.logits([new Float32Array(s * s * 3)]);
  const t2 = performance.now();
  return { detector, backend, attempts, loadMs: t1 - t0, warmupMs: t2 - t1 };
}
