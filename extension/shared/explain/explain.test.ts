/**
 * Acceptance tests of issue #4 (cpu backend): a hand-computed Grad-CAM, a model trained here on a planted
 * corner patch, finite output at the extremes, and tensor bookkeeping over many runs.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { explain, argmax, modelParts, EXPLAIN_METHODS, ExplainModelError, type ExplainResult } from './index';
import type { RgbaImage } from '../preprocess';
import { mulberry32 } from './lime';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// ---------------------------------------------------------------------------------------------------
// 1. Hand-computed Grad-CAM / LayerCAM / Ablation-CAM on a tiny model with fixed weights.
// ---------------------------------------------------------------------------------------------------

const S0 = 4, KS = 2, F = 2, OUT = S0 - KS + 1; // conv 2×2 valid → 3×3×2
const kernel = Array.from({ length: KS * KS * 3 * F }, (_, i) => Math.sin(1.3 * i + 0.2) * 0.7); // [kh, kw, cin, f]
const convBias = [0.05, -0.1];
const dense = [0.8, -0.5];
const denseBias = 0.3;
const tinyInput = Float32Array.from({ length: S0 * S0 * 3 }, (_, i) => Math.cos(0.7 * i) * 0.9);

function tinyModel(head: 'sigmoid' | 'linear' | 'activation'): tf.LayersModel {
  const inp = tf.input({ shape: [S0, S0, 3] });
  const conv = tf.layers.conv2d({ filters: F, kernelSize: KS, padding: 'valid', activation: 'relu', name: 'conv' });
  let h = conv.apply(inp) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const d = tf.layers.dense({ units: 1, activation: head === 'sigmoid' ? 'sigmoid' : 'linear', name: 'out' });
  let out = d.apply(h) as tf.SymbolicTensor;
  if (head === 'activation') out = tf.layers.activation({ activation: 'sigmoid' }).apply(out) as tf.SymbolicTensor;
  const m = tf.model({ inputs: inp, outputs: out });
  conv.setWeights([tf.tensor4d(kernel, [KS, KS, 3, F]), tf.tensor1d(convBias)]);
  d.setWeights([tf.tensor2d(dense, [F, 1]), tf.tensor1d([denseBias])]);
  return m;
}

/** A[i][j][f] by hand: relu(bias + Σ kernel · input) over the 2×2×3 window. */
function handActivation(): number[][][] {
  const A: number[][][] = [];
  for (let i = 0; i < OUT; i++) {
    A.push([]);
    for (let j = 0; j < OUT; j++) {
      const v: number[] = [];
      for (let f = 0; f < F; f++) {
        let s = convBias[f]!;
        for (let di = 0; di < KS; di++) for (let dj = 0; dj < KS; dj++) for (let c = 0; c < 3; c++) {
          s += kernel[((di * KS + dj) * 3 + c) * F + f]! * tinyInput[((i + di) * S0 + (j + dj)) * 3 + c]!;
        }
        v.push(Math.max(0, s));
      }
      A[i]!.push(v);
    }
  }
  return A;
}

function normalise(raw: number[]): number[] {
  const r = raw.map((v) => Math.max(0, v));
  const mx = Math.max(...r);
  return r.map((v) => (mx > 0 ? v / mx : 0));
}

