/**
 * SynthScreen background (Chromium: MV3 service worker; Firefox: event page). Registers every listener
 * at the top level so a stopped worker is woken for them, and wires the feature modules together.
 */
import browser from 'webextension-polyfill';
import { err, ok, STILL_WORKING, type BackendStatus, type ExplainMethod, type Result, type Verdict } from '../extension/shared/messages';
import { SETTINGS_KEY, normalizeSettings } from '../extension/shared/settings';
import {
  batchSizes, classifyBytes, classifyUrl, clearCaches, getModel, inputForUrl, lastModelError, numTensors, peekModel, queueLength,
  reloadModel, restoreFromSession, stats, verdictForHash,
} from './classifier';
import { createContextMenu, MENU_ID, onMenuClick, openExplainView } from './context-menu';
import { cancelExplain, explainProgress, explainUrl } from './explain';
import { bytesFor, rememberBytes, sniffMime } from './page-bytes';
import { installMessenger } from './messenger';
import { forgetTab, getTabImages, getTabIntegrity, notePending, noteResult, noteShown, setTabImages } from './tabs';
import { confirmShown, shownStats } from './shown-check';
import { refererStats } from './referer-rule';
import { grantsTestApi, openGrantPage } from './grants';
import { provenanceTestApi } from './provenance';
import { configureProvenance } from '../extension/shared/provenance/index';
import { TEST_HOOKS } from './build-flags';
import { pruneStoredHistory } from './history-recorder';
import { openFirstRunOnInstall } from './first-run';
import { getFaceDetector } from './face';
import { tf } from './tf-backend';
import { backendFailures } from './failover';
import { base64ToBytes } from '../extension/shared/base64';
import type { BackendPreference } from '../extension/shared/settings';
import { syntheticImage } from '../extension/shared/bench-image';
import type { TileMode } from '../extension/shared/tiling';

const MAX_BYTES_FROM_PAGE = 32 * 1024 * 1024;
/** When this worker instance started (epoch ms; test diagnostics of worker restarts). */
const WORKER_STARTED_AT = Date.now();

async function status(): Promise<BackendStatus> {
  const m = await peekModel();
  if (!m) {
    // Start loading (first call) and report what is known now.
    void getModel().catch(() => undefined);
    return { ready: false, error: lastModelError(), queueLength: queueLength(), backendFailures: backendFailures() };
  }
  const man = m.detector.manifest;
  return {
    ready: true,
    model: { name: man.name, version: man.version, arch: man.arch, threshold: man.threshold, unsureBand: man.unsureBand, calibration: man.provenance?.sourceCalibration ? 'source-held-out' : 'in-domain', calibrationCurve: man.calibration },
    backend: m.backend,
    backendAttempts: m.attempts,
    backendFailures: backendFailures(),
    selfTest: m.selfTest,
    queueLength: queueLength(),
  };
}

/**
 * Runs a content script's request for `url` and records the answer in its tab's ledger (the popup's
 * trusted list, issue 13 item 7). Extension pages' requests are not recorded.
 */
async function recorded(url: string, ctx: { tabId?: number; fromPage: boolean }, run: () => Promise<Result<Verdict>>): Promise<Result<Verdict>> {
  const tabId = ctx.fromPage ? undefined : ctx.tabId;
  const work = (async () => {
    if (tabId === undefined) return run();
    void notePending(tabId, url);
    const r = await run();
    await noteResult(tabId, url, r);
    return r;
  })();
  return withReplyDeadline(work, REPLY_DEADLINE_MS);
}

/**
 * Longest a classify message stays unanswered. Chrome stops an extension service worker when one event
 * stays unanswered for 5 minutes, losing every running request (issue 13, item 2: on a slow CI machine a
 * 1,000-image feed kept early messages open that long). Past this deadline the reply is `STILL_WORKING`;
 * the work goes on, and the content script's next ask joins it by URL or reads its cached verdict.
 */
const REPLY_DEADLINE_MS = 60_000;

/**
 * Resolves with `work`'s result, or with a `cancelled` / `STILL_WORKING` reply after `ms` milliseconds
 * (the work is not stopped). Never rejects when `work` does not.
 */
