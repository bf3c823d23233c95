/**
 * Reads labelled image lists for training and evaluation.
 *
 * Two inputs are accepted:
 * - a manifest TSV (the format of `../shared/data/MANIFEST.tsv`): a header row, then one row per image;
 *   required columns `path` and `label` (`real` | `synthetic`); optional `generator`, `source_repo`,
 *   `crop` (`x,y,width,height`, see `parseCropBox`), `original_path`, `group`, `source`; other columns
 *   are kept in `extra`. Paths are relative to `root` (default: the manifest's folder).
 * - a folder in the seed layout `{train,val,test}/{real,synthetic}/<files>` (split taken from the folder),
 *   or `{real,synthetic}/<files>`.
 *
 * `source` is the first path segment (the source folder of `../shared/data`, e.g. `cnndetection-ranking`)
 * unless a `source` column is given; `group` keeps related images in one split (see `groupKeyFor`;
 * rows with equal `sha256` cells are merged into one group as well).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, relative, sep } from 'node:path';
import { parseCropBox, type CropBox } from '../../extension/shared/preprocess';

export type Label = 'real' | 'synthetic';
export type SplitName = 'train' | 'val' | 'test';

/** One labelled image. */
export interface Rec {
  /** Path as written in the manifest (relative to `root`, `/`-separated). */
  path: string;
  /** Absolute path of the file. */
  file: string;
  label: Label;
  /** 1 = synthetic, 0 = real. */
  y: 0 | 1;
  /** Source folder (first path segment) or the `source` column. */
  source: string;
  /** Generator name; `real` for real images when the column is absent. */
  generator: string;
  sourceRepo?: string;
  originalPath?: string;
  crop?: CropBox;
  /** Images with the same group must land in the same split (default: the path itself). */
  group: string;
  /** Split given by the folder layout, if any. */
  split?: SplitName;
  /** 1-based line number in the TSV (0 for folder layouts). */
  line: number;
  /** Other columns, verbatim. */
  extra: Record<string, string>;
}

/** Thrown for malformed manifests; the message names the file and line. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

const IMAGE_EXT = /\.(jpe?g|png|webp|gif|avif|tiff?|bmp|heic|heif)$/i;
const KNOWN = new Set(['path', 'label', 'generator', 'source_repo', 'crop', 'original_path', 'group', 'source']);

/**
 * Caveat 6 of `../shared/research/data-sources.md`: 17 CBSD68 photos reappear in CNNDetection's SAN
 * pairs. Maps both `original_path` basenames (without extension) to one group id.
 */
const CBSD68_SAN: Array<[string, string]> = [
  ['123074', '212_san_real'], ['351093', '106_san_real'], ['296059', '107_san_real'], ['157055', '84_san_real'],
  ['296007', '129_san_real'], ['108005', '40_san_real'], ['33039', '63_san_real'], ['14037', '160_san_fake'],
  ['147091', '171_san_fake'], ['300091', '135_san_fake'], ['302008', '152_san_fake'], ['160068', '143_san_fake'],
  ['271035', '99_san_fake'], ['108082', '43_san_fake'], ['126007', '98_san_fake'], ['182053', '73_san_fake'],
  ['175043', '88_san_fake'],
];
const BSD_GROUP = new Map<string, string>();
for (const [bsd, san] of CBSD68_SAN) {
  BSD_GROUP.set(`testsets/CBSD68/${bsd}`, `bsd-photo:${bsd}`);
  BSD_GROUP.set(`ranking/images/${san}`, `bsd-photo:${bsd}`);
}
/**
 * Caveat 7: related shots in `laboratoriet-real-or-ai` named in data-sources.md (repo
 * `public/images/nature/real/55..57`, `75/76`). Other series are not documented; add a `group` column
 * to the manifest to declare more.
 */
const LAB_SERIES: Array<[string, number[]]> = [
  ['public/images/nature/real/', [55, 56, 57]],
  ['public/images/nature/real/', [75, 76]],
];

/**
 * The split group of an image: the `group` column if present, else a known relation from the caveats
 * of data-sources.md (CBSD68↔SAN pairs; Laboratoriet photo series), else the path itself.
 * @returns a string; images with equal strings are kept in one split
 */
