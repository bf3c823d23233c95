/**
 * The start-up numerical self-test of a backend (issue 13, item 3; bug-log case Q10): one stored input
 * through the active backend, checked against the logit a reference backend computed for it. A GPU that
 * computes wrongly (bad driver, lost precision) is then marked bad and the next backend used, instead of
 * scoring every image wrongly in silence.
 *
 * The input is not stored as data: it is `preprocess(syntheticImage(S, S, seed))` (deterministic, shared
 * code), so the record is a few numbers: `<model>/self-test.json`, written by `npm run model:self-test`
 * (`scripts/model-self-test.ts`, tfjs cpu in Node) and packaged next to the model by the build.
 */
import { syntheticImage } from './bench-image';
import { preprocess, type PreprocessSpec } from './preprocess';

/** `self-test.json` of a model folder. */
export interface SelfTestRecord {
  /** `name@version` of the model it was computed for. */
  model: string;
  /** sha256 of the model's files, in manifest order, joined by `,` (a record for other weights is stale). */
  filesSha256: string;
  /** Seed of `syntheticImage`. */
  seed: number;
  /** The reference logit (tfjs cpu backend, float32). */
  logit: number;
  /** Allowed |Δlogit|. */
  tolerance: number;
  /** Backend that computed `logit`. */
  reference: string;
}

/** Default allowed |Δlogit|: backends agree to ~4e-7 (review, Q10); 16-bit GPU textures to ~1e-2. */
export const SELF_TEST_TOLERANCE = 0.05;

/** The self-test input for a model's preprocessing: one `inputSize² · 3` float32 model input. */
export function selfTestInput(spec: PreprocessSpec, seed: number): Float32Array {
  return preprocess(syntheticImage(spec.inputSize, spec.inputSize, seed), spec);
}

/** The `filesSha256` value of a manifest's file list. */
export function filesKey(files: ReadonlyArray<{ sha256: string }>): string {
  return files.map((f) => f.sha256).join(',');
}

/**
 * Checks a record against a model and a computed logit.
 * @returns `passed`, `failed` (|Δ| > tolerance or not finite) or `stale` (the record is for other weights)
 */
export function judgeSelfTest(rec: SelfTestRecord, model: { id: string; files: ReadonlyArray<{ sha256: string }> }, logit: number): 'passed' | 'failed' | 'stale' {
  if (rec.model !== model.id || rec.filesSha256 !== filesKey(model.files)) return 'stale';
  return Number.isFinite(logit) && Math.abs(logit - rec.logit) <= rec.tolerance ? 'passed' : 'failed';
}
