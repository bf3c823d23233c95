/**
 * The one message protocol between the extension's parts. Every message is a member of a discriminated
 * union keyed by `type`; every reply is a `Result`: either `{ ok: true, value }` or
 * `{ ok: false, error }` — an error is never disguised as a verdict.
 *
 * Directions: content script → background (`ContentToBackground`), extension pages (popup, options,
 * explanation view) → background (`PageToBackground`), background → content script (`BackgroundToContent`).
 */
import type { ProvenanceResult } from './provenance/types';
import type { EvidenceMap } from './tiling';
import type { Calibration } from './model-manifest';

/** A point in source-image pixels (face keypoints) or, for normalised positions, in [0, 1] of the frame. */
export interface FacePoint {
  x: number;
  y: number;
}

/**
 * What the face finder (`extension/shared/face/`, BlazeFace) and the GAN-portrait alignment rule
 * (`extension/shared/face/geometry.ts`) say about a profile photo. Carried in a `Verdict` as its own item:
 * it only says whether the face is aligned like StyleGAN/FFHQ training data, never "real".
 */
export interface FaceEvidence {
  /** `face`: at least one face found; `no-face`: none; `failed`: the face finder could not run (`message`). */
  status: 'face' | 'no-face' | 'failed';
  /** The face model's id `name@version`. */
  model: string;
  /** Faces found (0 for `no-face` / `failed`). */
  count: number;
  /** The top face in source pixels of the decoded image (the verdict's `width` × `height`). */
  face?: {
    box: { x: number; y: number; width: number; height: number };
    /** Detection confidence in (0, 1). */
    score: number;
    /** BlazeFace's six keypoints; `rightEye` is the subject's right eye (image left). */
    keypoints: { rightEye: FacePoint; leftEye: FacePoint; noseTip: FacePoint; mouth: FacePoint; rightEar: FacePoint; leftEar: FacePoint };
  };
  /** The alignment rule on the top face; absent without a face or without a template. */
  alignment?: {
    /** Template name, e.g. "FFHQ / StyleGAN". */
    template: string;
    /** RMS distance of the two normalised eye centres from the template's, in units of the frame side. */
    distance: number;
    /** The rule's threshold on `distance`. */
    threshold: number;
    /** True when the rule fired: the face is aligned like StyleGAN/FFHQ training data. */
    aligned: boolean;
    /** Eye centres normalised to [0, 1] of the frame (image-left eye first) and the template's. */
    eyes: [FacePoint, FacePoint];
    templateEyes: [FacePoint, FacePoint];
    /** Why the rule did not apply (e.g. "image is not square"). */
    notApplicable?: string;
  };
  message?: string;
}

/** Why an image has no verdict. Shown to the user as a clear status, never as a probability. */
export type ImageErrorCode =
  | 'too-small' // shorter side < MIN_SIDE_PIXELS
  | 'too-large' // header claims more than MAX_DECODE_PIXELS
  | 'fetch-failed' // network error or HTTP status ≥ 400
  | 'timeout' // the image did not arrive in time
  | 'permission-needed' // no host permission for the image's origin
  | 'unsupported-format' // e.g. SVG (vector) or an unknown format
  | 'decode-failed' // bytes could not be decoded (truncated, corrupt)
  | 'model-failed' // the model could not be loaded or failed to run
  | 'cancelled' // the request was cancelled (tab closed, explanation cancelled)
  | 'bad-request' // the message did not match its type's shape (`message-schema.ts`)
  | 'low-detail' // blank or near-uniform image (every sampled frame of an animation): nothing to read
  | 'not-photo' // a chart, screenshot, drawing or flat graphic (`not-photo.ts`): not assessed
  /**
   * The pixels the page shows differ from the bytes the worker downloaded and checked (a perceptual hash
   * of a screen capture of the image vs the checked bytes, `perceptual-hash.ts`): the server served the
   * checker another image (issue 13, item 1), so no verdict stands for the shown one.
   */
  | 'served-different';

export interface ImageError {
  code: ImageErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ImageError };

/** Priority in the background queue: profile photos first, then feed images, explanations last. */
export type Priority = 'profile' | 'normal' | 'explain';

/**
 * One screened image: the pixel detector's verdict, the provenance read from the file, or both. The
 * verdict the user sees is `fuseVerdict` of the two (`extension/shared/provenance/fusion.ts`).
 *
 * The pixel fields (`logit`, `probability`, `model`, `backend`) are present together when the detector
 * ran. They are absent, and `pixelError` says why, when the detector refused the image (too small, too
 * large, unsupported format) but its bytes carry provenance that gives a verdict on its own; an image
 * with neither is an error reply, never a verdict.
 */
