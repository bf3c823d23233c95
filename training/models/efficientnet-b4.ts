/**
 * EfficientNet-B4 (Tan & Le, "EfficientNet: Rethinking Model Scaling for CNNs", ICML 2019) built with
 * `tf.layers`, with the layer names of Keras' `keras.applications.EfficientNetB4` so that Keras'
 * ImageNet `efficientnetb4_notop.h5` loads by name (`h5-weights.ts`), plus the seed paper's head.
 *
 * Input: float32 `[N, S, S, 3]`, RGB in [0, 255] (`normalization: 'raw'`), S = 256 by default. As in
 * Keras, the model normalises itself: `rescaling` (×1/255) → `normalization` ((x − mean)/√var, per
 * channel; mean/variance come from the h5 file) → `rescaling_1` (×1/√std, Keras' fix for
 * tensorflow#49930, only with ImageNet weights). tfjs has no `Normalization` layer, so the two
 * per-channel steps are fixed (non-trainable) 1×1 depthwise convolutions with bias; their names match
 * Keras' and the loader converts Keras' `mean/variance/count` into the kernel and bias.
 *
 * Backbone: Keras' `DEFAULT_BLOCKS_ARGS` scaled by width 1.4 / depth 1.8 (B4), swish, squeeze-excite
 * 0.25, drop-connect 0.2 (linearly increasing per block, `noise_shape (None,1,1,1)`), `top_conv` 1792.
 * Head (seed paper): GAP → Dense(256, ReLU) → BatchNormalization → Dropout(0.5) → Dense(1, sigmoid).
 * Output `[N, 1]`: probability of "synthetic".
 */
import * as tf from '@tensorflow/tfjs';

export interface EfficientNetOptions {
  /** Input side (default 256). */
  inputSize?: number;
  /** Width multiplier (default 1.4 = B4). Smaller values give test-sized nets with the same names. */
  width?: number;
  /** Depth multiplier (default 1.8 = B4). */
  depth?: number;
  /** Drop-connect rate (default 0.2). */
  dropConnect?: number;
  /** Append the seed paper's head (default true); false returns the `top_activation` feature map. */
  head?: boolean;
  /** Insert Keras' extra per-channel `rescaling_1` (×1/√std, ImageNet weights only; default true). */
  imagenetRescale?: boolean;
  seed?: number;
}

