/**
 * Gradient kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks, built from kernels it has.
 *
 * A runtime module: the extension's service worker registers them for the gradient-based explanations
 * (`background/explain.ts`), and training (`training/kernels/wasm-backend.ts`), `npm run explain` and the
 * benches import the same file. It depends only on `@tensorflow/tfjs`, never on `training/`.
 *
 * The wasm backend has no `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter` or
 * `DepthwiseConv2dNativeBackpropInput`, so `model.fit` / `tf.variableGrads` fail on any conv net
 * (see `../shared/research/feasibility.md`, row 4c). This module registers the three for `'wasm'` with
 * `tf.registerKernel`. Each kernel composes the wasm backend's own kernel functions (`Conv2D`,
 * `DepthwiseConv2dNative`, `Transpose`, `PadV2`, `StridedSlice`, `Multiply`, `Sum`, …) directly on
 * `TensorInfo`s, the way the backend's own composite kernels do, and frees every intermediate with
 * `backend.disposeData`; no engine scope or tape is involved.
 *
 * Formulations (NHWC, filter `[kh, kw, in, out]`; `s` = stride, `d` = dilation, `top/left` = padding
 * computed by `backend_util.computeConv2DInfo` exactly as in the forward pass):
 * - `Conv2DBackpropFilter`: dW[a,b,i,o] = Σ_{n,y,x} X[n, y·s+a·d−top, x·s+b·d−left, i] · dY[n,y,x,o]
 *   is a convolution of Xᵀ = X with batch and channel axes swapped (`[in, H, W, N]`) by the filter
 *   dYᵀ (`[oh, ow, N, out]`) with stride `d` and dilation `s` (the roles swap), explicit padding
 *   `top/left` and enough bottom/right zeros; the `[in, kh, kw, out]` result is transposed back. A 1×1,
 *   stride-1, unpadded filter takes a single matmul instead.
 * - `DepthwiseConv2dNativeBackpropFilter`: for each of the kh·kw taps, the strided slice of the padded
 *   input that the tap sees is multiplied by dY and summed over batch and space (per channel and
 *   multiplier).
 * - `DepthwiseConv2dNativeBackpropInput`: dY is dilated by the stride (zero insertion via
 *   reshape + pad), padded by `(k−1)·d − top` on the leading side, and correlated (depthwise, stride
 *   1, dilation `d`, valid) with the spatially flipped filter; channel multipliers are summed out.
 *
 * All three match the cpu backend element-wise (see `training/kernels/wasm-grads.test.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo, NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs';

type Backend = {
  disposeData(dataId: object, force?: boolean): boolean;
};

/** A tiny arena: runs wasm kernel functions on TensorInfos and frees the intermediates. */
class Arena {
  private readonly temps: TensorInfo[] = [];
  constructor(private readonly backend: Backend) {}

  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`wasm-grads: wasm kernel ${name} is not registered`);
    const out = k.kernelFunc({ inputs, backend: this.backend as never, attrs }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** Frees every intermediate except `keep` (the kernel's output). */
  finish(keep: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== keep) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
    return keep;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }
  /** Pads with zeros (non-negative amounts) and slices (negative amounts), per axis `[before, after]`. */
  padOrCrop(x: TensorInfo, amounts: Array<[number, number]>): TensorInfo {
    let cur = x;
    const pads = amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)] as [number, number]);
    if (pads.some(([a, b]) => a > 0 || b > 0)) cur = this.run('PadV2', { x: cur }, { paddings: pads, constantValue: 0 });
    const crops = amounts.map(([a, b]) => [Math.max(0, -a), Math.max(0, -b)] as [number, number]);
    if (crops.some(([a, b]) => a > 0 || b > 0)) {
      const begin = crops.map(([a]) => a);
      const size = cur.shape.map((s, i) => s - crops[i]![0] - crops[i]![1]);
      cur = this.run('Slice', { x: cur }, { begin, size });
    }
    return cur;
  }
}

