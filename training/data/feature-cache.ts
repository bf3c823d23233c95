/**
 * A feature cache: one fixed-length float32 vector per (image path, degradation level), stored in one
 * binary file so that LOSO experiments on frozen features do not decode images again.
 *
 * File format (little-endian): bytes 0–7 magic `SSFEAT01`; uint32 header length H; H bytes UTF-8 JSON
 * header `{dim, extractor, created, keys: string[], meta}`; then `keys.length × dim` float32 values, row
 * i belonging to `keys[i]` = `${level}\t${path}`. Padding: the float block starts at a multiple of 4.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DegradeLevel } from './degrade';

const MAGIC = 'SSFEAT01';

/** Key of one entry. */
export function featureKey(path: string, level: DegradeLevel): string {
  return `${level}\t${path}`;
}

export class FeatureCache {
  private readonly index = new Map<string, number>();
  private rows: Float32Array[] = [];
  constructor(readonly dim: number, readonly extractor: string, readonly meta: Record<string, unknown> = {}) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`feature dim must be a positive integer, got ${dim}`);
  }

  /** Number of stored vectors. */
  get size(): number { return this.rows.length; }

  /** Stores (or replaces) a vector. @throws {RangeError} for a wrong length or non-finite values */
  set(path: string, level: DegradeLevel, v: Float32Array): void {
    if (v.length !== this.dim) throw new RangeError(`feature for ${path} has ${v.length} values, cache dim is ${this.dim}`);
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw new RangeError(`feature ${i} of ${path} (${level}) is ${v[i]}`);
    const k = featureKey(path, level);
    const i = this.index.get(k);
    if (i !== undefined) this.rows[i] = Float32Array.from(v);
    else { this.index.set(k, this.rows.length); this.rows.push(Float32Array.from(v)); }
  }

  /** The vector, or `undefined` when absent. */
  get(path: string, level: DegradeLevel): Float32Array | undefined {
    const i = this.index.get(featureKey(path, level));
    return i === undefined ? undefined : this.rows[i];
  }

  has(path: string, level: DegradeLevel): boolean {
    return this.index.has(featureKey(path, level));
  }

  /** All `(path, level)` keys. */
  keys(): Array<{ path: string; level: DegradeLevel }> {
    return [...this.index.keys()].map((k) => { const t = k.indexOf('\t'); return { level: k.slice(0, t) as DegradeLevel, path: k.slice(t + 1) }; });
  }

  /** Writes the cache file (creating folders). */
  async save(file: string): Promise<void> {
    const keys = [...this.index.keys()];
    const headerObj = { dim: this.dim, extractor: this.extractor, created: new Date().toISOString(), keys, meta: this.meta };
    let header = Buffer.from(JSON.stringify(headerObj), 'utf8');
    const pad = (4 - ((8 + 4 + header.length) % 4)) % 4;
    header = Buffer.concat([header, Buffer.from(' '.repeat(pad))]);
    const floats = new Float32Array(keys.length * this.dim);
    keys.forEach((k, i) => floats.set(this.rows[this.index.get(k)!]!, i * this.dim));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, Buffer.concat([Buffer.from(MAGIC), len, header, Buffer.from(floats.buffer)]));
  }

  /** Reads a cache file. @throws {Error} for a bad magic or truncated file */
  static async load(file: string): Promise<FeatureCache> {
    const buf = await readFile(file);
    if (buf.subarray(0, 8).toString('latin1') !== MAGIC) throw new Error(`${file}: not a SynthScreen feature cache`);
    const h = buf.readUInt32LE(8);
    const header = JSON.parse(buf.subarray(12, 12 + h).toString('utf8')) as { dim: number; extractor: string; keys: string[]; meta?: Record<string, unknown> };
    const off = 12 + h;
    const need = header.keys.length * header.dim * 4;
    if (buf.length - off !== need) throw new Error(`${file}: expected ${need} bytes of features, found ${buf.length - off}`);
    const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + need));
    const c = new FeatureCache(header.dim, header.extractor, header.meta ?? {});
    header.keys.forEach((k, i) => {
      c.index.set(k, i);
      c.rows.push(floats.subarray(i * header.dim, (i + 1) * header.dim));
    });
    return c;
  }
}

/**
 * Merges caches made by the same extractor (e.g. one process per degradation level) into a new cache.
 * Entries present in several inputs must agree exactly (same float32 values), else the merge is refused.
 * @param caches at least one cache; all with equal `dim` and `extractor`
 * @returns a new cache holding every entry of every input (first input's `meta`)
 * @throws {RangeError} for no input, mismatched dim/extractor, or conflicting duplicate entries
 */
export function mergeFeatureCaches(caches: FeatureCache[]): FeatureCache {
  if (caches.length === 0) throw new RangeError('mergeFeatureCaches: no input');
  const [first] = caches as [FeatureCache, ...FeatureCache[]];
  const out = new FeatureCache(first.dim, first.extractor, first.meta);
  for (const c of caches) {
    if (c.dim !== first.dim || c.extractor !== first.extractor) {
      throw new RangeError(`cannot merge "${c.extractor}" (dim ${c.dim}) into "${first.extractor}" (dim ${first.dim})`);
    }
    for (const { path, level } of c.keys()) {
      const v = c.get(path, level)!;
      const prev = out.get(path, level);
      if (prev && prev.some((x, i) => x !== v[i])) throw new RangeError(`conflicting vectors for ${level} ${path}`);
      if (!prev) out.set(path, level, v);
    }
  }
  return out;
}
