/**
 * The face finder: a BlazeFace TF.js graph model (`models/face/`, shipped as `face-model/` in the
 * extension), described by a manifest that pins each file by sha256 and records its licence and source
 * package, loaded with `tf.loadGraphModel` from verified bytes. Decoding is `./blazeface.ts`.
 *
 * Takes the tfjs namespace as an argument, like `../detector.ts`, so the service worker passes its bundle
 * and Node (`training/cli/faces.ts`, tests, bench) the full `@tensorflow/tfjs`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { ModelIntegrityError, sha256Hex, type ReadFile } from '../detector';
import type { RgbaImage } from '../preprocess';
import type { AlignmentTemplate } from './geometry';
import { decodeBlazeFace, letterboxInput, REGRESSORS, type DecodeOptions, type Face } from './blazeface';

type Tf = typeof tfjs;

/** `models/face/manifest.json`. */
export interface FaceModelManifest {
  schemaVersion: 1;
  /** e.g. `blazeface-front`. */
  name: string;
  /** Version of the source package the files were copied from. */
  version: string;
  arch: 'blazeface';
  /** The TF.js graph-model JSON, relative path; listed in `files` too. */
  modelJson: string;
  /** Square model input side in pixels (128 front, 256 back). */
  inputSize: number;
  /** Post-processing thresholds (`DecodeOptions`). */
  decode: DecodeOptions;
  /**
   * Passes tried in order until one finds a face: the share of the input side the image takes
   * (`letterboxInput`'s `fill`), e.g. `[1, 0.6]` = plain letterbox, then zoomed out for tight face crops
   * that fill the frame. Default `[1]`.
   */
  zoomOut?: number[];
  /** SPDX licence of the model files. */
  license: string;
  /** Where the files came from: npm package name and exact version, paths inside it. */
  source: { package: string; version: string; files: string[]; upstream?: string };
  files: Array<{ path: string; sha256: string; bytes: number }>;
  /**
   * The FFHQ/StyleGAN alignment template for this detector's eye keypoints and the rule's threshold
   * (`./geometry.ts`), written by `npm run faces -- … --write-template`; absent until fitted (no face
   * evidence is then given).
   */
  alignment?: AlignmentTemplate;
}

/**
 * Checks a parsed `manifest.json`.
 * @returns the manifest
 * @throws {TypeError} naming the first bad field
 */
export function validateFaceManifest(value: unknown): FaceModelManifest {
  const m = value as Partial<FaceModelManifest> | null;
  const fail = (f: string): never => { throw new TypeError(`face model manifest: missing or invalid "${f}"`); };
  if (!m || typeof m !== 'object') fail('(root)');
  if (m!.schemaVersion !== 1) fail('schemaVersion');
  for (const k of ['name', 'version', 'modelJson', 'license'] as const) if (typeof m![k] !== 'string' || !(m![k] as string)) fail(k);
  if (m!.arch !== 'blazeface') fail('arch');
  if (!Number.isInteger(m!.inputSize) || m!.inputSize! <= 0 || m!.inputSize! % 16 !== 0) fail('inputSize');
  const d = m!.decode;
  if (!d || !(d.minScore > 0 && d.minScore < 1) || !(d.iouThreshold > 0 && d.iouThreshold < 1) || !Number.isInteger(d.maxFaces) || d.maxFaces < 1) fail('decode');
  const s = m!.source;
  if (!s || typeof s.package !== 'string' || typeof s.version !== 'string' || !Array.isArray(s.files)) fail('source');
  if (!Array.isArray(m!.files) || m!.files.length === 0) fail('files');
  for (const f of m!.files!) {
    if (!f || typeof f.path !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isInteger(f.bytes) || f.bytes < 0) fail('files[]');
  }
  if (!m!.files!.some((f) => f.path === m!.modelJson)) fail('modelJson (not in files)');
  if (m!.zoomOut !== undefined && !(Array.isArray(m!.zoomOut) && m!.zoomOut.length >= 1 && m!.zoomOut.length <= 4 && m!.zoomOut.every((f) => f > 0 && f <= 1))) fail('zoomOut');
  const a = m!.alignment;
  if (a !== undefined) {
    const pt = (p: unknown) => !!p && typeof p === 'object' && [(p as { x: unknown }).x, (p as { y: unknown }).y].every((v) => typeof v === 'number' && v >= 0 && v <= 1);
    if (typeof a !== 'object' || typeof a.name !== 'string' || typeof a.source !== 'string' || !pt(a.left) || !pt(a.right)
      || !(a.threshold > 0 && a.threshold < 1) || !(a.maxAspectDiff >= 0 && a.maxAspectDiff < 1)) fail('alignment');
  }
  return m as FaceModelManifest;
}

/** What the face finder says about one image. */
export interface FaceDetection {
  /** Faces in source pixels, highest score first; empty when none was found. */
  faces: Face[];
  /** Source size in pixels. */
  width: number;
  height: number;
}

