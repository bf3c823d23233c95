/**
 * Splits a binary detector (a tfjs `LayersModel` with one image input and one output unit) at a target
 * layer into a **body** (input → target-layer activation A) and a **head** (A → logit), so that
 * explanation methods can (a) differentiate the logit with respect to A without back-propagating through
 * the convolutional body (the wasm backend has no conv-backprop kernels; the head of a CNN is usually
 * global pooling + dense, whose gradients every backend has), and (b) re-score edited activations
 * (Ablation-CAM) cheaply.
 *
 * The logit, never the probability, is what the methods explain (Selvaraju et al. 2017 use the
 * pre-softmax score y^c). When the model's last layer applies a sigmoid, the head stops before it:
 * - last layer `Dense` with `activation: 'sigmoid'` → the logit is `h·W + b` computed from the Dense
 *   layer's own kernel and bias (no copy of the weights);
 * - last layer `Activation('sigmoid')` → the logit is its input;
 * - last layer with linear activation → the output is the logit already;
 * - `Dense(2, softmax)` → logit = z₁ − z₀ (class 1 = synthetic);
 * - any other sigmoid layer → fallback `log(p / (1 − p))` with p clamped to [1e-7, 1 − 1e-7] (gradients
 *   vanish when p saturates; reported as `logitSource: 'inverse-sigmoid'`).
 *
 * Limits: the target layer must sit in the model's top-level graph (not inside a nested sub-model) and
 * every path from the input to the output must pass through it (no skip connection around it), which
 * holds for the last conv block of every CNN backbone (EfficientNet `top_activation`, ResNet
 * `conv5_block3_out`, Xception `block14_sepconv2_act`, …).
 */
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;

/** How the logit is obtained from the model's last layer. */
export type LogitSource = 'output' | 'pre-activation' | 'softmax-difference' | 'inverse-sigmoid';

export interface ModelParts {
  /** Input → target-layer activation A, shape `[B, h, w, K]`, float32. */
  body: tfjs.LayersModel;
  /**
   * A → logit of class "synthetic", shape `[B]`, float32, finite for finite A. Differentiable; call
   * inside `tf.tidy` / `tf.grad`.
   */
  head: (a: tfjs.Tensor4D) => tfjs.Tensor1D;
  /** Input → logit, shape `[B]` (body then head). */
  logit: (x: tfjs.Tensor4D) => tfjs.Tensor1D;
  /** Name of the target layer. */
  layer: string;
  /** `[h, w, K]` of the target activation; h, w are `null` for a fully convolutional model. */
  activationShape: [number | null, number | null, number];
  /** Side of the square model input, pixels; `null` when the model accepts any size. */
  inputSize: number | null;
  logitSource: LogitSource;
}

/** Thrown when the model cannot be explained at the requested layer (wrong name, nested, skip path…). */
export class ExplainModelError extends Error {
  override name = 'ExplainModelError';
}

type SymbolicTensor = tfjs.SymbolicTensor;
type Layer = tfjs.layers.Layer;

const cache = new WeakMap<tfjs.LayersModel, Map<string, ModelParts>>();

function activationOf(layer: Layer): string | undefined {
  const cfg = layer.getConfig() as { activation?: unknown };
  const a = cfg.activation;
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && typeof (a as { className?: unknown }).className === 'string') {
    return String((a as { className: string }).className).toLowerCase();
  }
  return undefined;
}

/**
 * Picks the default explanation layer: the last layer in topological order whose output is a rank-4
 * `[B, h, w, K]` tensor with h, w ≥ 2 (the last spatial feature map; for Keras EfficientNetB4 this is
 * `top_activation`). Prefer passing the backbone registry's declared layer.
 * @throws {ExplainModelError} when the model has no such layer.
 */
export function defaultTargetLayer(model: tfjs.LayersModel): string {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const l = model.layers[i]!;
    let shape: unknown;
    try { shape = l.outputShape; } catch { continue; }
    if (Array.isArray(shape) && shape.length === 4 && !Array.isArray(shape[0])) {
      const s = shape as Array<number | null>;
      if ((s[1] == null || s[1] >= 2) && (s[2] == null || s[2] >= 2) && l.getClassName() !== 'InputLayer') return l.name;
    }
  }
  throw new ExplainModelError('the model has no layer with a spatial [B, h, w, K] output to explain');
}

/**
 * Builds (once per model and layer; cached in a WeakMap) the body/head split of `model` at `layerName`.
 * The returned models share the original layers and weights; never dispose them (disposing would free
 * the original model's weights) — they hold no tensors of their own.
 * @param tf the tfjs namespace
 * @param model a binary detector: one input `[B, S, S, 3]`, one output `[B, 1]` / `[B]` (logit or
 *   sigmoid probability) or `[B, 2]` softmax
 * @param layerName the target layer (registry's `explainLayer`); default `defaultTargetLayer(model)`
 * @throws {ExplainModelError} for an unknown or nested layer, a layer that does not separate the graph,
 *   several inputs/outputs, or a non-square / non-3-channel input
 */