test('Grad-CAM on a fixed-weight model equals the hand computation (1e-5), through the pre-sigmoid logit', async () => {
  const A = handActivation();
  // logit z = Σ_f dense[f] · mean_ij A[i][j][f] + b  ⇒  ∂z/∂A[i][j][f] = dense[f] / 9, so α_f = s · dense[f] / 9.
  let z = denseBias;
  for (let f = 0; f < F; f++) { let m = 0; for (const row of A) for (const v of row) m += v[f]!; z += dense[f]! * m / (OUT * OUT); }
  for (const head of ['sigmoid', 'linear', 'activation'] as const) {
    const model = tinyModel(head);
    for (const target of ['synthetic', 'real'] as const) {
      const s = target === 'synthetic' ? 1 : -1;
      const alpha = dense.map((w) => (s * w) / (OUT * OUT));
      const want = normalise(A.flat().map((v) => alpha[0]! * v[0]! + alpha[1]! * v[1]!));
      const r = await explain(tf, model, tinyInput, { method: 'gradcam', targetLayer: 'conv', target });
      assert.equal(r.mapWidth, OUT); assert.equal(r.mapHeight, OUT);
      assert.ok(Math.abs(r.logit - z) < 1e-5, `${head}: logit ${r.logit} vs ${z}`);
      assert.equal(r.logitSource, head === 'linear' ? 'output' : 'pre-activation');
      r.channelWeights!.forEach((v, f) => assert.ok(Math.abs(v - alpha[f]!) < 1e-6, `${head}/${target} α${f}: ${v} vs ${alpha[f]}`));
      r.map.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `${head}/${target} cell ${i}: ${v} vs ${want[i]}`));
      assert.equal(r.empty, want.every((v) => v === 0));
      // LayerCAM: ReLU(Σ_f ReLU(α_f) A_f) (the gradient is constant over space here).
      const lc = await explain(tf, model, tinyInput, { method: 'layercam', targetLayer: 'conv', target });
      const wantL = normalise(A.flat().map((v) => Math.max(0, alpha[0]!) * v[0]! + Math.max(0, alpha[1]!) * v[1]!));
      lc.map.forEach((v, i) => assert.ok(Math.abs(v - wantL[i]!) < 1e-5, `layercam cell ${i}`));
      // Ablation-CAM: y − y_f = s · dense[f] · mean(A_f).
      const ab = await explain(tf, model, tinyInput, { method: 'ablationcam', targetLayer: 'conv', target });
      const wAb = dense.map((w, f) => (s * w * A.flat().reduce((acc, v) => acc + v[f]!, 0)) / (OUT * OUT));
      const wantA = normalise(A.flat().map((v) => wAb[0]! * v[0]! + wAb[1]! * v[1]!));
      ab.map.forEach((v, i) => assert.ok(Math.abs(v - wantA[i]!) < 1e-5, `ablationcam cell ${i}: ${v} vs ${wantA[i]}`));
    }
    model.dispose();
  }
});

test('model splitting: clear errors for unknown layers and skip connections around the target', () => {
  const model = tinyModel('sigmoid');
  assert.throws(() => modelParts(tf, model, 'nope'), ExplainModelError);
  const inp = tf.input({ shape: [4, 4, 3] });
  const c1 = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'c1' }).apply(inp) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'c2' }).apply(c1) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([c1, c2]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1 }).apply(tf.layers.globalAveragePooling2d({}).apply(sum)) as tf.SymbolicTensor;
  const skip = tf.model({ inputs: inp, outputs: out });
  assert.throws(() => modelParts(tf, skip, 'c2'), /skip connection|bypasses/);
  // The default layer is the last spatial one, the merge after the skip connection, which does separate the graph.
  assert.match(modelParts(tf, skip).layer, /^add/);
  model.dispose(); skip.dispose();
});

// ---------------------------------------------------------------------------------------------------
// 2. A model trained here on 32×32 images whose only "synthetic" cue is a patch in the top-left corner.
// ---------------------------------------------------------------------------------------------------

const S = 32, PATCH = 8, CORNER = 12; // patch at [0, 8)²; "in the corner" = within [0, 12)² (receptive field slack)

function makeImage(rand: () => number, synthetic: boolean): RgbaImage {
  // Smooth random background: a 4×4 colour grid, bilinearly interpolated, plus mild noise.
  const g = Array.from({ length: 5 * 5 * 3 }, () => 40 + rand() * 175);
  const data = new Uint8Array(S * S * 4);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const u = (x / S) * 4, v = (y / S) * 4, i = Math.floor(u), j = Math.floor(v), fu = u - i, fv = v - j;
    for (let c = 0; c < 3; c++) {
      const at = (ii: number, jj: number) => g[(jj * 5 + ii) * 3 + c]!;
      let val = (at(i, j) * (1 - fu) + at(i + 1, j) * fu) * (1 - fv) + (at(i, j + 1) * (1 - fu) + at(i + 1, j + 1) * fu) * fv;
      val += (rand() - 0.5) * 12;
      // The cue: a high-contrast 2-pixel checkerboard, values outside the background's range.
      if (synthetic && x < PATCH && y < PATCH) val = (((x >> 1) + (y >> 1)) % 2 === 0) === (c !== 1) ? 255 : 0;
      data[(y * S + x) * 4 + c] = Math.max(0, Math.min(255, Math.round(val)));
    }
    data[(y * S + x) * 4 + 3] = 255;
  }
  return { width: S, height: S, data };
}

function toInput(img: RgbaImage): Float32Array {
  const out = new Float32Array(S * S * 3);
  for (let p = 0; p < S * S; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * 4 + c]! / 127.5 - 1; // minus-one-one normalisation
  return out;
}

let trained: tf.LayersModel;
let synthImg: RgbaImage;
let realImg: RgbaImage;

