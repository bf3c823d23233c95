/**
 * A TFLite model reader and a converter of its (float or uint8/int8-quantised) graph into a tfjs
 * LayersModel, for frozen ImageNet backbones such as MobileNetV2 (`mobilenet-v2.ts`).
 *
 * Source of the format: the published TFLite flatbuffer schema, `tensorflow/lite/schema/schema.fbs`
 * (file identifier `TFL3`; tables `Model`, `SubGraph`, `Tensor`, `QuantizationParameters`, `Operator`,
 * `OperatorCode`, `Buffer` and the builtin option tables), and the FlatBuffers binary format (little-endian;
 * a table starts with an int32 offset back to its vtable; the vtable holds uint16 byte offsets of the fields
 * by field id; tables, vectors and strings are reached through uint32 offsets relative to where the offset
 * is stored; vectors start with a uint32 length). The flatbuffer is parsed by hand, no dependency.
 *
 * Quantisation (schema.fbs, `QuantizationParameters`): `real = scale · (q − zero_point)`, per tensor (one
 * scale) or per channel along `quantized_dimension`. Constant tensors (weights, biases) are dequantised to
 * float32 once; activations run in float32, so a quantised model runs as its float simulation
 * (QUANTIZE / DEQUANTIZE are identities). Weight layouts: TFLite CONV_2D filter `[O, H, W, I]` → tfjs
 * `[H, W, I, O]`; DEPTHWISE_CONV_2D filter `[1, H, W, I·M]` → tfjs `[H, W, I, M]`; FULLY_CONNECTED weights
 * `[O, I]` → tfjs `[I, O]`. TFLite SAME padding is TensorFlow's (pad total = max((ceil(in/s) − 1)·s + k − in, 0),
 * the extra pixel at the bottom/right), which is what tfjs `'same'` does, also for stride 2.
 */
import type * as tfns from '@tensorflow/tfjs';

type Tf = typeof tfns;

/** `TensorType` of schema.fbs, by value. */
export const TENSOR_TYPES = ['FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8', 'FLOAT64'] as const;
export type TensorTypeName = (typeof TENSOR_TYPES)[number] | `TYPE_${number}`;

/** `BuiltinOperator` codes of schema.fbs that this module names (the converter supports a subset). */
export const BUILTIN_OPS: Record<number, string> = {
  0: 'ADD', 1: 'AVERAGE_POOL_2D', 2: 'CONCATENATION', 3: 'CONV_2D', 4: 'DEPTHWISE_CONV_2D', 5: 'DEPTH_TO_SPACE',
  6: 'DEQUANTIZE', 7: 'EMBEDDING_LOOKUP', 8: 'FLOOR', 9: 'FULLY_CONNECTED', 10: 'HASHTABLE_LOOKUP',
  11: 'L2_NORMALIZATION', 12: 'L2_POOL_2D', 13: 'LOCAL_RESPONSE_NORMALIZATION', 14: 'LOGISTIC',
  15: 'LSH_PROJECTION', 16: 'LSTM', 17: 'MAX_POOL_2D', 18: 'MUL', 19: 'RELU', 20: 'RELU_N1_TO_1', 21: 'RELU6',
  22: 'RESHAPE', 23: 'RESIZE_BILINEAR', 24: 'RNN', 25: 'SOFTMAX', 26: 'SPACE_TO_DEPTH', 27: 'SVDF', 28: 'TANH',
  32: 'CUSTOM', 34: 'PAD', 39: 'TRANSPOSE', 40: 'MEAN', 41: 'SUB', 42: 'DIV', 43: 'SQUEEZE', 49: 'SPLIT',
  53: 'CAST', 60: 'EXP', 74: 'SUM', 78: 'POW', 83: 'PACK', 98: 'LEAKY_RELU', 99: 'SQUARED_DIFFERENCE',
  114: 'QUANTIZE', 117: 'HARD_SWISH',
};

