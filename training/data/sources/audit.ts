/**
 * The data audit of an assembled set (issue 10 §1): per source × label the count, median width/height, format
 * mix, estimated JPEG quality and metadata present; flags where the two classes of one source differ; counts
 * per generator, family and category × label with the 1:3 class-ratio check; and what was skipped and why.
 */
import type { Item, SourceReport } from './assemble';
import { balanceSample } from './balance';
import type { Label } from './types';

/** Facts of one source × label cell. */
export interface CellStats {
  count: number;
  medianWidth: number;
  medianHeight: number;
  /** format → fraction 0..1 */
  formats: Record<string, number>;
  /** Median estimated JPEG quality over the JPEG files, or null when there are none. */
  medianJpegQuality: number | null;
  /** Fraction 0..1 of files carrying each metadata block. */
  exif: number; xmp: number; icc: number; c2pa: number; pngText: number;
}

/**
 * The model a generator string names, without its parenthesised variant: `Kolors (ControlNet)` → `Kolors`,
 * `SD.Next reference preview: X` → `X`. Used to count models conservatively.
 */
export function baseGenerator(g: string): string {
  return g.replace(/^SD\.Next reference preview: /, '').replace(/^Book_Visualizer: /, '').replace(/\s*\(.*$/, '').trim();
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Statistics of a list of items (one source × label). */
export function cellStats(items: Item[]): CellStats {
  const n = items.length;
  const formats: Record<string, number> = {};
  for (const it of items) formats[it.info.format] = (formats[it.info.format] ?? 0) + 1 / n;
  const q = items.map((it) => it.info.jpegQuality).filter((x): x is number => x !== null);
  const frac = (f: (it: Item) => boolean) => items.filter(f).length / n;
  return {
    count: n,
    medianWidth: median(items.map((it) => it.info.width)),
    medianHeight: median(items.map((it) => it.info.height)),
    formats,
    medianJpegQuality: q.length ? median(q) : null,
    exif: frac((it) => it.info.exif), xmp: frac((it) => it.info.xmp), icc: frac((it) => it.info.icc),
    c2pa: frac((it) => it.info.c2pa), pngText: frac((it) => it.info.pngText),
  };
}

/**
 * Differences between the real and the synthetic cell of one source that a detector could learn instead of
 * the generation traces. Thresholds: median width or height ratio > 1.25; a format whose share differs by
 * > 20 points; median JPEG quality differing by > 5; a metadata block whose share differs by > 20 points.
 * @returns human-readable flags (empty when the classes match)
 */
export function classDifferences(real: CellStats, synth: CellStats): string[] {
  const flags: string[] = [];
  const ratio = (a: number, b: number) => Math.max(a, b) / Math.max(1, Math.min(a, b));
  if (ratio(real.medianWidth, synth.medianWidth) > 1.25 || ratio(real.medianHeight, synth.medianHeight) > 1.25) {
    flags.push(`size: real ${real.medianWidth}x${real.medianHeight} vs synthetic ${synth.medianWidth}x${synth.medianHeight}`);
  }
  for (const f of new Set([...Object.keys(real.formats), ...Object.keys(synth.formats)])) {
    const a = real.formats[f] ?? 0, b = synth.formats[f] ?? 0;
    if (Math.abs(a - b) > 0.2) { flags.push(`format: ${f} ${pct(a)} of real vs ${pct(b)} of synthetic`); break; }
  }
  if (real.medianJpegQuality !== null && synth.medianJpegQuality !== null && Math.abs(real.medianJpegQuality - synth.medianJpegQuality) > 5) {
    flags.push(`JPEG quality: real ~${real.medianJpegQuality} vs synthetic ~${synth.medianJpegQuality}`);
  }
  for (const k of ['exif', 'xmp', 'icc', 'c2pa', 'pngText'] as const) {
    if (Math.abs(real[k] - synth[k]) > 0.2) flags.push(`${k}: ${pct(real[k])} of real vs ${pct(synth[k])} of synthetic`);
  }
  return flags;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function fmtFormats(f: Record<string, number>): string {
  return Object.entries(f).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v)}`).join(', ');
}

function group<K>(items: Item[], key: (it: Item) => K): Map<K, Item[]> {
  const m = new Map<K, Item[]>();
  for (const it of items) (m.get(key(it)) ?? m.set(key(it), []).get(key(it))!).push(it);
  return m;
}

/** The remedy the training pipeline applies to every flagged difference (and to all images). */
export const REMEDY = [
  'The trainers read pixels only: metadata (EXIF/XMP/ICC/C2PA/PNG text) never reaches the model, and the',
  'metadata columns here show what a metadata-reading shortcut could have exploited, not what the model sees.',
  'Size, format and JPEG-quality differences are removed label-blind: every image of both classes goes through',
  'the same resize/crop to the model input and, at the `web`/`avatar` levels, the same re-encode',
  '(`training/data/degrade.ts`); flagged sources must be trained with random label-blind JPEG re-encoding',
  '(quality 30-95) and resizing so that the original container and quality cannot separate the classes, and',
  'their per-source accuracy is reported separately.',
].join(' ');

/**
 * The audit as markdown.
 * @param items the assembled set
 * @param reports per-source reports from the assembler
 */
export function auditMarkdown(items: Item[], reports: SourceReport[]): string {
  const L: string[] = [];
  const labels: Label[] = ['real', 'synthetic'];
  L.push('# Data audit of the assembled training set', '');
  L.push(`Made by \`npm run data -- assemble\` from \`training/data/sources/registry.ts\`; one row per file in \`training/data/sources.lock.tsv\`.`, '');
  const real = items.filter((i) => i.label === 'real').length;
  const synth = items.length - real;
  const gens = group(items.filter((i) => i.label === 'synthetic'), (i) => i.generator);
  const gen5 = [...gens.values()].filter((l) => l.length >= 5).length;
  const realSources = new Set(items.filter((i) => i.label === 'real').map((i) => i.source)).size;
  L.push('## Totals', '');
  L.push(`- images: ${items.length} (real ${real}, synthetic ${synth})`);
  const bases = group(items.filter((i) => i.label === 'synthetic' && i.family !== 'unknown'), (i) => baseGenerator(i.generator));
  const base5 = [...bases.values()].filter((l) => l.length >= 5).length;
  L.push(`- synthetic generators: ${gens.size} generator strings, ${gen5} with ≥ 5 images; counted conservatively (variants of one model merged by dropping the parenthesis, unattributed/unknown-family strings left out): ${bases.size} models, **${base5} with ≥ 5 images** (target ≥ 25 with ≥ 5; ≥ 4,000 synthetic)`);
  L.push(`- real sources: ${realSources} (target ≥ 10; ≥ 8,000 real)`);
  const trust = group(items, (i) => `${i.label}/${i.trust}`);
  L.push(`- trust: ${[...trust.entries()].sort().map(([k, v]) => `${k} ${v.length}`).join(', ')}`, '');

  L.push('## Per source × label', '');
  L.push('| source | label | n | median w×h | formats | JPEG q (median) | EXIF | XMP | ICC | C2PA | PNG text |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|');
  const bySource = group(items, (i) => i.source);
  const flagged: Array<[string, string[]]> = [];
  for (const [src, list] of [...bySource.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const cells: Partial<Record<Label, CellStats>> = {};
    for (const lab of labels) {
      const sub = list.filter((i) => i.label === lab);
      if (!sub.length) continue;
      const s = cellStats(sub);
      cells[lab] = s;
      L.push(`| ${src} | ${lab} | ${s.count} | ${s.medianWidth}×${s.medianHeight} | ${fmtFormats(s.formats)} | ${s.medianJpegQuality ?? '–'} | ${pct(s.exif)} | ${pct(s.xmp)} | ${pct(s.icc)} | ${pct(s.c2pa)} | ${pct(s.pngText)} |`);
    }
    if (cells.real && cells.synthetic) {
      const f = classDifferences(cells.real, cells.synthetic);
      if (f.length) flagged.push([src, f]);
    }
  }
  L.push('', '## Class differences within a source', '');
  if (flagged.length === 0) L.push('None of the two-class sources differs between its classes beyond the thresholds.');
  for (const [src, f] of flagged) L.push(`- **${src}**: ${f.join('; ')}`);
  L.push('', 'Single-class sources cannot be compared within themselves; across sources, the same differences (size, format, quality, metadata) separate the classes and are handled the same way.', '');
  L.push(`**Remedy.** ${REMEDY}`, '');

  L.push('## Per family', '', '| family | n | generators |', '|---|---|---|');
  for (const [fam, list] of [...group(items, (i) => i.family).entries()].sort((a, b) => b[1].length - a[1].length)) {
    L.push(`| ${fam} | ${list.length} | ${new Set(list.map((i) => i.generator)).size} |`);
  }
  L.push('', '## Per category × label (1:3 check)', '', '| category | real | synthetic | ratio | within 1:3 |', '|---|---|---|---|---|');
  for (const [cat, list] of [...group(items, (i) => i.category).entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const r = list.filter((i) => i.label === 'real').length, s = list.length - r;
    const ratio = r && s ? Math.max(r, s) / Math.min(r, s) : Infinity;
    const verdict = ratio <= 3 ? 'yes' : Number.isFinite(ratio) ? `no: \`balanceSample\` keeps ${Math.floor(3 * Math.min(r, s))} of the ${r > s ? 'real' : 'synthetic'}` : 'no: one class only, dropped by `balanceSample` (unless `singleClass: \'keep\'`)';
    L.push(`| ${cat} | ${r} | ${s} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'} | ${verdict} |`);
  }
  const { kept, report } = balanceSample(items.map((i) => ({ path: i.path || `${i.source}:${i.originalPath}`, label: i.label, category: i.category, source: i.source })));
  const keptReal = kept.filter((k) => k.label === 'real').length;
  L.push('', '### What category-balanced sampling keeps', '', '`balanceSample` defaults (1:3, single-class categories dropped, seed 1234; `npm run data -- balance --out <dir>` prints the same, with `--cap`/`--keep-single` variants):', '');
  L.push('| category | kept real | kept synthetic |', '|---|---|---|');
  for (const c of report) L.push(`| ${c.category} | ${c.keptReal} | ${c.keptSynthetic} |`);
  L.push('', `Kept ${kept.length} of ${items.length}: real ${keptReal}, synthetic ${kept.length - keptReal}.`);
  L.push('', '## Per generator (synthetic)', '', '| generator | family | n | sources |', '|---|---|---|---|');
  for (const [g, list] of [...gens.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
    L.push(`| ${g.replace(/\|/g, '/')} | ${list[0]!.family} | ${list.length} | ${[...new Set(list.map((i) => i.source))].join(', ')} |`);
  }
  L.push('', '## Real sources', '', '| generator (real source) | n |', '|---|---|');
  for (const [g, list] of [...group(items.filter((i) => i.label === 'real'), (i) => i.generator).entries()].sort((a, b) => b[1].length - a[1].length)) {
    L.push(`| ${g.replace(/\|/g, '/')} | ${list.length} |`);
  }
  L.push('', '## Per registry entry: taken and skipped', '', '| source | repo @ commit | status | matched | taken | skipped |', '|---|---|---|---|---|---|');
  for (const r of reports) {
    const sk = Object.entries(r.skipped).map(([k, v]) => `${k} ${v}`).join(', ');
    L.push(`| ${r.id} | ${r.repo} @ ${r.commit.slice(0, 12)} | ${r.status}${r.message ? `: ${r.message}` : ''} | ${r.matched} | ${r.taken} | ${sk} |`);
  }
  const ex = reports.flatMap((r) => Object.entries(r.excludedByRule).map(([why, n]) => `- ${r.id}: ${n} × ${why}`));
  if (ex.length) L.push('', '### Excluded by rule', '', ...ex);
  const near = reports.flatMap((r) => [...(r.examples['near-dup'] ?? []), ...(r.examples['near-dup-devset'] ?? [])].map((e) => `- ${r.id}: ${e}`));
  if (near.length) L.push('', '### Near-duplicate examples (first 5 per source)', '', ...near);
  return L.join('\n') + '\n';
}

/** A short plain-text summary for the terminal. */
export function auditSummary(items: Item[]): string {
  const real = items.filter((i) => i.label === 'real').length;
  const gens = group(items.filter((i) => i.label === 'synthetic' && i.family !== 'unknown'), (i) => baseGenerator(i.generator));
  const gen5 = [...gens.values()].filter((l) => l.length >= 5).length;
  const realSources = new Set(items.filter((i) => i.label === 'real').map((i) => i.source)).size;
  return `images ${items.length}: real ${real} from ${realSources} sources; synthetic ${items.length - real}; ${gens.size} attributed models (${gen5} with ≥ 5 images)`;
}
