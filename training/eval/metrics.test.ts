import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, rocAuc, averagePrecision, expectedCalibrationError, rocCurve, prCurve, confusionAt, metricsByGroup } from './metrics';

const close = (a: number | undefined, b: number, eps = 1e-12) => assert.ok(a !== undefined && Math.abs(a - b) < eps, `${a} ≠ ${b}`);

test('sklearn docs example: y=[0,0,1,1], s=[.1,.4,.35,.8]', () => {
  // sklearn: roc_auc_score → 0.75; average_precision_score → 0.8333… (documented values)
  const y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8];
  close(rocAuc(y, s), 0.75);
  close(averagePrecision(y, s), 5 / 6);
  const r = rocCurve(y, s);
  assert.deepEqual(r.fpr, [0, 0, 0.5, 0.5, 1]);
  assert.deepEqual(r.tpr, [0, 0.5, 0.5, 1, 1]);
});

test('ties: AUC counts ties ½, AP groups tied scores', () => {
  // y=[1,0,1,0,1], s=[.9,.8,.8,.3,.2]; pairs (pos,neg): .9>.8 1, .9>.3 1, .8=.8 ½, .8>.3 1, .2<.8 0, .2<.3 0 → 3.5/6
  const y = [1, 0, 1, 0, 1], s = [0.9, 0.8, 0.8, 0.3, 0.2];
  close(rocAuc(y, s), 3.5 / 6);
  // thresholds .9: P=1 R=1/3; .8: P=2/3 R=2/3; .3: P=1/2 R=2/3; .2: P=3/5 R=1
  // AP = 1/3·1 + 1/3·2/3 + 0·1/2 + 1/3·3/5 = 0.755…
  close(averagePrecision(y, s), 1 / 3 + 2 / 9 + 1 / 5);
  // all tied: AUC 0.5, AP = positive rate
  close(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
  close(averagePrecision([0, 1, 0, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5]), 0.6);
  const pr = prCurve(y, s);
  assert.deepEqual(pr.recall.map((v) => +v.toFixed(4)), [0, 0.3333, 0.6667, 0.6667, 1]);
});

test('threshold metrics and confusion, p ≥ t is synthetic', () => {
  const y = [1, 1, 1, 0, 0, 0, 0, 1];
  const p = [0.9, 0.5, 0.2, 0.5, 0.1, 0.3, 0.7, 0.6];
  assert.deepEqual(confusionAt(y, p, 0.5), { tp: 3, fp: 2, tn: 2, fn: 1 });
  const m = computeMetrics(y, p, 0.5);
  close(m.accuracy, 5 / 8);
  close(m.precision, 3 / 5);
  close(m.recall, 3 / 4);
  close(m.f1, 2 / 3); // 2·3 / (6 + 2 + 1)
  close(m.fpr, 1 / 2);
  close(m.fnr, 1 / 4);
  close(m.balanced_accuracy, (3 / 4 + 1 / 2) / 2);
  // pairs: pos {.9,.5,.2,.6} vs neg {.5,.1,.3,.7}: .9→4, .5→2.5 (½ for .5), .2→1, .6→3 = 10.5/16
  close(m.roc_auc, 10.5 / 16);
});

test('ECE with 10 bins', () => {
  // bins: .05 (y0) |0-.05|; .15 (y0) .15; .85 (y0) .85; .95 (y1) .05 → mean .275
  close(expectedCalibrationError([0, 0, 0, 1], [0.05, 0.15, 0.85, 0.95]), 0.275);
  // p=1.0 falls in the last bin; perfectly calibrated 0/1 predictions → 0
  close(expectedCalibrationError([0, 1], [0, 1]), 0);
  // two predictions in one bin: mean p .45, mean y .5 → .05
  close(expectedCalibrationError([0, 1], [0.41, 0.49]), 0.05, 1e-9);
  // different bins: .4 in [.4,.5) → |0−.4|·½; .5 in [.5,.6) → |1−.5|·½ → .45
  close(expectedCalibrationError([0, 1], [0.4, 0.5]), 0.45, 1e-9);
});

test('single-class groups get only the defined metrics', () => {
  const m = computeMetrics([0, 0, 0, 0], [0.1, 0.2, 0.6, 0.3]);
  close(m.accuracy, 0.75);
  close(m.fpr, 0.25);
  for (const k of ['roc_auc', 'average_precision', 'precision', 'recall', 'f1', 'balanced_accuracy', 'fnr'] as const) assert.equal(m[k], undefined, k);
  const g = metricsByGroup(['b', 'a', 'b'], [1, 0, 0], [0.9, 0.2, 0.1]);
  assert.deepEqual(Object.keys(g), ['a', 'b']);
  close(g.b!.roc_auc, 1);
  assert.throws(() => computeMetrics([2], [0.5]), RangeError);
  assert.throws(() => computeMetrics([1], [NaN]), RangeError);
  assert.throws(() => rocAuc([1, 1], [0.1, 0.2]), /both classes/);
});

test('matches scikit-learn on 40 random cases with ties (testdata/sklearn-cases.json)', async () => {
  const { readFile } = await import('node:fs/promises');
  const data = JSON.parse(await readFile(new URL('./testdata/sklearn-cases.json', import.meta.url), 'utf8')) as {
    cases: Array<{ labels: number[]; scores: number[]; threshold: number; roc_auc: number; average_precision: number; accuracy: number; balanced_accuracy: number; precision: number | null; recall: number; f1: number }>;
  };
  assert.equal(data.cases.length, 40);
  for (const [i, c] of data.cases.entries()) {
    const m = computeMetrics(c.labels, c.scores, c.threshold);
    const eq = (a: number | undefined, b: number | null, k: string) => assert.ok(b === null ? a === undefined : a !== undefined && Math.abs(a - b) < 1e-12, `case ${i} ${k}: ${a} vs sklearn ${b}`);
    eq(m.roc_auc, c.roc_auc, 'roc_auc');
    eq(m.average_precision, c.average_precision, 'average_precision');
    eq(m.accuracy, c.accuracy, 'accuracy');
    eq(m.balanced_accuracy, c.balanced_accuracy, 'balanced_accuracy');
    eq(m.precision, c.precision, 'precision');
    eq(m.recall, c.recall, 'recall');
    eq(m.f1, c.f1, 'f1');
  }
});
