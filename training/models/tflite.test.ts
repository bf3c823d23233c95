/**
 * tflite: dequantisation against hand-computed values, and the reader + converter on a tiny TFLite
 * flatbuffer built here field by field from schema.fbs (uint8 per-channel CONV_2D with TF SAME padding at
 * stride 2 on an even input, DEPTHWISE_CONV_2D, ADD, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX),
 * compared with a plain-loop reference; and the error for an unsupported op.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildTfliteModel, dequantize, inputNormalization, parseTflite } from './tflite';

// ---------------------------------------------------------------------------------------------------
// A minimal FlatBuffers writer (front to back: every child is written after the object that refers to
// it, so all uoffsets are positive; vtables sit just before their table). Enough for schema.fbs tables.
type Scalar = { s: 'u8' | 'i8' | 'u16' | 'i32' | 'u32' | 'f32'; v: number };
type Node =
  | { t: 'table'; fields: Array<Scalar | Node | undefined> }
  | { t: 'vec'; s: 'u8' | 'i32' | 'f32' | 'i64'; v: number[] }
  | { t: 'tvec'; v: Node[] }
  | { t: 'str'; v: string };
const SIZES = { u8: 1, i8: 1, u16: 2, i32: 4, u32: 4, f32: 4, i64: 8 } as const;
const T = (...fields: Array<Scalar | Node | undefined>): Node => ({ t: 'table', fields });
const V = (s: 'u8' | 'i32' | 'f32' | 'i64', v: number[]): Node => ({ t: 'vec', s, v });
const TV = (...v: Node[]): Node => ({ t: 'tvec', v });
const S = (v: string): Node => ({ t: 'str', v });
const i8 = (v: number): Scalar => ({ s: 'i8', v }), u8 = (v: number): Scalar => ({ s: 'u8', v });
const i32 = (v: number): Scalar => ({ s: 'i32', v }), u32 = (v: number): Scalar => ({ s: 'u32', v }), f32 = (v: number): Scalar => ({ s: 'f32', v });

function serialize(root: Node, ident = 'TFL3'): Uint8Array {
  const buf = new DataView(new ArrayBuffer(1 << 16));
  let pos = 8;
  const put = (s: keyof typeof SIZES, p: number, v: number) => {
    if (s === 'u8') buf.setUint8(p, v); else if (s === 'i8') buf.setInt8(p, v); else if (s === 'u16') buf.setUint16(p, v, true);
    else if (s === 'i32') buf.setInt32(p, v, true); else if (s === 'u32') buf.setUint32(p, v, true); else if (s === 'f32') buf.setFloat32(p, v, true);
    else buf.setBigInt64(p, BigInt(v), true);
  };
  const align = (n: number) => { while (pos % n) pos++; };
  const isScalar = (f: Scalar | Node): f is Scalar => 's' in f && !('t' in f);
  /** Writes `n`, returns its position (table start / vector length word / string length word). */
  const write = (n: Node): number => {
    align(4);
    if (n.t === 'str') {
      const b = new TextEncoder().encode(n.v);
      const at = pos; put('u32', pos, b.length); pos += 4;
      b.forEach((x) => { put('u8', pos++, x); });
      put('u8', pos++, 0);
      return at;
    }
    if (n.t === 'vec') {
      if (n.s === 'i64') { pos += 4; align(8); pos -= 4; }
      const at = pos; put('u32', pos, n.v.length); pos += 4;
      for (const v of n.v) { put(n.s, pos, v); pos += SIZES[n.s]; }
      return at;
    }
    if (n.t === 'tvec') {
      const at = pos; put('u32', pos, n.v.length); pos += 4;
      const slots = n.v.map(() => { const p = pos; pos += 4; return p; });
      n.v.forEach((c, i) => { const cp = write(c); put('u32', slots[i]!, cp - slots[i]!); });
      return at;
    }
    // Table: lay out fields (refs as u32), vtable first, then the table.
    const layout: Array<{ id: number; off: number; f: Scalar | Node }> = [];
    let size = 4;
    n.fields.forEach((f, id) => {
      if (!f) return;
      const sz = isScalar(f) ? SIZES[f.s] : 4;
      while (size % sz) size++;
      layout.push({ id, off: size, f });
      size += sz;
    });
    const vt = pos;
    put('u16', pos, 4 + 2 * n.fields.length); put('u16', pos + 2, size);
    n.fields.forEach((_, id) => put('u16', vt + 4 + 2 * id, layout.find((l) => l.id === id)?.off ?? 0));
    pos = vt + 4 + 2 * n.fields.length;
    align(4);
    const at = pos;
    put('i32', at, at - vt);
    pos = at + size;
    for (const l of layout) if (isScalar(l.f)) put(l.f.s, at + l.off, l.f.v);
    for (const l of layout) if (!isScalar(l.f)) { const cp = write(l.f); put('u32', at + l.off, cp - (at + l.off)); }
    return at;
  };
  const r = write(root);
  put('u32', 0, r);
  for (let i = 0; i < 4; i++) put('u8', 4 + i, ident.charCodeAt(i));
  return new Uint8Array(buf.buffer, 0, pos);
}

