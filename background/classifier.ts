/**
 * The classification pipeline of the service worker:
 * URL → cache? → fetch (host permissions, timeout) → header check → sha256 → content cache? →
 * [decode → preprocess → priority queue (batched inference) → calibrated probability] in parallel with
 * [provenance read from the same bytes (`./provenance.ts`)] → verdict carrying both.
 *
 * When the pixel path refuses the image (too small, too large, unsupported format) the provenance is still
 * read; if it decides on its own (`fuseVerdict` gives a verdict without pixels: a signed or declared AI
 * claim, a signed camera original) the answer is a verdict without pixel fields and with `pixelError`;
 * otherwise the refusal stands. Broken files (`decode-failed`) are never given a provenance-only verdict.
 *
 * Profile photos (priority `profile`) also get face evidence (`./face.ts`): the face finder runs on the
 * decoded pixels beside the detector and its item (`Verdict.face`) is fused after provenance and before
 * the pixels (`fuseVerdict` rule F). A cached verdict without it gets it when a profile request hits it.
 *
 * Requests in progress are mirrored to `storage.session` (`pending`) and re-run when a stopped worker
 * starts again; verdicts are mirrored there too (`verdicts`), so content scripts that re-send a request
 * after losing their connection get the answer without new work. No image is lost.
 */
import browser from 'webextension-polyfill';
import { inputsForImage, type ImageScore, type PreparedImage } from '../extension/shared/detector';
import { err, ok, type FaceEvidence, type ImageErrorCode, type Priority, type Result, type Verdict } from '../extension/shared/messages';
import { compactProvenance } from '../extension/shared/provenance/compact';
import { fuseVerdict } from '../extension/shared/provenance/fusion';
import type { ProvenanceResult } from '../extension/shared/provenance/types';
import { sniffImageHeader } from '../extension/shared/image-header';
import { DEFAULT_SETTINGS, normalizeSettings, SETTINGS_KEY, type BackendPreference } from '../extension/shared/settings';
import { sha256Hex } from '../extension/shared/detector';
import { LruCache, Semaphore } from './cache';
import { DecodeImageError, decodeBytes, checkHeader } from './decode';
import { fetchImageBytes, FetchImageError, FETCH_TIMEOUT_MS } from './fetch-image';
import { withPageReferer } from './referer-rule';
import { rememberShownThumbnail } from './shown-check';
import { loadModel, type LoadedModel } from './model';
import { BatchQueue, QueueError } from './queue';
import { recordVerdict } from './history-recorder';
import { provenanceOf } from './provenance';
import { disposeFaceDetector, faceEvidenceFor } from './face';
import type { BackendFlags } from './tf-backend';
import { tf } from './tf-backend';
import { TEST_HOOKS } from './build-flags';
import { BackendRunError, failedBackends, markFailed, resetFailures } from './failover';

type Scored = ImageScore;
/** One image made ready for the model: its tiles (or test-time crops), see `Detector.prepare`. */
interface Job { prepared: PreparedImage }

const urlCache = new LruCache<Verdict>(2000);
const hashCache = new LruCache<Omit<Verdict, 'url' | 'cached'>>(2000);
/** Errors are remembered briefly (not timeouts), so a broken image is not fetched again and again. */
const errorCache = new LruCache<{ code: ImageErrorCode; message: string; at: number }>(2000);
const ERROR_TTL_MS = 5 * 60_000;
const inflight = new Map<string, Promise<Result<Verdict>>>();
const fetchSlots = new Semaphore(6);
const decodeSlots = new Semaphore(2);

let modelPromise: Promise<LoadedModel> | undefined;
let modelError: string | undefined;
let forced: { backend: BackendPreference; exact: boolean } | undefined;

/** Counters for tests and the bench. */
export const stats = { inferences: 0, batches: 0, fetches: 0, cacheHits: 0 };