function withReplyDeadline<T>(work: Promise<Result<T>>, ms: number): Promise<Result<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Result<T>>((resolve) => {
    timer = setTimeout(() => resolve(err('cancelled', `${STILL_WORKING} (no verdict within ${ms / 1000} s)`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

installMessenger({
  classify: (m, ctx) => recorded(m.url, ctx, () => classifyUrl(m.url, m.priority, m.pageUrl)),
  'classify-bytes': (m, ctx) => recorded(m.url, ctx, async () => {
    // Shapes were checked by the messenger (base64 text or an ArrayBuffer, ≤ 32 MiB).
    const bytes = m.bytes instanceof ArrayBuffer ? new Uint8Array(m.bytes) : typeof m.bytes === 'string' ? base64ToBytes(m.bytes) : undefined;
    if (!bytes) return err('decode-failed', 'no bytes');
    if (bytes.byteLength > MAX_BYTES_FROM_PAGE) return err('too-large', `${bytes.byteLength} bytes`);
    const r = await classifyBytes(m.url, bytes, m.priority, m.pageUrl);
    if (r.ok) rememberBytes(r.value.contentHash, bytes); // the explanation view resolves them by hash
    return r;
  }),
  'open-explain': async (m, ctx) => {
    if (typeof m.url !== 'string' || !m.url) return err('fetch-failed', 'no image URL');
    const hash = typeof m.contentHash === 'string' ? m.contentHash : '';
    const tab = ctx.tabId !== undefined ? await browser.tabs.get(ctx.tabId).catch(() => undefined) : undefined;
    const probability = typeof m.probability === 'number' ? m.probability : Number.NaN; // NaN: not carried
    const tabId = await openExplainView({ url: m.url, contentHash: hash, probability }, tab ?? (ctx.tabId !== undefined ? { id: ctx.tabId } : undefined));
    return ok({ tabId, url: m.url });
  },
  'open-grant': async (_m, ctx) => {
    if (ctx.tabId === undefined) return err('permission-needed', 'no tab to grant for');
    const tabId = await openGrantPage(ctx.tabId);
    return tabId === undefined ? err('cancelled', 'the grant page was opened moments ago') : ok({ tabId });
  },
  'report-images': async (m, ctx) => {
    if (ctx.tabId !== undefined) await setTabImages(ctx.tabId, m.images, ctx.frameId ?? 0, m.interference, ctx.url);
    return ok(null);
  },
  'confirm-shown': async (m, ctx) => {
    const checks = await confirmShown(ctx.tabId, ctx.frameId, m.viewport, m.items);
    if (ctx.tabId !== undefined) for (let i = 0; i < m.items.length; i++) await noteShown(ctx.tabId, m.items[i]!.url, checks[i]!);
    return ok(checks);
  },
  'get-tab-integrity': async (m) => ok(await getTabIntegrity(m.tabId)),
  'get-status': async () => ok(await status()),
  'get-tab-images': async (m) => ok(await getTabImages(m.tabId)),
  explain: async (m) => {
    const stored = await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({} as Record<string, unknown>));
    const settings = normalizeSettings(stored[SETTINGS_KEY]);
    let source: Uint8Array | undefined;
    if (m.contentHash !== undefined) {
      source = await bytesFor(m.contentHash);
      if (!source) return err('fetch-failed', 'the image bytes are no longer kept: check the image again');
    }
    return explainUrl(m.url, m.method, m.requestId, m.samples ?? settings.limeSamples, settings.threshold ?? undefined, source, m.both === true);
  },
  'cancel-explain': async (m) => {
    cancelExplain(m.requestId);
    return ok(null);
  },
  'explain-progress': async (m) => ok(explainProgress(m.requestId)),
  'get-verdict': async (m) => {
    // From the cache, else from page-read bytes the worker still keeps.
    const v = (await verdictForHash(m.contentHash)) ?? (await verdictForHash(m.contentHash, await bytesFor(m.contentHash)));
    return ok(v ?? null);
  },
  'get-image-bytes': async (m) => {
    const bytes = await bytesFor(m.contentHash);
    if (!bytes) return err('fetch-failed', 'the image bytes are no longer kept');
    return ok({ bytes: Array.from(bytes), mime: sniffMime(bytes) });
  },
});

browser.runtime.onInstalled.addListener((details) => {
  void createContextMenu().catch((e: unknown) => console.warn('[synthscreen] context menu:', e));
  // The first-run page, on a fresh install only (not in the test build).
  void openFirstRunOnInstall(details.reason, { createTab: (url) => browser.tabs.create({ url }), getURL: (p) => browser.runtime.getURL(p) });
});
// Top level: MV3 wakes a stopped worker for this event only when the listener exists at start-up.
browser.contextMenus?.onClicked.addListener((info, tab) => {
  void onMenuClick(info, tab);
});
browser.tabs.onRemoved.addListener((tabId) => void forgetTab(tabId));
browser.storage.onChanged.addListener((changes, area) => {
  if (area !== 'sync' || !changes[SETTINGS_KEY]) return;
  const before = normalizeSettings(changes[SETTINGS_KEY].oldValue);
  const after = normalizeSettings(changes[SETTINGS_KEY].newValue);
  if (before.backend !== after.backend) void reloadModel().catch(() => undefined);
});

// Start loading the model at once (the worker is usually woken by a content script wanting verdicts),
// then re-run whatever a stopped worker left unfinished.
void getModel().catch((e: unknown) => console.warn('[synthscreen] model:', (e as Error).message));
void restoreFromSession();
void pruneStoredHistory();

/** Hooks for e2e tests and the bench (reachable only by code evaluated inside this worker). */
const startedAt = Date.now();
const testApi = {
  MENU_ID,
  ...grantsTestApi,
  ...provenanceTestApi,
  /** When this worker instance started (changes after a stop/restart). */
  startedAt,
  /** The context-menu listener's own handler; `opts.openView: false` skips opening the explanation view. */
  onMenuClick,
  classifyUrl: (url: string): Promise<Result<Verdict>> => classifyUrl(url, 'normal', ''),
  explainUrl: (url: string, method: ExplainMethod, samples?: number) => explainUrl(url, method, `test-${Date.now()}`, samples),
  /** First model input for `url` as base64 of its float32 bytes, for the parity test. */
  async inputForUrl(url: string): Promise<{ base64: string; width: number; height: number }> {
    const { input, width, height } = await inputForUrl(url);
    const u8 = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    let s = '';
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
    return { base64: btoa(s), width, height };
  },
  numTensors,
  /**
   * Replaces the C2PA trust anchors (PEM) for the rest of this worker's life and empties the verdict caches
   * (e2e tests trust the c2pa-rs test roots, so that a test-signed file reads `valid`).
   */
  setTrustAnchors(pem: string): void {
    configureProvenance({ trustAnchors: pem });
    clearCaches();
  },
  /** Counters since this worker started; `startedAt` (epoch ms) changes when the browser restarts the worker. */
  stats: () => ({ ...stats, startedAt: WORKER_STARTED_AT, batchSizes: batchSizes(), shown: { ...shownStats }, referer: { ...refererStats } }),
  status,
  clearCaches,
  /** Reloads the model on `backend` (exactly that one when `exact`). @returns the active backend and timings */
  async reload(backend?: BackendPreference, exact = true) {
    const m = await reloadModel({ backend, exact });
    return { backend: m.backend, attempts: m.attempts, loadMs: m.loadMs, warmupMs: m.warmupMs, model: m.detector.id };
  },
  /**
   * Scores RGBA pixels (base64) with the loaded detector, without fetching or decoding: the parity test
   * compares this with Node on the same pixels. @returns `{ logit, probability, evidence }` and the backend
   */
  async scorePixels(base64: string, width: number, height: number, mode?: TileMode) {
    const m = await getModel();
    const s = atob(base64);
    const data = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) data[i] = s.charCodeAt(i);
    const [r] = await m.detector.score([{ image: { width, height, data } }], mode ? { mode } : {});
    return { ...r!, backend: m.backend };
  },
  /**
   * Whole-image latency (bench): for each `[width, height]`, a synthetic image (`syntheticImage`) scored end
   * to end after decoding (`Detector.score`: tiles, model, aggregation, calibration), once to warm up, then
   * `runs` times. @returns per size the median and mean ms per image and the tiles scored
   */
  async timeImages(sizes: Array<[number, number]>, runs = 10) {
    const m = await getModel();
    const out = [];
    for (const [w, h] of sizes) {
      const image = syntheticImage(w, h, 1);
      const [first] = await m.detector.score([{ image }]);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await m.detector.score([{ image }]);
        times.push(performance.now() - t0);
      }
      const sorted = [...times].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      out.push({ width: w, height: h, runs, medianMs: median, meanMs: times.reduce((a, b) => a + b, 0) / runs, tiles: first!.evidence.scored, mode: first!.evidence.mode });
    }
    return { backend: m.backend, model: m.detector.id, images: out };
  },
  /**
   * Face finder time per avatar (bench): median ms of `FaceDetector.detect` on `syntheticImage(s, s)` for
   * each side `s`; the image has no face, so every zoom pass of the manifest runs (the worst case).
   */
  async timeFaces(sides: number[], runs = 10) {
    await getModel(); // the face model runs on the detector's backend
    const d = await getFaceDetector();
    const out = [];
    for (const s of sides) {
      const image = syntheticImage(s, s, 1);
      await d.detect(image);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await d.detect(image);
        times.push(performance.now() - t0);
      }
      const sorted = [...times].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      out.push({ side: s, runs, medianMs: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2, passes: d.manifest.zoomOut?.length ?? 1 });
    }
    return { backend: tf.getBackend(), model: d.id, sizes: out };
  },
  /** Runs `n` batches of `batch` model inputs; returns mean ms per input and per image (× crops) (bench). */
  async timeInference(n = 10, batch = 1) {
    const m = await getModel();
    const s = m.detector.manifest.preprocess.inputSize;
    const inputs = Array.from({ length: batch }, (_, i) => new Float32Array(s * s * 3).fill(i / batch));
    await m.detector.logits(inputs);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await m.detector.logits(inputs);
    const msPerInput = (performance.now() - t0) / (n * batch);
    // A verdict runs up to `crops` inputs per image (fewer for images smaller than 1.25 × the input); a tiled
    // model up to `tiling.minTiles` on wasm/cpu (fewer for small images). `timeImages` times whole images.
    const crops = m.detector.manifest.tiling ? m.detector.manifest.tiling.minTiles : Math.max(1, m.detector.manifest.crops ?? 1);
    return { backend: m.backend, msPerInput, crops, msPerImage: msPerInput * crops, batch, n, inputSize: s, model: m.detector.id };
  },
};
// Test builds only: release builds define TEST_HOOKS false, and the minifier drops `testApi` with its names.
if (TEST_HOOKS) (globalThis as unknown as { __synthscreenTest: typeof testApi }).__synthscreenTest = testApi;
