import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoso, balancedLogLoss, fitLogistic, linearLogit, logisticTrainer, imageScorer, losoMarkdown, writeLosoReport, type Scorer } from './loso';
import { FeatureCache } from '../data/feature-cache';
import type { Rec } from '../data/manifest';
import { mulberry32, gaussian } from '../data/rng';
import { writeFixtureSet, standardSpecs } from '../data/fixtures';
import { loadRecords } from '../data/manifest';

function rec(path: string, source: string, label: 'real' | 'synthetic', group = `path:${path}`): Rec {
  return { path, file: `/nonexistent/${path}`, label, y: label === 'synthetic' ? 1 : 0, source, generator: label === 'real' ? 'real' : `g-${source}`, group, line: 0, extra: {} };
}

test('fitLogistic reaches the analytic optimum of a symmetric 1-D problem', () => {
  // x = ±1, y = 0/1, l2 = 0.1: by symmetry b = 0 and σ(w) = 1 − 0.1·w → w = 1.633506170155846 (bisection)
  const m = fitLogistic([[-1], [1]], [0, 1], { l2: 0.1, iters: 2000 });
  assert.ok(Math.abs(m.w[0]! - 1.633506170155846) < 1e-6, String(m.w[0]));
  assert.ok(Math.abs(m.b) < 1e-9);
  assert.ok(Math.abs(linearLogit(m, [3]) - 3 * 1.633506170155846) < 1e-5);
  assert.throws(() => fitLogistic([[1], [2]], [1, 1]), /both classes/);
  assert.ok(Math.abs(balancedLogLoss([0, 1], [0, 0]) - Math.LN2) < 1e-15);
  // class-balanced: 3 reals at z=−ln 3 (loss ln(4/3) each) and 1 synthetic at z = ln 3 (loss ln(4/3))
  assert.ok(Math.abs(balancedLogLoss([0, 0, 0, 1], [-Math.log(3), -Math.log(3), -Math.log(3), Math.log(3)]) - Math.log(4 / 3)) < 1e-12);
});