/** The op codes `buildTfliteGraph` converts. */
export const SUPPORTED_OPS = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'AVERAGE_POOL_2D', 'MEAN', 'RESHAPE', 'SQUEEZE', 'FULLY_CONNECTED', 'SOFTMAX', 'QUANTIZE', 'DEQUANTIZE', 'RELU', 'RELU6'] as const;

/** Quantisation of one tensor: `real = scale[c] · (q − zeroPoint[c])`, `c` along `quantizedDimension`. */
export interface TfliteQuantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TfliteTensor {
  index: number;
  name: string;
  /** Shape including the batch dimension (TFLite NHWC, batch usually 1). */
  shape: number[];
  type: TensorTypeName;
  /** Index into `TfliteModel.buffers`; buffer 0 is the empty sentinel. */
  buffer: number;
  /** Absent when the tensor is not quantised (no or empty scale vector). */
  quantization?: TfliteQuantization;
}

/** Builtin options as plain values (field names as in schema.fbs, snake_case). */
export type TfliteOptions = Record<string, number | boolean | number[]>;

export interface TfliteOperator {
  index: number;
  /** Builtin op code (schema.fbs `BuiltinOperator`); for CUSTOM ops see `customCode`. */
  opcode: number;
  /** `BUILTIN_OPS[opcode]`, or `BUILTIN_<code>` when this module has no name for it. */
  opName: string;
  customCode?: string;
  /** Tensor indices; −1 marks an omitted optional input (e.g. no bias). */
  inputs: number[];
  outputs: number[];
  options: TfliteOptions;
}

/** Subgraph 0 of a TFLite model, with the buffers. */
export interface TfliteModel {
  version: number;
  description: string;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
  /** Raw bytes of each buffer (views into the file), `null` when empty. */
  buffers: Array<Uint8Array | null>;
}

/** Minimal little-endian FlatBuffers table reader (FlatBuffers binary format, "Internals"). */
class Fb {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(pos: number, n: number): void {
    if (pos < 0 || pos + n > this.bytes.byteLength) throw new Error(`tflite: corrupt flatbuffer (read of ${n} bytes at ${pos} outside the ${this.bytes.byteLength}-byte file)`);
  }
  u8(p: number): number { this.check(p, 1); return this.dv.getUint8(p); }
  i8(p: number): number { this.check(p, 1); return this.dv.getInt8(p); }
  u16(p: number): number { this.check(p, 2); return this.dv.getUint16(p, true); }
  i32(p: number): number { this.check(p, 4); return this.dv.getInt32(p, true); }
  u32(p: number): number { this.check(p, 4); return this.dv.getUint32(p, true); }
  f32(p: number): number { this.check(p, 4); return this.dv.getFloat32(p, true); }
  i64(p: number): number { this.check(p, 8); return Number(this.dv.getBigInt64(p, true)); }
  u64(p: number): number { this.check(p, 8); return Number(this.dv.getBigUint64(p, true)); }
  /** Absolute position of field `id` of the table at `t`, or 0 when absent (default value). */
  field(t: number, id: number): number {
    const vt = t - this.i32(t);
    const vtSize = this.u16(vt);
    const o = 4 + 2 * id;
    if (o + 2 > vtSize) return 0;
    const off = this.u16(vt + o);
    return off ? t + off : 0;
  }
  ref(p: number): number { return p + this.u32(p); }
  table(t: number, id: number): number | null { const p = this.field(t, id); return p ? this.ref(p) : null; }
  /** `[start, length]` of a vector field, or null. */
  vec(t: number, id: number): [number, number] | null {
    const p = this.field(t, id);
    if (!p) return null;
    const v = this.ref(p);
    return [v + 4, this.u32(v)];
  }
  str(t: number, id: number): string {
    const v = this.vec(t, id);
    if (!v) return '';
    this.check(v[0], v[1]);
    return new TextDecoder().decode(this.bytes.subarray(v[0], v[0] + v[1]));
  }
  tables(t: number, id: number): number[] {
    const v = this.vec(t, id);
    if (!v) return [];
    return Array.from({ length: v[1] }, (_, i) => this.ref(v[0] + 4 * i));
  }
  i32s(t: number, id: number): number[] {
    const v = this.vec(t, id);
    return v ? Array.from({ length: v[1] }, (_, i) => this.i32(v[0] + 4 * i)) : [];
  }
  f32s(t: number, id: number): number[] {
    const v = this.vec(t, id);
    return v ? Array.from({ length: v[1] }, (_, i) => this.f32(v[0] + 4 * i)) : [];
  }
  i64s(t: number, id: number): number[] {
    const v = this.vec(t, id);
    return v ? Array.from({ length: v[1] }, (_, i) => this.i64(v[0] + 8 * i)) : [];
  }
  scalarI32(t: number, id: number, dflt: number): number { const p = this.field(t, id); return p ? this.i32(p) : dflt; }
  scalarU32(t: number, id: number, dflt: number): number { const p = this.field(t, id); return p ? this.u32(p) : dflt; }
  scalarI8(t: number, id: number, dflt: number): number { const p = this.field(t, id); return p ? this.i8(p) : dflt; }
  scalarU8(t: number, id: number, dflt: number): number { const p = this.field(t, id); return p ? this.u8(p) : dflt; }
  scalarF32(t: number, id: number, dflt: number): number { const p = this.field(t, id); return p ? this.f32(p) : dflt; }
  scalarBool(t: number, id: number): boolean { return this.scalarU8(t, id, 0) !== 0; }
}