async function trainCornerModel(): Promise<tf.LayersModel> {
  const rand = mulberry32(1234);
  const n = 64;
  const xs = new Float32Array(n * S * S * 3);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const syn = i % 2 === 0;
    xs.set(toInput(makeImage(rand, syn)), i * S * S * 3);
    ys[i] = syn ? 1 : 0;
  }
  // Kept small for the cpu backend on 2 shared cores: a stride-2 conv, the target conv, GAP, dense.
  const inp = tf.input({ shape: [S, S, 3] });
  let h = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(inp) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'feat', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: inp, outputs: out });
  model.compile({ optimizer: tf.train.adam(0.03), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor4d(xs, [n, S, S, 3]);
  const y = tf.tensor2d(ys, [n, 1]);
  const hist = await model.fit(x, y, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 });
  console.log("loss", hist.history.loss?.map((v) => Number(v).toFixed(3)).join(" "), "acc", hist.history.acc?.map((v) => Number(v).toFixed(2)).join(" "));
  tf.dispose([x, y]);
  return model;
}

before(async () => {
  const t0 = Date.now();
  trained = await trainCornerModel();
  const rand = mulberry32(99);
  synthImg = makeImage(rand, true);
  realImg = makeImage(rand, false);
  const p = tf.tidy(() => (trained.predict(tf.tensor4d(Float32Array.from([...toInput(synthImg), ...toInput(realImg)]), [2, S, S, 3])) as tf.Tensor).dataSync());
  console.log(`trained corner model in ${Date.now() - t0} ms; p(synthetic test) = ${p[0]!.toFixed(4)}, p(real test) = ${p[1]!.toFixed(4)}`);
});

function peakXY(r: ExplainResult): [number, number] {
  const [i] = argmax(r.map);
  const cx = ((i % r.mapWidth) + 0.5) * (S / r.mapWidth), cy = (Math.floor(i / r.mapWidth) + 0.5) * (S / r.mapHeight);
  return [cx, cy];
}

test('trained model: it learned the cue', () => {
  const p = tf.tidy(() => (trained.predict(tf.tensor4d(Float32Array.from([...toInput(synthImg), ...toInput(realImg)]), [2, S, S, 3])) as tf.Tensor).dataSync());
  assert.ok(p[0]! > 0.9, `synthetic scored ${p[0]}`);
  assert.ok(p[1]! < 0.1, `real scored ${p[1]}`);
});

test('trained model: every CAM peak and LIME\'s top region lie in the planted corner', async () => {
  const input = toInput(synthImg);
  for (const method of ['gradcam', 'layercam', 'ablationcam', 'scorecam'] as const) {
    const r = await explain(tf, trained, input, { method, targetLayer: 'feat', topK: 16 });
    assert.equal(r.target, 'synthetic');
    assert.equal(r.empty, false, method);
    const [x, y] = peakXY(r);
    console.log(`${method}: peak at (${x}, ${y}) of ${S}x${S}`);
    assert.ok(x < CORNER && y < CORNER, `${method}: peak at (${x}, ${y})`);
  }
  const r = await explain(tf, trained, input, { method: 'lime', targetLayer: 'feat', image: synthImg, samples: 300, segments: 40 });
  assert.equal(r.mapWidth, S);
  const top = argmax(r.weights!)[0];
  let inside = 0, total = 0;
  r.segments!.forEach((s, p) => { if (s === top) { total++; if (p % S < CORNER && Math.floor(p / S) < CORNER) inside++; } });
  console.log(`lime: top region ${top} has ${inside}/${total} pixels in the corner; R² ${r.r2?.toFixed(3)}`);
  assert.ok(total > 0 && inside / total >= 0.5, `LIME top region ${top}: ${inside}/${total} pixels in the corner`);
  // The map peaks in the same region.
  const [px, py] = peakXY(r);
  assert.ok(px < CORNER && py < CORNER, `LIME map peak at (${px}, ${py})`);
});

