/**
 * EfficientNet-B4 builder, Keras-layout h5 loading by name, and the seed-recipe trainer at test size
 * (cpu backend): build → load h5 → train a few steps → checkpoint → export → reload → same outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import h5wasm from 'h5wasm/node';
import { buildEfficientNetB4, roundFilters, roundRepeats, IMAGENET_MEAN, IMAGENET_STD } from './efficientnet-b4';
import { loadKerasWeightsByName, writeKerasH5, readKerasH5, type H5Weight } from './h5-weights';
import { trainImageModel, loadModelDir } from '../train/image-trainer';
import { writeFixtureSet, standardSpecs } from '../data/fixtures';
import { loadRecords } from '../data/manifest';
import { exportModel } from '../export/export';
import { loadDetector } from '../../extension/shared/detector';

const TINY = { width: 0.1, depth: 0.1, inputSize: 32 };

/** Dumps a model's weights in Keras' layout (`normalization` as Keras' mean/variance/count). */
function kerasLayout(model: tf.LayersModel, mean: number[], variance: number[]): Map<string, H5Weight[]> {
  const out = new Map<string, H5Weight[]>();
  for (const layer of model.layers) {
    if (layer.weights.length === 0 || layer.name === 'rescaling_1') continue;
    if (layer.name === 'normalization') {
      out.set('normalization', [
        { name: 'normalization/mean:0', shape: [3], data: Float32Array.from(mean) },
        { name: 'normalization/variance:0', shape: [3], data: Float32Array.from(variance) },
        { name: 'normalization/count:0', shape: [1], data: Float32Array.from([1000]) },
      ]);
      continue;
    }
    const vals = layer.getWeights();
    out.set(layer.name, layer.weights.map((w, i) => ({
      name: `${layer.name}/${w.originalName.slice(w.originalName.lastIndexOf('/') + 1)}:0`,
      shape: w.shape as number[], data: vals[i]!.dataSync() as Float32Array,
    })));
  }
  return out;
}

test('Keras scaling rules and the full B4 size (Keras: 17,673,823 notop params incl. 7 Normalization values)', async () => {
  await tf.setBackend('cpu');
  assert.equal(roundFilters(32, 1.4), 48);
  assert.equal(roundFilters(1280, 1.4), 1792);
  assert.equal(roundRepeats(3, 1.8), 6);
  const m = buildEfficientNetB4({ head: false });
  // ours has 9 fixed normalisation values (3 kernel + 3 bias + 3 rescaling_1) where Keras has 7
  assert.equal(m.countParams(), 17_673_823 - 7 + 9);
  assert.deepEqual(m.outputs[0]!.shape, [null, 8, 8, 1792]);
  const names = new Set(m.layers.map((l) => l.name));
  for (const n of ['rescaling', 'normalization', 'stem_conv', 'stem_bn', 'stem_activation', 'block1a_dwconv', 'block1a_bn', 'block1a_se_squeeze',
    'block1a_se_reduce', 'block1a_se_expand', 'block1a_project_conv', 'block1b_add', 'block2a_expand_conv', 'block2a_dwconv_pad', 'block6h_project_bn', 'block7b_add', 'top_conv', 'top_bn', 'top_activation']) {
    assert.ok(names.has(n), `missing layer ${n}`);
  }
  assert.ok(!names.has('block7c_dwconv'));
  m.dispose();
});

test('tiny EfficientNet: output shape and range', async () => {
  await tf.setBackend('cpu');
  const m = buildEfficientNetB4(TINY);
  const y = m.predict(tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 1)) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 1]);
  for (const v of await y.data()) assert.ok(v > 0 && v < 1);
  y.dispose(); m.dispose();
});