/** Field readers of the builtin option tables (schema.fbs), by op name. Padding: 0 = SAME, 1 = VALID. */
function readOptions(fb: Fb, op: string, t: number | null): TfliteOptions {
  if (t === null) return {};
  const I = (id: number, d = 0) => fb.scalarI32(t, id, d);
  const B = (id: number, d = 0) => fb.scalarI8(t, id, d);
  switch (op) {
    case 'CONV_2D': // Conv2DOptions
      return { padding: B(0), stride_w: I(1), stride_h: I(2), fused_activation_function: B(3), dilation_w_factor: I(4, 1), dilation_h_factor: I(5, 1) };
    case 'DEPTHWISE_CONV_2D': // DepthwiseConv2DOptions
      return { padding: B(0), stride_w: I(1), stride_h: I(2), depth_multiplier: I(3), fused_activation_function: B(4), dilation_w_factor: I(5, 1), dilation_h_factor: I(6, 1) };
    case 'AVERAGE_POOL_2D': case 'MAX_POOL_2D': case 'L2_POOL_2D': // Pool2DOptions
      return { padding: B(0), stride_w: I(1), stride_h: I(2), filter_width: I(3), filter_height: I(4), fused_activation_function: B(5) };
    case 'ADD': case 'MUL': case 'SUB': // AddOptions / MulOptions / SubOptions
      return { fused_activation_function: B(0) };
    case 'FULLY_CONNECTED': // FullyConnectedOptions
      return { fused_activation_function: B(0), weights_format: B(1), keep_num_dims: fb.scalarBool(t, 2) };
    case 'SOFTMAX': // SoftmaxOptions
      return { beta: fb.scalarF32(t, 0, 0) };
    case 'RESHAPE': // ReshapeOptions
      return { new_shape: fb.i32s(t, 0) };
    case 'MEAN': case 'SUM': // ReducerOptions
      return { keep_dims: fb.scalarBool(t, 0) };
    case 'SQUEEZE': // SqueezeOptions
      return { squeeze_dims: fb.i32s(t, 0) };
    case 'CONCATENATION': // ConcatenationOptions
      return { axis: I(0), fused_activation_function: B(1) };
    default:
      return {};
  }
}

