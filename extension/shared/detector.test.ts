import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelIntegrityError, loadDetector, sha256Hex } from './detector';
import type { ModelManifest } from './model-manifest';
import { syntheticImage } from './bench-image';
import { DEFAULT_TILING } from './tiling';

/** A 4x4 model whose logit is the sum of the inputs times 0.1 (Dense with fixed weights). */
async function tinyModelFiles(): Promise<Map<string, Uint8Array>> {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [4, 4, 3] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.constant({ value: 0.1 }), biasInitializer: 'zeros' });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  const files = new Map<string, Uint8Array>();
  await model.save(tf.io.withSaveHandler(async (art) => {
    const topo = { modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] };
    files.set('model.json', new TextEncoder().encode(JSON.stringify(topo)));
    files.set('weights.bin', new Uint8Array(art.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  return files;
}

async function manifestFor(files: Map<string, Uint8Array>): Promise<ModelManifest> {
  return {
    schemaVersion: 1, name: 'tiny', version: '0.0.1', arch: 'test-dense', modelJson: 'model.json', output: 'logit',
    preprocess: { inputSize: 4, geometry: 'resize', normalization: 'zero-one' },
    calibration: { type: 'platt', a: 1, b: 0 }, threshold: 0.5, unsureBand: 0.1, createdAt: '2026-11-29T00:00:00Z',
    files: await Promise.all([...files].map(async ([path, b]) => ({ path, sha256: await sha256Hex(b), bytes: b.byteLength }))),
  };
}

test('sha256Hex matches the known digest of "abc"', async () => {
  assert.equal(await sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('loadDetector verifies files and scores a white image to a known logit', async () => {
  const files = await tinyModelFiles();
  const det = await loadDetector(tf, await manifestFor(files), async (p) => files.get(p)!);
  const white = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).fill(255) };
  const [r] = await det.score([{ image: white }]);
  // 48 inputs of 1.0 times 0.1 = 4.8
  assert.ok(Math.abs(r!.logit - 4.8) < 1e-4, `logit ${r!.logit}`);
  assert.ok(Math.abs(r!.probability - 1 / (1 + Math.exp(-4.8))) < 1e-6);
  det.dispose();
});

test('loadDetector refuses a weight file whose sha256 differs', async () => {
  const files = await tinyModelFiles();
  const manifest = await manifestFor(files);
  const w = files.get('weights.bin')!.slice();
  w[0] = w[0]! ^ 1;
  files.set('weights.bin', w);
  await assert.rejects(loadDetector(tf, manifest, async (p) => files.get(p)!), ModelIntegrityError);
});

// ---- whole-image scoring (tiles) ---------------------------------------------------------------------

/**
 * A fully convolutional patch model with known weights: one 4×4 stride-4 conv `patch_logits` whose kernel
 * is `gain/48 · (−1)^(dx+dy)` (a checkerboard detector: 0 on flat or smooth 4×4 cells, `gain·A/255` on a
 * ±A checkerboard in [0, 1] units), then the global mean, as the npr-patch CNN ends.
 */
async function checkerModelFiles(gain: number): Promise<Map<string, Uint8Array>> {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [null, null, 3] as unknown as number[] });
  const conv = tf.layers.conv2d({ filters: 1, kernelSize: 4, strides: 4, padding: 'valid', name: 'patch_logits' });
  const map = conv.apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({ name: 'image_logit' }).apply(map) as tf.SymbolicTensor });
  const k = new Float32Array(4 * 4 * 3);
  for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) for (let c = 0; c < 3; c++) k[(dy * 4 + dx) * 3 + c] = ((dx + dy) % 2 ? -1 : 1) * gain / 48;
  conv.setWeights([tf.tensor4d(k, [4, 4, 3, 1]), tf.zeros([1])]);
  const files = new Map<string, Uint8Array>();
  await model.save(tf.io.withSaveHandler(async (art) => {
    files.set('model.json', new TextEncoder().encode(JSON.stringify({ modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] })));
    files.set('weights.bin', new Uint8Array(art.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  return files;
}

/** Flat grey `w × h` with a ±`amp` checkerboard planted in the square `[x, x+side) × [y, y+side)`. */
function greyWithChecker(w: number, h: number, x: number, y: number, side: number, amp: number) {
  const data = new Uint8Array(w * h * 4).fill(128);
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) {
    const p = (j * w + i) * 4;
    data[p + 3] = 255;
    if (i >= x && i < x + side && j >= y && j < y + side) for (let c = 0; c < 3; c++) data[p + c] = 128 + ((i + j) % 2 ? -amp : amp);
  }
  return { width: w, height: h, data };
}

test('a checkerboard planted in the corner tile moves the score by the known amount, in both tile modes', async () => {
  const files = await checkerModelFiles(2.55);
  const manifest = {
    ...(await manifestFor(files)), arch: 'test-checker',
    preprocess: { inputSize: 16, geometry: 'center-crop' as const, normalization: 'zero-one' as const },
    calibration: { type: 'none' as const },
    tiling: { tileSize: 16, stride: 16, mapStride: 4, logitMapLayer: 'patch_logits', minTiles: 4, maxTiles: 4096, maxPassPixels: 16 * 16 * 6, aggregation: { type: 'mean' }, maxEvidenceCells: 1024 },
  };
  const det = await loadDetector(tf, manifest, async (p) => files.get(p)!);
  const tensorsBefore = tf.memory().numTensors;
  // 80 × 64: a 5 × 4 grid of 16 px tiles; the sample (minTiles 4) is the four corners.
  const clean = greyWithChecker(80, 64, 0, 0, 0, 0);
  const planted = greyWithChecker(80, 64, 0, 0, 16, 20);
  const [c0] = await det.score([{ image: clean }], { mode: 'sample' });
  assert.ok(Math.abs(c0!.logit) < 1e-6, `clean ${c0!.logit}`);
  // Per cell Σ(−1)^(dx+dy)·(128 ± 20)/255 over 4×4×3 = 48·20/255, × 2.55/48 = 0.2: the tile's logit.
  const [s] = await det.score([{ image: planted }], { mode: 'sample' });
  assert.deepEqual(s!.evidence.logits.filter((v) => v !== null).map((v) => v! + 0), [0.2, 0, 0, 0]);
  assert.ok(Math.abs(s!.logit - 0.05) < 1e-6, `sample logit ${s!.logit}`); // mean of 4 tiles
  assert.ok(Math.abs(s!.probability - 1 / (1 + Math.exp(-0.05))) < 1e-6);
  // Mode all: one pass per ≤ 6 tiles (4 passes), 20 tiles, mean 0.2 / 20.
  const [a] = await det.score([{ image: planted }], { mode: 'all' });
  assert.equal(a!.evidence.scored, 20);
  assert.ok(Math.abs(a!.logit - 0.01) < 1e-6, `all logit ${a!.logit}`);
  assert.ok(Math.abs(a!.evidence.logits[0]! - 0.2) < 1e-4 && a!.evidence.logits.slice(1).every((v) => v === 0), JSON.stringify(a!.evidence.logits));
  // The same artefact in the opposite phase pushes the other way.
  const inverted = greyWithChecker(80, 64, 0, 0, 16, -20);
  const [n] = await det.score([{ image: inverted }], { mode: 'sample' });
  assert.ok(Math.abs(n!.logit + 0.05) < 1e-6, `inverted ${n!.logit}`);
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaks in either mode');
  // Without a logit-map layer, mode all scores the 20 tiles one by one (batched): the same numbers.
  const noMap = await loadDetector(tf, { ...manifest, tiling: { ...manifest.tiling, logitMapLayer: null } }, async (p) => files.get(p)!);
  const [m] = await noMap.score([{ image: planted }], { mode: 'all' });
  assert.equal(m!.evidence.scored, 20);
  assert.ok(Math.abs(m!.logit - 0.01) < 1e-6, `no-map all ${m!.logit}`);
  noMap.dispose();
  // Trimmed mean (25 % of 4 tiles = one at each end): one odd tile no longer moves the image logit.
  const trimmed = await loadDetector(tf, { ...manifest, tiling: { ...manifest.tiling, aggregation: { type: 'trimmed-mean', trim: 0.25 } } }, async (p) => files.get(p)!);
  const [t] = await trimmed.score([{ image: planted }], { mode: 'sample' });
  assert.ok(Math.abs(t!.logit) < 1e-6, `trimmed ${t!.logit}`);
  // A crop box shifts the evidence into source pixels: the planted tile is at (16, 8) of the source.
  const shifted = greyWithChecker(100, 80, 16, 8, 16, 20);
  const [b] = await det.score([{ image: shifted, crop: { x: 16, y: 8, width: 80, height: 64 } }], { mode: 'sample' });
  assert.deepEqual([b!.evidence.x0, b!.evidence.y0, b!.evidence.imageWidth, b!.evidence.imageHeight], [16, 8, 100, 80]);
  assert.ok(Math.abs(b!.logit - 0.05) < 1e-6);
  det.dispose();
  trimmed.dispose();
});

test('images smaller than a tile are read as one upscaled centre square; non-tiled models keep one cell', async () => {
  const files = await checkerModelFiles(2.55);
  const manifest = {
    ...(await manifestFor(files)),
    preprocess: { inputSize: 16, geometry: 'center-crop' as const, normalization: 'zero-one' as const },
    tiling: { tileSize: 16, stride: 16, mapStride: 4, logitMapLayer: 'patch_logits', minTiles: 4, aggregation: { type: 'mean' } },
  };
  const det = await loadDetector(tf, manifest, async (p) => files.get(p)!);
  const [r] = await det.score([{ image: greyWithChecker(12, 30, 0, 0, 0, 0) }]);
  assert.equal(r!.evidence.kind, 'single');
  assert.deepEqual([r!.evidence.x0, r!.evidence.y0, r!.evidence.tileWidth, r!.evidence.tileHeight], [0, 9, 12, 12]);
  det.dispose();
  const dense = await tinyModelFiles();
  const d = await loadDetector(tf, await manifestFor(dense), async (p) => dense.get(p)!);
  const [w] = await d.score([{ image: { width: 8, height: 6, data: new Uint8Array(8 * 6 * 4).fill(255) } }]);
  assert.deepEqual([w!.evidence.kind, w!.evidence.tileWidth, w!.evidence.tileHeight, w!.evidence.logits.length], ['single', 8, 6, 1]);
  assert.ok(Math.abs(w!.evidence.logits[0]! - 4.8) < 1e-4);
  d.dispose();
});

test('shipped model: a nearest-neighbour 2× upsampled corner tile (the NPR trace) moves the score towards synthetic', async () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'default');
  if (!existsSync(join(dir, 'manifest.json'))) return;
  await tf.setBackend('cpu');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const det = await loadDetector(tf, { ...manifest, tiling: manifest.tiling ?? DEFAULT_TILING }, async (p) => new Uint8Array(readFileSync(join(dir, p))));
  const base = syntheticImage(512, 384, 3); // 4 × 3 tiles of 128 px: all 12 scored
  const planted = { ...base, data: base.data.slice() };
  for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) {
    const p = (y * 512 + x) * 4, q = ((y & ~1) * 512 + (x & ~1)) * 4;
    for (let c = 0; c < 3; c++) planted.data[p + c] = base.data[q + c]!;
  }
  const [before, after] = await det.score([{ image: base }, { image: planted }], { mode: 'sample' });
  assert.equal(before!.evidence.scored, 12);
  // Values measured with tfjs 4.22 (cpu); the corner tile flips from real-leaning to synthetic-leaning.
  assert.ok(Math.abs(before!.evidence.logits[0]! - -1.2135) < 2e-3, `tile before ${before!.evidence.logits[0]}`);
  assert.ok(Math.abs(after!.evidence.logits[0]! - 0.8678) < 2e-3, `tile after ${after!.evidence.logits[0]}`);
  assert.deepEqual(after!.evidence.logits.slice(1), before!.evidence.logits.slice(1)); // other tiles untouched
  // Trimmed mean (10 % of 12 → one tile cut at each end): the image logit rises by a bounded amount.
  assert.ok(Math.abs(before!.logit - -0.7584) < 2e-3, `image before ${before!.logit}`);
  assert.ok(Math.abs(after!.logit - -0.6580) < 2e-3, `image after ${after!.logit}`);
  assert.ok(after!.probability > before!.probability);
  // A ±12-level checkerboard drags the corner tile to about −8.8; the trimmed mean cuts it (it replaces the tile
  // that was lowest, which was cut before), so the image logit does not move at all.
  const checker = { ...base, data: base.data.slice() };
  for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) {
    const p = (y * 512 + x) * 4;
    for (let c = 0; c < 3; c++) checker.data[p + c] = Math.max(0, Math.min(255, base.data[p + c]! + ((x + y) % 2 ? 12 : -12)));
  }
  const [ch] = await det.score([{ image: checker }], { mode: 'sample' });
  assert.ok(Math.abs(ch!.evidence.logits[0]! - -8.7776) < 2e-3, `checker tile ${ch!.evidence.logits[0]}`);
  assert.ok(Math.abs(ch!.logit - before!.logit) < 1e-9, `checker image ${ch!.logit} vs ${before!.logit}`);
  // Mode all (the WebGPU path, one pass): the same 12 tiles; a tile's logit differs from the isolated tile's
  // only through its border (neighbouring pixels instead of zero padding): here by at most 0.0993.
  const start = tf.memory().numTensors;
  const [all] = await det.score([{ image: base }], { mode: 'all' });
  assert.equal(tf.memory().numTensors, start);
  assert.equal(all!.evidence.mode, 'all');
  const diffs = all!.evidence.logits.map((v, i) => Math.abs(v! - before!.evidence.logits[i]!));
  assert.ok(Math.abs(Math.max(...diffs) - 0.0993) < 2e-3, `max tile difference ${Math.max(...diffs)}`);
  assert.ok(Math.abs(all!.logit - -0.8121) < 2e-3, `all ${all!.logit}`);
  det.dispose();
});
