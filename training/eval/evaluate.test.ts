import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureSet, standardSpecs, sharedDataSkip, SHARED_DIR } from '../data/fixtures';
import { initTf } from '../node/backend';
import { exportModel } from '../export/export';
import { main, splitFromProvenance } from '../cli/evaluate';
import { buildReport, reportTable, loadForEval, scoreRecords } from './evaluate';
import { assignSplits } from '../data/split';
import { loadRecords } from '../data/manifest';

test('buildReport: overall, per-source (single-class sources get only defined metrics)', () => {
  const preds = [
    { path: 'a/1', label: 'real' as const, source: 'a', generator: 'real', probability: 0.2 },
    { path: 'a/2', label: 'synthetic' as const, source: 'a', generator: 'g1', probability: 0.7 },
    { path: 'b/1', label: 'real' as const, source: 'b', generator: 'real', probability: 0.6 },
    { path: 'b/2', label: 'real' as const, source: 'b', generator: 'real', probability: 0.1 },
  ];
  const r = buildReport(preds, [], 0.5);
  assert.equal(r.n, 4);
  assert.equal(r.accuracy, 0.75);
  assert.equal(r.roc_auc, 1);
  assert.equal(r.fpr, 1 / 3);
  assert.deepEqual(Object.keys(r.per_source), ['a', 'b']);
  assert.equal(r.per_source.b!.accuracy, 0.5);
  assert.equal(r.per_source.b!.roc_auc, undefined);
  assert.equal('roc_auc' in r.per_source.b!, false);
  assert.equal(r.per_generator.g1!.n, 1);
  assert.match(reportTable(r), /^group\s+n\s+real/);
  // band 0.2 around 0.5: [0.4, 0.6) is unsure → 0.6 (real) is synthetic, 0.2/0.1 real, 0.7 synthetic
  const u = buildReport(preds, [], 0.5, {}, 0.2).unsure!;
  assert.deepEqual(u, { threshold: 0.5, band: 0.2, unsure_rate: 0, decided_accuracy: 0.75, fpr: 1 / 3, fnr: 0 });
  const u2 = buildReport(preds, [], 0.5, {}, 0.3).unsure!; // [0.35, 0.65): 0.6 unsure
  assert.deepEqual(u2, { threshold: 0.5, band: 0.3, unsure_rate: 0.25, decided_accuracy: 1, fpr: 0, fnr: 0 });
  assert.deepEqual(splitFromProvenance({ split: { seed: 9, fractions: [0.8, 0.1, 0.1] } }), { seed: 9, fractions: [0.8, 0.1, 0.1] });
  assert.deepEqual(splitFromProvenance({ split_seed: 3 }), { seed: 3 });
  assert.deepEqual(splitFromProvenance({ splitSeed: 5, splitFractions: [0.8, 0.1, 0.1] }), { seed: 5, fractions: [0.8, 0.1, 0.1] });
  assert.deepEqual(splitFromProvenance({ split: 'random', splitFractions: [1, 2] }), {});
});

test('scoreRecords records scorer failures and bad outputs as errors, in manifest order', async () => {
  const fx = await writeFixtureSet(standardSpecs(['s'], 3, 16));
  try {
    const recs = await loadRecords(fx.manifestPath);
    let calls = 0;
    const { predictions, errors } = await scoreRecords(recs, async (imgs) => {
      calls++;
      if (imgs.length > 1) throw new Error('batch failure');
      // call 1 is the whole batch (fails); then one call per image: call 3 (image 1) gives NaN, call 5 (image 3) throws
      if (calls === 3) return [{ probability: NaN }];
      if (calls === 5) throw new Error('boom');
      return [{ probability: 0.25, logit: -1 }];
    }, { batchSize: 6 });
    assert.equal(predictions.length, 4);
    assert.deepEqual(errors.map((e) => [e.path, e.error]), [
      [recs[1]!.path, 'scorer returned probability NaN'],
      [recs[3]!.path, 'scoring failed: boom'],
    ]);
  } finally {
    await fx.cleanup();
  }
});

