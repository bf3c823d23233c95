/**
 * Decoded + degraded training regions on disk, so repeated training runs skip decoding and JPEG work.
 *
 * For every record and variant v = 0..V−1 the cache holds one `R × R` RGB uint8 region cut from the
 * label-blind training augmentation of the image (`training/data/degrade.ts`: random downscale,
 * blur, noise, flip, JPEG q50–95 — identical for both classes, so the stored JPEG quality is overwritten;
 * `../shared/research/baseline.md`). To save work, the augmentation runs on a random window of side
 * ⌈R / scale⌉ + 8 cut from the (manifest-`crop`ped) image, and the centre `R × R` of the result is kept:
 * the same pixels as augmenting the whole image and cutting there, up to resampling at the window edge.
 *
 * File format (little-endian): magic `SSPATCH1`, uint32 header length H, H bytes UTF-8 JSON header
 * `{region, variants, params, keys: string[]}` (`keys[i]` = record path), then `keys.length × V × R·R·3`
 * bytes (record-major, then variant, then row-major HWC).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cropRgba, type RgbaImage } from '../../extension/shared/preprocess';
import { applyAugment, drawAugmentParams, DEFAULT_AUGMENT, type AugmentOptions } from '../data/degrade';
import { decodeFile } from '../node/decode';
import type { Rec } from '../data/manifest';
import { hashString, mulberry32 } from '../data/rng';

const MAGIC = 'SSPATCH1';

export interface PatchCacheOptions {
  /** Side of each stored region in pixels (default 128). */
  region?: number;
  /** Augmented variants per image (default 6). */
  variants?: number;
  /** Seed of the augmentation draws (default 1). */
  seed?: number;
  /** Augmentation ranges (default `DEFAULT_AUGMENT` with `minSide = region`). */
  augment?: Partial<AugmentOptions>;
  /**
   * Probability that a variant keeps the native resolution (no downscale; JPEG etc. still applied),
   * default 0. Native pixels keep the 2×2 up-sampling traces NPR reads; downscaling keeps the stored
   * JPEG grid from surviving. See the model card for the trade-off.
   */
  pNative?: number;
  /**
   * Cut native-resolution windows at even offsets (default false), so the 2×2 NPR blocks of every
   * stored region line up with the image's own pixel grid — the grid a generator's 2× up-sampling
   * left its traces on (Tan et al. 2024 compute NPR on whole, uncropped images).
   */
  alignGrid?: boolean;
  /** Parallel images (default 2). */
  concurrency?: number;
  log?: (msg: string) => void;
}

/** Default cache path (relative to the repo root) for the trainer's settings. */
export function defaultCacheFile(pNative = 0, alignGrid = false): string {
  return `training/.cache/patches-r128-v6-s1${pNative > 0 ? `-native${pNative}` : ''}${alignGrid ? '-aligned' : ''}.bin`;
}

/** In-memory regions: `data` holds `keys.length × variants × region²·3` bytes. */
export interface PatchCache {
  region: number;
  variants: number;
  keys: string[];
  index: Map<string, number>;
  data: Uint8Array;
  params: string;
}

/** Byte offset of (record i, variant v). */
export function regionOffset(c: PatchCache, i: number, v: number): number {
  return (i * c.variants + v) * c.region * c.region * 3;
}

/**
 * Cuts and augments the regions of one image (deterministic for a given path and seed).
 * @returns `variants` buffers of `region²·3` RGB bytes
 */
export async function augmentedRegions(img: RgbaImage, path: string, region: number, variants: number, seed: number, aug: Partial<AugmentOptions>, pNative = 0, alignGrid = false): Promise<Uint8Array[]> {
  const rng = mulberry32(hashString(path) ^ Math.imul(seed, 0x9e3779b1));
  const out: Uint8Array[] = [];
  for (let v = 0; v < variants; v++) {
    const p = drawAugmentParams(rng, aug);
    const posX = rng(), posY = rng();
    const native = pNative > 0 && rng() < pNative;
    const short = Math.min(img.width, img.height);
    const scale = native ? 1 : Math.min(1, Math.max(p.scale, region / short));
    const side = Math.min(Math.ceil(region / scale) + 8, img.width, img.height);
    let x = Math.floor(posX * (img.width - side + 1));
    let y = Math.floor(posY * (img.height - side + 1));
    if (alignGrid && native) { x -= x % 2; y -= y % 2; }
    let cur = cropRgba(img, { x, y, width: side, height: side });
    cur = await applyAugment(cur, { ...p, scale }, region);
    // centre R×R (upscale never happens: the window keeps ≥ region after the downscale, except for
    // images smaller than `region`, which are padded by edge replication)
    const ox = Math.max(0, Math.floor((cur.width - region) / 2));
    const oy = Math.max(0, Math.floor((cur.height - region) / 2));
    const buf = new Uint8Array(region * region * 3);
    for (let r = 0; r < region; r++) {
      const sy = Math.min(cur.height - 1, oy + r);
      for (let c = 0; c < region; c++) {
        const sx = Math.min(cur.width - 1, ox + c);
        const s = (sy * cur.width + sx) * 4;
        const d = (r * region + c) * 3;
        buf[d] = cur.data[s]!; buf[d + 1] = cur.data[s + 1]!; buf[d + 2] = cur.data[s + 2]!;
      }
    }
    out.push(buf);
  }
  return out;
}