export interface FaceDetector {
  manifest: FaceModelManifest;
  /** `name@version` */
  id: string;
  /**
   * Finds faces in a decoded image (letterboxed to the model input, `./blazeface.ts`; zoomed out for a
   * further pass while none is found, `zoomOut`).
   * @param image decoded RGBA, any size ≥ 1×1
   * @returns faces in source pixels
   * @throws {RangeError} for a malformed image; tfjs errors from the model
   */
  detect(image: RgbaImage): Promise<FaceDetection>;
  dispose(): void;
}

/**
 * Loads and verifies the face model.
 * @param tf the tfjs namespace whose backend runs the model
 * @param manifestValue parsed `manifest.json`
 * @param readFile reads a manifest-relative file
 * @throws {TypeError} bad manifest; {ModelIntegrityError} a file's size or sha256 differs; tfjs load errors
 */
export async function loadFaceDetector(tf: Tf, manifestValue: unknown, readFile: ReadFile): Promise<FaceDetector> {
  const manifest = validateFaceManifest(manifestValue);
  const files = new Map<string, Uint8Array>();
  for (const f of manifest.files) {
    const bytes = await readFile(f.path);
    if (bytes.byteLength !== f.bytes) throw new ModelIntegrityError(`${f.path}: ${bytes.byteLength} bytes, manifest says ${f.bytes}`);
    const hash = await sha256Hex(bytes);
    if (hash !== f.sha256) throw new ModelIntegrityError(`${f.path}: sha256 ${hash} does not match the manifest (${f.sha256})`);
    files.set(f.path, bytes);
  }
  const json = JSON.parse(new TextDecoder().decode(files.get(manifest.modelJson)!)) as {
    modelTopology: object; weightsManifest: Array<{ paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }>; format?: string; generatedBy?: string; convertedBy?: string;
  };
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const parts = json.weightsManifest.flatMap((g) => g.paths).map((p) => {
    const b = files.get(p);
    if (!b) throw new ModelIntegrityError(`${p}: named by ${manifest.modelJson} but not in the manifest`);
    return b;
  });
  const total = parts.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { weightData.set(p, off); off += p.byteLength; }
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy }));
  const s = manifest.inputSize;

  /** One pass at one zoom (`fill`, see `letterboxInput`). */
  const pass = async (image: RgbaImage, fill: number): Promise<Face[]> => {
    const { input, letterbox } = letterboxInput(image, s, fill);
    const x = tf.tensor4d(input, [1, s, s, 3]);
    let outs: tfjs.Tensor[];
    try {
      const r = model.execute(x);
      outs = Array.isArray(r) ? r : [r];
    } finally {
      x.dispose();
    }
    try {
      const { logits, regressors } = await splitOutputs(outs);
      return decodeBlazeFace(logits, regressors, letterbox, manifest.decode);
    } finally {
      for (const t of outs) t.dispose();
    }
  };
  const detect = async (image: RgbaImage): Promise<FaceDetection> => {
    let faces: Face[] = [];
    for (const fill of manifest.zoomOut ?? [1]) {
      faces = await pass(image, fill);
      if (faces.length > 0) break;
    }
    return { faces, width: image.width, height: image.height };
  };
  return {
    manifest,
    id: `${manifest.name}@${manifest.version}`,
    detect,
    dispose: () => model.dispose(),
  };
}

/**
 * Orders the graph model's outputs into anchor order: the larger (16×16-grid) layer first. Accepts the
 * four-output form (`[1, 512, 1]`, `[1, 384, 1]`, `[1, 512, 16]`, `[1, 384, 16]`, any order) and the
 * two-output form (`[1, 896, 1]`, `[1, 896, 16]`).
 * @throws {Error} for any other output shapes
 */
async function splitOutputs(outs: tfjs.Tensor[]): Promise<{ logits: Float32Array; regressors: Float32Array }> {
  const last = (t: tfjs.Tensor) => t.shape[t.shape.length - 1];
  const rows = (t: tfjs.Tensor) => t.size / last(t)!;
  const byRowsDesc = (a: tfjs.Tensor, b: tfjs.Tensor) => rows(b) - rows(a);
  const sc = outs.filter((t) => last(t) === 1).sort(byRowsDesc);
  const rg = outs.filter((t) => last(t) === REGRESSORS).sort(byRowsDesc);
  if (sc.length === 0 || sc.length !== rg.length || sc.some((t, i) => rows(t) !== rows(rg[i]!))) {
    throw new Error(`unexpected face model outputs ${JSON.stringify(outs.map((t) => t.shape))}`);
  }
  const cat = async (ts: tfjs.Tensor[]) => {
    const parts = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };
  return { logits: await cat(sc), regressors: await cat(rg) };
}
