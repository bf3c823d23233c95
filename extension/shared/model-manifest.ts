/**
 * The model manifest: a shipped detector described as data (`models/<name>/manifest.json`).
 * Pins every file by sha256, says how to preprocess, how to calibrate the raw score and which threshold
 * the model card's numbers were measured at. Written by `training/` export, read by the extension and by
 * `npm run evaluate`.
 */
import type { PreprocessSpec } from './preprocess';
import { validateTiling, type TilingSpec } from './tiling';
import { sigmoid } from './verdict';
import { validateReliability, type ModelReliability } from './reliability';

/** Maps the model's raw logit z to a calibrated probability of "synthetic". */
export type Calibration =
  | { type: 'none' }
  /** Platt scaling: p = σ(a·z + b) (Platt 1999). */
  | { type: 'platt'; a: number; b: number }
  /** Isotonic regression on z: piecewise-linear through (x[i], y[i]), x ascending, y non-decreasing. */
  | { type: 'isotonic'; x: number[]; y: number[] };

export interface ModelFile {
  /** Path relative to the manifest's folder. */
  path: string;
  /** Lower-case hex sha256 of the file's bytes. */
  sha256: string;
  bytes: number;
}

export interface ModelManifest {
  schemaVersion: 1;
  /** Short stable id, e.g. `synthscreen-npr-patch`. */
  name: string;
  /** Semantic version of this trained model. */
  version: string;
  /** Backbone registry key, e.g. `npr-patch-cnn`, `efficientnet-b4`. */
  arch: string;
  /** The tfjs LayersModel topology file, relative path; listed in `files` too. */
  modelJson: string;
  /** What the model outputs for one input: a logit (pre-sigmoid) or a probability. */
  output: 'logit' | 'probability';
  preprocess: PreprocessSpec;
  /**
   * Test-time crops: how many `inputSize` crops to score per image (1 = centre only). Scores are averaged
   * in logit space. Only meaningful with geometry `center-crop`.
   */
  crops?: number;
  /**
   * Whole-image scoring for fully convolutional patch models (geometry `center-crop` only): tile size,
   * stride, tiles per backend, aggregation of tile logits, evidence-map size (`tiling.ts`). When present it
   * replaces `crops`. Manifests without it (written before 0.4) keep the test-time crops; a block missing
   * fields is completed from `DEFAULT_TILING`.
   */
  tiling?: TilingSpec;
  calibration: Calibration;
  /** Default decision threshold on the calibrated probability, in [0, 1]. */
  threshold: number;
  /** Default width of the "unsure" band around the threshold, in [0, 1]. */
  unsureBand: number;
  files: ModelFile[];
  /** ISO-8601 time of export. */
  createdAt: string;
  /** Free-form provenance: training command, data manifest hash, metrics summary. */
  provenance?: Record<string, unknown>;
  /**
   * The model card's reliability numbers as data ("How reliable is this?" in the popup, the explanation view
   * and the first-run page; `./reliability.ts`), each group naming the report and command it comes from.
   * Optional: a fresh export has none until its reports exist. Not a pinned file, so no checksum; validated here.
   */
  reliability?: ModelReliability;
}

/**
 * Checks a parsed JSON value against the manifest schema.
 * @returns the manifest; with a `tiling` block, a shallow copy whose block is completed (`validateTiling`)
 * @throws {TypeError} naming the first bad field.
 */
export function validateManifest(value: unknown): ModelManifest {
  const m = value as Partial<ModelManifest> | null;
  const fail = (field: string): never => {
    throw new TypeError(`model manifest: missing or invalid "${field}"`);
  };
  if (!m || typeof m !== 'object') fail('(root)');
  if (m!.schemaVersion !== 1) fail('schemaVersion');
  for (const k of ['name', 'version', 'arch', 'modelJson', 'createdAt'] as const) {
    if (typeof m![k] !== 'string' || (m![k] as string).length === 0) fail(k);
  }
  if (m!.output !== 'logit' && m!.output !== 'probability') fail('output');
  const p = m!.preprocess;
  if (!p || !Number.isInteger(p.inputSize) || p.inputSize < 1) fail('preprocess.inputSize');
  if (!['resize', 'shorter-side-center-crop', 'center-crop'].includes(p!.geometry)) fail('preprocess.geometry');
  if (typeof m!.threshold !== 'number' || m!.threshold < 0 || m!.threshold > 1) fail('threshold');
  if (typeof m!.unsureBand !== 'number' || m!.unsureBand < 0 || m!.unsureBand > 1) fail('unsureBand');
  if (!Array.isArray(m!.files) || m!.files.length === 0) fail('files');
  for (const f of m!.files!) {
    if (typeof f.path !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isInteger(f.bytes)) fail('files[]');
  }
  const c = m!.calibration;
  if (!c || !['none', 'platt', 'isotonic'].includes(c.type)) fail('calibration');
  if (c!.type === 'isotonic' && (c!.x.length !== c!.y.length || c!.x.length < 2)) fail('calibration.x/y');
  if (m!.reliability !== undefined) validateReliability(m!.reliability);
  if (m!.tiling !== undefined) {
    if (p!.geometry !== 'center-crop') fail('tiling (needs preprocess.geometry "center-crop")');
    const tiling = validateTiling(m!.tiling);
    if (tiling.logitMapLayer !== undefined && m!.output !== 'logit') fail('tiling.logitMapLayer (needs output "logit")');
    return { ...(m as ModelManifest), tiling };
  }
  return m as ModelManifest;
}

/**
 * Applies the manifest's calibration to a raw logit.
 * @param z raw model logit (any finite number; ±Infinity is clamped by the sigmoid)
 * @returns calibrated probability of "synthetic" in [0, 1]
 */
export function calibrate(z: number, c: Calibration): number {
  switch (c.type) {
    case 'none':
      return sigmoid(z);
    case 'platt':
      return sigmoid(c.a * z + c.b);
    case 'isotonic': {
      const { x, y } = c;
      if (z <= x[0]!) return y[0]!;
      if (z >= x[x.length - 1]!) return y[y.length - 1]!;
      let lo = 0, hi = x.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (x[mid]! <= z) lo = mid; else hi = mid;
      }
      const t = (z - x[lo]!) / (x[hi]! - x[lo]! || 1);
      return y[lo]! + t * (y[hi]! - y[lo]!);
    }
  }
}