/**
 * Parses a TFLite flatbuffer (schema.fbs, identifier `TFL3`), subgraph 0.
 * @param bytes the whole `.tflite` file
 * @returns tensors, operators (in execution order, which is topological), graph inputs/outputs, buffers
 * @throws {Error} when the file identifier is not `TFL3`, the model has no subgraph, buffers live outside
 *   the flatbuffer (>2 GB models) or an offset points outside the file
 */
export function parseTflite(bytes: Uint8Array): TfliteModel {
  if (bytes.byteLength < 8) throw new Error(`tflite: file too short (${bytes.byteLength} bytes)`);
  const ident = String.fromCharCode(...bytes.subarray(4, 8));
  if (ident !== 'TFL3') throw new Error(`tflite: not a TFLite flatbuffer (file identifier "${ident}", expected "TFL3")`);
  const fb = new Fb(bytes);
  const model = fb.ref(0);
  // Model: 0 version, 1 operator_codes, 2 subgraphs, 3 description, 4 buffers.
  const version = fb.scalarU32(model, 0, 0);
  const description = fb.str(model, 3);
  const opcodes = fb.tables(model, 1).map((oc) => {
    // OperatorCode: 0 deprecated_builtin_code (int8), 1 custom_code, 2 version, 3 builtin_code (int32).
    const dep = fb.scalarI8(oc, 0, 0);
    const code = fb.scalarI32(oc, 3, 0);
    return { code: Math.max(dep, code), custom: fb.str(oc, 1) };
  });
  const buffers = fb.tables(model, 4).map((b) => {
    // Buffer: 0 data [ubyte], 1 offset (ulong), 2 size (ulong).
    const v = fb.vec(b, 0);
    if (v && v[1] > 0) return bytes.subarray(v[0], v[0] + v[1]);
    const off = fb.field(b, 1) ? fb.u64(fb.field(b, 1)) : 0;
    const size = fb.field(b, 2) ? fb.u64(fb.field(b, 2)) : 0;
    if (off > 1 && size > 0) {
      if (off + size > bytes.byteLength) throw new Error('tflite: buffer stored outside the file (offset/size past the end)');
      return bytes.subarray(off, off + size);
    }
    return null;
  });
  const subgraphs = fb.tables(model, 2);
  if (!subgraphs.length) throw new Error('tflite: model has no subgraph');
  const sg = subgraphs[0]!;
  // SubGraph: 0 tensors, 1 inputs, 2 outputs, 3 operators, 4 name.
  const tensors = fb.tables(sg, 0).map((t, index): TfliteTensor => {
    // Tensor: 0 shape, 1 type, 2 buffer, 3 name, 4 quantization.
    const typeId = fb.scalarI8(t, 1, 0);
    const tensor: TfliteTensor = {
      index,
      name: fb.str(t, 3),
      shape: fb.i32s(t, 0),
      type: TENSOR_TYPES[typeId] ?? `TYPE_${typeId}`,
      buffer: fb.scalarU32(t, 2, 0),
    };
    const q = fb.table(t, 4);
    if (q !== null) {
      // QuantizationParameters: 0 min, 1 max, 2 scale, 3 zero_point (long), 4/5 details, 6 quantized_dimension.
      const scale = fb.f32s(q, 2);
      if (scale.length) {
        const zp = fb.i64s(q, 3);
        tensor.quantization = { scale, zeroPoint: zp.length ? zp : scale.map(() => 0), quantizedDimension: fb.scalarI32(q, 6, 0) };
      }
    }
    return tensor;
  });
  const operators = fb.tables(sg, 3).map((o, index): TfliteOperator => {
    // Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 builtin_options_type, 4 builtin_options.
    const oc = opcodes[fb.scalarU32(o, 0, 0)];
    if (!oc) throw new Error(`tflite: operator #${index} refers to a missing operator code`);
    const opName = BUILTIN_OPS[oc.code] ?? `BUILTIN_${oc.code}`;
    const op: TfliteOperator = {
      index, opcode: oc.code, opName, inputs: fb.i32s(o, 1), outputs: fb.i32s(o, 2),
      options: readOptions(fb, opName, fb.table(o, 4)),
    };
    if (oc.custom) op.customCode = oc.custom;
    return op;
  });
  return { version, description, tensors, operators, inputs: fb.i32s(sg, 1), outputs: fb.i32s(sg, 2), buffers };
}