/** Test flags from `storage.local`; always `{}` in a release build (`TEST_HOOKS` false: compiled out). */
async function readFlags(): Promise<BackendFlags & { fetchTimeoutMs?: number }> {
  if (!TEST_HOOKS) return {};
  const s = await browser.storage.local.get(['testAllowFallbackWebGPU', 'testAllowSoftwareWebGL', 'testFetchTimeoutMs']);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { allowFallbackWebGPU: s.testAllowFallbackWebGPU === true, allowSoftwareWebGL: s.testAllowSoftwareWebGL === true, fetchTimeoutMs: num(s.testFetchTimeoutMs) };
}

/**
 * The loaded model, loading it on first use (backend from settings unless a test forced one).
 * @throws the load error (also kept for `get-status`)
 */
export function getModel(): Promise<LoadedModel> {
  if (!modelPromise) {
    modelPromise = (async () => {
      const flags = await readFlags();
      const stored = await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({} as Record<string, unknown>));
      const settings = normalizeSettings(stored[SETTINGS_KEY]);
      const preference = forced?.backend ?? settings.backend ?? DEFAULT_SETTINGS.backend;
      // A backend that fails while warming up is skipped and the next one tried (failover.ts); the loop
      // ends when chooseBackend has none left (it throws).
      for (;;) {
        try {
          return await loadModel({ preference, flags, exact: forced?.exact, skip: failedBackends() });
        } catch (e) {
          if (!(e instanceof BackendRunError)) throw e;
          markFailed(e.backend, e.stage, e.cause);
        }
      }
    })();
    modelPromise.then(() => { modelError = undefined; }, (e: unknown) => {
      modelError = (e as Error).message ?? String(e);
      modelPromise = undefined; // try again on the next request
    });
  }
  return modelPromise;
}

/** The loaded model if ready, without starting a load. */
export async function peekModel(): Promise<LoadedModel | undefined> {
  if (!modelPromise) return undefined;
  return modelPromise.catch(() => undefined);
}

export function lastModelError(): string | undefined {
  return modelError;
}

/**
 * Drops the model and caches and loads again, e.g. with another backend (tests, bench, settings).
 * @param opts.backend backend to use; `opts.exact` to try only that one
 */
export async function reloadModel(opts: { backend?: BackendPreference; exact?: boolean } = {}): Promise<LoadedModel> {
  const old = await peekModel();
  await waitIdle();
  old?.detector.dispose();
  disposeFaceDetector();
  resetFailures(); // an explicit reload (settings, tests) tries every backend again
  forced = opts.backend ? { backend: opts.backend, exact: opts.exact ?? false } : undefined;
  modelPromise = undefined;
  clearCaches();
  return getModel();
}

/** Empties the verdict caches (memory and `storage.session`). */
export function clearCaches(): void {
  urlCache.clear();
  hashCache.clear();
  errorCache.clear();
  void browser.storage.session?.remove('verdicts').catch(() => undefined);
}

/** How long the idle queue waits for a burst to fill a batch (issue 13, item 11; `queue.ts`). */
const BATCH_GATHER_MS = 15;

const queue = new BatchQueue<Job, Scored>(async (jobs) => {
  const m = await getModel();
  stats.batches++;
  stats.inferences += jobs.length;
  try {
    return await m.detector.scorePrepared(jobs.map((j) => j.prepared));
  } catch (e) {
    // The backend failed at run time: load the model on the next backend and retry this batch once.
    const next = await failOver(m, e);
    return next.detector.scorePrepared(jobs.map((j) => j.prepared));
  }
}, 8, 512, BATCH_GATHER_MS);

/**
 * Marks the model's backend bad, drops that model and loads it on the next backend (`failover.ts`).
 * @returns the new model
 * @throws when no backend is left
 */
async function failOver(m: LoadedModel, e: unknown): Promise<LoadedModel> {
  const rec = markFailed(m.backend, 'inference', e);
  console.warn(`[synthscreen] backend ${rec.backend} failed at run time, switching: ${rec.reason}`);
  if ((await peekModel()) === m) {
    modelPromise = undefined;
    try { m.detector.dispose(); } catch { /* the broken backend may throw here too */ }
  }
  return getModel();
}