/** Keras' `DEFAULT_BLOCKS_ARGS`: kernel, repeats, filters in/out, expand ratio, stride, SE ratio. */
export const BLOCKS_ARGS = [
  { k: 3, r: 1, fi: 32, fo: 16, e: 1, s: 1, se: 0.25 },
  { k: 3, r: 2, fi: 16, fo: 24, e: 6, s: 2, se: 0.25 },
  { k: 5, r: 2, fi: 24, fo: 40, e: 6, s: 2, se: 0.25 },
  { k: 3, r: 3, fi: 40, fo: 80, e: 6, s: 2, se: 0.25 },
  { k: 5, r: 3, fi: 80, fo: 112, e: 6, s: 1, se: 0.25 },
  { k: 5, r: 4, fi: 112, fo: 192, e: 6, s: 2, se: 0.25 },
  { k: 3, r: 1, fi: 192, fo: 320, e: 6, s: 1, se: 0.25 },
] as const;

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Keras' `round_filters`: filters × width rounded to a multiple of 8, never below 90 % of it. */
export function roundFilters(filters: number, width: number, divisor = 8): number {
  const f = filters * width;
  let n = Math.max(divisor, Math.floor((f + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * f) n += divisor;
  return n;
}

/** Keras' `round_repeats`: ⌈depth × repeats⌉. */
export function roundRepeats(repeats: number, depth: number): number {
  return Math.ceil(depth * repeats);
}

/** Keras' `correct_pad` for a stride-2 conv on an input of side `size` (square): [[top, bottom], [left, right]]. */
function correctPad(size: number | null, kernel: number): [[number, number], [number, number]] {
  const adjust = size === null ? 1 : 1 - (size % 2);
  const c = Math.floor(kernel / 2);
  return [[c - adjust, c], [c - adjust, c]];
}

/**
 * Builds the network (uncompiled). Layer names follow Keras (`stem_conv`, `block1a_dwconv`,
 * `block2b_se_reduce`, …, `top_conv`, `top_bn`); head layers are `head_gap`, `head_dense`, `head_bn`,
 * `head_dropout`, `head_out`.
 * @returns LayersModel `[N, S, S, 3]` (0..255) → `[N, 1]` probability (or the feature map without head)
 */
export function buildEfficientNetB4(opts: EfficientNetOptions = {}): tf.LayersModel {
  const S = opts.inputSize ?? 256;
  const width = opts.width ?? 1.4, depth = opts.depth ?? 1.8;
  const dropConnect = opts.dropConnect ?? 0.2;
  let seed = opts.seed ?? 1;
  const kinit = () => tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'truncatedNormal', seed: seed++ });
  const L = <T extends tf.SymbolicTensor | tf.SymbolicTensor[]>(layer: tf.layers.Layer, x: T) => layer.apply(x) as tf.SymbolicTensor;
  const bn = (name: string) => tf.layers.batchNormalization({ axis: -1, momentum: 0.99, epsilon: 1e-3, name });
  const act = (name: string) => tf.layers.activation({ activation: 'swish', name });

  const input = tf.input({ shape: [S, S, 3], name: 'input_1' });
  let x = L(tf.layers.rescaling({ scale: 1 / 255, name: 'rescaling' }), input);
  const norm = tf.layers.depthwiseConv2d({ kernelSize: 1, useBias: true, trainable: false, name: 'normalization' });
  x = L(norm, x);
  let rescale1: tf.layers.Layer | undefined;
  if (opts.imagenetRescale ?? true) {
    rescale1 = tf.layers.depthwiseConv2d({ kernelSize: 1, useBias: false, trainable: false, name: 'rescaling_1' });
    x = L(rescale1, x);
  }
  x = L(tf.layers.zeroPadding2d({ padding: correctPad(S, 3), name: 'stem_conv_pad' }), x);
  x = L(tf.layers.conv2d({ filters: roundFilters(32, width), kernelSize: 3, strides: 2, padding: 'valid', useBias: false, kernelInitializer: kinit(), name: 'stem_conv' }), x);
  x = L(bn('stem_bn'), x);
  x = L(act('stem_activation'), x);

  const total = BLOCKS_ARGS.reduce((a, b) => a + roundRepeats(b.r, depth), 0);
  let b = 0;
  let side: number | null = Math.floor(S / 2);
  BLOCKS_ARGS.forEach((args, i) => {
    const reps = roundRepeats(args.r, depth);
    for (let j = 0; j < reps; j++) {
      const fi = roundFilters(j === 0 ? args.fi : args.fo, width);
      const fo = roundFilters(args.fo, width);
      const stride = j === 0 ? args.s : 1;
      const name = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      const drop = (dropConnect * b) / total;
      const inputs = x;
      const filters = fi * args.e;
      let h = x;
      if (args.e !== 1) {
        h = L(tf.layers.conv2d({ filters, kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: kinit(), name: name + 'expand_conv' }), h);
        h = L(bn(name + 'expand_bn'), h);
        h = L(act(name + 'expand_activation'), h);
      }
      let pad: 'same' | 'valid' = 'same';
      if (stride === 2) {
        h = L(tf.layers.zeroPadding2d({ padding: correctPad(side, args.k), name: name + 'dwconv_pad' }), h);
        pad = 'valid';
      }
      h = L(tf.layers.depthwiseConv2d({ kernelSize: args.k, strides: stride, padding: pad, useBias: false, depthwiseInitializer: kinit(), name: name + 'dwconv' }), h);
      if (stride === 2 && side !== null) side = Math.floor((side + (correctPad(side, args.k)[0][0] + correctPad(side, args.k)[0][1]) - args.k) / 2) + 1;
      h = L(bn(name + 'bn'), h);
      h = L(act(name + 'activation'), h);
      const fse = Math.max(1, Math.floor(fi * args.se));
      let se = L(tf.layers.globalAveragePooling2d({ name: name + 'se_squeeze' }), h);
      se = L(tf.layers.reshape({ targetShape: [1, 1, filters], name: name + 'se_reshape' }), se);
      se = L(tf.layers.conv2d({ filters: fse, kernelSize: 1, padding: 'same', activation: 'swish', kernelInitializer: kinit(), name: name + 'se_reduce' }), se);
      se = L(tf.layers.conv2d({ filters, kernelSize: 1, padding: 'same', activation: 'sigmoid', kernelInitializer: kinit(), name: name + 'se_expand' }), se);
      h = L(tf.layers.multiply({ name: name + 'se_excite' }), [h, se]);
      h = L(tf.layers.conv2d({ filters: fo, kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: kinit(), name: name + 'project_conv' }), h);
      h = L(bn(name + 'project_bn'), h);
      if (stride === 1 && fi === fo) {
        if (drop > 0) h = L(tf.layers.dropout({ rate: drop, noiseShape: [null, 1, 1, 1] as unknown as number[], name: name + 'drop' }), h);
        h = L(tf.layers.add({ name: name + 'add' }), [h, inputs]);
      }
      x = h;
      b++;
    }
  });
  x = L(tf.layers.conv2d({ filters: roundFilters(1280, width), kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: kinit(), name: 'top_conv' }), x);
  x = L(bn('top_bn'), x);
  x = L(act('top_activation'), x);
  if (opts.head ?? true) {
    x = L(tf.layers.globalAveragePooling2d({ name: 'head_gap' }), x);
    x = L(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), name: 'head_dense' }), x);
    x = L(bn('head_bn'), x);
    x = L(tf.layers.dropout({ rate: 0.5, name: 'head_dropout' }), x);
    x = L(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), name: 'head_out' }), x);
  }
  const model = tf.model({ inputs: input, outputs: x, name: 'efficientnetb4' });
  // Identity-free defaults until ImageNet statistics are loaded: ImageNet mean/std.
  setInputNormalization(model, IMAGENET_MEAN, IMAGENET_STD.map((s) => s * s));
  return model;
}

