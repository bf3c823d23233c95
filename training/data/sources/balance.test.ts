import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balanceKeyOf, balanceSample, balanceWeights, type BalanceRow } from './balance';

function rows(category: string, label: 'real' | 'synthetic', source: string, n: number): BalanceRow[] {
  return Array.from({ length: n }, (_, i) => ({ path: `${source}/${label}/${category}-${i}`, label, category, source }));
}

const SET: BalanceRow[] = [
  ...rows('pets', 'real', 'A', 8), ...rows('pets', 'real', 'B', 2), ...rows('pets', 'synthetic', 'S', 2),
  ...rows('faces', 'real', 'F', 3), ...rows('faces', 'synthetic', 'S', 5),
  ...rows('art', 'synthetic', 'S', 3),
];

function count(list: BalanceRow[], f: (r: BalanceRow) => boolean) {
  return list.filter(f).length;
}

test('within each category the majority class is cut to 3× the minority, dealt round-robin over sources', () => {
  const { kept, report } = balanceSample(SET, { seed: 5 });
  assert.deepEqual(report, [
    { category: 'art', real: 0, synthetic: 3, keptReal: 0, keptSynthetic: 0 },
    { category: 'faces', real: 3, synthetic: 5, keptReal: 3, keptSynthetic: 5 },
    { category: 'pets', real: 10, synthetic: 2, keptReal: 6, keptSynthetic: 2 },
  ]);
  // 6 pet photos from A (8) and B (2): rounds A,B,A,B,A,A → A 4, B 2.
  assert.equal(count(kept, (r) => r.category === 'pets' && r.source === 'A'), 4);
  assert.equal(count(kept, (r) => r.category === 'pets' && r.source === 'B'), 2);
  assert.equal(kept.length, 16);
});

test('single-class categories can be kept; ratio 1 equalises', () => {
  const keep = balanceSample(SET, { singleClass: 'keep' });
  assert.equal(count(keep.kept, (r) => r.category === 'art'), 3);
  const one = balanceSample(SET, { maxRatio: 1 });
  assert.deepEqual(one.report.map((c) => [c.category, c.keptReal, c.keptSynthetic]), [['art', 0, 0], ['faces', 3, 3], ['pets', 2, 2]]);
  // With ratio 1 and two pet photos to pick, round-robin takes one from each source.
  assert.equal(count(one.kept, (r) => r.category === 'pets' && r.source === 'A'), 1);
});

test('giant pools are capped per source × label before the ratio is applied', () => {
  const big = [...rows('pets', 'real', 'P', 100), ...rows('pets', 'synthetic', 'S', 10)];
  const { report } = balanceSample(big, { capPerSourceLabel: 20 });
  assert.deepEqual(report, [{ category: 'pets', real: 20, synthetic: 10, keptReal: 20, keptSynthetic: 10 }]);
  const { report: r2 } = balanceSample(big, { capPerSourceLabel: 50 });
  assert.deepEqual(r2, [{ category: 'pets', real: 50, synthetic: 10, keptReal: 30, keptSynthetic: 10 }]);
});

test('deterministic for a seed and independent of row order; another seed picks other rows', () => {
  const a = balanceSample(SET, { seed: 5 }).kept.map((r) => r.path).sort();
  const b = balanceSample([...SET].reverse(), { seed: 5 }).kept.map((r) => r.path).sort();
  assert.deepEqual(a, b);
  const picks = new Set<string>();
  for (let s = 1; s <= 10; s++) picks.add(balanceSample(SET, { seed: s }).kept.filter((r) => r.source === 'A').map((r) => r.path).sort().join(','));
  assert.ok(picks.size > 1, 'seeds should change which A rows are kept');
  assert.throws(() => balanceSample(SET, { maxRatio: 0.5 }), RangeError);
});

test('weights equalise the classes per category and average 1', () => {
  const w = balanceWeights(SET);
  const sum = (f: (r: BalanceRow) => boolean) => SET.reduce((a, r, i) => a + (f(r) ? w[i]! : 0), 0);
  for (const cat of ['pets', 'faces']) {
    assert.ok(Math.abs(sum((r) => r.category === cat && r.label === 'real') - sum((r) => r.category === cat && r.label === 'synthetic')) < 1e-9);
  }
  assert.equal(sum((r) => r.category === 'art'), 0);
  const nz = w.filter((x) => x > 0);
  assert.ok(Math.abs(nz.reduce((a, b) => a + b, 0) / nz.length - 1) < 1e-12);
  // pets: real weight ∝ 1/10, synthetic ∝ 1/2 → ratio 5.
  assert.ok(Math.abs(w[SET.findIndex((r) => r.category === 'pets' && r.label === 'synthetic')]! / w[0]! - 5) < 1e-9);
});

test('manifest records map onto balance rows with their category column', () => {
  const r = balanceKeyOf({ path: 'x/real/a.jpg', label: 'real', source: 'x', extra: { category: 'food' } });
  assert.deepEqual([r.path, r.label, r.source, r.category], ['x/real/a.jpg', 'real', 'x', 'food']);
  assert.equal(balanceKeyOf({ path: 'p', label: 'real', source: 's', extra: {} }).category, 'mixed');
});