/** Batches run so far by size: `[k]` = batches of k images (bench). */
export function batchSizes(): number[] {
  return [...queue.batchSizes];
}

export function queueLength(): number {
  return queue.length;
}

async function waitIdle(): Promise<void> {
  for (let i = 0; i < 600 && (inflight.size > 0 || queue.length > 0); i++) await new Promise((r) => setTimeout(r, 50));
}

// ---- persistence in storage.session ----------------------------------------------------------------

interface PendingEntry { priority: Priority; pageUrl: string; since: number }
let pendingMirror: Record<string, PendingEntry> = {};
let persistTimer: ReturnType<typeof setTimeout> | undefined;

function session() {
  return browser.storage.session as typeof browser.storage.local | undefined;
}

function schedulePersist(): void {
  if (persistTimer) return;
  persistTimer = setTimeout(() => {
    persistTimer = undefined;
    // Raw provenance fields are cut for the mirror (storage.session has a quota); memory keeps them whole.
    const verdicts = Object.fromEntries(urlCache.entries().slice(-500).map(([u, v]) => [u, v.provenance ? { ...v, provenance: compactProvenance(v.provenance) } : v]));
    void session()?.set({ pending: pendingMirror, verdicts }).catch(() => undefined);
  }, 100);
}

/**
 * Restores cached verdicts and re-runs requests that were in progress when the worker stopped.
 * Call once at start-up.
 */
export async function restoreFromSession(): Promise<number> {
  const s = session();
  if (!s) return 0;
  const got = await s.get(['pending', 'verdicts']).catch(() => ({} as Record<string, unknown>));
  const verdicts = (got.verdicts ?? {}) as Record<string, Verdict>;
  for (const [url, v] of Object.entries(verdicts)) if (!urlCache.get(url)) urlCache.set(url, v);
  const pending = (got.pending ?? {}) as Record<string, PendingEntry>;
  const urls = Object.keys(pending).filter((u) => !urlCache.get(u));
  for (const url of urls) void classifyUrl(url, pending[url]!.priority, pending[url]!.pageUrl);
  return urls.length;
}

// ---- the pipeline --------------------------------------------------------------------------------

function fromError(e: unknown): Result<Verdict> {
  if (e instanceof FetchImageError || e instanceof DecodeImageError) return err(e.code, e.message);
  if (e instanceof QueueError) return err('cancelled', e.message);
  return err('model-failed', (e as Error)?.message ?? String(e));
}

/** Pixel-path refusals after which provenance may still give a verdict (the bytes are intact). */
const PROVENANCE_ONLY: ReadonlySet<ImageErrorCode> = new Set(['too-small', 'too-large', 'unsupported-format']);

/** True when `p` decides without pixels (a provenance verdict, not only notes). */
function decidesAlone(p: ProvenanceResult): boolean {
  return fuseVerdict(undefined, p).label !== 'none';
}

/**
 * Answers for a pixel-path refusal: a provenance-only verdict when the file's provenance decides alone,
 * else the refusal.
 * @throws the refusal when provenance does not decide
 */
async function provenanceOnly(url: string, bytes: Uint8Array, contentHash: string, refusal: DecodeImageError, provenance: Promise<ProvenanceResult>, t0: number): Promise<Result<Verdict>> {
  const p = await provenance;
  if (!decidesAlone(p)) throw refusal;
  let width = 0;
  let height = 0;
  try {
    const h = sniffImageHeader(bytes);
    width = h.width ?? 0;
    height = h.height ?? 0;
  } catch { /* size unknown */ }
  const v: Verdict = {
    url, width, height, contentHash, ms: Math.round(performance.now() - t0), cached: false,
    provenance: p, pixelError: { code: refusal.code, message: refusal.message },
  };
  const { url: _u, cached: _c, ...rest } = v;
  hashCache.set(contentHash, rest);
  return ok(v);
}

