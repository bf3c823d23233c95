/**
 * Face finding and GAN-portrait geometry on the developer set (`npm run faces`, `training/cli/faces.ts`).
 *
 * Groups of `../shared/data/MANIFEST.tsv` by generator column (`faceGroupOf`):
 * - `ffhq` real FFHQ 256 px (aligned like StyleGAN's training data), split by row parity into
 *   `ffhq-fit` (even data rows: the template and the rule's threshold are fitted here, nothing else is) and
 *   `ffhq-held`;
 * - `stylegan` StyleGAN v1 FFHQ-1024 (psi 0.7);
 * - non-aligned real portraits: `real-people` (Laboratoriet real people photos), `celeba`, `ff-frames`
 *   (FaceForensics++ real video frames);
 * - `t2i-people` (Laboratoriet's unnamed modern text-to-image people; AI but not aligned);
 * - `scenes` (BSDS500, CBSD68: landscapes, animals, objects, and some photos of people) and
 *   `lsun-stylegan` (CNNDetection StyleGAN, LSUN scenes), for face detections outside portraits.
 *
 * Avatar sizes: the shorter side's centre square, resized (antialiased triangle filter) to S × S, as a
 * site makes an avatar; `native` is the decoded file as the service worker sees it.
 */
import type { Face } from '../../extension/shared/face/blazeface';
import type { FaceDetector } from '../../extension/shared/face/model';
import { alignmentDistance, eyeGeometry, judgeAlignment, type AlignmentTemplate, type EyeGeometry } from '../../extension/shared/face/geometry';
import { cropRgba, resizeRgba, type RgbaImage } from '../../extension/shared/preprocess';
import { rocAuc } from '../eval/metrics';
import type { Rec } from '../data/manifest';

export type FaceGroup = 'ffhq-fit' | 'ffhq-held' | 'stylegan' | 'real-people' | 'celeba' | 'ff-frames' | 't2i-people' | 'scenes' | 'lsun-stylegan';

/** Real portraits that are not FFHQ-aligned: the negatives of the geometry signal. */
export const NON_ALIGNED_REAL: readonly FaceGroup[] = ['real-people', 'celeba', 'ff-frames'];
/** Groups whose images are portraits (recall is measured on them). */
export const PORTRAIT_GROUPS: readonly FaceGroup[] = ['ffhq-fit', 'ffhq-held', 'stylegan', 'real-people', 'celeba', 'ff-frames', 't2i-people'];

/**
 * The evaluation group of a record, or `undefined` for images outside the face study.
 * @param r a manifest record; @param ffhqIndex its 0-based index among the FFHQ rows (for the parity split)
 */
export function faceGroupOf(r: Pick<Rec, 'generator' | 'label'>, ffhqIndex = 0): FaceGroup | undefined {
  const g = r.generator;
  if (/^real: FFHQ/.test(g)) return ffhqIndex % 2 === 0 ? 'ffhq-fit' : 'ffhq-held';
  if (/^StyleGAN \(v1\) FFHQ/.test(g)) return 'stylegan';
  if (g === 'StyleGAN') return 'lsun-stylegan';
  if (/^real photo \(people\)/.test(g)) return 'real-people';
  if (/^real: CelebA/.test(g)) return 'celeba';
  if (/^real: FaceForensics/.test(g)) return 'ff-frames';
  if (/text-to-image generator \(people\)/.test(g)) return 't2i-people';
  if (/^real: BSDS/.test(g)) return 'scenes';
  return undefined;
}

/** What was found in one image at one size. */
export interface SizeResult {
  /** Faces found (≥ the manifest's minScore). */
  faces: number;
  /** The top face's score, eye geometry and alignment distance; absent when no face was found. */
  top?: { score: number; geometry: EyeGeometry; box: Face['box'] };
  /** Image size fed to the detector. */
  width: number;
  height: number;
  ms: number;
}

export interface ImageResult {
  path: string;
  group: FaceGroup;
  label: 'real' | 'synthetic';
  /** Keyed by size name: `native`, `64`, `128`, `400`. */
  sizes: Record<string, SizeResult>;
}

/** The shorter side's centre square resized to `side × side` (an avatar). */
export function avatarOf(img: RgbaImage, side: number): RgbaImage {
  const s = Math.min(img.width, img.height);
  const sq = cropRgba(img, { x: Math.floor((img.width - s) / 2), y: Math.floor((img.height - s) / 2), width: s, height: s });
  return resizeRgba(sq, side, side);
}

/**
 * Runs the face finder on one decoded image at native size and at each avatar size.
 * @param sizes avatar sides in pixels
 */
export async function detectAtSizes(det: FaceDetector, img: RgbaImage, sizes: number[]): Promise<Record<string, SizeResult>> {
  const out: Record<string, SizeResult> = {};
  const variants: Array<[string, RgbaImage]> = [['native', img], ...sizes.map((s) => [String(s), avatarOf(img, s)] as [string, RgbaImage])];
  for (const [name, im] of variants) {
    const t0 = performance.now();
    const r = await det.detect(im);
    const ms = performance.now() - t0;
    const f = r.faces[0];
    out[name] = {
      faces: r.faces.length, width: im.width, height: im.height, ms,
      ...(f ? { top: { score: f.score, geometry: eyeGeometry(f, im.width, im.height), box: f.box } } : {}),
    };
  }
  return out;
}

