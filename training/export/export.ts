/**
 * Exports a trained tfjs LayersModel as a SynthScreen model folder: `model.json` (topology + weights
 * manifest), binary weight shards, and `manifest.json` (`extension/shared/model-manifest.ts`) pinning
 * every file by sha256.
 *
 * Quantisation: tfjs-layers' `model.save` always writes float32, so weights are quantised here, in the
 * format tfjs' loader already understands (the `quantization` field of a `weightsManifest` entry, as
 * written by `tensorflowjs_converter --quantize_float16/--quantize_uint8`): `tf.io.decodeWeights`
 * dequantises at load time, so `loadDetector` and `tf.loadLayersModel` need no changes.
 * - `float16`: IEEE 754 half precision, round-to-nearest-even (2 bytes/value; rel. error ≤ 2⁻¹¹).
 * - `uint8`: per-tensor affine, value ≈ q·scale + min, scale = (max − min)/255 (1 byte/value).
 * - `none`: float32 as saved.
 * Non-float32 weights (int32) are always kept as they are.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { sha256Hex } from '../../extension/shared/detector';
import { validateManifest, type Calibration, type ModelFile, type ModelManifest } from '../../extension/shared/model-manifest';
import type { PreprocessSpec } from '../../extension/shared/preprocess';
import type { TilingSpec } from '../../extension/shared/tiling';

type Tf = typeof tfjs;
export type Quantize = 'float16' | 'uint8' | 'none';

export interface ExportOptions {
  /** Output folder (created; existing files with the same names are overwritten). */
  dir: string;
  name: string;
  version: string;
  arch: string;
  preprocess: PreprocessSpec;
  output: 'logit' | 'probability';
  calibration: Calibration;
  threshold: number;
  unsureBand: number;
  crops?: number;
  /** Whole-image tiling (manifest `tiling`, `extension/shared/tiling.ts`). */
  tiling?: TilingSpec;
  provenance?: Record<string, unknown>;
  quantize: Quantize;
  /** Maximum shard size in bytes (default 4 MiB, tfjs' default). */
  shardBytes?: number;
  /** Override the export time (ISO-8601), for reproducible files in tests. */
  createdAt?: string;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * Converts one float32 to IEEE 754 binary16 bits, round-to-nearest-even; overflow → ±Infinity,
 * NaN → quiet NaN, subnormals kept.
 * @returns a 16-bit unsigned integer
 */
export function float32ToFloat16Bits(value: number): number {
  F32[0] = value;
  const x = U32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++; // may carry into the exponent: still correct
  return sign | half;
}