async function scoreBytes(url: string, bytes: Uint8Array, mime: string, priority: Priority, t0: number): Promise<Result<Verdict>> {
  let refusal: DecodeImageError | undefined;
  try {
    checkHeader(bytes); // too-large / svg / truncated before hashing or decoding
  } catch (e) {
    if (!(e instanceof DecodeImageError) || !PROVENANCE_ONLY.has(e.code)) throw e;
    refusal = e;
  }
  const contentHash = await sha256Hex(bytes);
  const wantFace = priority === 'profile';
  const hit = hashCache.get(contentHash);
  if (hit) {
    stats.cacheHits++;
    if (wantFace && !hit.face && hit.probability !== undefined) {
      // First seen as a feed image, now as a profile photo: add the face evidence once.
      const face = await decodeSlots.run(async () => faceEvidenceFor((await decodeBytes(bytes, mime)).image)).catch(() => undefined);
      if (face) {
        const withFace = { ...hit, face };
        hashCache.set(contentHash, withFace);
        return ok({ ...withFace, url, cached: true });
      }
    }
    return ok({ ...hit, url, cached: true });
  }
  // Provenance runs beside decoding and inference, on the same bytes.
  const provenance = provenanceOf(bytes);
  if (refusal) return provenanceOnly(url, bytes, contentHash, refusal, provenance, t0);
  let scored: { s: Scored; image: { width: number; height: number }; loaded: LoadedModel; face?: FaceEvidence };
  try {
    const m = await getModel();
    const { image, groups, face } = await decodeSlots.run(async () => {
      const { image, header } = await decodeBytes(bytes, mime);
      rememberShownThumbnail(contentHash, image, !!header.animated); // for the shown-image check (item 1)
      const groups = m.detector.prepare(image);
      // Face evidence (profile photos) runs beside the detector's queue on the same decoded pixels.
      return { image: { width: image.width, height: image.height }, groups, face: wantFace ? faceEvidenceFor(image) : undefined };
    });
    const s = await queue.push({ prepared: groups }, priority, url);
    scored = { s, image, loaded: await getModel(), face: await face };
  } catch (e) {
    // The decoded size can refuse what the header did not show.
    if (e instanceof DecodeImageError && PROVENANCE_ONLY.has(e.code)) return provenanceOnly(url, bytes, contentHash, e, provenance, t0);
    throw e;
  }
  const p = await provenance;
  const v: Verdict = {
    url,
    logit: scored.s.logit,
    probability: scored.s.probability,
    evidence: scored.s.evidence,
    model: scored.loaded.detector.id,
    backend: scored.loaded.backend,
    width: scored.image.width,
    height: scored.image.height,
    contentHash,
    ms: Math.round(performance.now() - t0),
    cached: false,
    ...(p.kind !== 'none' || p.status !== 'ok' ? { provenance: p } : {}),
    ...(scored.face ? { face: scored.face } : {}),
  };
  const { url: _u, cached: _c, ...rest } = v;
  hashCache.set(contentHash, rest);
  return ok(v);
}

/** Errors not remembered: they may go away at once (a grant makes `permission-needed` fetchable). */
const TRANSIENT: readonly string[] = ['timeout', 'cancelled', 'model-failed', 'permission-needed'];

function remember(url: string, r: Result<Verdict>, pageUrl = ''): void {
  if (r.ok) {
    urlCache.set(url, r.value);
    if (!r.value.cached) void history(r.value, pageUrl);
  } else if (!TRANSIENT.includes(r.error.code)) errorCache.set(url, { ...r.error, at: Date.now() });
}

/** Records a new verdict in the history (when the user keeps one). */
async function history(v: Verdict, pageUrl: string): Promise<void> {
  const m = await peekModel();
  const man = m?.detector.manifest;
  await recordVerdict(v, pageUrl, { threshold: man?.threshold ?? 0.5, unsureBand: man?.unsureBand ?? 0 });
}