/**
 * Fits the alignment template: mean eye positions over the images with a face, and the threshold as the
 * `quantile` of their distances to that mean.
 * @param geoms eye geometries of aligned (FFHQ) faces, at least 10
 * @param quantile in (0, 1], e.g. 0.95
 * @throws {RangeError} with fewer than 10 faces
 */
export function fitTemplate(geoms: EyeGeometry[], quantile: number, meta: { name: string; source: string; maxAspectDiff: number }): AlignmentTemplate {
  if (geoms.length < 10) throw new RangeError(`need at least 10 aligned faces to fit a template, got ${geoms.length}`);
  const mean = (f: (g: EyeGeometry) => number) => geoms.reduce((a, g) => a + f(g), 0) / geoms.length;
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  const left = { x: r4(mean((g) => g.left.x)), y: r4(mean((g) => g.left.y)) };
  const right = { x: r4(mean((g) => g.right.x)), y: r4(mean((g) => g.right.y)) };
  const d = geoms.map((g) => alignmentDistance(g, { left, right })).sort((a, b) => a - b);
  const threshold = r4(d[Math.min(d.length - 1, Math.ceil(quantile * d.length) - 1)]!);
  return { name: meta.name, left, right, threshold, maxAspectDiff: meta.maxAspectDiff, source: meta.source };
}

/** Recall table: share of images with at least one face, per group and size. */
export interface RecallRow { group: FaceGroup; label: string; size: string; n: number; found: number; recall: number }

export function recallTable(results: ImageResult[], sizes: string[]): RecallRow[] {
  const rows: RecallRow[] = [];
  const groups = [...new Set(results.map((r) => r.group))];
  for (const group of groups) {
    const rs = results.filter((r) => r.group === group);
    for (const size of sizes) {
      const found = rs.filter((r) => (r.sizes[size]?.faces ?? 0) > 0).length;
      rows.push({ group, label: rs[0]!.label, size, n: rs.length, found, recall: found / rs.length });
    }
  }
  return rows;
}

/**
 * Geometry scores of one image at one size for ROC analysis (higher = more StyleGAN-like):
 * `-distance` to the template, `-|Δ interocular|`, `-|roll|`; `-Infinity` when no face was found, so
 * images without a face count as not aligned.
 */
export function geometryScores(r: ImageResult, size: string, t: AlignmentTemplate): { distance: number; interocular: number; roll: number } {
  const s = r.sizes[size];
  if (!s?.top) return { distance: -Infinity, interocular: -Infinity, roll: -Infinity };
  const g = s.top.geometry;
  const tIod = Math.hypot(t.right.x - t.left.x, t.right.y - t.left.y);
  return { distance: -alignmentDistance(g, t), interocular: -Math.abs(g.interocular - tIod), roll: -Math.abs(g.rollDeg) };
}

/** ROC-AUC of a positive group set against a negative group set for one score. */
export function groupAuc(results: ImageResult[], pos: readonly FaceGroup[], neg: readonly FaceGroup[], score: (r: ImageResult) => number): { auc: number; nPos: number; nNeg: number } {
  const sel = results.filter((r) => pos.includes(r.group) || neg.includes(r.group));
  const labels = sel.map((r) => (pos.includes(r.group) ? 1 : 0));
  // rocAuc needs finite scores: put "no face" below every real distance.
  const raw = sel.map(score);
  const finite = raw.filter(Number.isFinite);
  const floor = (finite.length ? Math.min(...finite) : 0) - 1;
  const scores = raw.map((v) => (Number.isFinite(v) ? v : floor));
  const nPos = labels.filter((y) => y === 1).length;
  return { auc: nPos > 0 && nPos < labels.length ? rocAuc(labels, scores) : NaN, nPos, nNeg: labels.length - nPos };
}

/** How often the alignment rule fires, per group and size. */
export interface RuleRow { group: FaceGroup; label: string; size: string; n: number; fired: number; rate: number }

export function ruleTable(results: ImageResult[], sizes: string[], t: AlignmentTemplate): RuleRow[] {
  const rows: RuleRow[] = [];
  for (const group of [...new Set(results.map((r) => r.group))]) {
    const rs = results.filter((r) => r.group === group);
    for (const size of sizes) {
      const fired = rs.filter((r) => {
        const s = r.sizes[size];
        if (!s?.top) return false;
        const g = s.top.geometry;
        // judgeAlignment reads the face's keypoints in pixels: rebuild them from the normalised geometry.
        const face = { keypoints: { rightEye: { x: g.left.x * s.width, y: g.left.y * s.height }, leftEye: { x: g.right.x * s.width, y: g.right.y * s.height } } };
        return judgeAlignment(face as Pick<Face, 'keypoints'>, s.width, s.height, t).aligned;
      }).length;
      rows.push({ group, label: rs[0]!.label, size, n: rs.length, fired, rate: fired / rs.length });
    }
  }
  return rows;
}

/** Wilson 95 % interval of a proportion k/n. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964, p = k / n, d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d, h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}
