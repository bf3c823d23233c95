/**
 * One shape validator per message type of the protocol (`messages.ts`). The background's messenger runs
 * `validateRequest` on every request after the sender check and answers `bad-request` to anything that
 * does not match, so handlers only ever see well-formed messages (issue 13, item 8: a `null` in
 * `report-images` broke the popup, `open-explain` opened tabs for `javascript:` / `chrome:` URLs,
 * out-of-range byte arrays were wrapped into a verdict, `classify` with an object URL rejected).
 *
 * Pure functions (no extension APIs), unit-tested in `message-schema.test.ts`. Limits are generous for
 * real pages and small for an attacker: URLs ≤ `MAX_URL_CHARS`, tab lists ≤ `MAX_TAB_IMAGES` entries.
 */
import type { AnyMessage, ExplainMethod, ImageErrorCode, Priority } from './messages';
import { isBase64 } from './base64';

/** Longest image or page URL accepted in a request (signed CDN URLs are a few KiB). */
export const MAX_URL_CHARS = 16 * 1024;
/** Most images one `report-images` may list (the background keeps at most this many per tab). */
export const MAX_TAB_IMAGES = 2000;
/** Longest free-text field (error messages, model ids, request ids). */
export const MAX_TEXT_CHARS = 2048;
/** Largest byte payload of `classify-bytes` (32 MiB, as `content/capture/bytes.ts` reads at most). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** Most LIME samples a page may ask for. */
export const MAX_LIME_SAMPLES = 5000;

export type Validation = { ok: true } | { ok: false; reason: string };

const PRIORITIES: ReadonlySet<string> = new Set<Priority>(['profile', 'normal', 'explain']);
const METHODS: ReadonlySet<string> = new Set<ExplainMethod>(['gradcam', 'ablationcam', 'layercam', 'scorecam', 'lime']);
const ERROR_CODES: ReadonlySet<string> = new Set<ImageErrorCode>([
  'too-small', 'too-large', 'fetch-failed', 'timeout', 'permission-needed', 'unsupported-format', 'decode-failed',
  'model-failed', 'cancelled', 'bad-request', 'low-detail', 'not-photo', 'served-different',
]);
const SHOWN_STATUSES: ReadonlySet<string> = new Set(['match', 'mismatch', 'unconfirmed']);
/** Most images one `confirm-shown` may carry. */
export const MAX_SHOWN_ITEMS = 32;
const STATUSES: ReadonlySet<string> = new Set(['pending', 'done', 'error']);
const HASH_RE = /^[0-9a-f]{64}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = MAX_TEXT_CHARS): v is string => typeof v === 'string' && v.length <= max;
const isUrlStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_URL_CHARS;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isProb = (v: unknown): v is number => isNum(v) && v >= 0 && v <= 1;
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);

/**
 * True for a URL the explanation view may be opened for: an `http:`/`https:` URL, a `blob:` URL of an
 * http(s) origin, or a raster `data:image/…` URL (not SVG). Never `javascript:`, `chrome:`, `file:`,
 * `chrome-extension:` or other schemes.
 */
export function isExplainableImageUrl(url: unknown): url is string {
  if (!isUrlStr(url)) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') return true;
  if (u.protocol === 'blob:') return /^blob:https?:\/\//i.test(url);
  if (u.protocol === 'data:') return /^data:image\/(?!svg)[a-z0-9.+-]+[;,]/i.test(url);
  return false;
}

const PROVENANCE_KINDS: ReadonlySet<string> = new Set(['c2pa', 'iptc-xmp', 'generator-metadata', 'camera', 'none']);
const PROVENANCE_CLAIMS: ReadonlySet<string> = new Set(['ai-generated', 'ai-edited', 'camera-capture', 'unknown']);
const PROVENANCE_VALIDATIONS: ReadonlySet<string> = new Set(['valid', 'invalid', 'untrusted', 'unsigned']);

/** A `ProvenanceResult` as carried in verdicts: known enum values, a bounded `fields` record of strings. */
export function validProvenance(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (!PROVENANCE_KINDS.has(v.kind as string) || !PROVENANCE_CLAIMS.has(v.claim as string) || !PROVENANCE_VALIDATIONS.has(v.validation as string)) return false;
  if (!isObj(v.fields) || Object.keys(v.fields).length > 64 || !Object.values(v.fields).every((x) => isStr(x, 4000))) return false;
  return ['signer', 'generator', 'model', 'softwareAgent', 'message'].every((k) => optional(v[k], (x) => isStr(x, 4000)))
    && optional(v.actions, (a) => Array.isArray(a) && a.length <= 64 && a.every((x) => isObj(x) && isStr(x.action, 200)));
}

