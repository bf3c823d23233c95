import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANCHORS, blazeFaceAnchors, decodeBlazeFace, decodeCandidates, iou, letterboxInput, REGRESSORS, toSourceFace, weightedNms, type RawDetection } from './blazeface';

test('anchors: 16x16x2 then 8x8x6 centres, 896 in all', () => {
  const a = blazeFaceAnchors();
  assert.equal(a.length, 2 * ANCHORS);
  assert.deepEqual([a[0], a[1], a[2], a[3]], [1 / 32, 1 / 32, 1 / 32, 1 / 32]); // two anchors in cell (0, 0)
  assert.deepEqual([a[4], a[5]], [3 / 32, 1 / 32]); // cell (1, 0)
  assert.deepEqual([a[2 * 511], a[2 * 511 + 1]], [31 / 32, 31 / 32]); // last anchor of the 16x16 grid
  assert.deepEqual([a[2 * 512], a[2 * 512 + 1]], [1 / 16, 1 / 16]); // first of the 8x8 grid
  assert.deepEqual([a[2 * 895], a[2 * 895 + 1]], [15 / 16, 15 / 16]);
});

/** Outputs with one confident anchor `i`: box centre offset (dx, dy), size w×h, keypoints at fixed offsets, all in input pixels. */
function outputs(i: number, logit: number, reg: number[]): { logits: Float32Array; regressors: Float32Array } {
  const logits = new Float32Array(ANCHORS).fill(-10);
  const regressors = new Float32Array(ANCHORS * REGRESSORS);
  logits[i] = logit;
  regressors.set(reg, i * REGRESSORS);
  return { logits, regressors };
}

test('decodeCandidates: box and keypoints relative to the anchor, in input pixels', () => {
  // Anchor 512 sits at (1/16, 1/16) = (8, 8) px of a 128 input.
  const { logits, regressors } = outputs(512, 2, [4, -2, 32, 16, -8, -4, 8, -4, 0, 4, 0, 12, -16, 0, 16, 0]);
  const c = decodeCandidates(logits, regressors, blazeFaceAnchors(), 128, 0.5);
  assert.equal(c.length, 1);
  assert.ok(Math.abs(c[0]!.score - 1 / (1 + Math.exp(-2))) < 1e-9);
  // centre (12, 6) px, size 32 x 16 → [-4, -2, 28, 14] px → /128
  assert.deepEqual(c[0]!.box.map((v) => v * 128), [-4, -2, 28, 14]);
  assert.deepEqual(c[0]!.keypoints[0]!.map((v) => v * 128), [0, 4]);
  assert.deepEqual(c[0]!.keypoints[5]!.map((v) => v * 128), [24, 8]);
  assert.throws(() => decodeCandidates(logits, regressors.subarray(1), blazeFaceAnchors(), 128, 0.5), RangeError);
});

test('iou of known boxes', () => {
  assert.equal(iou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7);
  assert.equal(iou([0, 0, 1, 1], [2, 2, 3, 3]), 0);
});

test('weightedNms blends overlapping candidates by score and keeps separate faces', () => {
  const kp = (x: number): Array<[number, number]> => Array.from({ length: 6 }, () => [x, x] as [number, number]);
  const cands: RawDetection[] = [
    { score: 0.9, box: [0.1, 0.1, 0.3, 0.3], keypoints: kp(0.2) },
    { score: 0.6, box: [0.12, 0.1, 0.32, 0.3], keypoints: kp(0.25) },
    { score: 0.8, box: [0.6, 0.6, 0.8, 0.8], keypoints: kp(0.7) },
  ];
  const out = weightedNms(cands, 0.3, 5);
  assert.equal(out.length, 2);
  assert.equal(out[0]!.score, 0.9);
  assert.ok(Math.abs(out[0]!.box[0] - (0.1 * 0.9 + 0.12 * 0.6) / 1.5) < 1e-12);
  assert.ok(Math.abs(out[0]!.keypoints[0]![0] - (0.2 * 0.9 + 0.25 * 0.6) / 1.5) < 1e-12);
  out[1]!.box.forEach((v, j) => assert.ok(Math.abs(v - [0.6, 0.6, 0.8, 0.8][j]!) < 1e-12));
  assert.equal(weightedNms(cands, 0.3, 1).length, 1);
});

test('letterboxInput centres a wide image and toSourceFace maps back to source pixels', () => {
  const img = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 4).fill(255) };
  const { input, letterbox } = letterboxInput(img, 128);
  assert.deepEqual(letterbox, { inputSize: 128, scaleX: 0.64, scaleY: 0.64, padX: 0, padY: 32 });
  assert.equal(input[0], -1); // padding row (black)
  assert.equal(input[(40 * 128 + 10) * 3], 1); // inside: white
  const d: RawDetection = { score: 0.9, box: [0.25, 0.5, 0.5, 0.75], keypoints: Array.from({ length: 6 }, () => [0.5, 0.5] as [number, number]) };
  const f = toSourceFace(d, letterbox);
  assert.deepEqual(f.box, { x: 50, y: 50, width: 50, height: 50 });
  assert.deepEqual(f.keypoints.rightEye, { x: 100, y: 50 });
});

test('decodeBlazeFace gives nothing when no anchor reaches the threshold', () => {
  const { logits, regressors } = outputs(0, 0.5, new Array(16).fill(1)); // p = 0.62
  const lb = { inputSize: 128, scaleX: 1, scaleY: 1, padX: 0, padY: 0 };
  assert.equal(decodeBlazeFace(logits, regressors, lb, { minScore: 0.75, iouThreshold: 0.3, maxFaces: 5 }).length, 0);
  assert.equal(decodeBlazeFace(logits, regressors, lb, { minScore: 0.5, iouThreshold: 0.3, maxFaces: 5 }).length, 1);
});