/**
 * Classifies the image at `url` (fetched by the worker itself).
 * @param priority queue lane
 * @param pageUrl the page showing it (kept with pending requests)
 * @returns a verdict, or an error whose code says why there is none (never a disguised verdict)
 */
export function classifyUrl(url: string, priority: Priority, pageUrl = ''): Promise<Result<Verdict>> {
  const cached = urlCache.get(url);
  // A verdict made for a feed image lacks face evidence: a profile request fetches again (the content-hash
  // cache then only adds the face item).
  if (cached && !(priority === 'profile' && !cached.face && cached.probability !== undefined)) {
    stats.cacheHits++;
    return Promise.resolve(ok({ ...cached, cached: true }));
  }
  const e = errorCache.get(url);
  if (e && Date.now() - e.at < ERROR_TTL_MS) return Promise.resolve(err(e.code, e.message));
  const running = inflight.get(url);
  if (running) return running;
  const t0 = performance.now();
  pendingMirror[url] = { priority, pageUrl, since: Date.now() };
  schedulePersist();
  const p = (async (): Promise<Result<Verdict>> => {
    try {
      const flags = await readFlags();
      const { bytes, contentType } = await fetchSlots.run(() => {
        stats.fetches++;
        // With the page's Referer, as the page's own request (hotlink-protected CDNs; item 1).
        return withPageReferer(url, pageUrl, () => fetchImageBytes(url, flags.fetchTimeoutMs ?? FETCH_TIMEOUT_MS));
      });
      return await scoreBytes(url, bytes, contentType, priority, t0);
    } catch (e) {
      return fromError(e);
    }
  })().then((r) => {
    remember(url, r, pageUrl);
    inflight.delete(url);
    delete pendingMirror[url];
    schedulePersist();
    return r;
  });
  inflight.set(url, p);
  return p;
}

/**
 * Classifies bytes read by the content script (`blob:` / `data:` images the worker cannot fetch).
 * @param bytes encoded image (≤ 64 MiB)
 */
export async function classifyBytes(url: string, bytes: Uint8Array, priority: Priority, pageUrl = ''): Promise<Result<Verdict>> {
  const cached = urlCache.get(url);
  if (cached && !url.startsWith('blob:')) return ok({ ...cached, cached: true });
  try {
    const r = await scoreBytes(url, bytes, '', priority, performance.now());
    if (r.ok && !url.startsWith('blob:')) urlCache.set(url, r.value);
    if (r.ok && !r.value.cached) void history(r.value, pageUrl);
    return r;
  } catch (e) {
    return fromError(e);
  }
}

/**
 * The verdict for a content hash: the one in the memory cache, else (when `bytes` are given, e.g. page-read
 * bytes the worker still keeps) scored again at `explain` priority. No URL cache or history entry is made.
 * @param contentHash sha256 hex of the image bytes
 * @returns the verdict (`url` '') or `undefined` when there is none
 */
export async function verdictForHash(contentHash: string, bytes?: Uint8Array): Promise<Verdict | undefined> {
  const hit = hashCache.get(contentHash);
  if (hit) return { ...hit, url: '', cached: true };
  if (!bytes) return undefined;
  try {
    const r = await scoreBytes('', bytes, '', 'explain', performance.now());
    return r.ok ? r.value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * For the parity test: the first model input computed from the image at `url`.
 * @returns HWC float32 values of the first crop, plus the decoded size
 */
export async function inputForUrl(url: string): Promise<{ input: Float32Array; width: number; height: number }> {
  const m = await getModel();
  const { bytes, contentType } = await fetchImageBytes(url);
  const { image } = await decodeBytes(bytes, contentType);
  return { input: inputsForImage(image, m.detector.manifest)[0]!, width: image.width, height: image.height };
}

/** Live tensor count of the tfjs engine (leak checks). */
export function numTensors(): number {
  return tf.memory().numTensors;
}
