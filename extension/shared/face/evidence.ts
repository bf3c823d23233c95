/**
 * Face evidence: the face finder's result and the alignment rule turned into the `FaceEvidence` item of a
 * verdict (`../messages.ts`), and the words the verdict uses for it (`../provenance/fusion.ts`).
 *
 * The rule (fitted and measured by `npm run faces`, reported in `training/eval/faces/faces.md` and
 * `models/face/MODEL_CARD.md`): a face was found, the image is square (|w − h| / max ≤ `maxAspectDiff`),
 * and the RMS distance of its two normalised eye centres from the FFHQ template is at most the template's
 * threshold. When it fires the face is "aligned like StyleGAN/FFHQ training data"; that is all it says.
 */
import type { FaceEvidence } from '../messages';
import type { FaceDetection } from './model';
import { judgeAlignment, type AlignmentTemplate } from './geometry';

/**
 * Builds the verdict's face-evidence item.
 * @param model the face model id `name@version`
 * @param det the face finder's output for the decoded image
 * @param template the alignment template (`models/face/manifest.json` `alignment`); without one no
 *   alignment is judged
 * @returns `status: 'face'` with the top face (and its alignment), or `status: 'no-face'`
 */
export function faceEvidenceOf(model: string, det: FaceDetection, template: AlignmentTemplate | undefined): FaceEvidence {
  const top = det.faces[0];
  if (!top) return { status: 'no-face', model, count: 0 };
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const r5 = (v: number) => Math.round(v * 1e5) / 1e5;
  const pt = (p: { x: number; y: number }) => ({ x: r3(p.x), y: r3(p.y) });
  const k = top.keypoints;
  const ev: FaceEvidence = {
    status: 'face',
    model,
    count: det.faces.length,
    face: {
      box: { x: r3(top.box.x), y: r3(top.box.y), width: r3(top.box.width), height: r3(top.box.height) },
      score: r5(top.score),
      keypoints: { rightEye: pt(k.rightEye), leftEye: pt(k.leftEye), noseTip: pt(k.noseTip), mouth: pt(k.mouth), rightEar: pt(k.rightEar), leftEar: pt(k.leftEar) },
    },
  };
  if (template) {
    const a = judgeAlignment(top, det.width, det.height, template);
    const n = (p: { x: number; y: number }) => ({ x: r5(p.x), y: r5(p.y) });
    ev.alignment = {
      template: template.name,
      distance: r5(a.distance),
      threshold: template.threshold,
      aligned: a.aligned,
      eyes: [n(a.geometry.left), n(a.geometry.right)],
      templateEyes: [n(template.left), n(template.right)],
      ...(a.notApplicable ? { notApplicable: a.notApplicable } : {}),
    };
  }
  return ev;
}

/** The face finder failed (model missing, backend error): the verdict says so and falls back. */
export function faceFailure(model: string, message: string): FaceEvidence {
  return { status: 'failed', model, count: 0, message: message.slice(0, 300) };
}

/** True when the face evidence moves the verdict: the alignment rule fired. */
export function faceDecides(face: FaceEvidence | undefined): boolean {
  return face?.status === 'face' && face.alignment?.aligned === true;
}

/**
 * The sentence describing face evidence, or '' when there is none to show.
 * - aligned: "Face evidence: the face is aligned like StyleGAN/FFHQ training data (eyes within 1.2 % of
 *   the frame of the template; rule ≤ 2.9 %). Real photos cropped this way exist (FFHQ itself)."
 * - face, not aligned: "Face evidence: a face was found; it is not aligned like StyleGAN/FFHQ portraits,
 *   which says nothing about other generators."
 * - no face / failed: ''.
 */
export function faceSentence(face: FaceEvidence | undefined): string {
  if (!face || face.status !== 'face' || !face.alignment) return '';
  const a = face.alignment;
  const pc = (v: number) => `${(v * 100).toFixed(1)} %`;
  if (a.aligned) {
    return `Face evidence: the face is aligned like ${a.template} training data (eyes ${pc(a.distance)} of the frame from the template; rule ≤ ${pc(a.threshold)}). Real photos cropped this way exist (FFHQ itself), so this is evidence, not proof.`;
  }
  if (a.notApplicable) return `Face evidence: a face was found; the alignment check does not apply (${a.notApplicable}).`;
  return `Face evidence: a face was found; it is not aligned like ${a.template} portraits, which says nothing about other generators.`;
}