/**
 * Sets the fixed input normalisation from Keras' `Normalization` statistics: `normalization` computes
 * (x − mean)/√variance per channel, and `rescaling_1` (when present) multiplies by 1/√std with
 * std = `IMAGENET_STD` (Keras' constant, not the file's).
 * @param mean, variance per-channel statistics (3 values each), variance > 0
 * @throws {RangeError} for wrong lengths or non-positive variance
 */
export function setInputNormalization(model: tf.LayersModel, mean: ArrayLike<number>, variance: ArrayLike<number>): void {
  if (mean.length !== 3 || variance.length !== 3) throw new RangeError('normalization needs 3 means and 3 variances');
  const k = new Float32Array(3), bias = new Float32Array(3);
  for (let c = 0; c < 3; c++) {
    if (!(variance[c]! > 0)) throw new RangeError(`variance[${c}] = ${variance[c]} must be > 0`);
    k[c] = 1 / Math.sqrt(variance[c]!);
    bias[c] = -mean[c]! * k[c]!;
  }
  const kt = tf.tensor4d(k, [1, 1, 3, 1]), bt = tf.tensor1d(bias);
  model.getLayer('normalization').setWeights([kt, bt]);
  kt.dispose(); bt.dispose();
  const r = model.layers.find((l) => l.name === 'rescaling_1');
  if (r) {
    const rt = tf.tensor4d(IMAGENET_STD.map((s) => 1 / Math.sqrt(s)), [1, 1, 3, 1]);
    r.setWeights([rt]);
    rt.dispose();
  }
}

/** Names of the backbone layers (everything before the head), for freezing (`--frozen`). */
export function backboneLayerNames(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => !l.name.startsWith('head_')).map((l) => l.name);
}
