/**
 * Deterministic, seeded train/val/test splits, stratified by `(source, label)` and grouped so that related
 * images (same `Rec.group`, e.g. the CBSD68↔SAN pairs of data-sources.md caveat 6) never sit in two
 * splits; and leave-one-source-out folds.
 *
 * Determinism: the assignment depends only on the seed, the fractions and the set of (path, source,
 * label, group) — not on row order — so adding a row to one stratum does not reshuffle others.
 */
import type { Rec, SplitName } from './manifest';
import { hashString, mulberry32, shuffleInPlace } from './rng';

export interface SplitOptions {
  /** RNG seed (default 1234). */
  seed?: number;
  /** Fractions for train/val/test, non-negative, summing to 1 (default 0.70/0.15/0.15). */
  fractions?: [number, number, number];
  /** Use `Rec.split` when every record has one (seed folder layout). Default true. */
  respectGiven?: boolean;
}

export interface Splits<R extends Rec = Rec> {
  train: R[];
  val: R[];
  test: R[];
}

/**
 * Assigns every record to train, val or test.
 *
 * Method: group records by `group`; each group belongs to the stratum `(source, label)` of its
 * lexicographically first path. Within a stratum, groups are sorted by key, shuffled with
 * mulberry32(seed ⊕ hash(stratum)), and laid along [0, n): a group whose midpoint falls below
 * `train·n` goes to train, below `(train+val)·n` to val, else to test. Strata of one image go to train.
 * @returns map `path → split`
 * @throws {RangeError} for fractions that are negative or do not sum to 1 (±1e-6)
 */
export function assignSplits(recs: Rec[], opts: SplitOptions = {}): Map<string, SplitName> {
  const seed = opts.seed ?? 1234;
  const [ft, fv, fs] = opts.fractions ?? [0.7, 0.15, 0.15];
  if ([ft, fv, fs].some((f) => !(f >= 0)) || Math.abs(ft + fv + fs - 1) > 1e-6) {
    throw new RangeError(`split fractions must be ≥ 0 and sum to 1, got ${ft}/${fv}/${fs}`);
  }
  const out = new Map<string, SplitName>();
  if ((opts.respectGiven ?? true) && recs.length > 0 && recs.every((r) => r.split)) {
    for (const r of recs) out.set(r.path, r.split!);
    return out;
  }
  const groups = new Map<string, Rec[]>();
  for (const r of recs) {
    const g = groups.get(r.group);
    if (g) g.push(r); else groups.set(r.group, [r]);
  }
  const strata = new Map<string, Array<{ key: string; members: Rec[] }>>();
  for (const [key, members] of groups) {
    members.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const first = members[0]!;
    const s = `${first.source}\u0000${first.label}`;
    const list = strata.get(s);
    if (list) list.push({ key, members }); else strata.set(s, [{ key, members }]);
  }
  for (const s of [...strata.keys()].sort()) {
    const list = strata.get(s)!.sort((a, b) => (a.key < b.key ? -1 : 1));
    shuffleInPlace(list, mulberry32((seed ^ hashString(s)) >>> 0));
    const n = list.reduce((a, g) => a + g.members.length, 0);
    let c = 0;
    for (const g of list) {
      const mid = c + g.members.length / 2;
      c += g.members.length;
      const split: SplitName = n <= 1 || mid < ft * n ? 'train' : mid < (ft + fv) * n ? 'val' : 'test';
      for (const r of g.members) out.set(r.path, split);
    }
  }
  return out;
}

/**
 * Splits records into train/val/test with `assignSplits`.
 * @returns three arrays, each in input order
 */
export function splitRecords<R extends Rec>(recs: R[], opts: SplitOptions = {}): Splits<R> {
  const m = assignSplits(recs, opts);
  const out: Splits<R> = { train: [], val: [], test: [] };
  for (const r of recs) out[m.get(r.path)!].push(r);
  return out;
}

/** One leave-one-source-out fold. */
export interface LosoFold<R extends Rec = Rec> {
  /** The held-out source. */
  source: string;
  /** Training records (all other sources, minus any sharing a group with `test`), minus `val`. */
  train: R[];
  /** Validation records drawn from the training sources (stratified by source and label). */
  val: R[];
  /** All records of the held-out source. */
  test: R[];
  /** Records dropped from training because their group also occurs in the held-out source. */
  droppedForLeakage: number;
}

/**
 * Leave-one-source-out folds: for each source, train (and validate) on the others, test on it.
 * Records of other sources that share a `group` with the held-out source are dropped from training
 * (they are the same photo, e.g. CBSD68 vs SAN).
 * @param recs records with `source`
 * @param opts.valFraction fraction of the training sources kept for validation (default 0.15; 0 = none)
 * @param opts.seed seed for the validation draw
 * @param opts.sources restrict to these held-out sources (default all, sorted)
 * @returns folds in the order of `opts.sources` or sorted source names
 */
