/** npr-patch-cnn: the fixed NPR layer computes x − up(down(x)) exactly; fully convolutional output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildNprPatch, patchLogitModel, NPR_GAIN } from './npr-patch';
import { buildArch, REGISTRY } from './registry';

test('npr_residual equals x − nearest-up(nearest-down(x)) in space-to-depth form', async () => {
  await tf.setBackend('cpu');
  const m = buildNprPatch({ inputSize: 8 });
  const npr = tf.model({ inputs: m.inputs, outputs: m.getLayer('npr_residual').output as tf.SymbolicTensor });
  const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const r = tf.tidy(() => tf.sub(x, tf.image.resizeNearestNeighbor(tf.image.resizeNearestNeighbor(x, [4, 4]), [8, 8])));
  const got = (npr.predict(x) as tf.Tensor).arraySync() as number[][][][];
  const want = r.arraySync() as number[][][][];
  const pos: Array<[number, number]> = [[0, 1], [1, 0], [1, 1]];
  for (let n = 0; n < 2; n++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) pos.forEach(([dy, dx], p) => {
    for (let c = 0; c < 3; c++) {
      const w = want[n]![2 * i + dy]![2 * j + dx]![c]! * NPR_GAIN;
      assert.ok(Math.abs(got[n]![i]![j]![3 * p + c]! - w) < 1e-5, `n${n} ${i},${j} p${p} c${c}`);
    }
  });
  // the top-left pixel of each block has residual 0
  assert.ok(Math.abs((want[0]![2]![4]![1]!)) < 1e-7);
  assert.equal(m.getLayer('npr_residual').trainable, false);
  x.dispose(); r.dispose(); m.dispose();
});

test('fully convolutional: one logit per image, equal to the mean of the patch-logit map', async () => {
  await tf.setBackend('cpu');
  const m = buildNprPatch({ inputSize: null, seed: 2 });
  const pm = patchLogitModel(m);
  for (const s of [64, 128]) {
    const x = tf.randomUniform([2, s, s, 3], 0, 1, 'float32', s);
    const z = m.predict(x) as tf.Tensor;
    const map = pm.predict(x) as tf.Tensor;
    assert.deepEqual(z.shape, [2, 1]);
    assert.deepEqual(map.shape, [2, s / 4, s / 4, 1]);
    const mean = map.mean([1, 2, 3]).dataSync();
    const zv = z.dataSync();
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(mean[i]! - zv[i]!) < 1e-5);
    x.dispose(); z.dispose(); map.dispose();
  }
  assert.ok(m.countParams() < 100_000);
  m.dispose();
});

test('registry: known archs build, unknown names are an error listing the known ones', async () => {
  await tf.setBackend('cpu');
  assert.deepEqual(Object.keys(REGISTRY).sort(), ['efficientnet-b4', 'mobilenet-v2', 'npr-patch-cnn', 'resnet50']);
  assert.equal(REGISTRY['npr-patch-cnn']!.preprocess.geometry, 'center-crop');
  const m = buildArch('efficientnet-b4', { width: 0.1, depth: 0.1, inputSize: 32 });
  assert.deepEqual(m.outputs[0]!.shape, [null, 1]);
  m.dispose();
  assert.throws(() => buildArch('nope'), /known: npr-patch-cnn, efficientnet-b4/);
});

test('receptive field: one input pixel reaches 6 × 6 patch logits with 3×3 kernels, 2 × 2 with kernels [3, 3, 1, 1]', async () => {
  for (const [kernels, expected] of [[[3, 3, 3, 3], [5, 6, 7, 8, 9, 10]], [[3, 3, 1, 1], [7, 8]]] as const) {
    const pm = patchLogitModel(buildNprPatch({ kernels: [...kernels] as [number, number, number, number], seed: 3 }));
    const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 1);
    const bumped = tf.tidy(() => x.add(tf.oneHot(tf.tensor1d([33 * 64 + 33], 'int32'), 64 * 64).reshape([1, 64, 64, 1]).mul(tf.tensor1d([0.5, 0, 0]))));
    const a = (pm.predict(x) as tf.Tensor).arraySync() as number[][][][];
    const b = (pm.predict(bumped) as tf.Tensor).arraySync() as number[][][][];
    const rows = new Set<number>(), cols = new Set<number>();
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) if (Math.abs(a[0]![i]![j]![0]! - b[0]![i]![j]![0]!) > 1e-7) { rows.add(i); cols.add(j); }
    assert.deepEqual([...rows].sort((p, q) => p - q), [...expected], `rows, kernels ${kernels}`);
    assert.deepEqual([...cols].sort((p, q) => p - q), [...expected], `cols, kernels ${kernels}`);
    x.dispose(); bumped.dispose(); pm.dispose?.();
  }
});