/**
 * Dequantises raw tensor bytes: `real = scale[c] · (q − zeroPoint[c])`, per tensor or per channel
 * (`c` = index along `quantizedDimension` of `shape`). Unquantised FLOAT32 / FLOAT16 / integer data is
 * converted to float32 as is.
 * @param raw little-endian bytes as stored in the buffer
 * @param type UINT8, INT8, INT16, INT32, INT64, FLOAT32 or FLOAT16
 * @param shape tensor shape (its product must match the element count)
 * @returns Float32Array of `prod(shape)` values
 * @throws {Error} for other types, a size mismatch, or a scale count that is neither 1 nor `shape[quantizedDimension]`
 */
export function dequantize(raw: Uint8Array, type: TensorTypeName, shape: number[], q?: TfliteQuantization): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size: Record<string, number> = { UINT8: 1, INT8: 1, INT16: 2, INT32: 4, INT64: 8, FLOAT32: 4, FLOAT16: 2 };
  const bytesPer = size[type];
  if (bytesPer === undefined) throw new Error(`tflite: cannot dequantise tensor type ${type}`);
  if (raw.byteLength !== n * bytesPer) throw new Error(`tflite: ${type} tensor of shape [${shape}] needs ${n * bytesPer} bytes, buffer has ${raw.byteLength}`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (type) {
      case 'UINT8': out[i] = dv.getUint8(i); break;
      case 'INT8': out[i] = dv.getInt8(i); break;
      case 'INT16': out[i] = dv.getInt16(2 * i, true); break;
      case 'INT32': out[i] = dv.getInt32(4 * i, true); break;
      case 'INT64': out[i] = Number(dv.getBigInt64(8 * i, true)); break;
      case 'FLOAT32': out[i] = dv.getFloat32(4 * i, true); break;
      case 'FLOAT16': out[i] = halfToFloat(dv.getUint16(2 * i, true)); break;
    }
  }
  if (!q || type === 'FLOAT32' || type === 'FLOAT16') return out;
  const qd = q.quantizedDimension;
  if (q.scale.length === 1) {
    const s = q.scale[0]!, z = q.zeroPoint[0] ?? 0;
    for (let i = 0; i < n; i++) out[i] = s * (out[i]! - z);
    return out;
  }
  const dim = shape[qd];
  if (dim !== q.scale.length) throw new Error(`tflite: ${q.scale.length} scales for dimension ${qd} of shape [${shape}]`);
  const inner = shape.slice(qd + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / inner) % dim;
    out[i] = q.scale[c]! * (out[i]! - (q.zeroPoint[c] ?? 0));
  }
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** The float32 values of a constant tensor, or `null` for an activation (no buffer data). */
export function constantValues(model: TfliteModel, index: number): Float32Array | null {
  const t = model.tensors[index];
  if (!t) throw new Error(`tflite: no tensor #${index}`);
  const raw = model.buffers[t.buffer];
  return raw ? dequantize(raw, t.type, t.shape, t.quantization) : null;
}

/**
 * The affine map of the graph input's quantisation as a normalisation: the float model takes
 * `(x − mean) / std` of the 8-bit value `x` (for the Coral MobileNetV2: scale 1/128, zero point 128 →
 * mean 128, std 128, values in [−1, 0.9921875]).
 * @returns `{mean, std}` (per tensor), or `null` when the input is float (the caller must know its range)
 */
export function inputNormalization(model: TfliteModel): { mean: number; std: number } | null {
  const t = model.tensors[model.inputs[0]!];
  const q = t?.quantization;
  if (!q || t.type === 'FLOAT32') return null;
  return { mean: q.zeroPoint[0] ?? 0, std: 1 / q.scale[0]! };
}