/** An `EvidenceMap` as carried in verdicts: finite numbers, at most 4,096 cells. */
export function validEvidence(v: unknown): boolean {
  if (!isObj(v)) return false;
  return Object.values(v).every((x) => typeof x !== 'number' || Number.isFinite(x))
    && Array.isArray(v.logits) && v.logits.length <= 4096 && v.logits.every((x) => x === null || isNum(x));
}

const FACE_STATUSES: ReadonlySet<string> = new Set(['face', 'no-face', 'failed']);
const FACE_KEYPOINTS = ['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar'] as const;
const isPoint = (p: unknown): boolean => isObj(p) && isNum(p.x) && isNum(p.y) && Math.abs(p.x) <= 1e7 && Math.abs(p.y) <= 1e7;

/** A `FaceEvidence` as carried in verdicts: known status, finite numbers, bounded strings. */
export function validFaceEvidence(v: unknown): boolean {
  if (!isObj(v) || !FACE_STATUSES.has(v.status as string) || !isStr(v.model, 200) || !isInt(v.count, 0, 100) || !optional(v.message, (x) => isStr(x))) return false;
  const f = v.face;
  if (f !== undefined && !(isObj(f) && isProb(f.score) && isObj(f.box) && ['x', 'y', 'width', 'height'].every((k) => isNum((f.box as Obj)[k]))
    && isObj(f.keypoints) && FACE_KEYPOINTS.every((k) => isPoint((f.keypoints as Obj)[k])))) return false;
  const a = v.alignment;
  if (a !== undefined && !(isObj(a) && isStr(a.template, 200) && isNum(a.distance) && a.distance >= 0 && isProb(a.threshold) && typeof a.aligned === 'boolean'
    && Array.isArray(a.eyes) && a.eyes.length === 2 && a.eyes.every(isPoint) && Array.isArray(a.templateEyes) && a.templateEyes.length === 2 && a.templateEyes.every(isPoint)
    && optional(a.notApplicable, (x) => isStr(x, 200)))) return false;
  return true;
}

/**
 * A `Verdict` as carried in messages: finite numbers in range, bounded strings. The detector's fields
 * (`logit`, `probability`, `model`, `backend`) are absent for provenance-only verdicts, which then need a
 * `provenance`.
 */
export function validVerdict(v: unknown): boolean {
  if (!isObj(v)) return false;
  const pixels = v.probability !== undefined;
  if (!pixels && v.provenance === undefined) return false;
  return isStr(v.url, MAX_URL_CHARS) && optional(v.logit, isNum) && optional(v.probability, isProb) && optional(v.model, (x) => isStr(x)) && optional(v.backend, (x) => isStr(x, 32))
    && isInt(v.width, 0, 1e6) && isInt(v.height, 0, 1e6) && typeof v.contentHash === 'string' && HASH_RE.test(v.contentHash)
    && isNum(v.ms) && typeof v.cached === 'boolean' && optional(v.provenance, validProvenance) && optional(v.evidence, validEvidence)
    && optional(v.face, validFaceEvidence);
}

/** One `TabImage` of `report-images`. */
export function validTabImage(v: unknown): boolean {
  if (!isObj(v) || !isUrlStr(v.url) || typeof v.status !== 'string' || !STATUSES.has(v.status)) return false;
  if (!optional(v.isProfile, (x) => typeof x === 'boolean')) return false;
  if (v.verdict !== undefined && !validVerdict(v.verdict)) return false;
  if (v.shown !== undefined && !validShownCheck(v.shown)) return false;
  if (v.error !== undefined && !(isObj(v.error) && typeof v.error.code === 'string' && ERROR_CODES.has(v.error.code) && isStr(v.error.message, 2 * MAX_URL_CHARS))) return false;
  return true;
}

/** A `ShownCheck`: a known status, a distance in [0, 64], a bounded reason. */
export function validShownCheck(v: unknown): boolean {
  return isObj(v) && SHOWN_STATUSES.has(v.status as string) && optional(v.distance, (x) => isInt(x, 0, 64)) && optional(v.reason, (x) => isStr(x, 300));
}

const isRect = (v: unknown, max: number): boolean => isObj(v) && [v.x, v.y, v.width, v.height].every((x) => isNum(x) && Math.abs(x) <= max)
  && (v.width as number) > 0 && (v.height as number) > 0;

/** One item of `confirm-shown`: URL, content hash, a viewport rectangle and a fractional source region. */
export function validShownItem(v: unknown): boolean {
  if (!isObj(v) || !isUrlStr(v.url) || typeof v.contentHash !== 'string' || !HASH_RE.test(v.contentHash)) return false;
  if (!isRect(v.rect, 1e5) || !isRect(v.region, 1)) return false;
  const r = v.region as Obj;
  return (r.x as number) >= 0 && (r.y as number) >= 0 && (r.x as number) + (r.width as number) <= 1 + 1e-6 && (r.y as number) + (r.height as number) <= 1 + 1e-6;
}