export function modelParts(tf: Tf, model: tfjs.LayersModel, layerName?: string): ModelParts {
  const name = layerName ?? defaultTargetLayer(model);
  let perModel = cache.get(model);
  const hit = perModel?.get(name);
  if (hit) return hit;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ExplainModelError(`expected one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
  }
  const inShape = model.inputs[0]!.shape;
  if (inShape.length !== 4 || inShape[1] !== inShape[2] || inShape[3] !== 3) {
    throw new ExplainModelError(`expected a square RGB input [B, S, S, 3] (or [B, null, null, 3]), got [${inShape.join(', ')}]`);
  }
  const inputSize = inShape[1] ?? null;
  let layer: Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    const nested = model.layers.find((l) => (l as unknown as { layers?: Layer[] }).layers?.some((x) => x.name === name));
    throw new ExplainModelError(nested
      ? `layer "${name}" is inside the nested model "${nested.name}"; flatten the model (export it as one functional graph) to explain it`
      : `the model has no layer named "${name}"`);
  }
  const target = layer.output;
  if (Array.isArray(target) || target.shape.length !== 4) {
    throw new ExplainModelError(`layer "${name}" must have one rank-4 output [B, h, w, K], got ${JSON.stringify(layer.outputShape)}`);
  }
  const [, h, w, k] = target.shape as [null, number | null, number | null, number | null];
  if (k == null) throw new ExplainModelError(`layer "${name}" has an unknown channel count`);

  // Decide how the logit is obtained from the last layer.
  const outLayer = model.outputs[0]!.sourceLayer;
  const outUnits = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1];
  const cls = outLayer.getClassName();
  const act = activationOf(outLayer);
  let stopBefore: Layer | undefined; // re-trace up to this layer's input instead of the model output
  let logitSource: LogitSource = 'output';
  let finish: (t: tfjs.Tensor) => tfjs.Tensor1D;
  const flat = (t: tfjs.Tensor): tfjs.Tensor1D => t.reshape([t.shape[0]!, -1]).slice([0, 0], [-1, 1]).reshape([-1]) as tfjs.Tensor1D;
  if (outUnits !== 1 && !(outUnits === 2 && act === 'softmax')) {
    throw new ExplainModelError(`expected one output unit (or a 2-unit softmax), got ${outUnits}`);
  }
  if (outLayer === layer) throw new ExplainModelError(`the target layer "${name}" is the output layer`);
  if (act === 'linear' || act === undefined && cls !== 'Activation') {
    finish = flat;
  } else if (cls === 'Dense' && (act === 'sigmoid' || act === 'softmax')) {
    stopBefore = outLayer;
    logitSource = act === 'sigmoid' ? 'pre-activation' : 'softmax-difference';
    const useBias = (outLayer.getConfig() as { useBias?: boolean }).useBias !== false;
    finish = (hIn: tfjs.Tensor) => {
      const [kernel, bias] = outLayer.getWeights(); // the layer's variables, not copies
      let z = tf.matMul(hIn.reshape([hIn.shape[0]!, -1]) as tfjs.Tensor2D, kernel as tfjs.Tensor2D);
      if (useBias && bias) z = tf.add(z, bias);
      if (act === 'softmax') return tf.sub(z.slice([0, 1], [-1, 1]), z.slice([0, 0], [-1, 1])).reshape([-1]) as tfjs.Tensor1D;
      return z.reshape([-1]) as tfjs.Tensor1D;
    };
  } else if (cls === 'Activation' && act === 'sigmoid') {
    stopBefore = outLayer;
    logitSource = 'pre-activation';
    finish = flat;
  } else if (act === 'sigmoid') {
    logitSource = 'inverse-sigmoid';
    finish = (p: tfjs.Tensor) => {
      const q = tf.clipByValue(flat(p), 1e-7, 1 - 1e-7);
      return tf.sub(tf.log(q), tf.log(tf.sub(1, q))) as tfjs.Tensor1D;
    };
  } else {
    throw new ExplainModelError(`cannot derive a logit from the last layer ${cls} with activation ${String(act)}`);
  }

  // Re-trace the graph from the target activation to the head's output on a fresh input.
  const headIn = tf.input({ shape: [h, w, k] as number[], name: `explain_head_in_${name}` });
  const map = new Map<number, SymbolicTensor>([[target.id, headIn]]);
  const end = stopBefore ? (stopBefore.input as SymbolicTensor) : model.outputs[0]!;
  if (Array.isArray(end)) throw new ExplainModelError('the last layer has several inputs');
  const idx = model.layers.indexOf(layer);
  for (const l of model.layers.slice(idx + 1)) {
    if (l === stopBefore) continue;
    for (const node of [...l.inboundNodes]) {
      const ins = node.inputTensors;
      const mapped = ins.filter((t) => map.has(t.id));
      if (mapped.length === 0) continue;
      if (mapped.length !== ins.length) {
        throw new ExplainModelError(`layer "${l.name}" also reads tensors from before "${name}" (a skip connection around it); pick a layer that separates the graph`);
      }
      const args = ins.map((t) => map.get(t.id)!);
      const out = l.apply(args.length === 1 ? args[0]! : args, node.callArgs) as SymbolicTensor | SymbolicTensor[];
      const outs = Array.isArray(out) ? out : [out];
      node.outputTensors.forEach((t, i) => map.set(t.id, outs[i]!));
    }
  }
  // Any layer after the target reading a pre-target tensor that is not on the head path breaks the split.
  const headOut = map.get(end.id);
  if (!headOut) {
    throw new ExplainModelError(`the model output does not depend only on "${name}" (a path bypasses it); pick a layer that separates the graph`);
  }
  const headModel = tf.model({ inputs: headIn, outputs: headOut, name: `explain_head_${name}` });
  const body = tf.model({ inputs: model.inputs, outputs: target, name: `explain_body_${name}` });
  const head = (a: tfjs.Tensor4D): tfjs.Tensor1D => finish(headModel.apply(a, { training: false }) as tfjs.Tensor);
  const logit = (x: tfjs.Tensor4D): tfjs.Tensor1D => head(body.apply(x, { training: false }) as tfjs.Tensor4D);
  const parts: ModelParts = { body, head, logit, layer: name, activationShape: [h, w, k], inputSize, logitSource };
  if (!perModel) { perModel = new Map(); cache.set(model, perModel); }
  perModel.set(name, parts);
  return parts;
}