export function losoFolds<R extends Rec>(recs: R[], opts: { valFraction?: number; seed?: number; sources?: string[] } = {}): LosoFold<R>[] {
  const vf = opts.valFraction ?? 0.15;
  const sources = opts.sources ?? [...new Set(recs.map((r) => r.source))].sort();
  return sources.map((source) => {
    const test = recs.filter((r) => r.source === source);
    const testGroups = new Set(test.map((r) => r.group));
    const rest = recs.filter((r) => r.source !== source);
    const kept = rest.filter((r) => !testGroups.has(r.group));
    let train = kept, val: R[] = [];
    if (vf > 0) {
      const s = splitRecords(kept, { seed: opts.seed ?? 1234, fractions: [1 - vf, vf, 0], respectGiven: false });
      train = s.train;
      val = s.val;
    }
    return { source, train, val, test, droppedForLeakage: rest.length - kept.length };
  });
}

/**
 * Within-source k-fold cross-validation expressed as pseudo-sources, so the leave-one-source-out
 * harness runs it unchanged: every record of `sources` gets `source = "<source>#<fold>"` (fold 1..k),
 * and holding out one pseudo-source trains on the other k − 1 folds of the same source(s).
 * This measures a method's ceiling inside one data pipeline (same camera/compression for both
 * classes in the class-matched sources), next to the leave-one-source-out number.
 *
 * Method: as `assignSplits`, groups are stratified by (source, label), sorted by key, shuffled with
 * mulberry32(seed ⊕ hash(stratum)) and dealt round-robin to the folds, so a group never straddles
 * two folds and each fold holds ⌊n/k⌋ or ⌈n/k⌉ groups of every stratum.
 * @param recs records (any sources; only those in `sources` are returned)
 * @param sources the sources to cross-validate
 * @param k folds, integer ≥ 2
 * @returns copies of the selected records with the pseudo-source set
 * @throws {RangeError} for k < 2 or a source with no records
 */
export function withinSourceFolds<R extends Rec>(recs: R[], sources: string[], k: number, seed = 1234): R[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${k}`);
  const out: R[] = [];
  for (const source of sources) {
    const mine = recs.filter((r) => r.source === source);
    if (mine.length === 0) throw new RangeError(`no records of source "${source}"`);
    const strata = new Map<string, Map<string, R[]>>();
    for (const r of mine) {
      const s = strata.get(r.label) ?? strata.set(r.label, new Map()).get(r.label)!;
      (s.get(r.group) ?? s.set(r.group, []).get(r.group)!).push(r);
    }
    for (const label of [...strata.keys()].sort()) {
      const groups = [...strata.get(label)!.keys()].sort();
      shuffleInPlace(groups, mulberry32((seed ^ hashString(`${source}\u0000${label}`)) >>> 0));
      groups.forEach((g, i) => {
        for (const r of strata.get(label)!.get(g)!) out.push({ ...r, source: `${source}#${(i % k) + 1}` });
      });
    }
  }
  return out;
}

/**
 * Leave-one-generator-family-out folds through the leave-one-source-out harness: rewrites each record's
 * `source` to a fold name, so `runLoso` holds out one family at a time.
 *
 * Synthetic records go to the fold of their family (`extra[column]`, e.g. `family` = `GAN`, `FLUX`,
 * `closed-t2i-openai`…). A held-out family alone would have no real images to be measured against, so the
 * real sources are dealt out to the folds too: whole real sources (never split), largest first, each to the
 * fold with the fewest real images so far (ties by fold name). Every fold then tests one unseen generator
 * family against real photos from sources it never saw, and balanced accuracy and ROC-AUC are defined.
 *
 * @param recs records; synthetic ones need a non-empty `extra[column]` (else they form the fold `unknown`)
 * @param column the manifest column with the family (default `family`)
 * @returns new records (inputs untouched) with `source` = `fam:<family>` and the original source kept in
 *   `extra.origin_source`; order preserved
 * @throws {RangeError} when there are no synthetic records
 */
export function familyFolds<R extends Rec>(recs: R[], column = 'family'): R[] {
  const famOf = (r: R) => (r.extra[column] ?? '').trim() || 'unknown';
  const families = [...new Set(recs.filter((r) => r.y === 1).map(famOf))].sort();
  if (families.length === 0) throw new RangeError('familyFolds: no synthetic records');
  const realBySource = new Map<string, number>();
  for (const r of recs) if (r.y === 0) realBySource.set(r.source, (realBySource.get(r.source) ?? 0) + 1);
  const load = new Map(families.map((f) => [f, 0]));
  const foldOfReal = new Map<string, string>();
  const order = [...realBySource.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [src, n] of order) {
    const target = families.reduce((best, f) => (load.get(f)! < load.get(best)! ? f : best), families[0]!);
    foldOfReal.set(src, target);
    load.set(target, load.get(target)! + n);
  }
  return recs.map((r) => {
    const fold = r.y === 1 ? famOf(r) : foldOfReal.get(r.source)!;
    return { ...r, source: `fam:${fold}`, extra: { ...r.extra, origin_source: r.source } };
  });
}
