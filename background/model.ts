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
import { BackendRunError } from './failover';
import { judgeSelfTest, selfTestInput, type SelfTestRecord } from '../extension/shared/self-test';
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
  /** The start-up numerical self-test on this backend. */
  selfTest: SelfTestOutcome;
}

/** Outcome of `runSelfTest` (a failure throws instead). */
export interface SelfTestOutcome {
  result: 'passed' | 'stale' | 'none';
  logit?: number;
  expected?: number;
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
 * @param opts.preference backend preference (settings); `opts.exact` tries only that backend;
 *   `opts.skip` backends that failed at run time
 * @throws when no backend works, the manifest is invalid or a file's sha256 differs (ModelIntegrityError);
 *   {BackendRunError} when the warm-up fails on the chosen backend
 */
export async function loadModel(opts: { preference: BackendPreference; flags: BackendFlags; exact?: boolean; skip?: ReadonlySet<BackendName> }): Promise<LoadedModel> {
  const { backend, attempts } = await chooseBackend(opts.preference, opts.flags, opts.exact, opts.skip);
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
  try {
    await detector.logits([new Float32Array(s * s * 3)]);
  } catch (e) {
    detector.dispose();
    throw new BackendRunError(backend, 'warm-up', e);
  }
  const t2 = performance.now();
  const selfTest = await runSelfTest(detector, backend, stored ? undefined : await readSelfTestRecord());
  return { detector, backend, attempts, loadMs: t1 - t0, warmupMs: t2 - t1, selfTest };
}

/** The packaged `model/self-test.json`, or undefined when there is none. */
async function readSelfTestRecord(): Promise<SelfTestRecord | undefined> {
  const res = await fetch(browser.runtime.getURL('model/self-test.json')).catch(() => undefined);
  if (!res || !res.ok) return undefined;
  const rec = (await res.json().catch(() => undefined)) as SelfTestRecord | undefined;
  if (TEST_HOOKS && rec) {
    // Test builds only: shift the expected logit to simulate a backend that computes wrongly.
    const off = (await browser.storage.local.get('testSelfTestOffset')).testSelfTestOffset;
    if (typeof off === 'number' && Number.isFinite(off)) return { ...rec, logit: rec.logit + off };
  }
  return rec;
}

/**
 * The start-up numerical self-test (`self-test.ts`): the stored input through the active backend against
 * the reference logit.
 * @returns `passed`, `stale` (record for other weights), `none` (no record)
 * @throws {BackendRunError} (stage `self-test`) when the logit is off by more than the tolerance; the
 *   detector is disposed
 */
export async function runSelfTest(detector: Detector, backend: BackendName, rec: SelfTestRecord | undefined): Promise<SelfTestOutcome> {
  if (!rec) return { result: 'none' };
  const [logit] = await detector.logits([selfTestInput(detector.manifest.preprocess, rec.seed)]);
  const result = judgeSelfTest(rec, { id: detector.id, files: detector.manifest.files }, logit!);
  if (result === 'failed') {
    detector.dispose();
    throw new BackendRunError(backend, 'self-test', new Error(`logit ${logit} on ${backend}, expected ${rec.logit} ± ${rec.tolerance} (${rec.reference})`));
  }
  return { result, logit, expected: rec.logit };
}