export interface Verdict {
  /** The URL the bytes were fetched from (after `currentSrc` / lazy-load resolution). */
  url: string;
  /** Raw model logit (pre-sigmoid, pre-calibration), finite; absent when the detector did not run. */
  logit?: number;
  /** Calibrated probability that the image is synthetic, in [0, 1]; absent when the detector did not run. */
  probability?: number;
  /**
   * Where the logit came from: per-tile raw logits over the image with their source-pixel rectangles
   * (≤ the model's `tiling.maxEvidenceCells` cells, pooled when larger; `extension/shared/tiling.ts`).
   * Absent when the detector did not run, and in verdicts stored by older versions.
   */
  evidence?: EvidenceMap;
  /** The model's id `name@version`; absent when the detector did not run. */
  model?: string;
  /** tfjs backend that produced it: `webgpu` | `webgl` | `wasm` | `cpu`; absent when the detector did not run. */
  backend?: string;
  /** Source size in pixels (decoded, or from the header when the detector did not run; 0 when unknown). */
  width: number;
  height: number;
  /** sha256 (hex) of the image bytes; the content cache key. */
  contentHash: string;
  /** Wall time from dequeue to result, in milliseconds. */
  ms: number;
  /** True when served from the URL or content-hash cache. */
  cached: boolean;
  /** What the file's own bytes say about its origin (C2PA, IPTC/XMP, generator metadata, camera EXIF). */
  provenance?: ProvenanceResult;
  /** Why the pixel detector did not run (provenance-only verdicts). */
  pixelError?: ImageError;
  /** Face evidence: present for profile photos (requests with priority `profile`) that were decoded. */
  face?: FaceEvidence;
}

/** A verdict whose pixel fields are present (the detector ran). */
export type PixelScoredVerdict = Verdict & { logit: number; probability: number; model: string; backend: string };

/** True when the pixel detector ran for `v` (its `probability`, `logit`, `model` and `backend` are set). */
export function hasPixelScore(v: Verdict): v is PixelScoredVerdict {
  return typeof v.probability === 'number' && typeof v.logit === 'number' && typeof v.model === 'string' && typeof v.backend === 'string';
}

/** Explanation methods (seed §CAM + LIME). */
export type ExplainMethod = 'gradcam' | 'ablationcam' | 'layercam' | 'scorecam' | 'lime';

export interface Explanation {
  url: string;
  method: ExplainMethod;
  /** Heatmap in [0, 1], row-major, `mapHeight × mapWidth`, over `region` of the source image. */
  map: number[];
  mapWidth: number;
  mapHeight: number;
  /** Source-pixel rectangle the map covers (the model input's region). */
  region: { x: number; y: number; width: number; height: number };
  /** True when the map is all zero: "no localised evidence". */
  empty: boolean;
  /**
   * LIME only: superpixel label per map cell (−1: outside the analysed tiles, not a feature) and each
   * superpixel's weight (positive = towards `target`).
   */
  segments?: number[];
  weights?: number[];
  probability: number;
  /** The class the map explains: `synthetic` (toward AI-generated) or `real`. */
  target: 'synthetic' | 'real';
  /**
   * Asked with `both` (an *Unsure* verdict): the map toward the other class, same shape as `map`, in [0, 1],
   * normalised together with `map` (so the two directions compare). Absent for LIME (its weights are signed).
   */
  other?: number[];
  /**
   * Source-pixel rectangles the explanation was computed over (the tiles analysed, `docs/whole-image.md`);
   * cells of `map` outside them carry no evidence and are drawn as "not analysed".
   */
  analysed: Array<{ x: number; y: number; width: number; height: number }>;
}