/**
 * `classify-bytes.bytes`: base64 text (`base64.ts`) or an `ArrayBuffer`, at most `MAX_MESSAGE_BYTES`
 * bytes. A `number[]` (the old form, which let out-of-range values wrap silently) is refused.
 */
export function validMessageBytes(b: unknown): boolean {
  if (b instanceof ArrayBuffer) return b.byteLength <= MAX_MESSAGE_BYTES;
  return typeof b === 'string' && b.length <= 4 * Math.ceil(MAX_MESSAGE_BYTES / 3) && isBase64(b);
}

const VALIDATORS: Record<AnyMessage['type'], (m: Obj) => string | undefined> = {
  classify: (m) => !isUrlStr(m.url) ? 'url' : !PRIORITIES.has(m.priority as string) ? 'priority' : !optional(m.pageUrl, (x) => isStr(x, MAX_URL_CHARS)) ? 'pageUrl' : undefined,
  'classify-bytes': (m) => !isUrlStr(m.url) ? 'url' : !PRIORITIES.has(m.priority as string) ? 'priority'
    : !optional(m.pageUrl, (x) => isStr(x, MAX_URL_CHARS)) ? 'pageUrl' : !validMessageBytes(m.bytes) ? 'bytes' : undefined,
  'report-images': (m) => !Array.isArray(m.images) || m.images.length > MAX_TAB_IMAGES ? 'images' : !m.images.every(validTabImage) ? 'images[]'
    : !optional(m.interference, (x) => isObj(x) && isInt(x.removed, 0, 1e9) && isInt(x.hidden, 0, 1e9)) ? 'interference' : undefined,
  'get-status': () => undefined,
  'open-explain': (m) => !isExplainableImageUrl(m.url) ? 'url' : !optional(m.contentHash, (x) => typeof x === 'string' && (x === '' || HASH_RE.test(x))) ? 'contentHash'
    : !optional(m.probability, isProb) ? 'probability' : undefined,
  'get-tab-images': (m) => isInt(m.tabId, 0, Number.MAX_SAFE_INTEGER) ? undefined : 'tabId',
  'get-verdict': (m) => typeof m.contentHash === 'string' && HASH_RE.test(m.contentHash) ? undefined : 'contentHash',
  explain: (m) => !isUrlStr(m.url) ? 'url' : !METHODS.has(m.method as string) ? 'method' : !optional(m.samples, (x) => isInt(x, 1, MAX_LIME_SAMPLES)) ? 'samples'
    : !isStr(m.requestId, 200) ? 'requestId' : !optional(m.contentHash, (x) => typeof x === 'string' && HASH_RE.test(x)) ? 'contentHash'
    : !optional(m.both, (x) => typeof x === 'boolean') ? 'both' : undefined,
  'cancel-explain': (m) => isStr(m.requestId, 200) ? undefined : 'requestId',
  'explain-progress': (m) => isStr(m.requestId, 200) ? undefined : 'requestId',
  'get-image-bytes': (m) => typeof m.contentHash === 'string' && HASH_RE.test(m.contentHash) ? undefined : 'contentHash',
  'check-image-at': (m) => !optional(m.srcUrl, isUrlStr) ? 'srcUrl' : !optional(m.pageUrl, (x) => isStr(x, MAX_URL_CHARS)) ? 'pageUrl' : undefined,
  rescan: () => undefined,
  'confirm-shown': (m) => !isObj(m.viewport) || !isInt(m.viewport.width, 1, 1e5) || !isInt(m.viewport.height, 1, 1e5) ? 'viewport'
    : !Array.isArray(m.items) || m.items.length === 0 || m.items.length > MAX_SHOWN_ITEMS ? 'items' : m.items.every(validShownItem) ? undefined : 'items[]',
  'get-tab-integrity': (m) => isInt(m.tabId, 0, Number.MAX_SAFE_INTEGER) ? undefined : 'tabId',
  'open-grant': (m) => isUrlStr(m.url) ? undefined : 'url',
  'highlight-image': (m) => isUrlStr(m.url) ? undefined : 'url',
};

/**
 * Checks a request against the shape of its `type` (call after `isMessage`).
 * @param m a value whose `type` is a known message type
 * @returns `{ ok: true }`, or `{ ok: false, reason }` naming the first bad field
 */
export function validateRequest(m: AnyMessage): Validation {
  const check = VALIDATORS[m.type];
  if (!check) return { ok: false, reason: `unknown type ${String(m.type).slice(0, 40)}` };
  const bad = check(m as unknown as Obj);
  return bad === undefined ? { ok: true } : { ok: false, reason: `"${m.type}": bad or missing ${bad}` };
}
