/**
 * Category-balanced sampling (issue 10 §1): content must not give the label away. Within each content
 * category the real : synthetic ratio is kept within `maxRatio` (1:3 by default), giant single-source pools
 * (25k pet photos, 9.8k UTKFace crops) are capped first, and categories holding one class only are dropped (or
 * kept, on request). Deterministic for a seed and independent of row order.
 *
 * Down-sampling is stratified by source: the rows of the larger class are dealt out round-robin over its
 * sources (each source's rows in seeded-shuffled order), so small sources survive and a giant pool gives way
 * first.
 */
import { hashString, mulberry32, shuffleInPlace } from '../rng';
import type { Label } from './types';

/** What balancing needs of a row (manifest `Rec`s with `extra.category` map onto it via `balanceKeyOf`). */
export interface BalanceRow {
  /** Unique id (the manifest path); fixes the order so the result does not depend on row order. */
  path: string;
  label: Label;
  category: string;
  source: string;
}

export interface BalanceOptions {
  /** Largest allowed majority : minority ratio within a category (default 3). Must be ≥ 1. */
  maxRatio?: number;
  /** At most this many rows per source × label (default Infinity = no cap). */
  capPerSourceLabel?: number;
  /** Categories with one class only: `drop` (default) or `keep`. */
  singleClass?: 'drop' | 'keep';
  seed?: number;
}

export interface CategoryReport {
  category: string;
  real: number;
  synthetic: number;
  keptReal: number;
  keptSynthetic: number;
}

function seededOrder<R extends BalanceRow>(rows: R[], seed: number, key: string): R[] {
  const sorted = [...rows].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return shuffleInPlace(sorted, mulberry32((hashString(key) ^ seed) >>> 0));
}

/** Takes `n` rows dealt round-robin over sources (sources in name order, rows in seeded order). */
function takeStratified<R extends BalanceRow>(rows: R[], n: number, seed: number, key: string): R[] {
  const bySource = new Map<string, R[]>();
  for (const r of rows) (bySource.get(r.source) ?? bySource.set(r.source, []).get(r.source)!).push(r);
  const lists = [...bySource.keys()].sort().map((s) => seededOrder(bySource.get(s)!, seed, `${key}:${s}`));
  const out: R[] = [];
  for (let round = 0; out.length < n; round++) {
    let any = false;
    for (const l of lists) {
      if (round < l.length && out.length < n) { out.push(l[round]!); any = true; }
    }
    if (!any) break;
  }
  return out;
}

/**
 * Category-balanced subset.
 * @param rows all rows (each `path` unique)
 * @returns `kept` rows (in input order) and a per-category report (categories in name order)
 * @throws {RangeError} when `maxRatio` < 1 or `capPerSourceLabel` < 1
 */
export function balanceSample<R extends BalanceRow>(rows: R[], opts: BalanceOptions = {}): { kept: R[]; report: CategoryReport[] } {
  const maxRatio = opts.maxRatio ?? 3;
  const cap = opts.capPerSourceLabel ?? Infinity;
  const seed = opts.seed ?? 1234;
  if (!(maxRatio >= 1)) throw new RangeError(`maxRatio must be ≥ 1, got ${maxRatio}`);
  if (!(cap >= 1)) throw new RangeError(`capPerSourceLabel must be ≥ 1, got ${cap}`);
  // 1. Cap giant pools.
  const pools = new Map<string, R[]>();
  for (const r of rows) {
    const k = `${r.source}\t${r.label}`;
    (pools.get(k) ?? pools.set(k, []).get(k)!).push(r);
  }
  const capped = new Set<R>();
  for (const [k, list] of pools) {
    for (const r of list.length > cap ? seededOrder(list, seed, `cap:${k}`).slice(0, cap) : list) capped.add(r);
  }
  // 2. Per category, bring the majority class within maxRatio of the minority.
  const byCat = new Map<string, { real: R[]; synthetic: R[] }>();
  for (const r of rows) {
    if (!capped.has(r)) continue;
    const c = byCat.get(r.category) ?? byCat.set(r.category, { real: [], synthetic: [] }).get(r.category)!;
    c[r.label].push(r);
  }
  const kept = new Set<R>();
  const report: CategoryReport[] = [];
  for (const cat of [...byCat.keys()].sort()) {
    const { real, synthetic } = byCat.get(cat)!;
    let kr = real, ks = synthetic;
    if (real.length === 0 || synthetic.length === 0) {
      if ((opts.singleClass ?? 'drop') === 'drop') { kr = []; ks = []; }
    } else if (real.length > maxRatio * synthetic.length) {
      kr = takeStratified(real, Math.floor(maxRatio * synthetic.length), seed, `cat:${cat}:real`);
    } else if (synthetic.length > maxRatio * real.length) {
      ks = takeStratified(synthetic, Math.floor(maxRatio * real.length), seed, `cat:${cat}:synthetic`);
    }
    for (const r of kr) kept.add(r);
    for (const r of ks) kept.add(r);
    report.push({ category: cat, real: real.length, synthetic: synthetic.length, keptReal: kr.length, keptSynthetic: ks.length });
  }
  return { kept: rows.filter((r) => kept.has(r)), report };
}

/**
 * Per-row weights that equalise the two classes within every category (total weight of real = of synthetic in
 * each two-class category), normalised to mean 1 over the weighted rows. Rows of single-class categories get
 * weight 0. An alternative to `balanceSample` for losses that take sample weights.
 * @returns weights aligned with `rows`
 */
export function balanceWeights<R extends BalanceRow>(rows: R[]): number[] {
  const counts = new Map<string, { real: number; synthetic: number }>();
  for (const r of rows) {
    const c = counts.get(r.category) ?? counts.set(r.category, { real: 0, synthetic: 0 }).get(r.category)!;
    c[r.label]++;
  }
  const raw = rows.map((r) => {
    const c = counts.get(r.category)!;
    return c.real === 0 || c.synthetic === 0 ? 0 : 1 / c[r.label];
  });
  const nz = raw.filter((w) => w > 0);
  const mean = nz.reduce((a, b) => a + b, 0) / Math.max(1, nz.length);
  return raw.map((w) => (w > 0 ? w / mean : 0));
}

/**
 * Maps a manifest record (`training/data/manifest.ts` `Rec`) onto a `BalanceRow`: category from the
 * `category` column (`mixed` when absent).
 */
export function balanceKeyOf<T extends { path: string; label: Label; source: string; extra: Record<string, string> }>(rec: T): BalanceRow & { rec: T } {
  return { path: rec.path, label: rec.label, source: rec.source, category: rec.extra.category || 'mixed', rec };
}