test('feature cache round-trips through a file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ss-fc-'));
  try {
    const c = new FeatureCache(3, 'test', { note: 'x' });
    c.set('a/b.png', 'clean', new Float32Array([1, 2, 3]));
    c.set('a/b.png', 'web', new Float32Array([4, 5, 6.5]));
    c.set('a/b.png', 'clean', new Float32Array([7, 8, 9]));
    assert.throws(() => c.set('x', 'clean', new Float32Array([1, 2])), /cache dim is 3/);
    await c.save(join(dir, 'f.bin'));
    const d = await FeatureCache.load(join(dir, 'f.bin'));
    assert.equal(d.size, 2);
    assert.equal(d.extractor, 'test');
    assert.deepEqual(Array.from(d.get('a/b.png', 'clean')!), [7, 8, 9]);
    assert.deepEqual(Array.from(d.get('a/b.png', 'web')!), [4, 5, 6.5]);
    assert.equal(d.get('a/b.png', 'avatar'), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('runLoso: folds, pooling, leakage drop, failed images, per-source metrics', async () => {
  // 3 sources × 20 real/20 synthetic. Feature 0 carries the label everywhere (a generator trace);
  // feature 1 carries it only through a per-source offset (a shortcut that does not transfer).
  const r = mulberry32(2);
  const cache = new FeatureCache(2, 'synthetic-test');
  const recs: Rec[] = [];
  for (const [s, off] of [['A', 0], ['B', 3], ['C', -3]] as const) {
    for (let i = 0; i < 20; i++) for (const l of ['real', 'synthetic'] as const) {
      const x = rec(`${s}/${l}/${i}`, s, l, s === 'C' && i === 0 ? 'shared' : undefined);
      recs.push(x);
      const y = l === 'synthetic' ? 1 : 0;
      for (const lev of ['clean', 'web'] as const) cache.set(x.path, lev, new Float32Array([y * 2 - 1 + 0.5 * gaussian(r) + (lev === 'web' ? 0.3 : 0), off + 0.1 * gaussian(r)]));
    }
  }
  recs.push(rec('A/real/dup', 'A', 'real', 'shared'));
  cache.set('A/real/dup', 'clean', new Float32Array([-1, 0]));
  const seen: string[] = [];
  const trainer = logisticTrainer<Rec>(cache);
  const result = await runLoso({
    records: recs, degrade: ['clean', 'web'], log: () => {}, name: 'toy',
    trainFn: async (train, val, ctx) => { seen.push(`${ctx.source}:${train.length}+${val.length}`); return trainer(train, val, ctx); },
  });
  // group 'shared' = C/real/0, C/synthetic/0 and A/real/dup: fold A drops the two C images, fold C drops A/real/dup
  assert.deepEqual(result.folds.map((f) => [f.source, f.n_test, f.dropped_for_leakage]), [['A', 41, 2], ['B', 40, 0], ['C', 40, 1]]);
  assert.deepEqual(seen.map((s) => s.split(':')[0]), ['A', 'B', 'C']);
  assert.equal(result.pooled.clean!.n, 121);
  // A/real/dup has a clean vector only: under web it scores NaN and counts as failed
  assert.equal(result.folds[0]!.failed.web, 1);
  assert.equal(result.pooled.web!.n, 120);
  assert.ok(result.pooled.clean!.roc_auc! > 0.97, String(result.pooled.clean!.roc_auc));
  for (const s of ['A', 'B', 'C']) assert.ok(result.per_source[s]!.clean!.balanced_accuracy! > 0.85, s);
  assert.equal(result.matched_sources.length, 0);
  const md = losoMarkdown(result);
  assert.match(md, /\| A \| 41 \(21\/20\) \| [01]\.\d{3} \/ [01]\.\d{3} \| [01]\.\d{3} \/ [01]\.\d{3} \|/);
  assert.ok(result.pooled.clean!.ece! < 0.2, `ECE ${result.pooled.clean!.ece}`);
  assert.match(md, /\*\*pooled\*\*/);
});

test('runLoso with an image scorer on fixture files (decode → crop → degrade)', async () => {
  const fx = await writeFixtureSet(standardSpecs(['s1', 's2'], 3, 32));
  const dir = await mkdtemp(join(tmpdir(), 'ss-loso-'));
  try {
    const recs = await loadRecords(fx.manifestPath);
    // "Trained" scorer: mean |Δx| of the green channel (synthetic fixtures carry a checkerboard).
    const trainFn = async (): Promise<Scorer> => imageScorer(async (imgs) => imgs.map((im) => {
      let s = 0;
      for (let y = 0; y < im.height; y++) for (let x = 1; x < im.width; x++) s += Math.abs(im.data[(y * im.width + x) * 4 + 1]! - im.data[(y * im.width + x - 1) * 4 + 1]!);
      const z = s / (im.height * (im.width - 1)) / 5 - 3;
      return { probability: 1 / (1 + Math.exp(-z)), logit: z };
    }));
    const res = await runLoso({ records: recs, trainFn, degrade: ['clean', 'avatar'], log: () => {} });
    assert.equal(res.pooled.clean!.accuracy, 1);
    assert.equal(res.pooled.avatar!.n, 12);
    const out = await writeLosoReport(res, dir, { command: 'test' });
    const saved = JSON.parse(await readFile(out.json, 'utf8'));
    assert.equal(saved.predictions.clean.length, 12);
    assert.match(await readFile(out.markdown, 'utf8'), /Reproduce: `test`/);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  }
});

test('runLoso on within-source folds pools the folds per base source', async () => {
  const { withinSourceFolds } = await import('../data/split');
  const recs: Rec[] = [];
  for (const s of ['A', 'B']) for (let i = 0; i < 12; i++) for (const l of ['real', 'synthetic'] as const) recs.push(rec(`${s}/${l}/${i}`, s, l));
  const folded = withinSourceFolds(recs, ['A', 'B'], 3, 5);
  // A is scored perfectly (p = y), B always backwards (p = 1 − y): within-source AUC 1 and 0
  const trainFn = async (): Promise<Scorer> => ({
    score: async (rs) => rs.map((x) => ({ probability: x.source.startsWith('A#') ? x.y * 0.8 + 0.1 : 0.9 - x.y * 0.8 })),
  });
  const res = await runLoso({ records: folded, trainFn, degrade: ['clean'], valFraction: 0, log: () => {} });
  assert.equal(res.folds.length, 6);
  assert.deepEqual(Object.keys(res.by_base_source!).sort(), ['A', 'B']);
  assert.equal(res.by_base_source!.A!.clean!.roc_auc, 1);
  assert.equal(res.by_base_source!.A!.clean!.n, 24);
  assert.equal(res.by_base_source!.B!.clean!.roc_auc, 0);
  assert.equal(res.by_base_source!.B!.clean!.balanced_accuracy, 0);
  assert.match(losoMarkdown(res), /Within-source cross-validation[\s\S]*\| A \| 1\.000 \/ 1\.000 \|/);
});
