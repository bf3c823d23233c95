/**
 * The assembler: turns the source registry (`registry.ts`) and local bare git snapshots into a labelled image
 * folder in the developer-set layout (`<out>/<source>/<label>/<source>-<label>-NNNN.<ext>`, original bytes),
 * with `MANIFEST.tsv` (developer-set columns plus `family category trust group` at the end), a lock file (the
 * sha256 of every file used) and a data audit (`audit.ts`).
 *
 * Per file, in order: reserved path → refused; blob absent from the snapshot → skipped; Git LFS pointer →
 * skipped; full decode (sharp) fails → skipped; short side < `minSide` or blank → skipped; exact duplicate
 * (sha256) or near duplicate (dHash+pHash, `neardup.ts`) of a developer-set file or of a file already taken →
 * skipped. Sources are processed in registry order, files in path order (or a seeded order when the entry
 * has `maxFiles`), so the first copy of an image wins and a rerun gives the same set.
 *
 * Incremental: decoded facts are cached by git object id (and crop) in `<out>/.cache/`, and files already in
 * place with the right sha256 are not rewritten.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, link, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { parseCropBox, type CropBox } from '../../../extension/shared/preprocess';
import { hashString, mulberry32, shuffleInPlace } from '../rng';
import { readManifest } from '../manifest';
import { archiveMember, BlobReader, cloneBare, findGitDir, hasCommit, listArchive, listHistory, listTree, type GitFile } from './git';
import { DecodeError, imageInfo, isLfsPointer, type ImageInfo } from './imageinfo';
import { NearDupIndex } from './neardup';
import { isPathReserved, loadReserved, sourceRefusal, type ReservedEntry } from './reserved';
import type { Category, Family, IncludeRule, Label, SourceEntry, Trust } from './types';

/** One file chosen for the set. */
export interface Item {
  source: string;
  repo: string;
  commit: string;
  mode: 'tree' | 'history';
  oid: string;
  /** Repository path; `<archive>!<member>` for a member of a zip archive. */
  originalPath: string;
  /** Member name inside the zip archive `oid`, if the file comes from one. */
  member?: string;
  /** Output path relative to `out`, set when names are assigned. */
  path: string;
  sha256: string;
  bytes: number;
  label: Label;
  generator: string;
  family: Family;
  category: Category;
  trust: Trust;
  licence: string;
  crop: string;
  notes: string;
  group: string;
  info: ImageInfo;
}

/** Why files were not taken, per source. */
export type SkipReason =
  | 'reserved-path' | 'absent-in-snapshot' | 'lfs-pointer' | 'not-decodable' | 'too-small' | 'blank' | 'animated'
  | 'exact-dup-devset' | 'near-dup-devset' | 'exact-dup' | 'near-dup' | 'excluded-by-rule' | 'over-max-files';

export interface SourceReport {
  id: string;
  repo: string;
  commit: string;
  status: 'ok' | 'no-snapshot' | 'commit-absent' | 'refused';
  message?: string;
  matched: number;
  taken: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** A few examples per reason (original path → detail). */
  examples: Partial<Record<SkipReason, string[]>>;
  excludedByRule: Record<string, number>;
}

export interface AssembleOptions {
  /** Folder holding bare snapshots (`<owner>+<name>/…`). */
  snapshots: string;
  out: string;
  registry: SourceEntry[];
  /** Only these source ids (default all). */
  only?: string[];
  /** Developer set folder with `MANIFEST.tsv` (files there are not added again); skipped when absent. */
  devset?: string;
  /** `reserved-sources.txt`; the compiled-in copy is always applied. */
  reservedFile?: string;
  /** Clone missing repositories from GitHub into `snapshots`. */
  clone?: boolean;
  log?: (line: string) => void;
  seed?: number;
}

export interface AssembleResult {
  items: Item[];
  reports: SourceReport[];
  devsetCount: number;
}

/** Bump when `ImageInfo` changes: older cache files are then ignored. */
const CACHE_VERSION = 2;

const EXT: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif', avif: 'avif', heif: 'heic', svg: 'svg' };

interface CacheRec {
  key: string;
  sha256: string;
  bytes: number;
  info?: ImageInfo;
  error?: string;
  lfs?: boolean;
}