test('all five methods give finite maps for p > 0.999, p < 0.001 and a uniform grey image', async () => {
  const out = trained.getLayer('out');
  const [k, b] = out.getWeights();
  const bias = b!.dataSync()[0]!;
  const grey = new Float32Array(S * S * 3).fill(0); // mid-grey in minus-one-one units
  const cases: Array<[string, number, Float32Array, (p: number) => boolean]> = [
    ['p > 0.999', 40, toInput(synthImg), (p) => p > 0.999],
    ['p < 0.001', -40, toInput(realImg), (p) => p < 0.001],
    ['grey', 0, grey, () => true],
  ];
  try {
    for (const [name, shift, input, check] of cases) {
      const bT = tf.tensor1d([bias + shift]);
      out.setWeights([k!, bT]);
      bT.dispose();
      for (const method of EXPLAIN_METHODS) {
        const r = await explain(tf, trained, input, { method, targetLayer: 'feat', samples: 60, topK: 8 });
        assert.ok(check(r.probability), `${name}/${method}: probability ${r.probability}`);
        assert.ok(Number.isFinite(r.logit), `${name}/${method}: logit`);
        assert.equal(r.map.length, r.mapWidth * r.mapHeight);
        assert.ok(r.map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), `${name}/${method}: map not finite in [0,1]`);
        if (r.empty) assert.ok(r.map.every((v) => v === 0));
        else assert.ok(Math.abs(Math.max(...r.map) - 1) < 1e-6, `${name}/${method}: max ${Math.max(...r.map)}`);
        if (r.weights) assert.ok(r.weights.every(Number.isFinite));
      }
      if (name === 'p > 0.999') {
        // The saturated sigmoid does not kill the gradient: Grad-CAM uses the logit.
        const r = await explain(tf, trained, input, { method: 'gradcam', targetLayer: 'feat' });
        assert.equal(r.empty, false);
      }
    }
  } finally {
    const bT = tf.tensor1d([bias]);
    out.setWeights([k!, bT]);
    bT.dispose();
  }
});

test('no tensor leaks after 50 Grad-CAM and 10 LIME runs (3 cancelled, 1 failing callback)', async () => {
  const input = toInput(synthImg);
  // Warm up every code path once (lazy backend state, model split cache).
  for (const method of EXPLAIN_METHODS) await explain(tf, trained, input, { method, targetLayer: 'feat', samples: 20, topK: 4 });
  const start = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) await explain(tf, trained, input, { method: 'gradcam', targetLayer: 'feat', target: i % 2 ? 'real' : 'predicted' });
  let cancelled = 0, failed = 0;
  for (let i = 0; i < 10; i++) {
    const ctrl = new AbortController();
    const cancel = i === 2 || i === 5 || i === 8;
    const fail = i === 6;
    let calls = 0;
    try {
      await explain(tf, trained, input, {
        method: 'lime', targetLayer: 'feat', samples: 48, batch: 16, image: synthImg, signal: ctrl.signal,
        onProgress: (done, total) => {
          calls++;
          assert.ok(done <= total);
          if (cancel && calls === 1) ctrl.abort();
          if (fail && calls === 2) throw new Error('callback failure');
        },
      });
      assert.ok(!cancel && !fail, 'should have rejected');
    } catch (e) {
      if ((e as Error).name === 'AbortError') cancelled++;
      else if ((e as Error).message === 'callback failure') failed++;
      else throw e;
    }
  }
  assert.equal(cancelled, 3);
  assert.equal(failed, 1);
  // Cancelled before it starts, and cancelled perturbation CAMs.
  const ctrl = new AbortController(); ctrl.abort();
  await assert.rejects(explain(tf, trained, input, { method: 'lime', targetLayer: 'feat', signal: ctrl.signal }), { name: 'AbortError' });
  for (const method of ['ablationcam', 'scorecam'] as const) {
    const c = new AbortController();
    await assert.rejects(explain(tf, trained, input, { method, targetLayer: 'feat', topK: 8, batch: 2, signal: c.signal, onProgress: () => c.abort() }), { name: 'AbortError' });
  }
  await assert.rejects(explain(tf, trained, new Float32Array(5), { method: 'gradcam', targetLayer: 'feat' }), RangeError);
  assert.equal(tf.memory().numTensors, start);
});

test('LIME reports progress, yields between batches and is reproducible with a seed', async () => {
  const input = toInput(synthImg);
  const seen: number[] = [];
  let yields = 0;
  const opts = { method: 'lime' as const, targetLayer: 'feat', samples: 40, batch: 10, image: synthImg, seed: 7 };
  const a = await explain(tf, trained, input, { ...opts, onProgress: (d) => seen.push(d), yieldFn: async () => { yields++; } });
  assert.deepEqual(seen, [10, 20, 30, 40]);
  assert.equal(yields, 3);
  const b = await explain(tf, trained, input, opts);
  assert.deepEqual(a.weights, b.weights);
  assert.equal(a.segments!.length, S * S);
  assert.equal(new Set(a.segments).size, a.segmentCount);
});