test('weights load by name from a Keras-layout h5 written with h5wasm', async () => {
  await tf.setBackend('cpu');
  const dir = await mkdtemp(join(tmpdir(), 'b4-h5-'));
  try {
    const src = buildEfficientNetB4({ ...TINY, head: false, seed: 11 });
    const mean = [0.5, 0.4, 0.3], variance = [0.05, 0.06, 0.07];
    const file = join(dir, 'tiny_notop.h5');
    await writeKerasH5(file, kerasLayout(src, mean, variance));
    // Keras' layout: /<layer>/<layer>/<weight>:0 with layer_names / weight_names attributes
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'r');
    assert.ok((f.attrs['layer_names']!.value as string[]).includes('stem_conv'));
    assert.deepEqual((f.get('stem_conv') as InstanceType<typeof h5wasm.Group>).attrs['weight_names']!.value, ['stem_conv/kernel:0']);
    assert.deepEqual((f.get('stem_conv/stem_conv/kernel:0') as InstanceType<typeof h5wasm.Dataset>).shape, [3, 3, 3, roundFilters(32, 0.1)]);
    f.close();
    assert.equal((await readKerasH5(file)).get('block1a_bn')!.map((w) => w.name).join(','), 'block1a_bn/gamma:0,block1a_bn/beta:0,block1a_bn/moving_mean:0,block1a_bn/moving_variance:0');

    const dst = buildEfficientNetB4({ ...TINY, seed: 99 }); // with head: head layers stay missing
    const rep = await loadKerasWeightsByName(dst, file);
    assert.deepEqual(rep.missing.sort(), ['head_bn', 'head_dense', 'head_out', 'rescaling_1']);
    assert.equal(rep.unused.length, 0);
    // normalization: kernel 1/√var, bias −mean/√var
    const [k, b] = dst.getLayer('normalization').getWeights();
    const kv = await k!.data(), bv = await b!.data();
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(kv[c]! - 1 / Math.sqrt(variance[c]!)) < 1e-5);
      assert.ok(Math.abs(bv[c]! + mean[c]! / Math.sqrt(variance[c]!)) < 1e-5);
    }
    // backbone features now equal the source's
    const feat = tf.model({ inputs: dst.inputs, outputs: dst.getLayer('top_activation').output as tf.SymbolicTensor });
    tf.tidy(() => {
      src.getLayer('normalization').setWeights(dst.getLayer('normalization').getWeights());
      const x = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 2);
      const a = (src.predict(x) as tf.Tensor).dataSync(), c = (feat.predict(x) as tf.Tensor).dataSync();
      let maxErr = 0;
      for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i]! - c[i]!));
      assert.ok(maxErr < 1e-5, `max abs diff ${maxErr}`);
    });
    // a shape mismatch is an error naming the weight
    const wrong = buildEfficientNetB4({ width: 0.2, depth: 0.1, inputSize: 32, head: false });
    await assert.rejects(loadKerasWeightsByName(wrong, file), /kernel:0 has shape \[[\d,]+\], model expects/);
    src.dispose(); dst.dispose(); wrong.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('seed recipe at test size: train, checkpoint, resume, export, reload with the same outputs', async () => {
  await tf.setBackend('cpu');
  const fx = await writeFixtureSet(standardSpecs(['srcA', 'srcB'], 4, 40));
  const dir = await mkdtemp(join(tmpdir(), 'b4-train-'));
  try {
    const recs = await loadRecords(fx.manifestPath);
    const val = recs.filter((r) => r.path.endsWith('-0.png') || r.path.endsWith('-0.jpg'));
    const train = recs.filter((r) => !val.includes(r));
    const base = { arch: 'efficientnet-b4', archOptions: TINY, batch: 4, checkpointDir: join(dir, 'ckpt'), log: () => {} };
    const r1 = await trainImageModel(train, val, { ...base, epochs: 1 });
    assert.equal(r1.history.length, 1);
    assert.ok(Number.isFinite(r1.history[0]!.loss) && Number.isFinite(r1.bestValLoss));
    r1.model.dispose();
    const r2 = await trainImageModel(train, val, { ...base, epochs: 2 }); // resumes after epoch 1
    assert.equal(r2.resumedFrom, 1);
    assert.deepEqual(r2.history.map((h) => h.epoch), [1, 2]);
    const best = await loadModelDir(join(dir, 'ckpt', 'best'));
    const x = tf.randomUniform([3, 32, 32, 3], 0, 255, 'float32', 5);
    const want = await (r2.model.predict(x) as tf.Tensor).data();
    const got0 = await (best.predict(x) as tf.Tensor).data();
    assert.deepEqual(Array.from(got0), Array.from(want));
    const manifest = await exportModel(tf, r2.model, {
      dir: join(dir, 'export'), name: 'tiny-b4', version: '0.0.1', arch: 'efficientnet-b4',
      preprocess: { inputSize: 32, geometry: 'shorter-side-center-crop', normalization: 'raw' }, output: 'probability',
      calibration: { type: 'none' }, threshold: 0.5, unsureBand: 0.1, quantize: 'none',
    });
    const det = await loadDetector(tf, manifest, async (p) => new Uint8Array(await readFile(join(dir, 'export', p))));
    const xs = Array.from({ length: 3 }, (_, i) => x.slice([i], [1]).reshape([32 * 32 * 3]).dataSync() as Float32Array);
    const z = await det.logits(xs);
    z.forEach((v, i) => assert.ok(Math.abs(1 / (1 + Math.exp(-v)) - want[i]!) < 1e-5, `export mismatch ${i}`));
    det.dispose(); best.dispose(); r2.model.dispose(); x.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  }
});
