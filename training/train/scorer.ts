/**
 * Scoring decoded images with a trained patch model exactly as the extension does: the shared
 * `inputsForImage` (centre crop at native resolution plus up to `crops − 1` corner crops, from
 * `extension/shared/detector.ts`), logits averaged per image, then the calibration.
 */
import * as tf from '@tensorflow/tfjs';
import { inputsForImage } from '../../extension/shared/detector';
import { calibrate, type Calibration, type ModelManifest } from '../../extension/shared/model-manifest';
import type { PreprocessSpec, RgbaImage } from '../../extension/shared/preprocess';
import type { ImageScoreFn } from '../eval/evaluate';

/**
 * @param model maps `[N, s, s, 3]` (s = `spec.inputSize`) to logits `[N, 1]`
 * @param crops test-time crops per image (manifest `crops`)
 * @returns an `ImageScoreFn`: per image `{ logit (mean over crops), probability (calibrated) }`
 */
export function patchModelScoreFn(model: tf.LayersModel, spec: PreprocessSpec, crops: number, calibration: Calibration): ImageScoreFn {
  const m = { preprocess: spec, crops } as unknown as ModelManifest;
  const s = spec.inputSize;
  return async (images: RgbaImage[]) => {
    const per = images.map((image) => inputsForImage(image, m));
    const flat = per.flat();
    const z = new Float32Array(flat.length);
    for (let b = 0; b < flat.length; b += 16) {
      const part = flat.slice(b, b + 16);
      const buf = new Float32Array(part.length * s * s * 3);
      part.forEach((x, i) => buf.set(x, i * s * s * 3));
      const out = tf.tidy(() => (model.predict(tf.tensor4d(buf, [part.length, s, s, 3])) as tf.Tensor).dataSync());
      z.set(out, b);
    }
    let k = 0;
    return per.map((g) => {
      let sum = 0;
      for (let i = 0; i < g.length; i++) sum += z[k++]!;
      const logit = sum / g.length;
      return { logit, probability: calibrate(logit, calibration) };
    });
  };
}
