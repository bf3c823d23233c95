/**
 * The explanation view's "Face evidence" section (issue 14): for a profile photo whose verdict carries a
 * face-evidence item (`Verdict.face`, `extension/shared/face/evidence.ts`), the image with the face box,
 * BlazeFace's six keypoints, the two eye centres and the FFHQ/StyleGAN template's eye positions (crosses,
 * each with a circle of the rule's radius), and the sentence the verdict uses. Drawn as one SVG whose
 * viewBox is the decoded image's size, so the overlay needs no layout code. Renders nothing without a face
 * item; says so when no face was found or the face finder failed.
 */
import type { FaceEvidence } from '../shared/messages';
import { faceSentence } from '../shared/face/evidence';

export interface FaceSectionProps {
  face: FaceEvidence | undefined;
  /** The image as shown (object or http URL). */
  imageUrl: string;
  /** Decoded image size in pixels (the verdict's `width`, `height`). */
  width: number;
  height: number;
}

/** @returns the section, or null when the verdict has no face item */
export function FaceSection({ face, imageUrl, width, height }: FaceSectionProps) {
  if (!face) return null;
  if (face.status !== 'face' || !face.face || !(width > 0 && height > 0)) {
    return (
      <section class="face-evidence" id="face-evidence" data-face={face.status}>
        <h2>Face evidence</h2>
        <p>{face.status === 'failed' ? `The face finder could not run (${face.message ?? 'unknown error'}); the verdict does not use face evidence.` : 'No face was found, so the verdict does not use face evidence.'}</p>
      </section>
    );
  }
  const f = face.face;
  const a = face.alignment;
  const side = Math.max(width, height);
  const r = side / 120; // keypoint dot radius: visible at any size
  const stroke = side / 300;
  const pts = Object.entries(f.keypoints);
  const cross = (x: number, y: number, key: string) => (
    <g key={key} stroke="#00e5ff" stroke-width={stroke}>
      <line x1={x - 2 * r} y1={y} x2={x + 2 * r} y2={y} />
      <line x1={x} y1={y - 2 * r} x2={x} y2={y + 2 * r} />
      {a && <circle cx={x} cy={y} r={a.threshold * side} fill="none" stroke-dasharray={`${3 * stroke} ${3 * stroke}`} />}
    </g>
  );
  return (
    <section class="face-evidence" id="face-evidence" data-face={a?.aligned ? 'aligned' : 'not-aligned'}>
      <h2>Face evidence</h2>
      <p id="face-evidence-text">{faceSentence(face) || 'A face was found; no alignment template is packaged, so the verdict does not use it.'}</p>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label="The image with the face found, its landmarks and the StyleGAN/FFHQ template eye positions"
        style={{ display: 'block', maxWidth: '100%', maxHeight: '60vh', height: 'auto' }}>
        <image href={imageUrl} x={0} y={0} width={width} height={height} preserveAspectRatio="none" />
        <rect x={f.box.x} y={f.box.y} width={f.box.width} height={f.box.height} fill="none" stroke="#ffd600" stroke-width={stroke} />
        {pts.map(([name, p]) => <circle key={name} cx={p.x} cy={p.y} r={r} fill={/Eye$/.test(name) ? '#ff1744' : '#ffd600'}><title>{name}</title></circle>)}
        {a && a.templateEyes.map((p, i) => cross(p.x * width, p.y * height, `t${i}`))}
      </svg>
      <p class="legend">Red: eye centres found; yellow: box and other landmarks; blue crosses: where {a?.template ?? 'the template'} portraits put the eyes, circles: the rule's radius. Alignment says only that the photo is cropped like StyleGAN/FFHQ training data.</p>
    </section>
  );
}