/** Content script → background. */
export type ContentToBackground =
  | { type: 'classify'; url: string; priority: Priority; pageUrl: string }
  /**
   * Bytes read in the page for `blob:` / `data:` URLs the background cannot fetch itself, as base64 text
   * (`base64.ts`; at most `MAX_MESSAGE_BYTES` bytes). Firefox's structured clone may carry an `ArrayBuffer`.
   */
  | { type: 'classify-bytes'; url: string; bytes: ArrayBuffer | string; priority: Priority; pageUrl: string }
  /**
   * The frame's images (which URLs, profile flags, states decided in the page) and how often the page
   * interfered with its badges. Verdicts inside are ignored by the background (it lists its own).
   */
  | { type: 'report-images'; images: TabImage[]; interference?: Interference }
  /** The model's default threshold / band, for badges (read-only). */
  | { type: 'get-status' }
  /**
   * The user activated a badge (click / Enter): open the explanation view for this image in a new tab.
   * `contentHash` (sha256 hex of the bytes, from the verdict) lets the background resolve `blob:` /
   * `data:` images whose bytes it only got through `classify-bytes`; `probability` is the badge's verdict.
   */
  | { type: 'open-explain'; url: string; contentHash?: string; probability?: number }
  /**
   * Confirm that the checked bytes describe what the page shows (issue 13, item 1): images fully in the
   * viewport, each with `rect` (its visible content box, viewport CSS px) and `region` (the part of the
   * source image drawn in that box, as fractions: object-fit crops). `viewport` is the frame's inner size
   * in CSS px (the capture's scale is measured against it). At most `MAX_SHOWN_ITEMS` items.
   */
  | { type: 'confirm-shown'; viewport: { width: number; height: number }; items: ShownItem[] }
  /**
   * The user activated a *Permission needed* badge for the image `url`: the background opens the grant flow
   * (the popup's page for this tab, whose "Allow on this site" button calls `permissions.request`).
   */
  | { type: 'open-grant'; url: string };

/** One image of a `confirm-shown` request. */
export interface ShownItem {
  url: string;
  /** sha256 hex of the checked bytes (the verdict's `contentHash`). */
  contentHash: string;
  rect: { x: number; y: number; width: number; height: number };
  region: { x: number; y: number; width: number; height: number };
}

/**
 * Whether the shown pixels were confirmed to be the checked image: `match` / `mismatch` with the
 * perceptual-hash `distance` (bits of 63), or `unconfirmed` with the `reason` (no capture permission, tab
 * not visible, capture rate limit, image in a frame, animated or flat image…). Unconfirmed is recorded,
 * never shown as a problem on the badge.
 */
export interface ShownCheck {
  status: 'match' | 'mismatch' | 'unconfirmed';
  distance?: number;
  reason?: string;
}

/** How often the page interfered with the badges of a tab (removed or hid badge hosts; issue 13, item 7). */
export interface Interference {
  /** Badge hosts the page removed from the document (each was put back). */
  removed: number;
  /** Badge hosts the page hid or moved away (style/attribute changes; each was restored). */
  hidden: number;
}

/** What the popup lists for a tab (in page order). */
export interface TabImage {
  url: string;
  status: 'pending' | 'done' | 'error';
  verdict?: Verdict;
  error?: ImageError;
  isProfile?: boolean;
  /** Whether the shown pixels were confirmed to be the checked image (issue 13, item 1). */
  shown?: ShownCheck;
}

export interface BackendStatus {
  ready: boolean;
  /** The loaded model; `threshold` / `unsureBand` are its defaults (used when the user set none). */
  model?: {
    name: string; version: string; arch: string; threshold?: number; unsureBand?: number;
    /**
     * How the probability was calibrated: `source-held-out` = on sources the model never saw
     * (`training/cli/calibrate-loso.ts`; 0.5 = no evidence either way), `in-domain` = on validation images
     * of its training sources (optimistic on new generators).
     */
    calibration?: 'source-held-out' | 'in-domain';
    /**
     * The manifest's calibration (raw logit → probability), so that pages can place the decision threshold
     * on the raw-logit evidence map (`thresholdLogit`, `extension/shared/explain/palette.ts`).
     */
    calibrationCurve?: Calibration;
  };
  backend?: string;
  /** Backends tried at start-up and why each was skipped. */
  backendAttempts?: Array<{ backend: string; ok: boolean; reason?: string }>;
  /** Backends given up at run time (a failing kernel, a lost GPU device), oldest first; the model was reloaded on the next one. */
  backendFailures?: Array<{ backend: string; stage: string; reason: string; at: number }>;
  /** Start-up numerical self-test of the active backend (`self-test.ts`): `none` when the model has no record. */
  selfTest?: { result: 'passed' | 'stale' | 'none'; logit?: number; expected?: number };
  error?: string;
  queueLength: number;
}

