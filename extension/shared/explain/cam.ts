/**
 * Class-activation-map methods on a `ModelParts` split (see `model-parts.ts`). Each returns a raw,
 * non-negative saliency at the target layer's resolution `h × w` (row-major Float32Array) plus the
 * magnitude `scale` of the summed terms (for the "empty" decision in `finishMap`).
 *
 * Notation: A ∈ ℝ^{h×w×K} the target activation for the one input, y = s · logit the explained score with
 * s = +1 for "synthetic" and s = −1 for "real", g = ∂y/∂A.
 *
 * - Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
 *   Localization", ICCV): αₖ = mean_ij gₖ,ij; M = ReLU(Σₖ αₖ Aₖ).
 * - LayerCAM (Jiang, Zhang, Hou, Cheng & Wei 2021, "LayerCAM: Exploring Hierarchical Class Activation Maps
 *   for Localization", IEEE TIP): M = ReLU(Σₖ ReLU(gₖ,ij) · Aₖ,ij).
 * - Ablation-CAM (Desai & Ramaswamy 2020, "Ablation-CAM: Visual Explanations for Deep Convolutional
 *   Network via Gradient-free Localization", WACV): wₖ = (y − yₖ) / |y|, yₖ the score with channel k of A
 *   set to zero; M = ReLU(Σₖ wₖ Aₖ). (The paper divides by y; we divide by |y| so that a negative score
 *   cannot flip the map — a positive factor the [0, 1] normalisation removes anyway.)
 * - Faster Score-CAM (Wang, Wang, Du, Yang, Zhang, Ding, Mardziel & Hu 2020, "Score-CAM: Score-Weighted
 *   Visual Explanations for Convolutional Neural Networks", CVPR-W; the "faster" variant of the authors'
 *   code keeps only the top-k channels by spatial variance): Hₖ = min-max-normalised bilinear upsampling
 *   of Aₖ to the input size; Xₖ = X_b + Hₖ ∘ (X − X_b) with baseline X_b (per-channel image mean by
 *   default); wₖ = CIC = yₖ − y_b (Def. 2, "channel-wise increase of confidence"), measured on the
 *   logit rather than the probability because the sigmoid saturates for confident verdicts (at
 *   p > 0.999 every probability difference underflows to 0 in float32); M = ReLU(Σ_{k ∈ top-k} wₖ Aₖ).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelParts, Tf } from './model-parts';

export interface RawCam {
  /** Saliency, row-major `h*w`, float32, ≥ 0 or non-finite (cleaned by `finishMap`). */
  raw: Float32Array;
  scale: number;
  /** Per-channel weights used (length K; Score-CAM: 0 for unselected channels). */
  channelWeights: Float32Array;
}

/** Shared options for the batched (perturbation) CAMs. */
export interface BatchedCamOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Lets other work (badge verdicts) run between batches. */
  yieldFn?: () => Promise<void>;
}

/** Throws an `AbortError` DOMException when `signal` is aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('explanation cancelled', 'AbortError');
}

/** Resolves on the next macrotask so queued work (messages, badge scoring) can run. */
export const yieldToEventLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Grad-CAM and LayerCAM from one gradient evaluation of the head. Needs gradients only of the head's
 * ops (global pooling, dense…), not of the conv body.
 * @param a target activation `[1, h, w, K]` (not disposed)
 * @param sign +1 explains "synthetic", −1 explains "real"
 */
