/**
 * Computes a feature cache for LOSO experiments:
 *
 *   npx tsx training/cli/features.ts --manifest ../shared/data/MANIFEST.tsv [--root <dir>]
 *     --extractor residual-stats|<module.ts#export> [--degrade clean,web,avatar] [--limit <n>]
 *     --out out/features/<name>.bin
 *   npx tsx training/cli/features.ts --merge a.bin,b.bin --out all.bin   # one extractor's caches → one file
 *
 * Each image is decoded, cropped (`crop` column), degraded per level and passed to the extractor; vectors
 * are stored by (path, level) in a `FeatureCache` file. An existing `--out` file is resumed (entries
 * already present are skipped) when its extractor name matches. Images that fail are listed on stderr.
 */
import { parseLooseArgs } from '../node/args';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRecords } from '../data/manifest';
import { DEGRADE_LEVELS, type DegradeLevel } from '../data/degrade';
import { FeatureCache, mergeFeatureCaches } from '../data/feature-cache';
import { BUILTIN_EXTRACTORS, type ExtractorFactory, type FeatureExtractor } from '../eval/extractors';
import { loadForEval } from '../eval/evaluate';
import { createProgress } from '../eval/progress';
import { importRef } from '../node/module-ref';
import type { RgbaImage } from '../../extension/shared/preprocess';

/** Parses `clean,web,avatar` into levels. @throws {Error} for unknown names */
export function parseLevels(text: string): DegradeLevel[] {
  const out = text.split(',').map((s) => s.trim()).filter(Boolean) as DegradeLevel[];
  for (const l of out) if (!DEGRADE_LEVELS.includes(l)) throw new Error(`unknown degradation "${l}" (clean|web|avatar)`);
  return out;
}

/**
 * Runs the CLI.
 * @returns the cache (also saved to `--out`)
 */
export async function main(argv: string[]): Promise<FeatureCache> {
  const values = parseLooseArgs(argv, {
      manifest: { type: 'string' }, root: { type: 'string' }, extractor: { type: 'string', default: 'residual-stats' },
      degrade: { type: 'string', default: 'clean,web,avatar' }, limit: { type: 'string' }, out: { type: 'string' },
      batch: { type: 'string', default: '8' }, quiet: { type: 'boolean', default: false }, 'save-every': { type: 'string', default: '200' },
      merge: { type: 'string' },
  });
  if (values.merge && values.out) {
    // Caches of one extractor made by several processes (e.g. one per level) → one file.
    const merged = mergeFeatureCaches(await Promise.all(String(values.merge).split(',').map((f) => FeatureCache.load(f))));
    await merged.save(String(values.out));
    if (!values.quiet) console.log(`${merged.size} vectors (${merged.dim}-d) merged into ${values.out}`);
    return merged;
  }
  if (!values.manifest || !values.out) throw new Error('usage: features.ts --manifest <tsv> --extractor <name|module#export> --out <cache.bin>');
  const levels = parseLevels(String(values.degrade));
  const ext = String(values.extractor);
  let extractor: FeatureExtractor;
  if (BUILTIN_EXTRACTORS[ext]) extractor = BUILTIN_EXTRACTORS[ext]!();
  else extractor = await (await importRef<ExtractorFactory>(ext))({ args: values });
  let recs = await loadRecords(String(values.manifest), values.root as string | undefined);
  if (values.limit) recs = recs.slice(0, Number(values.limit));
  const out = String(values.out);
  let cache = new FeatureCache(extractor.dim, extractor.name, { manifest: values.manifest, levels });
  if (existsSync(out)) {
    const old = await FeatureCache.load(out);
    if (old.extractor === extractor.name && old.dim === extractor.dim) { cache = old; }
    else throw new Error(`${out} holds features of ${old.extractor} (dim ${old.dim}); choose another --out`);
  }
  const todo = recs.flatMap((r) => levels.filter((l) => !cache.has(r.path, l)).map((l) => ({ r, l })));
  const progress = createProgress(todo.length, `features ${extractor.name}`, values.quiet ? null : process.stderr);
  const batch = Number(values.batch);
  const saveEvery = Number(values['save-every']);
  let sinceSave = 0, failed = 0;
  for (let i = 0; i < todo.length; i += batch) {
    const chunk = todo.slice(i, i + batch);
    const imgs: Array<{ r: (typeof chunk)[number]; img: RgbaImage }> = [];
    for (const c of chunk) {
      try { imgs.push({ r: c, img: await loadForEval(c.r, c.l) }); } catch (e) {
        failed++;
        process.stderr.write(`\n${c.r.path} (${c.l}): ${(e as Error).message}\n`);
      }
    }
    if (imgs.length) {
      const vecs = await extractor.extract(imgs.map((x) => x.img));
      vecs.forEach((v, k) => cache.set(imgs[k]!.r.r.path, imgs[k]!.r.l, v));
    }
    progress.tick(chunk.length);
    sinceSave += chunk.length;
    if (sinceSave >= saveEvery) { await cache.save(out); sinceSave = 0; }
  }
  progress.done();
  extractor.dispose?.();
  await cache.save(out);
  if (!values.quiet) process.stderr.write(`${cache.size} vectors (${extractor.dim}-d) in ${out}; ${failed} failed\n`);
  return cache;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => { console.error(`features: ${e.message}`); process.exit(1); });
}