/** Tensor(shape, type, buffer, name, quantization) of schema.fbs. TensorType: FLOAT32 0, INT32 2, UINT8 3. */
const tensor = (shape: number[], type: number, buffer: number, name: string, q?: { scale: number[]; zp: number[]; dim?: number }): Node =>
  T(V('i32', shape), i8(type), u32(buffer), S(name), q ? T(undefined, undefined, V('f32', q.scale), V('i64', q.zp), undefined, undefined, i32(q.dim ?? 0)) : undefined);
const bytesOf = (a: Float32Array | Int32Array | Uint8Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
/** Operator(opcode_index, inputs, outputs, builtin_options_type, builtin_options). */
const operator = (opcode: number, inputs: number[], outputs: number[], optType: number, opts: Node): Node =>
  T(u32(opcode), V('i32', inputs), V('i32', outputs), u8(optType), opts);

// ---- the tiny model's constants ----
// CONV_2D filter [O=3, H=3, W=3, I=2], uint8 per output channel.
const convQ = Array.from({ length: 54 }, (_, i) => (i * 37 + 11) % 256);
const convScale = [0.01, 0.02, 0.005], convZp = [128, 100, 140];
const convBiasQ = [120, -300, 50], convBiasScale = [0.01, 0.02, 0.005]; // int32, zp 0
// DEPTHWISE filter [1, 3, 3, 3] uint8 per tensor, no bias.
const dwQ = Array.from({ length: 27 }, (_, i) => (i * 53 + 7) % 256);
const dwScale = 0.004, dwZp = 127;
// FULLY_CONNECTED float32 weights [2, 3] and bias [2].
const fcW = [0.5, -1, 0.25, -0.75, 0.3, 1.2], fcB = [0.1, -0.2];
const input = Array.from({ length: 4 * 4 * 2 }, (_, i) => Math.sin(i * 1.7) * 4); // large enough that ReLU6 clips at 0 and at 6

/**
 * Tensors: 0 input f32 [1,4,4,2]; 1 conv filter; 2 conv bias; 3 conv out [1,2,2,3] (stride 2, SAME, RELU6);
 * 4 dw filter; 5 dw out [1,2,2,3] (stride 1, SAME, none); 6 add; 7 avgpool 2×2 VALID [1,1,1,3];
 * 8 reshape shape; 9 [1,3]; 10 fc W; 11 fc b; 12 fc out [1,2]; 13 softmax.
 */
function tinyModel(extraOp?: Node): Uint8Array {
  const buffers = [
    T(), // 0: sentinel
    T(V('u8', convQ)), T(V('u8', bytesOf(new Int32Array(convBiasQ)))), T(V('u8', dwQ)),
    T(V('u8', bytesOf(new Int32Array([1, 3])))), T(V('u8', bytesOf(new Float32Array(fcW)))), T(V('u8', bytesOf(new Float32Array(fcB)))),
  ];
  const tensors = [
    tensor([1, 4, 4, 2], 0, 0, 'input'),
    tensor([3, 3, 3, 2], 3, 1, 'conv/w', { scale: convScale, zp: convZp, dim: 0 }),
    tensor([3], 2, 2, 'conv/b', { scale: convBiasScale, zp: [0, 0, 0] }),
    tensor([1, 2, 2, 3], 0, 0, 'conv/out'),
    tensor([1, 3, 3, 3], 3, 3, 'dw/w', { scale: [dwScale], zp: [dwZp], dim: 3 }),
    tensor([1, 2, 2, 3], 0, 0, 'dw/out'),
    tensor([1, 2, 2, 3], 0, 0, 'add'),
    tensor([1, 1, 1, 3], 0, 0, 'pool'),
    tensor([2], 2, 4, 'shape'),
    tensor([1, 3], 0, 0, 'flat'),
    tensor([2, 3], 0, 5, 'fc/w'),
    tensor([2], 0, 6, 'fc/b'),
    tensor([1, 2], 0, 0, 'logits'),
    tensor([1, 2], 0, 0, 'prob'),
  ];
  // OperatorCode(deprecated_builtin_code i8, custom_code, version, builtin_code i32); one via field 3 only.
  const opcodes = [T(i8(3)), T(i8(4)), T(i8(0)), T(i8(1)), T(i8(22)), T(undefined, undefined, i32(1), i32(9)), T(i8(25)), T(i8(17))];
  const ops = [
    // Conv2DOptions(padding SAME=0, stride_w, stride_h, fused_activation RELU6=3); BuiltinOptions type 1.
    operator(0, [0, 1, 2], [3], 1, T(i8(0), i32(2), i32(2), i8(3))),
    // DepthwiseConv2DOptions(padding, stride_w, stride_h, depth_multiplier, fused NONE); type 2.
    operator(1, [3, 4, -1], [5], 2, T(i8(0), i32(1), i32(1), i32(1), i8(0))),
    operator(2, [3, 5], [6], 11, T(i8(0))), // AddOptions
    // Pool2DOptions(padding VALID=1, stride_w, stride_h, filter_width, filter_height, fused)
    operator(3, [6], [7], 5, T(i8(1), i32(1), i32(1), i32(2), i32(2), i8(0))),
    operator(4, [7, 8], [9], 17, T(V('i32', [1, 3]))), // ReshapeOptions(new_shape)
    operator(5, [9, 10, 11], [12], 8, T(i8(0))), // FullyConnectedOptions
    operator(6, [12], [13], 9, T(f32(1))), // SoftmaxOptions(beta)
  ];
  if (extraOp) ops.push(extraOp);
  const subgraph = T(TV(...tensors), V('i32', [0]), V('i32', [extraOp ? 14 : 13]), TV(...ops), S('main'));
  if (extraOp) (subgraph as { fields: unknown[] }).fields[0] = TV(...tensors, tensor([1, 1, 1, 2], 0, 0, 'extra'));
  return serialize(T(u32(3), TV(...opcodes), TV(subgraph), S('tiny test model'), TV(...buffers)));
}

const clipped = { low: false, high: false };
/** Plain-loop reference of the tiny model (TF SAME: pad_total = max((ceil(n/s)−1)·s + k − n, 0), top = floor(total/2)). */
function reference(x: number[], padOverride?: number): number[] {
  const W = convQ.map((q, i) => convScale[Math.floor(i / 18)]! * (q - convZp[Math.floor(i / 18)]!)); // [o][kh][kw][ci]
  const B = convBiasQ.map((q, o) => q * convBiasScale[o]!);
  const D = dwQ.map((q) => dwScale * (q - dwZp)); // [kh][kw][c]
  const at = (a: number[], h: number, w: number, c: number, y: number, xx: number, ch: number) => (y < 0 || y >= h || xx < 0 || xx >= w ? 0 : a[(y * w + xx) * c + ch]!);
  const padTop = (n: number, k: number, s: number) => Math.floor(Math.max((Math.ceil(n / s) - 1) * s + k - n, 0) / 2);
  const conv: number[] = [];
  const p0 = padOverride ?? padTop(4, 3, 2); // = 0: the extra padded row/column is at the bottom/right
  for (let oy = 0; oy < 2; oy++) for (let ox = 0; ox < 2; ox++) for (let o = 0; o < 3; o++) {
    let s = B[o]!;
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) for (let c = 0; c < 2; c++) {
      s += W[((o * 3 + ky) * 3 + kx) * 2 + c]! * at(x, 4, 4, 2, oy * 2 - p0 + ky, ox * 2 - p0 + kx, c);
    }
    conv.push(Math.min(6, Math.max(0, s)));
    clipped.low ||= s < 0; clipped.high ||= s > 6;
  }
  const dw: number[] = [];
  for (let oy = 0; oy < 2; oy++) for (let ox = 0; ox < 2; ox++) for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) s += D[(ky * 3 + kx) * 3 + c]! * at(conv, 2, 2, 3, oy - 1 + ky, ox - 1 + kx, c);
    dw.push(s);
  }
  const pool = [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((a, p) => a + conv[p * 3 + c]! + dw[p * 3 + c]!, 0) / 4);
  const logits = [0, 1].map((o) => fcB[o]! + [0, 1, 2].reduce((a, i) => a + fcW[o * 3 + i]! * pool[i]!, 0));
  const m = Math.max(...logits), e = logits.map((l) => Math.exp(l - m)), z = e[0]! + e[1]!;
  return e.map((v) => v / z).concat(logits);
}

