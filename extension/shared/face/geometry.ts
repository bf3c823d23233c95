/**
 * GAN-portrait geometry: how close a face's eye centres are to where FFHQ-style alignment puts them.
 *
 * StyleGAN-family generators (thispersondoesnotexist and its descendants) learned from FFHQ, whose photos
 * were cropped and rotated so that the eyes and mouth land at fixed places of the frame (T. Karras et al.,
 * "A Style-Based Generator Architecture for GANs", CVPR 2019, and the FFHQ alignment script). Their
 * portraits keep that alignment, so the eye centres fall at nearly fixed normalised positions: S. Mundra,
 * G. J. A. Porcile, S. Marvaniya, J. R. Verbus, H. Farid, "Exposing GAN-generated profile photos from
 * compact embeddings", CVPR Workshops 2023. Profile photos taken and cropped by people rarely are.
 *
 * What the signal says, and only that: "this face is aligned like StyleGAN/FFHQ training data". FFHQ's own
 * real photos are aligned too, and a generator that does not align (text-to-image models) is not caught.
 *
 * The template (the face model manifest's `alignment` block, `models/face/manifest.json`) is where
 * BlazeFace (`./blazeface.ts`) puts the eye keypoints on FFHQ photos: fitted by `npm run faces` on half of
 * the FFHQ reals of `../shared/data`, its threshold the 95th percentile of their distances; the other half,
 * StyleGAN and every non-aligned portrait are held out (`training/face/face-eval.ts`).
 */
import type { Face, Point } from './blazeface';

/** Eye positions normalised by the image size: x / width, y / height, both in [0, 1] inside the image. */
export interface EyeGeometry {
  /** The eye on the image's left (the subject's right eye). */
  left: Point;
  /** The eye on the image's right. */
  right: Point;
  /** Distance between the eyes / image width. */
  interocular: number;
  /** Roll: angle of the left→right eye line from horizontal, degrees, positive clockwise in image coordinates. */
  rollDeg: number;
}

/** Where aligned faces put their eyes, and the threshold of the alignment rule. */
export interface AlignmentTemplate {
  /** Label shown to the user, e.g. "FFHQ / StyleGAN". */
  name: string;
  /** Mean normalised eye positions. */
  left: Point;
  right: Point;
  /** Distance (`alignmentDistance`) at or below which a face counts as aligned. */
  threshold: number;
  /** Largest relative difference of width and height for which the rule applies (aligned crops are square). */
  maxAspectDiff: number;
  /** How the numbers were made (command, data), for the model card and the explanation view. */
  source: string;
}

/**
 * The eye geometry of a face in an image.
 * @param face a detection in source pixels
 * @param width, height the image size in pixels (> 0)
 * @returns normalised eye positions, inter-ocular distance and roll
 * @throws {RangeError} when the size is not positive
 */
export function eyeGeometry(face: Pick<Face, 'keypoints'>, width: number, height: number): EyeGeometry {
  if (!(width > 0 && height > 0)) throw new RangeError(`image size ${width}x${height} is not positive`);
  let a = face.keypoints.rightEye;
  let b = face.keypoints.leftEye;
  if (a.x > b.x) [a, b] = [b, a];
  const left = { x: a.x / width, y: a.y / height };
  const right = { x: b.x / width, y: b.y / height };
  const dx = b.x - a.x, dy = b.y - a.y;
  return { left, right, interocular: Math.hypot(dx, dy) / width, rollDeg: (Math.atan2(dy, dx) * 180) / Math.PI };
}

/**
 * Alignment distance: the root mean square, over the two eyes, of the Euclidean distance between the
 * face's normalised eye centre and the template's, in units of the image side (0.02 = 2 % of the frame).
 * Eye positions fix scale (inter-ocular distance), roll and translation together, so one number covers them.
 * @returns distance ≥ 0
 */
export function alignmentDistance(g: EyeGeometry, t: Pick<AlignmentTemplate, 'left' | 'right'>): number {
  const dl = Math.hypot(g.left.x - t.left.x, g.left.y - t.left.y);
  const dr = Math.hypot(g.right.x - t.right.x, g.right.y - t.right.y);
  return Math.sqrt((dl * dl + dr * dr) / 2);
}

/** The alignment verdict on one face. */
export interface Alignment {
  geometry: EyeGeometry;
  distance: number;
  threshold: number;
  /** True when the image is square enough and `distance ≤ threshold`. */
  aligned: boolean;
  /** Why the rule did not apply, when it did not (e.g. the image is not square). */
  notApplicable?: string;
}

/**
 * Applies the alignment rule to one face.
 * @param face the face (source pixels); @param width, height image size in pixels
 * @param t the template (the face model manifest's `alignment`)
 * @returns geometry, distance, and whether the face counts as aligned
 * @throws {RangeError} when the size is not positive
 */
export function judgeAlignment(face: Pick<Face, 'keypoints'>, width: number, height: number, t: AlignmentTemplate): Alignment {
  const geometry = eyeGeometry(face, width, height);
  const distance = alignmentDistance(geometry, t);
  const aspectDiff = Math.abs(width - height) / Math.max(width, height);
  if (aspectDiff > t.maxAspectDiff) return { geometry, distance, threshold: t.threshold, aligned: false, notApplicable: 'image is not square' };
  return { geometry, distance, threshold: t.threshold, aligned: distance <= t.threshold };
}