class InfoCache {
  private map = new Map<string, CacheRec>();
  constructor(private file: string) {}
  async load(): Promise<void> {
    if (!existsSync(this.file)) return;
    for (const line of (await readFile(this.file, 'utf8')).split('\n')) {
      if (!line) continue;
      try { const r = JSON.parse(line) as CacheRec; this.map.set(r.key, r); } catch { /* torn last line */ }
    }
  }
  get(key: string): CacheRec | undefined { return this.map.get(key); }
  async put(r: CacheRec): Promise<void> {
    this.map.set(r.key, r);
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, JSON.stringify(r) + '\n');
  }
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function resolveField<T>(v: T | ((p: string) => T | undefined), path: string): T | undefined {
  return typeof v === 'function' ? (v as (p: string) => T | undefined)(path) : v;
}

/** Compiled rules of an entry: returns the first matching rule for a path. */
export function ruleMatcher(entry: SourceEntry): (path: string) => SourceEntry['rules'][number] | undefined {
  const compiled = entry.rules.map((r) => ({ r, m: picomatch(r.pattern, { nocase: true, dot: true }) }));
  return (path) => compiled.find((c) => c.m(path) && (c.r.kind !== 'exclude' || !c.r.files || c.r.files.has(path)))?.r;
}

/**
 * Files an entry would read: its tree or history, each with the first matching rule (or none).
 * @throws {GitError} when the commit is absent
 */
export function classify(gitDir: string, entry: SourceEntry): Array<{ file: GitFile; rule: SourceEntry['rules'][number] | undefined }> {
  const listed = entry.mode === 'history' ? listHistory(gitDir, entry.commit) : listTree(gitDir, entry.commit);
  const files: GitFile[] = [];
  for (const f of listed) {
    if (entry.archives?.includes(f.path) && f.size >= 0) files.push(...listArchive(gitDir, f));
    else files.push(f);
  }
  const match = ruleMatcher(entry);
  return files.map((file) => ({ file, rule: match(file.path) }));
}

async function devsetIndex(
  devset: string | undefined, cache: InfoCache, near: NearDupIndex<string>, shas: Map<string, string>, log: (s: string) => void,
): Promise<number> {
  if (!devset || !existsSync(join(devset, 'MANIFEST.tsv'))) { log('developer set: absent, not checked'); return 0; }
  const recs = await readManifest(join(devset, 'MANIFEST.tsv'));
  let n = 0;
  for (const r of recs) {
    const crop = r.crop ? `${r.crop.x},${r.crop.y},${r.crop.width},${r.crop.height}` : '';
    const key = `dev:${r.path}:${crop}`;
    let c = cache.get(key);
    if (!c) {
      const bytes = await readFile(r.file);
      try {
        c = { key, sha256: sha256(bytes), bytes: bytes.length, info: await imageInfo(bytes, r.crop) };
      } catch (e) {
        c = { key, sha256: sha256(bytes), bytes: bytes.length, error: (e as Error).message };
      }
      await cache.put(c);
    }
    shas.set(c.sha256, `devset:${r.path}`);
    if (c.info) near.add(c.info.dhash, c.info.phash, `devset:${r.path}`, c.info.thumb);
    n++;
  }
  log(`developer set: ${n} files indexed`);
  return n;
}

function bump(rep: SourceReport, why: SkipReason, example?: string) {
  rep.skipped[why] = (rep.skipped[why] ?? 0) + 1;
  if (example) {
    const ex = (rep.examples[why] ??= []);
    if (ex.length < 5) ex.push(example);
  }
}

/**
 * Selects the files of every (or every `only`) registry entry whose snapshot is present.
 * Reserved repositories and paths are refused before any blob is read.
 * @returns chosen items (without output paths), one report per entry
 */