function paramsKey(region: number, variants: number, seed: number, aug: Partial<AugmentOptions>, pNative: number, alignGrid: boolean): string {
  return JSON.stringify({ region, variants, seed, aug: { ...DEFAULT_AUGMENT, minSide: region, ...aug }, ...(pNative > 0 ? { pNative } : {}), ...(alignGrid ? { alignGrid } : {}), v: 2 });
}

/**
 * Loads the cache at `file` when its parameters match, adds the records it lacks (decoding and
 * augmenting them), and writes it back if anything was added.
 * @returns regions for every record in `recs` (and any others already in the file)
 * @throws {DecodeError} when an image cannot be decoded
 */
export async function buildPatchCache(recs: Rec[], file: string, opts: PatchCacheOptions = {}): Promise<PatchCache> {
  const region = opts.region ?? 128;
  const variants = opts.variants ?? 6;
  const seed = opts.seed ?? 1;
  const aug = { ...opts.augment, minSide: region };
  const pNative = opts.pNative ?? 0;
  const alignGrid = opts.alignGrid ?? false;
  const params = paramsKey(region, variants, seed, aug, pNative, alignGrid);
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const per = variants * region * region * 3;
  let keys: string[] = [];
  let chunks: Uint8Array[] = [];
  try {
    const buf = new Uint8Array(await readFile(file));
    const magic = new TextDecoder().decode(buf.subarray(0, 8));
    const hlen = new DataView(buf.buffer, buf.byteOffset + 8, 4).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + hlen))) as { params: string; keys: string[] };
    if (magic === MAGIC && header.params === params) {
      keys = header.keys;
      const body = buf.subarray(12 + hlen);
      chunks = keys.map((_, i) => body.subarray(i * per, (i + 1) * per));
    } else log(`[patch-cache] ${file}: parameters changed, rebuilding`);
  } catch {
    // absent or unreadable: build
  }
  const have = new Set(keys);
  const todo = recs.filter((r) => !have.has(r.path));
  if (todo.length > 0) {
    log(`[patch-cache] decoding and augmenting ${todo.length} images × ${variants} variants (${region}px regions)`);
    const t0 = Date.now();
    let next = 0, done = 0;
    const results = new Map<string, Uint8Array>();
    const worker = async () => {
      while (next < todo.length) {
        const r = todo[next++]!;
        let img = await decodeFile(r.file);
        if (r.crop) img = cropRgba(img, r.crop);
        const regs = await augmentedRegions(img, r.path, region, variants, seed, aug, pNative, alignGrid);
        const b = new Uint8Array(per);
        regs.forEach((x, v) => b.set(x, v * region * region * 3));
        results.set(r.path, b);
        if (++done % 200 === 0) log(`[patch-cache] ${done}/${todo.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
    for (const r of todo) { keys.push(r.path); chunks.push(results.get(r.path)!); }
    const headerBytes = new TextEncoder().encode(JSON.stringify({ region, variants, params, keys }));
    const head = new Uint8Array(12);
    head.set(new TextEncoder().encode(MAGIC), 0);
    new DataView(head.buffer).setUint32(8, headerBytes.byteLength, true);
    await mkdir(dirname(file), { recursive: true });
    const all = new Uint8Array(12 + headerBytes.byteLength + keys.length * per);
    all.set(head, 0); all.set(headerBytes, 12);
    chunks.forEach((c, i) => all.set(c, 12 + headerBytes.byteLength + i * per));
    await writeFile(file, all);
    log(`[patch-cache] wrote ${file} (${(all.byteLength / 2 ** 20).toFixed(0)} MiB) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const data = new Uint8Array(keys.length * per);
  chunks.forEach((c, i) => data.set(c, i * per));
  return { region, variants, keys, index: new Map(keys.map((k, i) => [k, i])), data, params };
}