export function groupKeyFor(path: string, originalPath?: string, groupColumn?: string): string {
  if (groupColumn && groupColumn.trim() !== '') return `col:${groupColumn.trim()}`;
  if (originalPath) {
    const noExt = originalPath.replace(/\.[^./]+$/, '');
    const g = BSD_GROUP.get(noExt);
    if (g) return g;
    for (const [prefix, nums] of LAB_SERIES) {
      if (noExt.startsWith(prefix)) {
        const n = Number(noExt.slice(prefix.length));
        if (nums.includes(n)) return `lab-series:${prefix}${nums[0]}`;
      }
    }
  }
  return `path:${path}`;
}

/**
 * Merges groups so that records with an equal non-empty `key` share one group (union–find over group
 * names; transitive). The merged group is named after the lexicographically smallest member group.
 * @returns new records (unchanged objects where nothing merged)
 */
export function mergeGroupsBy<R extends Rec>(recs: R[], key: (r: R) => string | undefined): R[] {
  const parent = new Map<string, string>();
  const find = (g: string): string => {
    let p = parent.get(g) ?? g;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p)!;
    parent.set(g, p);
    return p;
  };
  const union = (a: string, b: string) => {
    const ra = find(a), rb = find(b);
    if (ra === rb) return;
    if (ra < rb) parent.set(rb, ra); else parent.set(ra, rb);
  };
  const first = new Map<string, string>();
  for (const r of recs) {
    const k = key(r);
    if (!k) continue;
    const g = first.get(k);
    if (g === undefined) first.set(k, r.group); else union(g, r.group);
  }
  return recs.map((r) => { const g = find(r.group); return g === r.group ? r : { ...r, group: g }; });
}

/** Parses a label cell; accepts `real`/`synthetic` (case-insensitive) and `fake`/`ai` as synthetic. */
function parseLabel(text: string): Label | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'real') return 'real';
  if (t === 'synthetic' || t === 'fake' || t === 'ai') return 'synthetic';
  return undefined;
}

/**
 * Parses manifest TSV text.
 * @param text the TSV (LF or CRLF line ends; blank lines and lines starting with `#` are skipped)
 * @param root folder that `path` is relative to (absolute paths in the TSV are used as is)
 * @param name file name used in error messages
 * @throws {ManifestError} "name:line: …" for a missing header column, a row with a wrong column count,
 *   an empty path, an unknown label, a bad crop, or a duplicated path
 */
export function parseManifestTsv(text: string, root: string, name = 'manifest'): Rec[] {
  const lines = text.split(/\r?\n/);
  let headerIdx = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (headerIdx < 0) throw new ManifestError(`${name}: empty manifest`);
  const header = lines[headerIdx]!.split('\t').map((h) => h.trim().toLowerCase());
  const col = (k: string) => header.indexOf(k);
  for (const k of ['path', 'label']) {
    if (col(k) < 0) throw new ManifestError(`${name}:${headerIdx + 1}: header lacks the required column "${k}" (got: ${header.join(', ')})`);
  }
  const recs: Rec[] = [];
  const seen = new Map<string, number>();
  for (let i = headerIdx + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const lineNo = i + 1;
    const cells = raw.split('\t');
    if (cells.length > header.length) {
      throw new ManifestError(`${name}:${lineNo}: ${cells.length} columns, header has ${header.length}`);
    }
    const get = (k: string): string | undefined => {
      const c = col(k);
      return c >= 0 ? cells[c]?.trim() : undefined;
    };
    const path = get('path') ?? '';
    if (path === '') throw new ManifestError(`${name}:${lineNo}: empty path`);
    const labelText = get('label') ?? '';
    const label = parseLabel(labelText);
    if (!label) throw new ManifestError(`${name}:${lineNo}: label must be "real" or "synthetic", got "${labelText}"`);
    let crop: CropBox | undefined;
    try {
      crop = parseCropBox(get('crop'));
    } catch (e) {
      throw new ManifestError(`${name}:${lineNo}: ${(e as Error).message}`);
    }
    const prev = seen.get(path);
    if (prev !== undefined) throw new ManifestError(`${name}:${lineNo}: path "${path}" already listed on line ${prev}`);
    seen.set(path, lineNo);
    const posix = path.split(sep).join('/');
    const source = get('source') || (posix.includes('/') ? posix.slice(0, posix.indexOf('/')) : '(root)');
    const extra: Record<string, string> = {};
    header.forEach((h, c) => { if (!KNOWN.has(h) && h !== '') extra[h] = cells[c] ?? ''; });
    const originalPath = get('original_path') || undefined;
    recs.push({
      path: posix,
      file: resolve(root, path),
      label,
      y: label === 'synthetic' ? 1 : 0,
      source,
      generator: get('generator') || (label === 'real' ? 'real' : 'unknown'),
      sourceRepo: get('source_repo') || undefined,
      originalPath,
      crop,
      group: groupKeyFor(posix, originalPath, get('group')),
      line: lineNo,
      extra,
    });
  }
  // Identical bytes under two paths (the `sha256` column, when present) are one image: one group.
  return header.includes('sha256') ? mergeGroupsBy(recs, (r) => r.extra.sha256?.toLowerCase() || undefined) : recs;
}

