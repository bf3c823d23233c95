/**
 * `npr-patch-cnn`: a small, fully convolutional local-artifact detector trained from scratch.
 *
 * Input: float32 `[N, H, W, 3]`, RGB in [0, 1] (`normalization: 'zero-one'`), H and W even (any size ≥ 16;
 * trained on 64×64 patches, run on `center-crop` inputs of the manifest's `inputSize`).
 *
 * 1. NPR residual (Tan et al., "Rethinking the Up-Sampling Operations in CNN-based Generative Network
 *    for Generalizable Deepfake Detection", CVPR 2024): r = x − up(down(x)) with nearest 2× down/up.
 *    Inside each 2×2 block r is x minus the block's top-left pixel, so r is computed exactly by one fixed
 *    (non-trainable) 2×2 stride-2 convolution with 9 outputs (3 colours × the 3 non-trivial block
 *    positions; the fourth is identically 0). The result is the space-to-depth form of r at half
 *    resolution, scaled by `NPR_GAIN`. Standard layer, so the model loads with plain `tf.loadLayersModel`.
 * 2. A small CNN with a limited receptive field (≈ 30 px of the input), conv-BN-ReLU, one stride-2
 *    stage, then a 1×1 conv giving one logit per location (a patch-logit map, as in LaDeDa: Cavia et al.,
 *    "Real-Time Deepfake Detection in the Real-World", 2024).
 * 3. Global average pooling of the logit map → ONE logit per image (output `[N, 1]`, pre-sigmoid).
 */
import * as tf from '@tensorflow/tfjs';

/** Fixed gain on the NPR residual so its scale (≈ 0.01–0.1 for [0, 1] inputs) suits the first conv. */
export const NPR_GAIN = 8;

export interface NprPatchOptions {
  /** Channels of the two half-resolution convs and the two quarter-resolution convs. Default [24, 32, 48, 48]. */
  widths?: [number, number, number, number];
  /**
   * Kernel sizes of the four convs. Default [3, 3, 3, 3] (receptive field ≈ 30 px of the input);
   * [3, 3, 1, 1] gives ≈ 10 px, close to LaDeDa's 9 × 9 patches (Cavia et al. 2024): too small to see
   * content, so only local pixel statistics can carry the label.
   */
  kernels?: [number, number, number, number];
  /** Fixed input side (e.g. 64) or null for any size. Default null. */
  inputSize?: number | null;
  /** Seed for the kernel initialisers. */
  seed?: number;
}

/**
 * The fixed NPR kernel `[2, 2, 3, 9]`: output 3·p + c = (x[dy,dx,c] − x[0,0,c])·NPR_GAIN for block
 * positions p = 0: (0,1), 1: (1,0), 2: (1,1).
 */
export function nprKernel(): tf.Tensor4D {
  const w = new Float32Array(2 * 2 * 3 * 9);
  const idx = (dy: number, dx: number, c: number, o: number) => ((dy * 2 + dx) * 3 + c) * 9 + o;
  const pos: Array<[number, number]> = [[0, 1], [1, 0], [1, 1]];
  pos.forEach(([dy, dx], p) => {
    for (let c = 0; c < 3; c++) {
      w[idx(dy, dx, c, 3 * p + c)] = NPR_GAIN;
      w[idx(0, 0, c, 3 * p + c)] = -NPR_GAIN;
    }
  });
  return tf.tensor4d(w, [2, 2, 3, 9]);
}

/**
 * Builds the model (not compiled).
 * @returns a `tf.LayersModel` mapping `[N, H, W, 3]` in [0, 1] to logits `[N, 1]`.
 */
export function buildNprPatch(opts: NprPatchOptions = {}): tf.LayersModel {
  const [w1, w2, w3, w4] = opts.widths ?? [24, 32, 48, 48];
  const [k1, k2, k3, k4] = opts.kernels ?? [3, 3, 3, 3];
  const s = opts.inputSize ?? null;
  let seed = opts.seed ?? 1;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const input = tf.input({ shape: [s, s, 3], name: 'image' });
  const npr = tf.layers.conv2d({ filters: 9, kernelSize: 2, strides: 2, useBias: false, trainable: false, name: 'npr_residual' });
  let x = npr.apply(input) as tf.SymbolicTensor;
  const block = (h: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string) => {
    let y = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: init(), name: `${name}_conv` }).apply(h) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({ momentum: 0.9, name: `${name}_bn` }).apply(y) as tf.SymbolicTensor;
    return tf.layers.reLU({ name: `${name}_relu` }).apply(y) as tf.SymbolicTensor;
  };
  x = block(x, w1, k1, 1, 'b1');
  x = block(x, w2, k2, 2, 'b2');
  x = block(x, w3, k3, 1, 'b3');
  x = block(x, w4, k4, 1, 'b4');
  const logitMap = tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'patch_logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.globalAveragePooling2d({ name: 'image_logit' }).apply(logitMap) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'npr_patch_cnn' });
  const k = nprKernel();
  npr.setWeights([k]);
  k.dispose();
  return model;
}

/**
 * The patch-logit map of a built `npr-patch-cnn` (for heatmaps): a model sharing its layers whose
 * output is `[N, H/4, W/4, 1]`.
 */
export function patchLogitModel(model: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer('patch_logits').output as tf.SymbolicTensor });
}
