/**
 * The detector as used everywhere (extension service worker, `npm run evaluate`, `npm run explain`, e2e
 * parity, and through `createScorer` training's LOSO scorer): load a model folder described by a
 * `ModelManifest`, verify every file's sha256, and score whole images: every tile or a spread-out sample
 * of tiles for patch models (`tiling.ts`), test-time crops for the others. Takes the tfjs namespace as an argument so the extension can pass its slim bundle and Node
 * the full `@tensorflow/tfjs`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { calibrate, validateManifest, type ModelManifest } from './model-manifest';
import { preprocess, type CropBox, type RgbaImage, inputRegion, cropRgba, resizeRgba, normalizePixels, normalizeRegion } from './preprocess';
import {
  aggregateLogits, defaultTileMode, evidenceFromTiles, planPasses, selectTiles, singleEvidence, tileGrid,
  type EvidenceMap, type Tile, type TileGrid, type TileMode,
} from './tiling';
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

/** One image's score: what a verdict carries. */
export interface ImageScore {
  /** Aggregated raw logit (tiles: `tiling.aggregation`; test-time crops: mean), finite, clamped to ±50. */
  logit: number;
  /** `calibrate(logit)`: calibrated probability of "synthetic", in [0, 1]. */
  probability: number;
  /** Where the logit came from: per-tile logits with source-pixel rectangles (`tiling.ts`). */
  evidence: EvidenceMap;
}

/** Options of `Detector.score` / `Detector.prepare`. */
export interface ScoreOptions {
  /** Tile mode for tiled models; default `defaultTileMode(tf.getBackend())` (`all` on WebGPU/WebGL, else `sample`). */
  mode?: TileMode;
}

/**
 * One image made ready for the model (CPU work: crops, normalisation) by `Detector.prepare`, to be run
 * later, possibly batched with others, by `Detector.scorePrepared`. Holds normalised tiles (mode `sample`:
 * `minTiles · tileSize² · 3` float32) or, for whole-image passes, a reference to the decoded pixels.
 */
export interface PreparedImage {
  /** Fixed-size model inputs (`side² · 3` float32 each): tiles or test-time crops. */
  readonly inputs: Float32Array[];
  /** Their side in pixels. */
  readonly side: number;
  /** Number of model passes this image needs (inputs + whole-region passes); for queues and benches. */
  readonly work: number;
  /** @internal */
  readonly plan: Plan;
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
   * Scores decoded images end to end: tiles (manifest `tiling`, see `tiling.ts`) or test-time crops,
   * model, aggregation, calibration.
   * @param images decoded RGBA, each with an optional crop box (source pixels) applied first
   * @returns per image `{ logit, probability, evidence }`, probability in [0, 1]
   * @throws {RangeError} for malformed images or crops outside the image; tfjs errors from the model
   */
  score(images: Array<{ image: RgbaImage; crop?: CropBox }>, opts?: ScoreOptions): Promise<ImageScore[]>;
  /** The CPU half of `score` for one image (see `PreparedImage`). @throws as `score` */
  prepare(image: RgbaImage, crop?: CropBox, opts?: ScoreOptions): PreparedImage;
  /** The model half of `score`: runs prepared images (tiles of equal size batched together). */
  scorePrepared(prepared: PreparedImage[]): Promise<ImageScore[]>;
  dispose(): void;
}

/**
 * The model inputs for one image: the centre crop, plus for `manifest.crops > 1` crops spread over the
 * image (corners of a 2×2 grid), all `inputSize²` at native resolution for geometry `center-crop`.
 * The legacy path (manifests without `tiling`); tiled models read `tiling.ts`'s tiles instead.
 * @returns 1..crops Float32Arrays of `inputSize²·3`.
 */