test('dequantize: per tensor, per channel on dimension 0 and 3, int8, int32 bias, float passthrough', () => {
  const u = (a: number[]) => new Uint8Array(a);
  assert.deepEqual(Array.from(dequantize(u([0, 128, 255]), 'UINT8', [3], { scale: [0.5], zeroPoint: [128], quantizedDimension: 0 })), [-64, 0, 63.5]);
  assert.deepEqual(Array.from(dequantize(u([1, 2, 10, 12]), 'UINT8', [2, 2], { scale: [1, 2], zeroPoint: [0, 10], quantizedDimension: 0 })), [1, 2, 0, 4]);
  assert.deepEqual(Array.from(dequantize(u([3, 3, 3, 3]), 'UINT8', [1, 2, 2], { scale: [1, 0.5], zeroPoint: [1, 1], quantizedDimension: 2 })), [2, 1, 2, 1]);
  assert.deepEqual(Array.from(dequantize(u([0xff, 0x80]), 'INT8', [2], { scale: [0.25], zeroPoint: [0], quantizedDimension: 0 })), [-0.25, -32]);
  assert.deepEqual(Array.from(dequantize(u(bytesOf(new Int32Array([-400, 8]))), 'INT32', [2], { scale: [0.25], zeroPoint: [0], quantizedDimension: 0 })), [-100, 2]);
  assert.deepEqual(Array.from(dequantize(u(bytesOf(new Float32Array([1.5, -2]))), 'FLOAT32', [2])), [1.5, -2]);
  assert.throws(() => dequantize(u([1, 2, 3]), 'UINT8', [2]), /needs 2 bytes/);
  assert.throws(() => dequantize(u([1, 2, 3]), 'UINT8', [3], { scale: [1, 2], zeroPoint: [0, 0], quantizedDimension: 0 }), /2 scales/);
});

