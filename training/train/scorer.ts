/**
 * Scoring decoded images with a trained patch model exactly as the extension does: the shared scoring
 * core `createScorer` of `extension/shared/detector.ts`, i.e. the manifest's tiles (`tiling`, see
 * `extension/shared/tiling.ts`: a spread-out sample of ≥ `minTiles` 128 px tiles on wasm/cpu, every tile
 * in mode `all`), tile logits aggregated as the manifest says, then the calibration; models without a
 * tiling use the legacy test-time crops (centre + corners). LOSO (`loso-trainer.ts`) and `npm run train`'s
 * random-split test go through here, so their numbers are the product's.
 */
import * as tf from '@tensorflow/tfjs';
import { createScorer } from '../../extension/shared/detector';
import type { Calibration } from '../../extension/shared/model-manifest';
import type { PreprocessSpec, RgbaImage } from '../../extension/shared/preprocess';
import type { TileMode, TilingSpec } from '../../extension/shared/tiling';
import type { ImageScoreFn } from '../eval/evaluate';

/**
 * @param model maps `[N, H, W, 3]` to logits `[N, 1]` (H = W = `spec.inputSize` for crops, `tiling.tileSize`
 *   for tiles)
 * @param crops test-time crops per image (manifest `crops`; ignored with a `tiling`)
 * @param tiling the manifest's `tiling` block (a complete spec, e.g. the registry's), or undefined
 * @param mode tile mode (default `sample`, the wasm/cpu product path; `all` is the WebGPU path)
 * @returns an `ImageScoreFn`: per image `{ logit (aggregated), probability (calibrated), evidence }`
 */
export function patchModelScoreFn(model: tf.LayersModel, spec: PreprocessSpec, crops: number, calibration: Calibration, tiling?: TilingSpec, mode: TileMode = 'sample'): ImageScoreFn {
  const core = createScorer(tf, model, { preprocess: spec, crops, tiling, calibration, output: 'logit' });
  return async (images: RgbaImage[]) => core.score(images.map((image) => ({ image })), { mode });
}
