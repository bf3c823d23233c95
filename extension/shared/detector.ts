/**
 * The detector as used everywhere (extension service worker, `npm run evaluate`, e2e parity): load a
 * model folder described by a `ModelManifest`, verify every file's sha256, and score preprocessed
 * inputs. Takes the tfjs namespace as an argument so the extension can pass its slim bundle and Node
 * the full `@tensorflow/tfjs`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { calibrate, validateManifest, type ModelManifest } from './model-manifest';
import { preprocess, type CropBox, type RgbaImage, inputRegion, cropRgba, resizeRgba, normalizePixels } from './preprocess';
import { logit as toLogit } from './verdict';

export type Tf = typeof tfjs;

/** Reads one file of the model folder by its manifest-relative path. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/** Lower-case hex sha256 of `bytes` using WebCrypto (`crypto.subtle`, present in browsers and Node ≥ 20). */
export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

export interface Detector {
  manifest: ModelManifest;
  model: tfjs.LayersModel;
  /** `name@version` */
  id: string;
  /**
   * Raw logits for a batch of preprocessed inputs.
   * @param inputs each a Float32Array of `inputSize²·3` (HWC); batch size ≥ 1
   * @returns one finite logit per input
   */
  logits(inputs: Float32Array[]): Promise<number[]>;
  /**
   * Scores decoded images end to end: preprocess (with test-time crops), run, average crop logits,
   * calibrate.
   * @returns per image `{ logit, probability }`, probability in [0, 1]
   */
  score(images: Array<{ image: RgbaImage; crop?: CropBox }>): Promise<Array<{ logit: number; probability: number }>>;
  dispose(): void;
}

/**
 * The model inputs for one image: the centre crop, plus for `manifest.crops > 1` crops spread over the
 * image (corners of a 2×2 grid), all `inputSize²` at native resolution for geometry `center-crop`.
 * @returns 1..crops Float32Arrays of `inputSize²·3`.
 */
export function inputsForImage(image: RgbaImage, manifest: ModelManifest, crop?: CropBox): Float32Array[] {
  const spec = manifest.preprocess;
  const n = Math.max(1, manifest.crops ?? 1);
  const first = preprocess(image, spec, crop);
  if (n === 1 || spec.geometry !== 'center-crop') return [first];
  const src = crop ? cropRgba(image, crop) : image;
  const s = spec.inputSize;
  if (src.width < s * 1.25 || src.height < s * 1.25) return [first];
  const out = [first];
  const xs = [0, src.width - s];
  const ys = [0, src.height - s];
  for (const y of ys) for (const x of xs) {
    if (out.length >= n) break;
    const px = resizeRgba(cropRgba(src, { x, y, width: s, height: s }), s, s);
    out.push(normalizePixels(px, spec));
  }
  return out;
}

/** Re-exported for heatmap alignment. */
export { inputRegion };

/**
 * Loads and verifies a detector.
 * @param tf the tfjs namespace with a backend already set
 * @param manifestValue the parsed `manifest.json`
 * @param readFile reads files of the model folder
 * @throws {TypeError} for an invalid manifest; {ModelIntegrityError} when a file's sha256 or size differs
 *   from the manifest; tfjs errors when the topology does not load.
 */
export async function loadDetector(tf: Tf, manifestValue: unknown, readFile: ReadFile): Promise<Detector> {
  const manifest = validateManifest(manifestValue);
  const files = new Map<string, Uint8Array>();
  for (const f of manifest.files) {
    const bytes = await readFile(f.path);
    if (bytes.byteLength !== f.bytes) throw new ModelIntegrityError(`${f.path}: ${bytes.byteLength} bytes, manifest says ${f.bytes}`);
    const hash = await sha256Hex(bytes);
    if (hash !== f.sha256) throw new ModelIntegrityError(`${f.path}: sha256 ${hash} does not match the manifest (${f.sha256})`);
    files.set(f.path, bytes);
  }
  const topoBytes = files.get(manifest.modelJson);
  if (!topoBytes) throw new ModelIntegrityError(`${manifest.modelJson} is not listed in files`);
  const topo = JSON.parse(new TextDecoder().decode(topoBytes)) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }>;
  };
  const dir = manifest.modelJson.includes('/') ? manifest.modelJson.slice(0, manifest.modelJson.lastIndexOf('/') + 1) : '';
  const specs: tfjs.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of topo.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const b = files.get(dir + p);
      if (!b) throw new ModelIntegrityError(`weights shard ${dir + p} is not listed in files`);
      chunks.push(b);
    }
  }
  const total = chunks.reduce((a, c) => a + c.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { weightData.set(c, off); off += c.byteLength; }
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topo.modelTopology, weightSpecs: specs, weightData: weightData.buffer }));
  const s = manifest.preprocess.inputSize;
  const logits = async (inputs: Float32Array[]): Promise<number[]> => {
    if (inputs.length === 0) return [];
    const batch = new Float32Array(inputs.length * s * s * 3);
    inputs.forEach((x, i) => {
      if (x.length !== s * s * 3) throw new RangeError(`input ${i} has ${x.length} values, expected ${s * s * 3}`);
      batch.set(x, i * s * s * 3);
    });
    const out = tf.tidy(() => {
      const x = tf.tensor4d(batch, [inputs.length, s, s, 3]);
      return (model.predict(x) as tfjs.Tensor).reshape([inputs.length]);
    });
    const values = Array.from(await out.data());
    out.dispose();
    return values.map((v) => (manifest.output === 'probability' ? toLogit(v) : Math.max(-50, Math.min(50, v))));
  };
  return {
    manifest,
    model,
    id: `${manifest.name}@${manifest.version}`,
    logits,
    async score(images) {
      const perImage = images.map(({ image, crop }) => inputsForImage(image, manifest, crop));
      const flat = perImage.flat();
      const z = await logits(flat);
      const res: Array<{ logit: number; probability: number }> = [];
      let k = 0;
      for (const group of perImage) {
        let sum = 0;
        for (let i = 0; i < group.length; i++) sum += z[k++]!;
        const mean = sum / group.length;
        res.push({ logit: mean, probability: calibrate(mean, manifest.calibration) });
      }
      return res;
    },
    dispose() {
      model.dispose();
    },
  };
}