const ACTIVATIONS: Record<number, 'linear' | 'relu' | 'relu6' | 'tanh' | undefined> = { 0: 'linear', 1: 'relu', 3: 'relu6', 4: 'tanh' };

function activationOf(op: TfliteOperator): 'linear' | 'relu' | 'relu6' | 'tanh' {
  const f = Number(op.options.fused_activation_function ?? 0);
  const a = ACTIVATIONS[f];
  if (!a) throw new Error(`tflite: unsupported fused activation ${f} on ${op.opName} operator #${op.index}`);
  return a;
}

export interface TfliteGraph {
  /** The symbolic input, shape `[null, H, W, C]` float32 (the dequantised input domain). */
  input: tfns.SymbolicTensor;
  /** Symbolic tensor of every TFLite activation tensor converted so far, by tensor index. */
  tensors: Map<number, tfns.SymbolicTensor>;
}

/**
 * Converts subgraph 0 into tfjs layers (float32 simulation of a quantised graph).
 *
 * Supported ops (`SUPPORTED_OPS`): CONV_2D, DEPTHWISE_CONV_2D (fused NONE / RELU / RELU6 / TANH, SAME or
 * VALID padding, dilation), ADD, AVERAGE_POOL_2D, MEAN over the spatial axes (1, 2), RESHAPE, SQUEEZE,
 * FULLY_CONNECTED, SOFTMAX (beta 1), RELU, RELU6, and QUANTIZE / DEQUANTIZE as identities.
 * @param tf the tfjs namespace (any backend)
 * @param model from `parseTflite`; its single input must be NHWC with batch 1
 * @param opts.until stop once all these tensor indices exist (later ops are neither converted nor checked)
 * @param opts.namePrefix prefix of the tfjs layer names (default `tfl`)
 * @param opts.trainable build conv and dense layers trainable (for fine-tuning end to end; default false)
 * @returns the symbolic input and the converted tensors; layers hold float32 weights
 * @throws {Error} naming the op code for an unsupported op (e.g. `unsupported op MAX_POOL_2D (builtin code 17)`),
 *   or for an unsupported option (fused activation, SOFTMAX beta ≠ 1, MEAN over other axes)
 */
