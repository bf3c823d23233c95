/**
 * A tiny deterministic detector in the shipped format (manifest.json per model-manifest.ts, tfjs
 * LayersModel model.json + one weight shard), for tests that must run before `models/default` exists
 * and for the WebGPU check (a full model takes minutes on the software adapter).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { sha256Hex } from '../../extension/shared/detector';
import { mulberry32 } from '../../extension/shared/rng';
import type { ModelManifest } from '../../extension/shared/model-manifest';

const rng = mulberry32;

/**
 * Writes the tiny model into `dir` (created): conv3×3/2 (8) → ReLU → conv3×3/2 (8) → ReLU → global
 * average pool → dense(1) logit; 64×64 input, shorter-side centre crop, [0, 1] inputs; weights drawn
 * from mulberry32(seed) so the file bytes (and sha256) are the same on every run.
 * @returns the manifest written to `dir/manifest.json`
 */
export async function writeTinyModel(tf: typeof tfjs, dir: string, seed = 7): Promise<ModelManifest> {
  mkdirSync(dir, { recursive: true });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [64, 64, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c1' }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c2' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 1, name: 'logit' }),
    ],
  });
  const r = rng(seed);
  const weights = model.getWeights().map((w) => {
    const n = w.size;
    const scale = w.shape.length === 4 ? 0.6 : w.shape.length === 2 ? 4 : 0.05;
    const vals = Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
    return tf.tensor(vals, w.shape);
  });
  model.setWeights(weights);
  weights.forEach((w) => w.dispose());
  // Centre the logits: a mid-grey image scores 0 (p = 0.5), so real images spread on both sides.
  const grey = tf.fill([1, 64, 64, 3], 0.45);
  const z0 = (model.predict(grey) as tfjs.Tensor).dataSync()[0]!;
  grey.dispose();
  const [kernel, bias] = model.getLayer('logit').getWeights();
  const centred = tf.scalar(-z0).add(bias!);
  model.getLayer('logit').setWeights([kernel!, centred as tfjs.Tensor]);
  centred.dispose();
  let topology: object | undefined, specs: tfjs.io.WeightsManifestEntry[] = [], data: ArrayBuffer | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    topology = a.modelTopology as object;
    specs = a.weightSpecs ?? [];
    data = a.weightData as ArrayBuffer;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  const modelJson = Buffer.from(JSON.stringify({ format: 'layers-model', generatedBy: 'synthscreen e2e tiny model', convertedBy: null, modelTopology: topology, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] }));
  const weightBytes = Buffer.from(data!);
  writeFileSync(join(dir, 'model.json'), modelJson);
  writeFileSync(join(dir, 'weights.bin'), weightBytes);
  const manifest: ModelManifest = {
    schemaVersion: 1,
    name: 'e2e-tiny',
    version: '0.0.1',
    arch: 'tiny-cnn',
    modelJson: 'model.json',
    output: 'logit',
    preprocess: { inputSize: 64, geometry: 'shorter-side-center-crop', normalization: 'zero-one' },
    calibration: { type: 'none' },
    threshold: 0.5,
    unsureBand: 0.1,
    files: [
      { path: 'model.json', sha256: await sha256Hex(modelJson), bytes: modelJson.byteLength },
      { path: 'weights.bin', sha256: await sha256Hex(weightBytes), bytes: weightBytes.byteLength },
    ],
    createdAt: '2026-01-01T00:00:00Z',
    provenance: { purpose: 'tests only; random weights, no detection ability' },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * Writes a tiny fully convolutional *patch* model with a `tiling` block into `dir` (created), to check
 * whole-image scoring on backends where the shipped model is too slow (the WebGPU fallback adapter):
 * conv3×3/2 (8) → ReLU → conv3×3/2 (8) → ReLU → conv1×1 `patch_logits` (the logit map, stride 4) → global
 * mean; 32 px tiles edge to edge, 4 sampled on wasm/cpu, mean aggregation. Weights from mulberry32(seed).
 * @returns the manifest written to `dir/manifest.json`
 */
export async function writeTinyPatchModel(tf: typeof tfjs, dir: string, seed = 11): Promise<ModelManifest> {
  mkdirSync(dir, { recursive: true });
  const input = tf.input({ shape: [null, null, 3] as unknown as number[], name: 'image' });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c1' }).apply(input) as tfjs.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'c2' }).apply(x) as tfjs.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'patch_logits' }).apply(x) as tfjs.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({ name: 'image_logit' }).apply(x) as tfjs.SymbolicTensor });
  const r = rng(seed);
  const weights = model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => (r() * 2 - 1) * (w.shape.length === 4 ? 0.6 : 0.05)), w.shape));
  model.setWeights(weights);
  weights.forEach((w) => w.dispose());
  let topology: object | undefined, specs: tfjs.io.WeightsManifestEntry[] = [], data: ArrayBuffer | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    topology = a.modelTopology as object;
    specs = a.weightSpecs ?? [];
    data = a.weightData as ArrayBuffer;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  const modelJson = Buffer.from(JSON.stringify({ format: 'layers-model', generatedBy: 'synthscreen e2e tiny patch model', convertedBy: null, modelTopology: topology, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] }));
  const weightBytes = Buffer.from(data!);
  writeFileSync(join(dir, 'model.json'), modelJson);
  writeFileSync(join(dir, 'weights.bin'), weightBytes);
  const manifest: ModelManifest = {
    schemaVersion: 1, name: 'e2e-tiny-patch', version: '0.0.1', arch: 'tiny-patch-cnn', modelJson: 'model.json', output: 'logit',
    preprocess: { inputSize: 32, geometry: 'center-crop', normalization: 'zero-one' },
    tiling: { tileSize: 32, stride: 32, mapStride: 4, logitMapLayer: 'patch_logits', minTiles: 4, maxTiles: 4096, maxPassPixels: 1 << 20, aggregation: { type: 'mean' }, maxEvidenceCells: 1024 },
    calibration: { type: 'none' }, threshold: 0.5, unsureBand: 0.1,
    files: [
      { path: 'model.json', sha256: await sha256Hex(modelJson), bytes: modelJson.byteLength },
      { path: 'weights.bin', sha256: await sha256Hex(weightBytes), bytes: weightBytes.byteLength },
    ],
    createdAt: '2026-01-01T00:00:00Z',
    provenance: { purpose: 'tests only; random weights, no detection ability' },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * A model folder as the `testModelOverride` value the background accepts from `storage.local`.
 * @returns `{ manifest, files: { path: base64 } }` for every file listed in the manifest
 */
export function modelOverride(dir: string): { manifest: unknown; files: Record<string, string> } {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
  const files: Record<string, string> = {};
  for (const f of manifest.files) files[f.path] = readFileSync(join(dir, f.path)).toString('base64');
  return { manifest, files };
}

/** True when `dir` holds a model manifest. */
export function hasModel(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json')) && readdirSync(dir).length > 1;
}