test('evaluate CLI end to end on fixtures: a model that reads the checkerboard, a broken file, crops, --split test', async () => {
  const { tf } = await initTf({ want: 'inference', quiet: true });
  const specs = standardSpecs(['srcA', 'srcB'], 5, 64);
  specs.push({ path: 'srcB/real/tiny.png', label: 'real', width: 63, height: 100 });
  specs.push({ path: 'srcA/real/broken.jpg', label: 'real', bytes: new TextEncoder().encode('definitely not a jpeg') });
  specs.push({ path: 'srcB/synthetic/cropped.png', label: 'synthetic', width: 100, height: 90, crop: '10,10,70,64' });
  const fx = await writeFixtureSet(specs);
  const work = await mkdtemp(join(tmpdir(), 'ss-eval-'));
  try {
    // A fixed "detector": mean |horizontal difference| of the green channel, minus 20. The synthetic
    // fixtures carry a ±40 checkerboard (mean |diff| ≈ 80), the real ones a smooth gradient (≈ 5).
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 1, kernelSize: [1, 2], useBias: false, weights: [tf.tensor4d([0, 1, 0, 0, -1, 0], [1, 2, 3, 1])] }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 1, weights: [tf.tensor2d([[2]]), tf.tensor1d([-20])] }),
    ] });
    const modelDir = join(work, 'model');
    await exportModel(tf, model, {
      dir: modelDir, name: 'fixture-detector', version: '1.0.0', arch: 'diff-probe', output: 'logit', quantize: 'none',
      preprocess: { inputSize: 32, geometry: 'center-crop', normalization: 'raw' },
      calibration: { type: 'none' }, threshold: 0.5, unsureBand: 0, provenance: { split: { seed: 77, fractions: [0.6, 0.2, 0.2] } },
    });
    // `models/default`-style pointer file
    await writeFile(join(work, 'default'), 'model\n');
    const out = join(work, 'report.json');
    const r = await main(['--model', join(work, 'default'), '--manifest', fx.manifestPath, '--out', out, '--quiet', '--plots', join(work, 'plots')]);
    assert.equal(r.n, 21);
    assert.deepEqual(r.errors.map((e) => e.path), ['srcB/real/tiny.png', 'srcA/real/broken.jpg']); // manifest order
    assert.match(r.errors[0]!.error, /too small: 63x100 after clean/);
    assert.equal(r.accuracy, 1);
    assert.equal(r.roc_auc, 1);
    assert.deepEqual(Object.keys(r.per_source), ['srcA', 'srcB']);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    for (const k of ['n', 'accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'average_precision', 'roc_auc', 'fpr', 'fnr', 'ece', 'per_generator', 'per_source', 'predictions', 'errors']) assert.ok(k in saved, k);
    const p0 = saved.predictions.find((p: { path: string }) => p.path === 'srcB/synthetic/cropped.png');
    assert.ok(p0.probability > 0.99 && Number.isFinite(p0.logit));
    // provenance next to the pixel verdict: the sharp-written fixtures carry no metadata
    assert.deepEqual(p0.provenance, { kind: 'none', claim: 'unknown', validation: 'unsigned', status: 'ok' });
    assert.equal(saved.provenance.n, 21);
    assert.deepEqual(saved.provenance.ai_evidence, { real: 0, synthetic: 0 });
    assert.equal(saved.meta.pixels_only, false);
    // the product's fused verdict: no provenance here, so it is the pixel verdict
    assert.deepEqual(p0.fused, { label: 'synthetic', basis: 'pixels' });
    assert.deepEqual(saved.product.decided_by_provenance, { real: 0, synthetic: 0 });
    assert.equal(saved.product.fpr, r.unsure!.fpr);
    assert.equal(saved.product.valid_ai_claim_recall, null);
    // avatar degradation still runs (the images are below 256 px, so only JPEG q75 applies); --pixels-only: no provenance
    const av = await main(['--model', modelDir, '--manifest', fx.manifestPath, '--out', join(work, 'av.json'), '--quiet', '--degrade', 'avatar', '--pixels-only']);
    assert.equal(av.n, 21);
    assert.equal(av.provenance, undefined);
    assert.equal(av.product, undefined);
    assert.ok(av.predictions.every((p) => p.provenance === undefined));
    assert.equal(av.accuracy, r.accuracy, 'the metrics are the pixel detector\'s with or without provenance');
    const all = await main(['--model', modelDir, '--manifest', fx.manifestPath, '--out', join(work, 'all.json'), '--quiet', '--min-side', '0']);
    assert.equal(all.n, 22);
    // --split test uses the provenance seed 77 and fractions 0.6/0.2/0.2
    const t = await main(['--model', modelDir, '--manifest', fx.manifestPath, '--out', join(work, 't.json'), '--quiet', '--split', 'test']);
    const recs = await loadRecords(fx.manifestPath);
    const m = assignSplits(recs, { seed: 77, fractions: [0.6, 0.2, 0.2] });
    const want = recs.filter((x) => m.get(x.path) === 'test').map((x) => x.path).filter((p) => !p.includes('broken') && !p.includes('tiny')).sort();
    assert.deepEqual(t.predictions.map((p) => p.path).sort(), want);
    assert.equal(t.meta.seed, 77);
    await assert.rejects(main(['--manifest', fx.manifestPath, '--out', out, '--quiet', '--model', modelDir, '--degrade', 'blurry']), /--degrade must be one of/);
  } finally {
    await rm(work, { recursive: true, force: true });
    await fx.cleanup();
  }
});

test('developer set: crop then degrade (cnndetection frame removed; avatar ≤ 256 px)', { skip: sharedDataSkip() }, async () => {
  const recs = await loadRecords(join(SHARED_DIR, 'data', 'MANIFEST.tsv'));
  const cnn = recs.find((r) => r.source === 'cnndetection-ranking')!;
  const a = await loadForEval(cnn, 'clean');
  assert.deepEqual([a.width, a.height], [240, 240]); // crop 58,58,240,240 of the 356×356 file
  const lab = recs.find((r) => r.source === 'laboratoriet-real-or-ai')!;
  const b = await loadForEval(lab, 'avatar');
  assert.equal(Math.max(b.width, b.height), 256);
});