export function buildTfliteGraph(tf: Tf, model: TfliteModel, opts: { until?: number[]; namePrefix?: string; trainable?: boolean } = {}): TfliteGraph {
  const trainable = opts.trainable ?? false;
  if (model.inputs.length !== 1) throw new Error(`tflite: expected one graph input, got ${model.inputs.length}`);
  const inT = model.tensors[model.inputs[0]!]!;
  if (inT.shape.length !== 4) throw new Error(`tflite: expected an NHWC input, got shape [${inT.shape}]`);
  const prefix = opts.namePrefix ?? 'tfl';
  const input = tf.input({ shape: inT.shape.slice(1), name: `${prefix}_input` });
  const tensors = new Map<number, tfns.SymbolicTensor>([[inT.index, input]]);
  const until = opts.until ? new Set(opts.until) : null;
  const done = () => until !== null && [...until].every((i) => tensors.has(i));
  const act = (i: number): tfns.SymbolicTensor => {
    const s = tensors.get(i);
    if (!s) throw new Error(`tflite: tensor #${i} (${model.tensors[i]?.name}) is used before it is computed, or is a constant where an activation is expected`);
    return s;
  };
  const constOf = (i: number, what: string): Float32Array => {
    const v = i >= 0 ? constantValues(model, i) : null;
    if (!v) throw new Error(`tflite: ${what} (tensor #${i}) has no constant data`);
    return v;
  };
  const padding = (op: TfliteOperator) => (Number(op.options.padding ?? 0) === 1 ? 'valid' : 'same') as 'valid' | 'same';
  /** Layer options shared by CONV_2D and DEPTHWISE_CONV_2D (strides, padding, dilation, fused activation, bias). */
  const convOptions = (op: TfliteOperator) => ({
    strides: [Number(op.options.stride_h), Number(op.options.stride_w)] as [number, number], padding: padding(op),
    dilationRate: [Number(op.options.dilation_h_factor ?? 1), Number(op.options.dilation_w_factor ?? 1)] as [number, number],
    activation: activationOf(op), useBias: (op.inputs[2] ?? -1) >= 0, trainable,
  });
  /** Applies a conv layer to the operator's input and sets its kernel `w` (disposed here) and bias. */
  const applyConv = (layer: tfns.layers.Layer, w: tfns.Tensor, op: TfliteOperator, label: string): tfns.SymbolicTensor => {
    const out = layer.apply(act(op.inputs[0]!)) as tfns.SymbolicTensor;
    const ws: tfns.Tensor[] = [w];
    if ((op.inputs[2] ?? -1) >= 0) ws.push(tf.tensor1d(constOf(op.inputs[2]!, `${label} bias`)));
    layer.setWeights(ws);
    tf.dispose(ws);
    return out;
  };
  for (const op of model.operators) {
    if (done()) break;
    const name = `${prefix}_${op.index}_${op.opName.toLowerCase()}`;
    const x = () => act(op.inputs[0]!);
    let y: tfns.SymbolicTensor;
    switch (op.opName) {
      case 'CONV_2D': {
        const [o, kh, kw, ci] = model.tensors[op.inputs[1]!]!.shape as [number, number, number, number];
        const w = tf.tidy(() => tf.tensor4d(constOf(op.inputs[1]!, 'CONV_2D filter'), [o, kh, kw, ci]).transpose([1, 2, 3, 0]));
        y = applyConv(tf.layers.conv2d({ name, filters: o, kernelSize: [kh, kw], ...convOptions(op) }), w, op, 'CONV_2D');
        break;
      }
      case 'DEPTHWISE_CONV_2D': {
        const [, kh, kw, cm] = model.tensors[op.inputs[1]!]!.shape as [number, number, number, number];
        const ci = model.tensors[op.inputs[0]!]!.shape[3]!;
        const mult = cm / ci;
        if (!Number.isInteger(mult)) throw new Error(`tflite: DEPTHWISE_CONV_2D operator #${op.index}: ${cm} filter channels for ${ci} input channels`);
        const w = tf.tensor4d(constOf(op.inputs[1]!, 'DEPTHWISE_CONV_2D filter'), [kh, kw, ci, mult]);
        y = applyConv(tf.layers.depthwiseConv2d({ name, kernelSize: [kh, kw], depthMultiplier: mult, ...convOptions(op) }), w, op, 'DEPTHWISE_CONV_2D');
        break;
      }
      case 'ADD': {
        const a = activationOf(op);
        y = tf.layers.add({ name }).apply([act(op.inputs[0]!), act(op.inputs[1]!)]) as tfns.SymbolicTensor;
        if (a !== 'linear') y = tf.layers.activation({ name: `${name}_act`, activation: a }).apply(y) as tfns.SymbolicTensor;
        break;
      }
      case 'AVERAGE_POOL_2D': {
        const a = activationOf(op);
        y = tf.layers.averagePooling2d({
          name, poolSize: [Number(op.options.filter_height), Number(op.options.filter_width)],
          strides: [Number(op.options.stride_h), Number(op.options.stride_w)], padding: padding(op),
        }).apply(x()) as tfns.SymbolicTensor;
        if (a !== 'linear') y = tf.layers.activation({ name: `${name}_act`, activation: a }).apply(y) as tfns.SymbolicTensor;
        break;
      }
      case 'MEAN': {
        const axes = Array.from(constOf(op.inputs[1]!, 'MEAN axes')).map((v) => (v < 0 ? v + 4 : v)).sort();
        if (axes.length !== 2 || axes[0] !== 1 || axes[1] !== 2) throw new Error(`tflite: MEAN operator #${op.index} over axes [${axes}]; only the spatial axes [1, 2] are supported`);
        y = tf.layers.globalAveragePooling2d({ name }).apply(x()) as tfns.SymbolicTensor;
        if (op.options.keep_dims) y = tf.layers.reshape({ name: `${name}_keep`, targetShape: [1, 1, y.shape[1]!] }).apply(y) as tfns.SymbolicTensor;
        break;
      }
      case 'RESHAPE': case 'SQUEEZE': {
        // The output tensor's stored shape is authoritative (new_shape may hold −1 or be absent).
        const outShape = model.tensors[op.outputs[0]!]!.shape;
        y = tf.layers.reshape({ name, targetShape: outShape.slice(1) }).apply(x()) as tfns.SymbolicTensor;
        break;
      }
      case 'FULLY_CONNECTED': {
        const wT = model.tensors[op.inputs[1]!]!;
        const [o, i] = wT.shape as [number, number];
        let xin = x();
        if (xin.shape.length !== 2) xin = tf.layers.reshape({ name: `${name}_flat`, targetShape: [i] }).apply(xin) as tfns.SymbolicTensor;
        const w = tf.tidy(() => tf.tensor2d(constOf(op.inputs[1]!, 'FULLY_CONNECTED weights'), [o, i]).transpose());
        const hasBias = (op.inputs[2] ?? -1) >= 0;
        const layer = tf.layers.dense({ name, units: o, activation: activationOf(op), useBias: hasBias, trainable });
        y = layer.apply(xin) as tfns.SymbolicTensor;
        const ws: tfns.Tensor[] = [w];
        if (hasBias) ws.push(tf.tensor1d(constOf(op.inputs[2]!, 'FULLY_CONNECTED bias')));
        layer.setWeights(ws);
        tf.dispose(ws);
        break;
      }
      case 'SOFTMAX': {
        const beta = Number(op.options.beta ?? 1);
        if (Math.abs(beta - 1) > 1e-6) throw new Error(`tflite: SOFTMAX operator #${op.index} with beta ${beta}; only beta 1 is supported`);
        y = tf.layers.softmax({ name }).apply(x()) as tfns.SymbolicTensor;
        break;
      }
      case 'RELU': case 'RELU6':
        y = tf.layers.activation({ name, activation: op.opName === 'RELU' ? 'relu' : 'relu6' }).apply(x()) as tfns.SymbolicTensor;
        break;
      case 'QUANTIZE': case 'DEQUANTIZE':
        y = x();
        break;
      default:
        throw new Error(`tflite: unsupported op ${op.opName} (builtin code ${op.opcode}${op.customCode ? `, custom "${op.customCode}"` : ''}) at operator #${op.index}; supported: ${SUPPORTED_OPS.join(', ')}`);
    }
    tensors.set(op.outputs[0]!, y);
  }
  if (until && !done()) throw new Error(`tflite: requested tensors ${[...until].filter((i) => !tensors.has(i))} are not produced by the graph`);
  return { input, tensors };
}

/**
 * Converts a TFLite model into a frozen tfjs LayersModel.
 * @param tf the tfjs namespace
 * @param model from `parseTflite`
 * @param outputs tensor indices to output (default: the graph outputs)
 * @returns LayersModel: input `[N, H, W, C]` float32 in the dequantised input domain (see
 *   `inputNormalization`), outputs float32 with the TFLite shapes (batch dimension → N); not trainable
 * @throws {Error} as `buildTfliteGraph`
 */
export function buildTfliteModel(tf: Tf, model: TfliteModel, outputs: number[] = model.outputs): tfns.LayersModel {
  const g = buildTfliteGraph(tf, model, { until: outputs });
  const m = tf.model({ inputs: g.input, outputs: outputs.map((i) => g.tensors.get(i)!) });
  m.trainable = false;
  return m;
}