export function inputsForImage(image: RgbaImage, manifest: Pick<ModelManifest, 'preprocess' | 'crops'>, crop?: CropBox): Float32Array[] {
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

/** What `scorePrepared` needs to turn model outputs into an `ImageScore`. */
type Plan =
  | { kind: 'single'; region: CropBox; image: { width: number; height: number } }
  | {
    kind: 'tiles'; mode: TileMode; grid: TileGrid; tiles: Tile[]; offset: { x: number; y: number };
    image: { width: number; height: number };
    /** Whole-region passes (mode `all` with a logit-map layer); empty when the tiles are `inputs`. */
    passes: Array<{ src: RgbaImage; row0: number; col0: number; rows: number; cols: number; region: CropBox }>;
  };

/** The parts of a manifest the scoring needs (training scores models that have no manifest yet). */
export type ScoringSpec = Pick<ModelManifest, 'preprocess' | 'crops' | 'tiling' | 'calibration' | 'output'>;

/** Whether a manifest's images are tiled (a `tiling` block and `center-crop` geometry). */
export function isTiled(spec: Pick<ModelManifest, 'preprocess' | 'tiling'>): boolean {
  return spec.tiling !== undefined && spec.preprocess.geometry === 'center-crop';
}

/** Tile inputs batched per model call. */
const TILE_BATCH = 32;

/**
 * The scoring core shared by `loadDetector` (extension, `npm run evaluate`, `npm run explain`, e2e) and
 * training's scorer (`training/train/scorer.ts`, LOSO): the same tiles, aggregation and calibration
 * everywhere, so reported numbers are the product's.
 * @param tf the tfjs namespace whose backend runs `model`
 * @param model maps `[N, H, W, 3]` to `[N, 1]` (H = W = `inputSize` for legacy inputs, `tileSize` for tiles,
 *   any multiple of `mapStride` through the logit-map layer)
 * @returns the `logits`, `prepare`, `scorePrepared` and `score` members of a `Detector`
 * @throws {TypeError} when `tiling.logitMapLayer` names no layer of `model`
 */
export function createScorer(tf: Tf, model: tfjs.LayersModel, spec: ScoringSpec): Pick<Detector, 'logits' | 'prepare' | 'scorePrepared' | 'score'> {
  const tiled = isTiled(spec);
  const tiling = spec.tiling;
  let mapModel: tfjs.LayersModel | undefined;
  if (tiled && tiling!.logitMapLayer) {
    let layer: tfjs.layers.Layer;
    try {
      layer = model.getLayer(tiling!.logitMapLayer);
    } catch {
      throw new TypeError(`model manifest: tiling.logitMapLayer "${tiling!.logitMapLayer}" is not a layer of the model`);
    }
    mapModel = tf.model({ inputs: model.inputs, outputs: layer.output as tfjs.SymbolicTensor });
  }
  const toLogits = (v: ArrayLike<number>) => Array.from(v, (x) => (spec.output === 'probability' ? toLogit(x) : Math.max(-50, Math.min(50, x))));

  /** Runs equal-sized square inputs in batches of `TILE_BATCH`. */
  const run = async (inputs: Float32Array[], side: number): Promise<number[]> => {
    const out: number[] = [];
    const per = side * side * 3;
    for (let b = 0; b < inputs.length; b += TILE_BATCH) {
      const part = inputs.slice(b, b + TILE_BATCH);
      const batch = new Float32Array(part.length * per);
      part.forEach((x, i) => {
        if (x.length !== per) throw new RangeError(`input ${b + i} has ${x.length} values, expected ${per}`);
        batch.set(x, i * per);
      });
      const t = tf.tidy(() => (model.predict(tf.tensor4d(batch, [part.length, side, side, 3])) as tfjs.Tensor).reshape([part.length]));
      const v = await t.data();
      t.dispose();
      out.push(...toLogits(v));
    }
    return out;
  };

  /** Tile logits of one whole-region pass: the logit map average-pooled per tile, `[rows · cols]` row-major. */
  const runPass = async (pass: { src: RgbaImage; rows: number; cols: number; region: CropBox }): Promise<number[]> => {
    const ms = tiling!.mapStride;
    const x = normalizeRegion(pass.src, pass.region, spec.preprocess);
    const t = tf.tidy(() => {
      const map = mapModel!.predict(tf.tensor4d(x, [1, pass.region.height, pass.region.width, 3])) as tfjs.Tensor4D;
      const k = tiling!.tileSize / ms, st = tiling!.stride / ms;
      return tf.avgPool(map, [k, k], [st, st], 'valid').reshape([-1]);
    });
    const v = await t.data();
    t.dispose();
    if (v.length !== pass.rows * pass.cols) throw new Error(`logit map pooled to ${v.length} tiles, expected ${pass.rows * pass.cols}`);
    return toLogits(v);
  };

  const prepare = (image: RgbaImage, crop?: CropBox, opts: ScoreOptions = {}): PreparedImage => {
    const size = { width: image.width, height: image.height };
    const src = crop ? cropRgba(image, crop) : image;
    const offset = crop ? { x: Math.max(0, Math.floor(crop.x)), y: Math.max(0, Math.floor(crop.y)) } : { x: 0, y: 0 };
    const grid = tiled ? tileGrid(src.width, src.height, tiling!) : undefined;
    if (!tiled || grid!.cols === 0 || grid!.rows === 0) {
      const p = spec.preprocess;
      const legacySpec = tiled ? { ...p, inputSize: tiling!.tileSize } : p;
      const inputs = tiled ? [preprocess(src, legacySpec)] : inputsForImage(src, spec);
      const r = inputRegion(src.width, src.height, legacySpec.inputSize, p.geometry);
      return { inputs, side: legacySpec.inputSize, work: inputs.length, plan: { kind: 'single', region: { ...r, x: r.x + offset.x, y: r.y + offset.y }, image: size } };
    }
    const mode = opts.mode ?? defaultTileMode(tf.getBackend());
    const T = tiling!.tileSize;
    const nAll = grid!.cols * grid!.rows;
    if (mode === 'all' && mapModel && nAll <= tiling!.maxTiles) {
      const tiles = selectTiles(grid!, tiling!, 'all');
      const passes = planPasses(grid!, tiling!.maxPassPixels).map((q) => ({ src, ...q }));
      return { inputs: [], side: T, work: passes.length, plan: { kind: 'tiles', mode, grid: grid!, tiles, offset, image: size, passes } };
    }
    const tiles = selectTiles(grid!, tiling!, mode);
    const inputs = tiles.map((t) => normalizeRegion(src, { x: t.x, y: t.y, width: T, height: T }, spec.preprocess));
    return { inputs, side: T, work: inputs.length, plan: { kind: 'tiles', mode, grid: grid!, tiles, offset, image: size, passes: [] } };
  };

  const scorePrepared = async (prepared: PreparedImage[]): Promise<ImageScore[]> => {
    // Fixed-size inputs of all images, grouped by side and run together.
    const bySide = new Map<number, Array<{ img: number; inputs: Float32Array[] }>>();
    prepared.forEach((p, img) => {
      if (p.inputs.length === 0) return;
      const g = bySide.get(p.side) ?? [];
      g.push({ img, inputs: p.inputs });
      bySide.set(p.side, g);
    });
    const perImage: number[][] = prepared.map(() => []);
    for (const [side, group] of bySide) {
      const z = await run(group.flatMap((g) => g.inputs), side);
      let k = 0;
      for (const g of group) { perImage[g.img] = z.slice(k, k + g.inputs.length); k += g.inputs.length; }
    }
    const out: ImageScore[] = [];
    for (let i = 0; i < prepared.length; i++) {
      const plan = prepared[i]!.plan;
      let z = perImage[i]!;
      if (plan.kind === 'single') {
        const logit = z.reduce((a, b) => a + b, 0) / z.length;
        out.push({ logit, probability: calibrate(logit, spec.calibration), evidence: singleEvidence(plan.region, z[0]!, plan.image, z.length) });
        continue;
      }
      if (plan.passes.length > 0) {
        const full = new Array<number>(plan.grid.cols * plan.grid.rows);
        for (const pass of plan.passes) {
          const v = await runPass(pass);
          for (let r = 0; r < pass.rows; r++) for (let c = 0; c < pass.cols; c++) full[(pass.row0 + r) * plan.grid.cols + pass.col0 + c] = v[r * pass.cols + c]!;
        }
        z = plan.tiles.map((t) => full[t.row * plan.grid.cols + t.col]!);
      }
      const logit = aggregateLogits(z, tiling!.aggregation);
      out.push({
        logit,
        probability: calibrate(logit, spec.calibration),
        evidence: evidenceFromTiles(plan.grid, plan.tiles, z, plan.mode, plan.offset, plan.image, tiling!.maxEvidenceCells),
      });
    }
    return out;
  };

  const s = spec.preprocess.inputSize;
  return {
    logits: (inputs) => run(inputs, s),
    prepare,
    scorePrepared,
    score: (images, opts) => scorePrepared(images.map(({ image, crop }) => prepare(image, crop, opts))),
  };
}

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
  const core = createScorer(tf, model, manifest);
  return {
    manifest,
    model,
    id: `${manifest.name}@${manifest.version}`,
    ...core,
    dispose() {
      model.dispose();
    },
  };
}