test('parseTflite reads the hand-built flatbuffer: tensors, quantisation, op codes (both fields), options', () => {
  const m = parseTflite(tinyModel());
  assert.equal(m.version, 3);
  assert.equal(m.description, 'tiny test model');
  assert.deepEqual(m.inputs, [0]);
  assert.deepEqual(m.outputs, [13]);
  assert.equal(m.tensors.length, 14);
  assert.deepEqual(m.tensors[1]!.shape, [3, 3, 3, 2]);
  assert.equal(m.tensors[1]!.type, 'UINT8');
  assert.deepEqual(m.tensors[1]!.quantization, { scale: convScale.map(Math.fround), zeroPoint: convZp, quantizedDimension: 0 });
  assert.equal(m.tensors[2]!.type, 'INT32');
  assert.equal(m.tensors[0]!.quantization, undefined);
  assert.equal(inputNormalization(m), null);
  assert.deepEqual(m.operators.map((o) => o.opName), ['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
  assert.deepEqual(m.operators[0]!.options, { padding: 0, stride_w: 2, stride_h: 2, fused_activation_function: 3, dilation_w_factor: 1, dilation_h_factor: 1 });
  assert.deepEqual(m.operators[1]!.inputs, [3, 4, -1]);
  assert.deepEqual(m.operators[3]!.options.filter_width, 2);
  assert.deepEqual(m.operators[4]!.options.new_shape, [1, 3]);
  assert.equal(m.buffers[0], null);
  assert.deepEqual(Array.from(m.buffers[3]!), dwQ);
});

test('buildTfliteModel matches a plain-loop reference (SAME stride 2 on even input, per-channel uint8, ReLU6)', async () => {
  await tf.setBackend('cpu');
  const m = parseTflite(tinyModel());
  const model = buildTfliteModel(tf, m, [13, 12]);
  const x = tf.tensor4d(input, [1, 4, 4, 2]);
  const [p, l] = model.predict(x) as tf.Tensor[];
  const got = [...p!.dataSync(), ...l!.dataSync()];
  const want = reference(input);
  assert.ok(clipped.low && clipped.high, 'the input exercises both ReLU6 bounds');
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-4, `output ${i}: ${v} vs reference ${want[i]}`));
  // Padding at the top/left (Caffe/PyTorch-style pad 1) gives clearly different outputs: the test sees it.
  const wrong = reference(input, 1);
  assert.ok(got.some((v, i) => Math.abs(v - wrong[i]!) > 1e-2), 'model output also matches top/left padding');
  tf.dispose([x, p!, l!]);
  model.dispose();
});

test('an unsupported op is named in the error', () => {
  const m = parseTflite(tinyModel(operator(7, [13], [14], 5, T(i8(1), i32(1), i32(1), i32(1), i32(1), i8(0)))));
  assert.equal(m.operators[7]!.opName, 'MAX_POOL_2D');
  assert.throws(() => buildTfliteModel(tf, m), /unsupported op MAX_POOL_2D \(builtin code 17\)/);
  assert.throws(() => parseTflite(new Uint8Array(16)), /not a TFLite flatbuffer/);
});