/** Extension pages → background. */
export type PageToBackground =
  | { type: 'get-status' }
  | { type: 'get-tab-images'; tabId: number }
  /**
   * `contentHash` (optional): explain the bytes the background kept for this sha256 (images read in the
   * page, `blob:` / `data:`); `url` is then only a label.
   */
  | { type: 'explain'; url: string; method: ExplainMethod; samples?: number; requestId: string; contentHash?: string; both?: boolean }
  | { type: 'cancel-explain'; requestId: string }
  /** Progress of a running explanation in [0, 1]; `null` when none runs under `requestId`. */
  | { type: 'explain-progress'; requestId: string }
  /** The bytes the background kept for `contentHash` (page-read images), to show them in the explanation view. */
  | { type: 'get-image-bytes'; contentHash: string }
  /**
   * The verdict the background already has for this sha256 (pixels and provenance, raw provenance fields
   * included), without new work except for page-read bytes it still keeps; `null` when it has none.
   */
  | { type: 'get-verdict'; contentHash: string }
  | { type: 'classify'; url: string; priority: Priority; pageUrl: string }
  /** Tab-level integrity record kept by the background: page interference with badges, shown-image checks. */
  | { type: 'get-tab-integrity'; tabId: number };

/** The background's integrity record for a tab (`get-tab-integrity`). */
export interface TabIntegrity {
  interference: Interference;
  shown: { match: number; mismatch: number; unconfirmed: number };
}

/** Background → content script. */
export type BackgroundToContent =
  /**
   * Context menu: check the image the user right-clicked — `srcUrl` when the menu was opened on an image,
   * otherwise the image under the last `contextmenu` position (through transparent overlays, CSS
   * backgrounds). The content script badges it and answers with the verdict.
   */
  | { type: 'check-image-at'; srcUrl?: string; pageUrl?: string }
  | { type: 'rescan' }
  /** Popup row click: scroll to the image showing `url` and outline it for a moment. */
  | { type: 'highlight-image'; url: string };

/** Reply type for each request `type`. */
export interface ReplyMap {
  classify: Verdict;
  'classify-bytes': Verdict;
  'report-images': null;
  'get-status': BackendStatus;
  'get-tab-images': TabImage[];
  explain: Explanation;
  'cancel-explain': null;
  'explain-progress': number | null;
  'get-image-bytes': { bytes: number[]; mime: string };
  'get-verdict': Verdict | null;
  'open-explain': { tabId?: number; url: string };
  'check-image-at': CheckedImage;
  rescan: null;
  'confirm-shown': ShownCheck[];
  'get-tab-integrity': TabIntegrity;
  'open-grant': { tabId?: number };
  /** Whether the image was found on the page. */
  'highlight-image': boolean;
}

export type AnyMessage = ContentToBackground | PageToBackground | BackgroundToContent;
export type ReplyOf<M extends AnyMessage> = Result<ReplyMap[M['type']]>;

const TYPES = new Set<string>([
  'classify', 'classify-bytes', 'report-images', 'get-status', 'get-tab-images', 'explain', 'cancel-explain',
  'check-image-at', 'rescan', 'open-explain', 'explain-progress', 'get-image-bytes', 'get-verdict', 'confirm-shown',
  'get-tab-integrity', 'open-grant', 'highlight-image',
]);

/** What the content script answers to `check-image-at`: the image it found and its verdict. */
export interface CheckedImage {
  url: string;
  /** How the image was found: the menu's `srcUrl`, or hit testing at the pointer. */
  found: 'src-url' | 'img' | 'svg-image' | 'background';
  verdict: Verdict;
}

/** True when `value` has a known `type` tag (cheap structural guard for incoming messages). */
export function isMessage(value: unknown): value is AnyMessage {
  return typeof value === 'object' && value !== null && TYPES.has((value as { type?: unknown }).type as string);
}

/** Builds an error reply. */
export function err(code: ImageErrorCode, message: string): { ok: false; error: ImageError } {
  return { ok: false, error: { code, message } };
}

/** Builds a success reply. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/**
 * Message text of a `cancelled` reply that is not final: the background is alive and still working on
 * the request (`STILL_WORKING`, sent when a classify request outlives the background's reply deadline)
 * or its queue is full (`QUEUE_FULL`). The content script asks again; the background joins the running
 * request by URL, so asking again costs no extra work.
 */
export const STILL_WORKING = 'still working: ask again';
export const QUEUE_FULL = 'queue full';

/** True when `reply` says "ask again later" (`STILL_WORKING` or `QUEUE_FULL`) rather than a final answer. */
export function isAskAgain(reply: Result<unknown>): boolean {
  return !reply.ok && reply.error.code === 'cancelled' && (reply.error.message.startsWith(STILL_WORKING) || reply.error.message.startsWith(QUEUE_FULL));
}