export async function gradientCams(tf: Tf, parts: ModelParts, a: tfjs.Tensor4D, sign: 1 | -1): Promise<{ gradcam: RawCam; layercam: RawCam }> {
  const [, h, w, k] = a.shape;
  const outs = tf.tidy(() => {
    const g = tf.grad((act: tfjs.Tensor) => tf.mul(parts.head(act as tfjs.Tensor4D), sign).sum())(a) as tfjs.Tensor4D;
    const alphaT = g.mean([0, 1, 2]); // [K]
    const gradcam = tf.relu(tf.sum(tf.mul(a, alphaT.reshape([1, 1, 1, k])), -1)).reshape([h * w]);
    const layercam = tf.relu(tf.sum(tf.mul(a, tf.relu(g)), -1)).reshape([h * w]);
    const absA = tf.abs(a);
    const gS = tf.mul(tf.sum(tf.abs(alphaT)), tf.max(absA));
    const lS = tf.max(tf.sum(tf.mul(absA, tf.abs(g)), -1));
    return [gradcam, layercam, alphaT, gS, lS];
  });
  try {
    // Asynchronous reads: no pipeline stall on GPU backends.
    const [gc, lc, alpha, gScale, lScale] = (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
    return {
      gradcam: { raw: Float32Array.from(gc!), scale: gScale![0]!, channelWeights: Float32Array.from(alpha!) },
      layercam: { raw: Float32Array.from(lc!), scale: lScale![0]!, channelWeights: new Float32Array(k) },
    };
  } finally {
    tf.dispose(outs);
  }
}

/** Grad-CAM only (see `gradientCams`). */
export async function gradCam(tf: Tf, parts: ModelParts, a: tfjs.Tensor4D, sign: 1 | -1): Promise<RawCam> {
  return (await gradientCams(tf, parts, a, sign)).gradcam;
}

/** LayerCAM only (see `gradientCams`). */
export async function layerCam(tf: Tf, parts: ModelParts, a: tfjs.Tensor4D, sign: 1 | -1): Promise<RawCam> {
  return (await gradientCams(tf, parts, a, sign)).layercam;
}

/** Weighted sum ReLU(Σₖ wₖ Aₖ) on the host, with the term scale Σ|wₖ|·max|A|. */
function combine(aData: Float32Array, hw: number, k: number, weights: Float32Array): { raw: Float32Array; scale: number } {
  const raw = new Float32Array(hw);
  let maxA = 0, sumW = 0;
  for (let c = 0; c < k; c++) sumW += Math.abs(weights[c]!);
  for (let p = 0; p < hw; p++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const v = aData[p * k + c]!;
      if (weights[c] !== 0) s += weights[c]! * v;
      const av = Math.abs(v);
      if (av > maxA) maxA = av;
    }
    raw[p] = s > 0 ? s : 0;
  }
  return { raw, scale: sumW * maxA };
}

/**
 * Ablation-CAM: one head evaluation per channel, batched `chunk` channels at a time.
 * @param a target activation `[1, h, w, K]` (not disposed)
 * @param y0 the un-ablated logit (for the |y| normalisation)
 * @param chunk channels per batch (default: as many as fit in ~4M activation values)
 * @throws {DOMException} `AbortError` when cancelled (all tensors released)
 */
export async function ablationCam(
  tf: Tf, parts: ModelParts, a: tfjs.Tensor4D, sign: 1 | -1, y0: number, opts: BatchedCamOptions & { chunk?: number } = {},
): Promise<RawCam> {
  const [, h, w, k] = a.shape;
  const chunk = Math.max(1, Math.min(k, opts.chunk ?? (Math.floor(4_000_000 / (h * w * k)) || 1)));
  const weights = new Float32Array(k);
  const denom = Math.max(Math.abs(y0), 1e-6);
  for (let c0 = 0; c0 < k; c0 += chunk) {
    throwIfAborted(opts.signal);
    const n = Math.min(chunk, k - c0);
    const z = tf.tidy(() => {
      const off = tf.oneHot(tf.range(c0, c0 + n, 1, 'int32'), k).toFloat(); // [n, K]
      const keep = tf.sub(1, off).reshape([n, 1, 1, k]);
      return parts.head(tf.mul(a, keep) as tfjs.Tensor4D);
    });
    let zs: Float32Array;
    try { zs = (await z.data()) as Float32Array; } finally { z.dispose(); }
    for (let i = 0; i < n; i++) weights[c0 + i] = (sign * (y0 - zs[i]!)) / denom;
    opts.onProgress?.(Math.min(k, c0 + n), k);
    if (opts.yieldFn && c0 + n < k) await opts.yieldFn();
  }
  throwIfAborted(opts.signal);
  const aData = (await a.data()) as Float32Array;
  const { raw, scale } = combine(aData, h * w, k, weights);
  return { raw, scale, channelWeights: weights };
}

