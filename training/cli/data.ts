/**
 * Training data from public sources (issue 10 §1).
 *
 *   npm run data -- assemble [--snapshots <dir>] [--out <dir>] [--sources a,b] [--lock <file>] [--clone]
 *   npm run data -- verify [--out <dir>] [--lock <file>]
 *   npm run data -- rebuild [--snapshots <dir>] [--out <dir>] [--lock <file>] [--clone]   (exactly the locked files)
 *   npm run data -- list [--snapshots <dir>]          (registry entries and whether their snapshot is here)
 *   npm run data -- balance [--out <dir>] [--max-ratio 3] [--cap N] [--seed S] [--keep-single]
 *                                                     (what category-balanced sampling keeps of an assembled set)
 *
 * Defaults: `--snapshots` `$SYNTHSCREEN_SNAPSHOTS` or `../.mirror` (bare snapshots `<owner>+<name>/…`), `--out`
 * `training/.cache/assembled`, `--lock` `training/data/sources.lock.tsv` (written by `assemble` unless
 * `--sources` restricts the set, or `--lock -`). `--clone` clones missing repositories from GitHub.
 * The developer set (`../shared/data`) is read, when present, so that its files are not added again.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseLooseArgs } from '../node/args';
import { REPO_ROOT, SHARED_DIR } from '../node/paths';
import { assignPaths, lockText, materialize, rebuildFromLock, selectItems, verifyAgainstLock } from '../data/sources/assemble';
import { auditMarkdown, auditSummary } from '../data/sources/audit';
import { findGitDir } from '../data/sources/git';
import { REGISTRY } from '../data/sources/registry';
import { validateRegistry } from '../data/sources/validate';
import { balanceKeyOf, balanceSample } from '../data/sources/balance';
import { readManifest } from '../data/manifest';

const DEFAULT_LOCK = join(REPO_ROOT, 'training', 'data', 'sources.lock.tsv');

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const v = parseLooseArgs(rest, {
    snapshots: { type: 'string' }, out: { type: 'string' }, sources: { type: 'string' }, lock: { type: 'string' },
    clone: { type: 'boolean' }, devset: { type: 'string' }, audit: { type: 'string' },
    'max-ratio': { type: 'string' }, cap: { type: 'string' }, seed: { type: 'string' }, 'keep-single': { type: 'boolean' },
  });
  const snapshots = resolve(String(v.snapshots ?? process.env.SYNTHSCREEN_SNAPSHOTS ?? join(REPO_ROOT, '..', '.mirror')));
  const out = resolve(String(v.out ?? join(REPO_ROOT, 'training', '.cache', 'assembled')));
  const reservedFile = join(SHARED_DIR, 'research', 'reserved-sources.txt');
  const problems = validateRegistry(REGISTRY);
  if (problems.length) throw new Error(`registry invalid:\n${problems.join('\n')}`);
  if (cmd === 'list') {
    for (const e of REGISTRY) console.log(`${e.id.padEnd(28)} ${e.census.padEnd(4)} ${e.repo} @ ${e.commit.slice(0, 12)} ${findGitDir(snapshots, e.repo) ? 'snapshot here' : 'NO SNAPSHOT'}`);
    return;
  }
  if (cmd === 'assemble') {
    const only = typeof v.sources === 'string' ? v.sources.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const t0 = Date.now();
    const res = await selectItems({
      snapshots, out, registry: REGISTRY, only, reservedFile, clone: v.clone === true,
      devset: String(v.devset ?? join(SHARED_DIR, 'data')), log: (s) => console.log(s),
    });
    assignPaths(res.items);
    const written = await materialize(res.items, out, snapshots, (s) => console.log(s));
    const audit = auditMarkdown(res.items, res.reports);
    await writeFile(join(out, 'AUDIT.md'), audit);
    await writeFile(join(out, 'sources.lock.tsv'), lockText(res.items));
    const lock = v.lock === '-' ? undefined : typeof v.lock === 'string' ? resolve(v.lock) : only ? undefined : DEFAULT_LOCK;
    if (lock) await writeFile(lock, lockText(res.items));
    if (typeof v.audit === 'string') { await mkdir(resolve(v.audit, '..'), { recursive: true }); await writeFile(resolve(v.audit), audit); }
    console.log(`\n${auditSummary(res.items)}`);
    console.log(`wrote ${written} files; ${join(out, 'MANIFEST.tsv')}, ${join(out, 'AUDIT.md')}${lock ? `, ${lock}` : ''} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return;
  }
  if (cmd === 'balance') {
    const recs = await readManifest(join(out, 'MANIFEST.tsv'));
    const num = (k: string, d: number) => (typeof v[k] === 'string' ? Number(v[k]) : d);
    const { kept, report } = balanceSample(recs.map(balanceKeyOf), {
      maxRatio: num('max-ratio', 3), capPerSourceLabel: num('cap', Infinity), seed: num('seed', 1234),
      singleClass: v['keep-single'] === true ? 'keep' : 'drop',
    });
    console.log('| category | real | synthetic | kept real | kept synthetic |\n|---|---|---|---|---|');
    for (const c of report) console.log(`| ${c.category} | ${c.real} | ${c.synthetic} | ${c.keptReal} | ${c.keptSynthetic} |`);
    const kr = kept.filter((r) => r.label === 'real').length;
    const gens = new Set(kept.filter((r) => r.label === 'synthetic').map((r) => r.rec.generator));
    console.log(`kept ${kept.length} of ${recs.length}: real ${kr}, synthetic ${kept.length - kr} (${gens.size} generator strings)`);
    return;
  }
  if (cmd === 'rebuild') {
    const lock = resolve(String(v.lock ?? DEFAULT_LOCK));
    const items = await rebuildFromLock(await readFile(lock, 'utf8'), out, snapshots, { clone: v.clone === true, reservedFile, log: (s) => console.log(s) });
    console.log(auditSummary(items));
    return;
  }
  if (cmd === 'verify') {
    const lock = resolve(String(v.lock ?? DEFAULT_LOCK));
    const r = await verifyAgainstLock(out, await readFile(lock, 'utf8'), reservedFile);
    console.log(`checked ${r.checked} files of ${lock} in ${out}: missing ${r.missing.length}, sha256/size mismatch ${r.mismatched.length}, reserved ${r.reserved.length}, manifest mismatch ${r.manifestMismatch.length}`);
    for (const x of [...r.missing.slice(0, 10).map((p) => `missing: ${p}`), ...r.mismatched.slice(0, 10).map((p) => `mismatch: ${p}`), ...r.reserved.map((p) => `RESERVED: ${p}`), ...r.manifestMismatch.slice(0, 10)]) console.log(`  ${x}`);
    if (r.missing.length || r.mismatched.length || r.reserved.length || r.manifestMismatch.length) process.exitCode = 1;
    return;
  }
  console.error('usage: npm run data -- assemble|rebuild|verify|balance|list [options] (see training/cli/data.ts)');
  process.exitCode = 2;
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exitCode = 1; });
