import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignmentDistance, eyeGeometry, judgeAlignment, type AlignmentTemplate } from './geometry';

const T: AlignmentTemplate = { name: 'T', left: { x: 0.375, y: 0.47 }, right: { x: 0.625, y: 0.47 }, threshold: 0.03, maxAspectDiff: 0.05, source: 'test' };
const face = (rx: number, ry: number, lx: number, ly: number) => ({ keypoints: { rightEye: { x: rx, y: ry }, leftEye: { x: lx, y: ly } } }) as never;

test('eyeGeometry: image-left eye first, inter-ocular distance and roll', () => {
  // Subject's right eye on the image left (the model's convention); swapped input gives the same geometry.
  const g = eyeGeometry(face(100, 100, 200, 200), 400, 400);
  assert.deepEqual(g.left, { x: 0.25, y: 0.25 });
  assert.deepEqual(g.right, { x: 0.5, y: 0.5 });
  assert.ok(Math.abs(g.interocular - Math.SQRT2 / 4) < 1e-12);
  assert.ok(Math.abs(g.rollDeg - 45) < 1e-12);
  assert.deepEqual(eyeGeometry(face(200, 200, 100, 100), 400, 400), g);
  assert.throws(() => eyeGeometry(face(1, 1, 2, 2), 0, 10), RangeError);
});

test('alignmentDistance is the RMS of the two eye offsets in frame units', () => {
  const g = eyeGeometry(face(0.375 * 256 + 0.03 * 256, 0.47 * 256, 0.625 * 256, 0.47 * 256 + 0.04 * 256), 256, 256);
  assert.ok(Math.abs(alignmentDistance(g, T) - Math.sqrt((0.03 ** 2 + 0.04 ** 2) / 2)) < 1e-9);
});

test('judgeAlignment fires at the template, not off it, and not on non-square images', () => {
  assert.equal(judgeAlignment(face(96, 120.32, 160, 120.32), 256, 256, T).aligned, true);
  const off = judgeAlignment(face(60, 90, 110, 90), 256, 256, T);
  assert.equal(off.aligned, false);
  assert.ok(off.distance > T.threshold);
  const wide = judgeAlignment(face(96 * 1.5, 120.32, 160 * 1.5, 120.32), 384, 256, T);
  assert.equal(wide.aligned, false);
  assert.equal(wide.notApplicable, 'image is not square');
});