/**
 * Reads a manifest TSV file.
 * @param manifestPath path to the TSV
 * @param root folder the rows' paths are relative to; default the TSV's folder
 * @throws {ManifestError} as `parseManifestTsv`; fs errors when the file cannot be read
 */
export async function readManifest(manifestPath: string, root?: string): Promise<Rec[]> {
  const text = await readFile(manifestPath, 'utf8');
  return parseManifestTsv(text, resolve(root ?? dirname(manifestPath)), manifestPath);
}

async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listImages(p)));
    else if (IMAGE_EXT.test(e.name)) out.push(p);
  }
  return out.sort();
}

/**
 * Reads a folder in the seed layout `{train,val,test}/{real,synthetic}/…` (split from the folder) or
 * `{real,synthetic}/…` (no split). `source` is the folder's own name; generator `real`/`unknown`.
 * @throws {ManifestError} when neither layout is found
 */
export async function readFolderLayout(root: string): Promise<Rec[]> {
  const abs = resolve(root);
  const recs: Rec[] = [];
  const srcName = abs.split(sep).pop() || 'folder';
  const has = async (p: string) => stat(p).then((s) => s.isDirectory(), () => false);
  const splits: Array<SplitName | undefined> = [];
  for (const s of ['train', 'val', 'test'] as const) if (await has(join(abs, s))) splits.push(s);
  if (splits.length === 0) splits.push(undefined);
  for (const split of splits) {
    for (const label of ['real', 'synthetic'] as const) {
      const dir = split ? join(abs, split, label) : join(abs, label);
      if (!(await has(dir))) continue;
      for (const file of await listImages(dir)) {
        const rel = relative(abs, file).split(sep).join('/');
        recs.push({
          path: rel, file, label, y: label === 'synthetic' ? 1 : 0, source: srcName,
          generator: label === 'real' ? 'real' : 'unknown', group: `path:${rel}`, split, line: 0, extra: {},
        });
      }
    }
  }
  if (recs.length === 0) throw new ManifestError(`${root}: no images under {train,val,test}/{real,synthetic}/ or {real,synthetic}/`);
  return recs;
}

/**
 * Reads either input: a `.tsv` file (manifest) or a folder (seed layout; a folder that holds a
 * `MANIFEST.tsv` is read as that manifest).
 * @param input manifest path or folder
 * @param root for manifests: folder the paths are relative to (default the manifest's folder)
 */
export async function loadRecords(input: string, root?: string): Promise<Rec[]> {
  const st = await stat(input);
  if (st.isDirectory()) {
    const m = join(input, 'MANIFEST.tsv');
    if (await stat(m).then((s) => s.isFile(), () => false)) return readManifest(m, root ?? input);
    return readFolderLayout(input);
  }
  return readManifest(input, root);
}

/**
 * Counts records by `(source, label)`.
 * @returns map `source → {real, synthetic}`
 */
export function countBySource(recs: Rec[]): Map<string, { real: number; synthetic: number }> {
  const m = new Map<string, { real: number; synthetic: number }>();
  for (const r of recs) {
    const c = m.get(r.source) ?? { real: 0, synthetic: 0 };
    c[r.label]++;
    m.set(r.source, c);
  }
  return m;
}