export async function selectItems(opts: AssembleOptions): Promise<AssembleResult> {
  const log = opts.log ?? (() => {});
  const reserved = await loadReserved(opts.reservedFile);
  const cache = new InfoCache(join(opts.out, '.cache', `info-v${CACHE_VERSION}.jsonl`));
  await cache.load();
  const near = new NearDupIndex<string>();
  const shas = new Map<string, string>();
  const devsetCount = await devsetIndex(opts.devset, cache, near, shas, log);
  const items: Item[] = [];
  const reports: SourceReport[] = [];
  const entries = opts.only ? opts.registry.filter((e) => opts.only!.includes(e.id)) : opts.registry;
  if (opts.only) {
    const unknown = opts.only.filter((id) => !opts.registry.some((e) => e.id === id));
    if (unknown.length) throw new Error(`unknown source id(s): ${unknown.join(', ')}`);
  }
  for (const entry of entries) {
    const rep: SourceReport = { id: entry.id, repo: entry.repo, commit: entry.commit, status: 'ok', matched: 0, taken: 0, skipped: {}, examples: {}, excludedByRule: {} };
    reports.push(rep);
    const refusal = sourceRefusal(reserved, entry.repo, entry.commit, entry.mode ?? 'tree');
    if (refusal) { rep.status = 'refused'; rep.message = refusal; log(`${entry.id}: REFUSED: ${refusal}`); continue; }
    let gitDir = findGitDir(opts.snapshots, entry.repo);
    if (!gitDir && opts.clone) {
      try { gitDir = cloneBare(opts.snapshots, entry.repo, entry.commit); } catch (e) { rep.message = (e as Error).message; }
    }
    if (!gitDir) { rep.status = 'no-snapshot'; log(`${entry.id}: no snapshot of ${entry.repo} under ${opts.snapshots}`); continue; }
    if (!hasCommit(gitDir, entry.commit)) { rep.status = 'commit-absent'; log(`${entry.id}: commit ${entry.commit} absent in ${gitDir}`); continue; }
    const files = classify(gitDir, entry);
    const cands: Array<{ file: GitFile; rule: IncludeRule }> = [];
    for (const { file, rule } of files) {
      if (!rule) continue;
      if (isPathReserved(reserved, entry.repo, file.path)) { bump(rep, 'reserved-path', file.path); continue; }
      rep.matched++;
      if (rule.kind === 'exclude') { bump(rep, 'excluded-by-rule'); rep.excludedByRule[rule.reason] = (rep.excludedByRule[rule.reason] ?? 0) + 1; continue; }
      if (file.size < 0) { bump(rep, 'absent-in-snapshot', file.path); continue; }
      cands.push({ file, rule });
    }
    if (entry.maxFiles !== undefined) {
      const rng = mulberry32(hashString(`${entry.id}:${opts.seed ?? 20261204}`));
      shuffleInPlace(cands, rng);
    }
    const reader = new BlobReader(gitDir);
    const minSide = entry.minSide ?? 64;
    const taken: Item[] = [];
    try {
      for (const { file, rule } of cands) for (const crop of rule.tiles ?? [rule.crop]) {
        if (entry.maxFiles !== undefined && taken.length >= entry.maxFiles) { bump(rep, 'over-max-files'); continue; }
        const cropBox: CropBox | undefined = parseCropBox(crop);
        const key = `${file.oid}${file.member ? `!${file.member}` : ''}:${crop ?? ''}`;
        let c = cache.get(key);
        if (!c) {
          const blob = await reader.read(file.oid);
          const bytes = blob && file.member ? archiveMember(blob, file.member) : blob;
          if (!bytes) { bump(rep, 'absent-in-snapshot', file.path); continue; }
          c = { key, sha256: sha256(bytes), bytes: bytes.length };
          if (isLfsPointer(bytes)) c.lfs = true;
          else {
            try { c.info = await imageInfo(bytes, cropBox); } catch (e) { c.error = e instanceof DecodeError ? e.message : String(e); }
          }
          await cache.put(c);
        }
        if (c.lfs) { bump(rep, 'lfs-pointer', file.path); continue; }
        if (!c.info) { bump(rep, 'not-decodable', `${file.path}: ${c.error}`); continue; }
        const info = c.info;
        if (info.pages > 1) { bump(rep, 'animated', file.path); continue; }
        const side = Math.min(cropBox?.width ?? info.width, cropBox?.height ?? info.height);
        if (side < minSide) { bump(rep, 'too-small', `${file.path}: ${info.width}x${info.height}`); continue; }
        if (info.greyStd < 2) { bump(rep, 'blank', file.path); continue; }
        const shaKey = crop ? `${c.sha256}:${crop}` : c.sha256;
        const dupOf = shas.get(shaKey);
        if (dupOf) { bump(rep, dupOf.startsWith('devset:') ? 'exact-dup-devset' : 'exact-dup', `${file.path} = ${dupOf}`); continue; }
        const nd = near.find(info.dhash, info.phash, info.thumb);
        if (nd) { bump(rep, nd.owner.startsWith('devset:') ? 'near-dup-devset' : 'near-dup', `${file.path} ≈ ${nd.owner} (d${nd.dDist}/p${nd.pDist}/r${nd.corr.toFixed(3)})`); continue; }
        const generator = resolveField(rule.generator, file.path);
        const family = resolveField(rule.family, file.path);
        const category = resolveField(rule.category, file.path);
        const trust = resolveField(rule.trust, file.path);
        if (!generator || !family || !category || !trust) { bump(rep, 'excluded-by-rule'); rep.excludedByRule['rule gave no generator/family/category'] = (rep.excludedByRule['rule gave no generator/family/category'] ?? 0) + 1; continue; }
        const owner = `${entry.id}:${file.path}${crop ? `#${crop}` : ''}`;
        shas.set(shaKey, owner);
        near.add(info.dhash, info.phash, owner, info.thumb);
        const item: Item = {
          source: entry.id, repo: entry.repo, commit: entry.commit, mode: entry.mode ?? 'tree', oid: file.oid,
          originalPath: file.path, member: file.member, path: '', sha256: c.sha256, bytes: c.bytes, label: rule.label, generator, family, category,
          trust, licence: entry.licence, crop: crop ?? '', notes: rule.note ?? '',
          group: rule.group?.(file.path) ?? '', info,
        };
        taken.push(item);
      }
    } finally {
      reader.close();
    }
    rep.taken = taken.length;
    items.push(...taken);
    log(`${entry.id}: ${taken.length} taken of ${rep.matched} matched; skipped ${JSON.stringify(rep.skipped)}`);
  }
  return { items, reports, devsetCount };
}