function pair(v: number | [number, number] | number[] | undefined, dflt = 1): [number, number] {
  if (v === undefined || v === null) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  return [v[0]!, v[1]!];
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/**
 * `Conv2DBackpropFilter` for wasm. Inputs `x` `[N, H, W, Cin]`, `dy` `[N, oh, ow, Cout]` (float32);
 * attrs `strides`, `pad`, `dimRoundingMode`, `filterShape` `[kh, kw, Cin, Cout]`, optional
 * `dilations` (tfjs' own conv gradient only allows 1). Returns dW, float32, shape `filterShape`.
 * @throws {Error} for `dataFormat` NCHW, or strides and dilations both > 1.
 */
export function conv2DBackpropFilterWasm(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: number | [number, number]; pad: Pad; dataFormat?: string; dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number]; dilations?: number | [number, number];
  };
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm-grads: Conv2DBackpropFilter supports NHWC only');
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations);
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) throw new Error('wasm-grads: strides and dilations cannot both be > 1');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, [sh, sw], [dh, dw], attrs.pad, attrs.dimRoundingMode);
  const [kh, kw, cin, cout] = attrs.filterShape;
  const [n, H, W] = x.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const A = new Arena(args.backend as Backend);
  const { top, left } = info.padInfo;
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && top === 0 && left === 0 && oh === H && ow === W) {
    const xm = A.reshape(x, [1, n * H * W, cin]);
    const dym = A.reshape(dy, [1, n * H * W, cout]);
    const prod = A.run('BatchMatMul', { a: xm, b: dym }, { transposeA: true, transposeB: false });
    return A.finish(A.reshape(prod, [1, 1, cin, cout]));
  }
  const xt = A.transpose(x, [3, 1, 2, 0]); // [Cin, H, W, N]
  const dyt = A.transpose(dy, [1, 2, 0, 3]); // [oh, ow, N, Cout]
  const needH = (kh - 1) * dh + (oh - 1) * sh + 1;
  const needW = (kw - 1) * dw + (ow - 1) * sw + 1;
  const bottom = Math.max(0, needH - H - top);
  const right = Math.max(0, needW - W - left);
  const conv = A.run('Conv2D', { x: xt, filter: dyt }, {
    strides: [dh, dw], dilations: [sh, sw], pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC', dimRoundingMode: undefined as never,
  }); // [Cin, >=kh, >=kw, Cout]
  let c = conv;
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    c = A.run('Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] });
  }
  return A.finish(A.transpose(c, [1, 2, 0, 3]));
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` for wasm. Inputs `x` `[N, H, W, C]`, `dy` `[N, oh, ow, C·M]`;
 * attrs `strides`, `dilations`, `pad`, `dimRoundingMode`, `filterShape` `[kh, kw, C, M]`.
 * Returns dW, float32, shape `filterShape`.
 */
export function depthwiseBackpropFilterWasm(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: number | [number, number]; dilations?: number | [number, number]; pad: Pad;
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number];
  };
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, [sh, sw], [dh, dw], attrs.pad, attrs.dimRoundingMode, true);
  const [kh, kw, c, m] = attrs.filterShape;
  const [n, H, W] = x.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const { top, left } = info.padInfo;
  const A = new Arena(args.backend as Backend);
  const needH = (kh - 1) * dh + (oh - 1) * sh + 1;
  const needW = (kw - 1) * dw + (ow - 1) * sw + 1;
  const xp = A.padOrCrop(x, [[0, 0], [top, needH - H - top], [left, needW - W - left], [0, 0]]);
  const dy5 = m > 1 ? A.reshape(dy, [n, oh, ow, c, m]) : dy;
  const taps: TensorInfo[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      let sl = A.run('StridedSlice', { x: xp }, {
        begin: [0, a * dh, b * dw, 0], end: [n, a * dh + (oh - 1) * sh + 1, b * dw + (ow - 1) * sw + 1, c],
        strides: [1, sh, sw, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      });
      if (m > 1) sl = A.reshape(sl, [n, oh, ow, c, 1]);
      const prod = A.run('Multiply', { a: sl, b: dy5 });
      taps.push(A.run('Sum', { x: prod }, { axis: [0, 1, 2], keepDims: false })); // [C] or [C, M]
    }
  }
  const packed = A.run('Pack', taps as never, { axis: 0 }); // Pack takes an array of inputs
  return A.finish(A.reshape(packed, [kh, kw, c, m]));
}

/**
 * `DepthwiseConv2dNativeBackpropInput` for wasm. Inputs `dy` `[N, oh, ow, C·M]`, `filter`
 * `[kh, kw, C, M]`; attrs `strides`, `dilations`, `pad`, `dimRoundingMode`, `inputShape`
 * `[N, H, W, C]`. Returns dX, float32, shape `inputShape`.
 * @throws {Error} when strides and dilations are both > 1.
 */
export function depthwiseBackpropInputWasm(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: number | [number, number]; dilations?: number | [number, number]; pad: Pad;
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number];
  };
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations);
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) throw new Error('wasm-grads: strides and dilations cannot both be > 1');
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, [kh, kw, c, m], [sh, sw], [dh, dw], attrs.pad, attrs.dimRoundingMode, true);
  const [n, H, W] = attrs.inputShape;
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const C = c * m;
  const { top, left } = info.padInfo;
  const A = new Arena(args.backend as Backend);
  // Zero insertion: dyUp[y·s] = dy[y], length oh·s (trailing zeros are harmless).
  let up = dy;
  if (sh > 1 || sw > 1) {
    const r = A.reshape(dy, [n, oh, 1, ow, 1, C]);
    const p = A.run('PadV2', { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    up = A.reshape(p, [n, oh * sh, ow * sw, C]);
  }
  const padT = (kh - 1) * dh - top;
  const padL = (kw - 1) * dw - left;
  const needH = H + (kh - 1) * dh;
  const needW = W + (kw - 1) * dw;
  const q = A.padOrCrop(up, [[0, 0], [padT, needH - up.shape[1]! - padT], [padL, needW - up.shape[2]! - padL], [0, 0]]);
  const flipped = A.run('Reverse', { x: filter }, { dims: [0, 1] });
  const f = A.reshape(flipped, [kh, kw, C, 1]);
  const conv = A.run('DepthwiseConv2dNative', { x: q, filter: f }, {
    strides: [1, 1], dilations: [dh, dw], pad: 'valid', dimRoundingMode: undefined as never,
  }); // [N, H, W, C·M]
  if (m === 1) return A.finish(conv);
  const r5 = A.reshape(conv, [n, H, W, c, m]);
  return A.finish(A.run('Sum', { x: r5 }, { axis: [4], keepDims: false }));
}

/**
 * `Conv2DBackpropInput` for wasm, replacing the backend's own kernel (a direct loop that is ~6× slower
 * than XNNPACK's convolution on this machine, see `bench.ts`). dX is the correlation of dY — zero-
 * inserted by the stride and padded by `(k−1)·d − top` on the leading side — with the filter flipped in
 * space and transposed to `[kh, kw, Cout, Cin]` (stride 1, dilation `d`, valid). Inputs `dy`
 * `[N, oh, ow, Cout]`, `filter` `[kh, kw, Cin, Cout]`; attrs `strides`, `pad`, `dimRoundingMode`,
 * `inputShape` `[N, H, W, Cin]`, optional `dilations`. Returns dX, float32, shape `inputShape`.
 * @throws {Error} for NCHW, or strides and dilations both > 1.
 */
export function conv2DBackpropInputWasm(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: number | [number, number]; dilations?: number | [number, number]; pad: Pad; dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number];
  };
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm-grads: Conv2DBackpropInput supports NHWC only');
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations);
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) throw new Error('wasm-grads: strides and dilations cannot both be > 1');
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, [kh, kw, cin, cout], [sh, sw], [dh, dw], attrs.pad, attrs.dimRoundingMode);
  const [n, H, W] = attrs.inputShape;
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const { top, left } = info.padInfo;
  const A = new Arena(args.backend as Backend);
  let up = dy;
  if (sh > 1 || sw > 1) {
    const r = A.reshape(dy, [n, oh, 1, ow, 1, cout]);
    const p = A.run('PadV2', { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    up = A.reshape(p, [n, oh * sh, ow * sw, cout]);
  }
  const padT = (kh - 1) * dh - top;
  const padL = (kw - 1) * dw - left;
  const q = A.padOrCrop(up, [[0, 0], [padT, H + (kh - 1) * dh - up.shape[1]! - padT], [padL, W + (kw - 1) * dw - up.shape[2]! - padL], [0, 0]]);
  let f = filter;
  if (kh > 1 || kw > 1) f = A.run('Reverse', { x: filter }, { dims: [0, 1] });
  const ft = A.transpose(f, [0, 1, 3, 2]);
  return A.finish(A.run('Conv2D', { x: q, filter: ft }, {
    strides: [1, 1], dilations: [dh, dw], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined as never,
  }));
}

let originalTile: KernelConfig | undefined;

/**
 * `Tile` for wasm, replacing the backend's element-by-element loop (72 ms vs 5 ms for a
 * `[1,1,1,32] → [32,32,32,32]` tile, which batch-norm gradients do at every layer). Tiling x `[d0..dk]`
 * by reps `[r0..rk]` equals broadcasting x reshaped to `[1, d0, 1, d1, …]` against zeros of
 * `[r0, d0, r1, d1, …]` (`Add`) and reshaping to `[r0·d0, …]`. float32/int32 only; other dtypes use the
 * original kernel.
 */
export function tileWasm(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const reps = ((args.attrs ?? {}) as { reps: number[] }).reps;
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || !originalTile) {
    return (originalTile ?? tf.getKernel('Tile', 'wasm')!).kernelFunc(args as never) as TensorInfo;
  }
  // (x extent, z extent) per axis: a broadcast axis (1, r) or a kept axis (d, d); neighbours of one kind
  // are merged so the Add stays within XNNPACK's 6 dimensions.
  const axes: Array<[number, number]> = [];
  const push = (xd: number, zd: number) => {
    const last = axes[axes.length - 1];
    const kind = xd === 1 && zd > 1 ? 'b' : 'k';
    const lastKind = last ? (last[0] === 1 && last[1] > 1 ? 'b' : 'k') : undefined;
    if (last && kind === lastKind) { last[0] *= xd; last[1] *= zd; } else axes.push([xd, zd]);
  };
  const outShape: number[] = [];
  x.shape.forEach((d, i) => {
    const r = reps[i]!;
    outShape.push(r * d);
    if (r > 1) push(1, r);
    if (d > 1 || r === 1) push(d, d);
  });
  if (axes.length > 6) return originalTile.kernelFunc(args as never) as TensorInfo;
  const A = new Arena(args.backend as Backend);
  const xr = A.reshape(x, axes.map(([a]) => a));
  const z = A.run('Fill', {}, { shape: axes.map(([, b]) => b), value: 0, dtype: x.dtype });
  const sum = A.run('Add', { a: xr, b: z });
  return A.finish(A.reshape(sum, outShape));
}

const CONFIGS: KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilterWasm as never },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilterWasm as never },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInputWasm as never },
];

const FAST_INPUT_GRAD: KernelConfig = { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInputWasm as never };
const registered = new Set<string>();

/**
 * Registers the three missing gradient kernels for the `'wasm'` backend (idempotent; a kernel that
 * wasm already has — a future tfjs — is left alone) and, unless `opts.fastInputGrad === false`,
 * replaces wasm's slow `Conv2DBackpropInput` with `conv2DBackpropInputWasm` and (unless
 * `opts.fastTile === false`) its slow `Tile` with `tileWasm`.
 * @returns the names of the kernels this call registered.
 */
export function registerWasmGradKernels(opts: { fastInputGrad?: boolean; fastTile?: boolean } = {}): string[] {
  const done: string[] = [];
  for (const cfg of CONFIGS) {
    if (registered.has(cfg.kernelName) || tf.getKernel(cfg.kernelName, 'wasm')) continue;
    tf.registerKernel(cfg);
    registered.add(cfg.kernelName);
    done.push(cfg.kernelName);
  }
  if (opts.fastTile !== false && !registered.has('Tile')) {
    originalTile = { ...tf.getKernel('Tile', 'wasm')! } as KernelConfig;
    tf.unregisterKernel('Tile', 'wasm');
    tf.registerKernel({ kernelName: 'Tile', backendName: 'wasm', kernelFunc: tileWasm as never });
    registered.add('Tile');
    done.push('Tile');
  }
  if (opts.fastInputGrad !== false && !registered.has(FAST_INPUT_GRAD.kernelName)) {
    tf.unregisterKernel(FAST_INPUT_GRAD.kernelName, 'wasm');
    tf.registerKernel(FAST_INPUT_GRAD);
    registered.add(FAST_INPUT_GRAD.kernelName);
    done.push(FAST_INPUT_GRAD.kernelName);
  }
  return done;
}

/**
 * Backend set-up for gradients, shared by the worker and the Node CLIs: on `'wasm'` registers the kernels
 * above (idempotent); other backends (`webgpu`, `webgl`, `cpu`, `tensorflow`) have their own gradients.
 * @param backend the active tfjs backend name (`tf.getBackend()`)
 * @returns the kernels this call registered (empty when none were needed or all were already there)
 */
export function ensureGradientKernels(backend: string): string[] {
  return backend === 'wasm' ? registerWasmGradKernels() : [];
}
