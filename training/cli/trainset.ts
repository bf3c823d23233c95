/**
 * Builds the combined training folder of the detector experiments:
 *
 *   npx tsx training/cli/trainset.ts --input dev=../shared/data --input asm=<assembled folder>
 *     [--cap 300] [--balance 3] [--seed 1234] --out <folder>
 *
 * `--cap N`: at most N rows per source × label (`capPerSource`). `--balance R`: then, within each content
 * category, real : synthetic stays within 1:R and categories holding one class only are dropped
 * (`balanceSample` of `training/data/sources/balance.ts`); the per-category table is printed.
 *
 * Writes `<out>/MANIFEST.tsv` (columns path, label, source, generator, family, category, crop, group, sha256;
 * see `training/data/trainset.ts`) and one symbolic link per input (`<out>/<name>` → the input's folder), so
 * every project command reads it with `--manifest <out>/MANIFEST.tsv`. Prints rows per source × label and
 * per family. Exact duplicates across inputs (sha256) are kept once.
 */
import { mkdir, rm, symlink, writeFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseLooseArgs } from '../node/args';
import { loadRecords } from '../data/manifest';
import { capPerSource, combineTrainset, trainsetTsv, type TrainsetInput, type TrainsetRow } from '../data/trainset';
import { balanceSample } from '../data/sources/balance';

/** Runs the CLI; returns the rows written. */
export async function main(argv: string[]): Promise<TrainsetRow[]> {
  const inputs: Array<{ name: string; path: string }> = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input') {
      const v = argv[++i] ?? '';
      const eq = v.indexOf('=');
      if (eq <= 0) throw new Error(`--input wants name=path, got "${v}"`);
      inputs.push({ name: v.slice(0, eq), path: v.slice(eq + 1) });
    } else rest.push(argv[i]!);
  }
  const values = parseLooseArgs(rest, { out: { type: 'string' }, cap: { type: 'string' }, balance: { type: 'string' }, seed: { type: 'string', default: '1234' } });
  if (inputs.length === 0 || !values.out) throw new Error('usage: trainset.ts --input name=<manifest or folder> [--input …] [--cap N] --out <folder>');
  const loaded: TrainsetInput[] = [];
  const roots: Array<{ name: string; root: string }> = [];
  for (const { name, path } of inputs) {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new Error(`input name "${name}" must be lower-case letters, digits, - or _`);
    const abs = resolve(path);
    const isDir = (await stat(abs)).isDirectory();
    loaded.push({ name, records: await loadRecords(abs) });
    roots.push({ name, root: isDir ? abs : dirname(abs) });
  }
  let rows = combineTrainset(loaded);
  if (values.cap) rows = capPerSource(rows, Number(values.cap), Number(values.seed));
  if (values.balance) {
    const { kept, report } = balanceSample(rows, { maxRatio: Number(values.balance), singleClass: 'drop', seed: Number(values.seed) });
    console.log('| category | real | synthetic | kept real | kept synthetic |\n|---|---|---|---|---|');
    for (const c of report) console.log(`| ${c.category} | ${c.real} | ${c.synthetic} | ${c.keptReal} | ${c.keptSynthetic} |`);
    const keep = new Set(kept);
    rows = rows.filter((r) => keep.has(r));
  }
  const out = resolve(String(values.out));
  await mkdir(out, { recursive: true });
  for (const { name, root } of roots) {
    await rm(join(out, name), { force: true });
    await symlink(root, join(out, name));
  }
  await writeFile(join(out, 'MANIFEST.tsv'), trainsetTsv(rows));
  const count = (key: (r: TrainsetRow) => string) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  };
  console.log(`${rows.length} rows (${rows.filter((r) => r.label === 'real').length} real, ${rows.filter((r) => r.label === 'synthetic').length} synthetic) → ${join(out, 'MANIFEST.tsv')}`);
  for (const [k, n] of count((r) => `${r.source}\t${r.label}`)) console.log(`  ${k}\t${n}`);
  for (const [k, n] of count((r) => `family\t${r.family}`)) console.log(`  ${k}\t${n}`);
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => { console.error(`trainset: ${e.message}`); process.exit(1); });
}