/**
 * Gives every item its neutral output path `<source>/<label>/<source>-<label>-NNNN.<ext>` (NNNN from 1 in
 * original-path order within source × label; the extension follows the decoded format).
 */
export function assignPaths(items: Item[]): void {
  const groups = new Map<string, Item[]>();
  for (const it of items) {
    const k = `${it.source}\t${it.label}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(it);
  }
  for (const list of groups.values()) {
    list.sort((a, b) => (a.originalPath < b.originalPath ? -1 : a.originalPath > b.originalPath ? 1 : a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : a.crop < b.crop ? -1 : 1));
    list.forEach((it, i) => {
      const ext = EXT[it.info.format] ?? it.info.format;
      it.path = `${it.source}/${it.label}/${it.source}-${it.label}-${String(i + 1).padStart(4, '0')}.${ext}`;
    });
  }
}

export const MANIFEST_COLUMNS = [
  'path', 'label', 'generator', 'source_repo', 'source_commit', 'license', 'original_path', 'width', 'height', 'bytes',
  'sha256', 'notes', 'crop', 'family', 'category', 'trust', 'group',
] as const;

export const LOCK_COLUMNS = [
  'source', 'repo', 'commit', 'mode', 'git_object', 'original_path', 'path', 'sha256', 'bytes', 'label', 'generator',
  'family', 'category', 'trust', 'crop', 'license', 'group', 'notes',
] as const;

function cell(v: string | number): string {
  return String(v).replace(/[\t\r\n]+/g, ' ');
}

/** Manifest text (developer-set columns, then `family category trust group`). */
export function manifestText(items: Item[]): string {
  const rows = items.map((it) => [
    it.path, it.label, it.generator, it.repo, it.commit, it.licence, it.originalPath, it.info.width, it.info.height, it.bytes,
    it.sha256, it.notes, it.crop, it.family, it.category, it.trust, it.group,
  ].map(cell).join('\t'));
  return [MANIFEST_COLUMNS.join('\t'), ...rows].join('\n') + '\n';
}

/** Lock-file text: everything needed to fetch, rebuild and verify the same files. */
export function lockText(items: Item[]): string {
  const rows = items.map((it) => [
    it.source, it.repo, it.commit, it.mode, it.oid, it.originalPath, it.path, it.sha256, it.bytes, it.label, it.generator,
    it.family, it.category, it.trust, it.crop, it.licence, it.group, it.notes,
  ].map(cell).join('\t'));
  return [
    '# SynthScreen training-data lock file: one row per file of the assembled set (git_object = blob id; original_path',
    '# <zip>!<member> = a member of that zip blob). Rebuild exactly these files: `npm run data -- rebuild --out <dir>`;',
    '# check a folder: `npm run data -- verify --out <dir>`. Images are not committed; each row names its public source.',
    LOCK_COLUMNS.join('\t'), ...rows,
  ].join('\n') + '\n';
}

export interface LockRow { [k: string]: string }

/**
 * Parses lock-file text.
 * @throws {Error} on a missing column or a row with a wrong column count
 */
export function parseLock(text: string): LockRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) return [];
  const header = lines[0]!.split('\t');
  for (const c of LOCK_COLUMNS) if (!header.includes(c)) throw new Error(`lock file: header lacks "${c}"`);
  return lines.slice(1).map((l, i) => {
    const cells = l.split('\t');
    if (cells.length !== header.length) throw new Error(`lock file row ${i + 1}: ${cells.length} cells, header has ${header.length}`);
    const r: LockRow = {};
    header.forEach((h, j) => { r[h] = cells[j]!; });
    return r;
  });
}

/**
 * Writes the chosen files (original bytes; a file already in place with the right sha256 is kept), removes
 * stale files under the written source folders, and writes `MANIFEST.tsv`.
 * @returns number of files written
 */
export async function materialize(items: Item[], out: string, snapshots: string, log: (s: string) => void = () => {}): Promise<number> {
  await mkdir(out, { recursive: true });
  const byRepo = new Map<string, Item[]>();
  for (const it of items) (byRepo.get(it.repo) ?? byRepo.set(it.repo, []).get(it.repo)!).push(it);
  let written = 0;
  const wanted = new Set(items.map((it) => resolve(out, it.path)));
  for (const [repo, list] of byRepo) {
    const gitDir = findGitDir(snapshots, repo);
    let reader: BlobReader | undefined;
    try {
      const placed = new Map<string, string>(); // sha256 → first written file (hard-link further copies, e.g. tiles)
      for (const it of list) {
        const dest = resolve(out, it.path);
        const have = await stat(dest).then((s) => s.size, () => -1);
        if (have === it.bytes && sha256(await readFile(dest)) === it.sha256) { placed.set(it.sha256, dest); continue; }
        await mkdir(dirname(dest), { recursive: true });
        await rm(dest, { force: true });
        const prev = placed.get(it.sha256);
        if (prev) { await link(prev, dest); written++; continue; }
        if (!gitDir) throw new Error(`no snapshot of ${repo} to read ${it.originalPath} from`);
        reader ??= new BlobReader(gitDir);
        const blob = await reader.read(it.oid);
        const bytes = blob && it.member ? archiveMember(blob, it.member) : blob;
        if (!bytes || sha256(bytes) !== it.sha256) throw new Error(`${repo}:${it.originalPath}: blob ${it.oid} missing or changed`);
        await writeFile(dest, bytes);
        placed.set(it.sha256, dest);
        written++;
      }
    } finally {
      reader?.close();
    }
  }
  // Stale files in the source folders of this set.
  for (const src of new Set(items.map((it) => it.source))) {
    let stale = 0;
    for (const label of ['real', 'synthetic']) {
      const dir = join(out, src, label);
      if (!existsSync(dir)) continue;
      for (const f of await readdir(dir)) {
        const p = resolve(dir, f);
        if (!wanted.has(p)) { await rm(p, { force: true }); stale++; }
      }
    }
    if (stale) log(`${src}: removed ${stale} stale file(s) under ${relative(out, join(out, src))}/`);
  }
  await writeFile(join(out, 'MANIFEST.tsv'), manifestText(items));
  return written;
}

export interface VerifyResult {
  checked: number;
  missing: string[];
  mismatched: string[];
  reserved: string[];
  manifestMismatch: string[];
}

/**
 * Checks an assembled folder against a lock file: every locked file present with its sha256 and size, no row
 * from a reserved repository or path, and `MANIFEST.tsv` listing exactly the locked paths with the same sha256.
 */
export async function verifyAgainstLock(out: string, lockTextContent: string, reservedFile?: string): Promise<VerifyResult> {
  const rows = parseLock(lockTextContent);
  const reserved: Map<string, ReservedEntry> = await loadReserved(reservedFile);
  const res: VerifyResult = { checked: 0, missing: [], mismatched: [], reserved: [], manifestMismatch: [] };
  for (const r of rows) {
    if (isPathReserved(reserved, r.repo!, r.original_path!) || sourceRefusal(reserved, r.repo!, r.commit!, r.mode as 'tree' | 'history')) res.reserved.push(`${r.repo}:${r.original_path}`);
    const p = join(out, r.path!);
    let bytes: Buffer;
    try { bytes = await readFile(p); } catch { res.missing.push(r.path!); continue; }
    res.checked++;
    if (bytes.length !== Number(r.bytes) || sha256(bytes) !== r.sha256) res.mismatched.push(r.path!);
  }
  const mf = join(out, 'MANIFEST.tsv');
  if (!existsSync(mf)) res.manifestMismatch.push('MANIFEST.tsv missing');
  else {
    const recs = await readManifest(mf);
    const bySha = new Map(rows.map((r) => [r.path!, r.sha256!]));
    for (const rec of recs) {
      const s = bySha.get(rec.path);
      if (s === undefined) res.manifestMismatch.push(`${rec.path}: in MANIFEST.tsv, not in the lock file`);
      else if (s !== rec.extra.sha256) res.manifestMismatch.push(`${rec.path}: sha256 differs between MANIFEST.tsv and the lock file`);
      bySha.delete(rec.path);
    }
    for (const p of bySha.keys()) res.manifestMismatch.push(`${p}: in the lock file, not in MANIFEST.tsv`);
  }
  return res;
}

/**
 * Rebuilds exactly the files of a lock file (no registry, no de-duplication): each row's blob is read from the
 * snapshot of its repository (cloned at its commit with `clone`), checked against its sha256, and written to its
 * path; `MANIFEST.tsv` is written from the lock rows plus the decoded size.
 * @returns the items, or throws on the first missing repository, blob or sha256 mismatch
 * @throws {Error} naming the row that failed
 */
export async function rebuildFromLock(lockTextContent: string, out: string, snapshots: string, opts: { clone?: boolean; reservedFile?: string; log?: (s: string) => void } = {}): Promise<Item[]> {
  const rows = parseLock(lockTextContent);
  const reserved = await loadReserved(opts.reservedFile);
  const items: Item[] = [];
  const readers = new Map<string, BlobReader>();
  try {
    for (const r of rows) {
      const mode = r.mode as 'tree' | 'history';
      const refusal = sourceRefusal(reserved, r.repo!, r.commit!, mode);
      if (refusal || isPathReserved(reserved, r.repo!, r.original_path!)) throw new Error(`${r.repo}:${r.original_path}: refused (${refusal ?? 'reserved path'})`);
      let reader = readers.get(r.repo!);
      if (!reader) {
        let gitDir = findGitDir(snapshots, r.repo!);
        if (!gitDir && opts.clone) gitDir = cloneBare(snapshots, r.repo!, r.commit!);
        if (!gitDir) throw new Error(`no snapshot of ${r.repo} under ${snapshots} (use --clone with the internet)`);
        reader = new BlobReader(gitDir);
        readers.set(r.repo!, reader);
      }
      const bang = r.original_path!.indexOf('!');
      const member = bang >= 0 ? r.original_path!.slice(bang + 1) : undefined;
      const blob = await reader.read(r.git_object!);
      const bytes = blob && member ? archiveMember(blob, member) : blob;
      if (!bytes) throw new Error(`${r.repo}:${r.original_path}: blob ${r.git_object} absent`);
      if (sha256(bytes) !== r.sha256) throw new Error(`${r.repo}:${r.original_path}: sha256 differs from the lock file`);
      const dest = resolve(out, r.path!);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, bytes);
      const info = await imageInfo(bytes, parseCropBox(r.crop || undefined));
      items.push({
        source: r.source!, repo: r.repo!, commit: r.commit!, mode, oid: r.git_object!, originalPath: r.original_path!, member,
        path: r.path!, sha256: r.sha256!, bytes: bytes.length, label: r.label as Label, generator: r.generator!,
        family: r.family as Family, category: r.category as Category, trust: r.trust as Trust, licence: r.license ?? '',
        crop: r.crop ?? '', notes: r.notes ?? '', group: r.group ?? '', info,
      });
    }
  } finally {
    for (const rd of readers.values()) rd.close();
  }
  await writeFile(join(out, 'MANIFEST.tsv'), manifestText(items));
  opts.log?.(`rebuilt ${items.length} files from the lock file`);
  return items;
}