/** Inverse of `float32ToFloat16Bits` (exact). */
export function float16BitsToFloat32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function joinWeightData(data: tfjs.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { out.set(new Uint8Array(p), off); off += p.byteLength; }
  return out;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * Quantises tfjs weight data.
 * @param specs weight specs as saved (no `quantization` fields), in data order
 * @param data concatenated weight bytes matching `specs`
 * @returns new specs (float32 entries gain `quantization`) and the new bytes
 * @throws {Error} for string weights or already-quantised specs; {RangeError} for float16 overflow
 */
export function quantizeWeights(specs: tfjs.io.WeightsManifestEntry[], data: Uint8Array, mode: Quantize): { specs: tfjs.io.WeightsManifestEntry[]; data: Uint8Array } {
  if (mode === 'none') return { specs, data };
  const outSpecs: tfjs.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let off = 0;
  for (const spec of specs) {
    if (spec.quantization) throw new Error(`weight ${spec.name} is already quantised`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const bpv = DTYPE_BYTES[spec.dtype];
    if (bpv === undefined) throw new Error(`weight ${spec.name}: cannot export dtype ${spec.dtype}`);
    const bytes = data.slice(off, off + size * bpv);
    off += size * bpv;
    if (spec.dtype !== 'float32') { outSpecs.push(spec); chunks.push(bytes); continue; }
    const values = new Float32Array(bytes.buffer, 0, size);
    if (mode === 'float16') {
      const q = new Uint16Array(size);
      for (let i = 0; i < size; i++) {
        const v = values[i]!;
        if (Math.abs(v) > 65504) throw new RangeError(`weight ${spec.name}[${i}] = ${v} overflows float16 (|v| ≤ 65504); export with quantize 'none' or 'uint8'`);
        q[i] = float32ToFloat16Bits(v);
      }
      chunks.push(new Uint8Array(q.buffer));
      outSpecs.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      let min = Infinity, max = -Infinity;
      for (let i = 0; i < size; i++) { const v = values[i]!; if (v < min) min = v; if (v > max) max = v; }
      if (size === 0) { min = 0; max = 0; }
      const scale = max > min ? (max - min) / 255 : 1;
      const q = new Uint8Array(size);
      for (let i = 0; i < size; i++) q[i] = Math.max(0, Math.min(255, Math.round((values[i]! - min) / scale)));
      chunks.push(q);
      outSpecs.push({ ...spec, quantization: { dtype: 'uint8', min, scale } });
    }
  }
  if (off !== data.byteLength) throw new Error(`weight specs cover ${off} bytes but the data has ${data.byteLength}`);
  const total = chunks.reduce((a, c) => a + c.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.byteLength; }
  return { specs: outSpecs, data: out };
}

/**
 * Saves `model` into `opts.dir` and writes a validated `manifest.json`.
 * @param tf the tfjs namespace the model was built with
 * @returns the manifest as written (files: `model.json`, `group1-shard{i}of{n}.bin`)
 * @throws {TypeError} when the resulting manifest fails `validateManifest`; tfjs errors from `save`
 */
export async function exportModel(tf: Tf, model: tfjs.LayersModel, opts: ExportOptions): Promise<ModelManifest> {
  let artifacts: tfjs.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts || !artifacts.modelTopology || !artifacts.weightSpecs) throw new Error('model.save produced no topology/weights');
  const q = quantizeWeights(artifacts.weightSpecs, joinWeightData(artifacts.weightData), opts.quantize);
  const shardBytes = opts.shardBytes ?? 4 * 1024 * 1024;
  const nShards = Math.max(1, Math.ceil(q.data.byteLength / shardBytes));
  const paths: string[] = [];
  await mkdir(opts.dir, { recursive: true });
  const files: ModelFile[] = [];
  for (let i = 0; i < nShards; i++) {
    const p = `group1-shard${i + 1}of${nShards}.bin`;
    const bytes = q.data.subarray(i * shardBytes, Math.min(q.data.byteLength, (i + 1) * shardBytes));
    await writeFile(join(opts.dir, p), bytes);
    paths.push(p);
    files.push({ path: p, sha256: await sha256Hex(bytes), bytes: bytes.byteLength });
  }
  const modelJson = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: `synthscreen export (${opts.quantize})`,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: q.specs }],
  };
  const jsonBytes = new TextEncoder().encode(JSON.stringify(modelJson));
  await writeFile(join(opts.dir, 'model.json'), jsonBytes);
  files.unshift({ path: 'model.json', sha256: await sha256Hex(jsonBytes), bytes: jsonBytes.byteLength });
  const manifest: ModelManifest = {
    schemaVersion: 1,
    name: opts.name,
    version: opts.version,
    arch: opts.arch,
    modelJson: 'model.json',
    output: opts.output,
    preprocess: opts.preprocess,
    ...(opts.crops !== undefined ? { crops: opts.crops } : {}),
    ...(opts.tiling !== undefined ? { tiling: opts.tiling } : {}),
    calibration: opts.calibration,
    threshold: opts.threshold,
    unsureBand: opts.unsureBand,
    files,
    createdAt: opts.createdAt ?? new Date().toISOString(),
    ...(opts.provenance ? { provenance: { ...opts.provenance, quantize: opts.quantize } } : { provenance: { quantize: opts.quantize } }),
  };
  validateManifest(JSON.parse(JSON.stringify(manifest)));
  await writeFile(join(opts.dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