/**
 * Faster Score-CAM: masks the input with the `topK` highest-variance activation channels.
 * @param x the input `[1, S, S, 3]` (not disposed)
 * @param a target activation `[1, h, w, K]` (not disposed)
 * @param baseline per-channel input value X_b (input units), length 3
 * @param opts.topK channels kept (default 32, capped at K); opts.batch masked inputs per forward pass (default 8)
 * @throws {DOMException} `AbortError` when cancelled (all tensors released)
 */
export async function scoreCam(
  tf: Tf, parts: ModelParts, x: tfjs.Tensor4D, a: tfjs.Tensor4D, sign: 1 | -1, baseline: [number, number, number],
  opts: BatchedCamOptions & { topK?: number; batch?: number } = {},
): Promise<RawCam> {
  const [, h, w, k] = a.shape;
  const S = x.shape[1];
  const topK = Math.max(1, Math.min(k, Math.round(opts.topK ?? 32)));
  const batch = Math.max(1, Math.round(opts.batch ?? 8));
  // Channel selection by spatial variance.
  const variance = tf.tidy(() => tf.moments(a, [0, 1, 2]).variance);
  let vData: Float32Array;
  try { vData = (await variance.data()) as Float32Array; } finally { variance.dispose(); }
  const order = Array.from({ length: k }, (_, i) => i).sort((p, q) => (vData[q]! - vData[p]!) || p - q);
  const selected = order.slice(0, topK);
  const base = tf.tensor4d(baseline, [1, 1, 1, 3]);
  const weights = new Float32Array(k);
  try {
    const yb = tf.tidy(() => parts.logit(tf.add(tf.zeros([1, S, S, 3]), base) as tfjs.Tensor4D));
    let ybv: number;
    try { ybv = ((await yb.data()) as Float32Array)[0]!; } finally { yb.dispose(); }
    for (let i0 = 0; i0 < selected.length; i0 += batch) {
      throwIfAborted(opts.signal);
      const idx = selected.slice(i0, i0 + batch);
      const z = tf.tidy(() => {
        const chans = tf.gather(a, tf.tensor1d(idx, 'int32'), 3); // [1, h, w, n]
        const up = tf.image.resizeBilinear(chans as tfjs.Tensor4D, [S, S], false, true); // [1, S, S, n], half-pixel centres as in map.ts
        const mn = up.min([0, 1, 2], true), mx = up.max([0, 1, 2], true);
        const range = tf.sub(mx, mn);
        // Flat channels carry no localisation: their mask is 0 (input = baseline).
        const mask = tf.where(tf.greater(range, 1e-12), tf.div(tf.sub(up, mn), tf.add(range, 1e-12)), tf.zerosLike(up));
        const masks = tf.transpose(mask, [3, 1, 2, 0]); // [n, S, S, 1]
        const xs = tf.add(base, tf.mul(masks, tf.sub(x, base)));
        return parts.logit(xs as tfjs.Tensor4D);
      });
      let zs: Float32Array;
      try { zs = (await z.data()) as Float32Array; } finally { z.dispose(); }
      idx.forEach((c, i) => { weights[c] = sign * (zs[i]! - ybv); });
      opts.onProgress?.(Math.min(selected.length, i0 + idx.length), selected.length);
      if (opts.yieldFn && i0 + batch < selected.length) await opts.yieldFn();
    }
  } finally {
    base.dispose();
  }
  throwIfAborted(opts.signal);
  const aData = (await a.data()) as Float32Array;
  const { raw, scale } = combine(aData, h * w, k, weights);
  return { raw, scale, channelWeights: weights };
}

/** Numerically stable logistic sigmoid. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
