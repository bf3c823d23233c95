import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignSplits, splitRecords, losoFolds, withinSourceFolds, familyFolds } from './split';
import type { Rec } from './manifest';

function rec(path: string, source: string, label: 'real' | 'synthetic', group = `path:${path}`): Rec {
  return { path, file: `/x/${path}`, label, y: label === 'synthetic' ? 1 : 0, source, generator: label, group, line: 0, extra: {} };
}

function makeSet(): Rec[] {
  const out: Rec[] = [];
  for (const s of ['A', 'B']) for (const l of ['real', 'synthetic'] as const) for (let i = 0; i < 100; i++) out.push(rec(`${s}/${l}/${i}`, s, l));
  return out;
}

test('70/15/15 per (source,label) stratum, exactly', () => {
  const sp = splitRecords(makeSet(), { seed: 7 });
  assert.equal(sp.train.length, 280);
  assert.equal(sp.val.length, 60);
  assert.equal(sp.test.length, 60);
  for (const s of ['A', 'B']) for (const l of ['real', 'synthetic']) {
    assert.equal(sp.test.filter((r) => r.source === s && r.label === l).length, 15);
    assert.equal(sp.val.filter((r) => r.source === s && r.label === l).length, 15);
  }
});

test('deterministic, seed-dependent, order-independent', () => {
  const recs = makeSet();
  const a = assignSplits(recs, { seed: 1 });
  const b = assignSplits([...recs].reverse(), { seed: 1 });
  const c = assignSplits(recs, { seed: 2 });
  assert.deepEqual([...a].sort(), [...b].sort());
  assert.ok([...a].some(([p, s]) => c.get(p) !== s));
});

test('groups never straddle splits', () => {
  const recs = makeSet().map((r, i) => ({ ...r, group: `g${i % 37}` }));
  const m = assignSplits(recs, { seed: 3 });
  const byGroup = new Map<string, Set<string>>();
  for (const r of recs) (byGroup.get(r.group) ?? byGroup.set(r.group, new Set()).get(r.group)!).add(m.get(r.path)!);
  for (const [, s] of byGroup) assert.equal(s.size, 1);
});

test('adding a stratum does not reshuffle others; folder splits are respected', () => {
  const recs = makeSet();
  const a = assignSplits(recs, { seed: 5 });
  const extra = [...recs, ...Array.from({ length: 10 }, (_, i) => rec(`C/real/${i}`, 'C', 'real'))];
  const b = assignSplits(extra, { seed: 5 });
  for (const [p, s] of a) assert.equal(b.get(p), s);
  const given = recs.slice(0, 3).map((r, i) => ({ ...r, split: (['train', 'val', 'test'] as const)[i] }));
  assert.deepEqual([...assignSplits(given).values()], ['train', 'val', 'test']);
  assert.throws(() => assignSplits(recs, { fractions: [0.5, 0.5, 0.5] }), RangeError);
});

test('LOSO folds hold out one source and drop leaked groups', () => {
  const recs = [...makeSet(), rec('C/real/0', 'C', 'real', 'shared'), rec('C/real/1', 'C', 'real'), rec('A/real/x', 'A', 'real', 'shared')];
  const folds = losoFolds(recs, { valFraction: 0.2 });
  assert.deepEqual(folds.map((f) => f.source), ['A', 'B', 'C']);
  const c = folds[2]!;
  assert.equal(c.test.length, 2);
  assert.equal(c.droppedForLeakage, 1);
  assert.equal(c.train.length + c.val.length, 400);
  assert.equal(c.val.length, 80);
  assert.ok(c.train.every((r) => r.source !== 'C'));
  assert.equal(folds[0]!.test.length, 201);
});

test('withinSourceFolds: k pseudo-sources, stratified, groups kept whole, other sources dropped', () => {
  const recs = makeSet().map((r, i) => ({ ...r, group: `g${Math.floor(i / 2)}` }));
  const out = withinSourceFolds(recs, ['A'], 5, 9);
  assert.equal(out.length, 200);
  assert.deepEqual([...new Set(out.map((r) => r.source))].sort(), ['A#1', 'A#2', 'A#3', 'A#4', 'A#5']);
  for (let f = 1; f <= 5; f++) {
    const fold = out.filter((r) => r.source === `A#${f}`);
    // 100 records per label = 50 pairs → 10 pairs (20 records) per fold and label
    assert.equal(fold.filter((r) => r.label === 'real').length, 20);
    assert.equal(fold.filter((r) => r.label === 'synthetic').length, 20);
  }
  const foldOf = new Map<string, Set<string>>();
  for (const r of out) (foldOf.get(r.group) ?? foldOf.set(r.group, new Set()).get(r.group)!).add(r.source);
  assert.ok([...foldOf.values()].every((s) => s.size === 1));
  assert.equal(recs[0]!.source, 'A', 'input records are not modified');
  assert.throws(() => withinSourceFolds(recs, ['A'], 1), RangeError);
  assert.throws(() => withinSourceFolds(recs, ['Z'], 3), /no records/);
});

test('familyFolds: one fold per synthetic family, whole real sources dealt largest-first to the lightest fold', () => {
  const recs: Rec[] = [];
  const fam = (path: string, source: string, family: string): Rec => ({ ...rec(path, source, 'synthetic'), extra: { family } });
  for (let i = 0; i < 4; i++) recs.push(fam(`g/${i}`, 'ganrepo', 'GAN'));
  for (let i = 0; i < 3; i++) recs.push(fam(`f/${i}`, 'fluxrepo', 'FLUX'));
  recs.push(fam('f/x', 'mixed', 'FLUX'));
  for (let i = 0; i < 5; i++) recs.push(rec(`p/${i}`, 'pets', 'real'));
  for (let i = 0; i < 3; i++) recs.push(rec(`b/${i}`, 'bsd', 'real'));
  for (let i = 0; i < 2; i++) recs.push(rec(`s/${i}`, 'sun', 'real'));
  const out = familyFolds(recs);
  const foldOf = (p: string) => out.find((r) => r.path === p)!.source;
  // families sorted: FLUX, GAN. pets (5) → FLUX (tie, first name); bsd (3) → GAN; sun (2) → GAN (3 < 5).
  assert.equal(foldOf('g/0'), 'fam:GAN');
  assert.equal(foldOf('f/x'), 'fam:FLUX');
  assert.equal(foldOf('p/4'), 'fam:FLUX');
  assert.equal(foldOf('b/0'), 'fam:GAN');
  assert.equal(foldOf('s/1'), 'fam:GAN');
  assert.equal(out.find((r) => r.path === 's/1')!.extra.origin_source, 'sun');
  assert.equal(recs[0]!.source, 'ganrepo', 'inputs untouched');
  assert.deepEqual([...new Set(out.map((r) => r.source))].sort(), ['fam:FLUX', 'fam:GAN']);
  assert.throws(() => familyFolds(recs.filter((r) => r.y === 0)), RangeError);
});
