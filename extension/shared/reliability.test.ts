import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inWords, percent, reliabilityFacts, reliabilityHeadline, validateReliability, type ModelReliability } from './reliability';
import { validateManifest } from './model-manifest';

const MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'default');

const R: ModelReliability = {
  threshold: 0.5, unsureBand: 0.1,
  unseenSources: {
    report: 'reports/a.md', command: 'cmd a',
    levels: {
      clean: { n: 100, unsureRate: 0.742, decidedBalancedAccuracy: 0.558, realPhotoFpr: 0.112, aiImageFnr: 0.118 },
      avatar: { n: 100, unsureRate: 0.807, decidedBalancedAccuracy: 0.517, realPhotoFpr: 0.043, aiImageFnr: 0.147 },
    },
  },
  loso: { report: 'reports/b.json', command: 'cmd b', levels: { clean: { n: 100, balancedAccuracy: 0.5844, rocAuc: 0.5982 } } },
};

test('reliabilityFacts words the numbers, naming each level and report', () => {
  const facts = reliabilityFacts(R);
  assert.deepEqual(facts.map((f) => f.id), ['unsure', 'decided', 'false-alarm', 'missed', 'loso']);
  assert.equal(facts[0]!.text, 'On image sources it never saw in training, about 3 in 4 images get "Unsure": 74 % (full-size files) and 81 % (avatar-sized copies).');
  assert.equal(facts[1]!.text, 'When it does give "Likely AI-generated" or "No AI signs found" there, it is right only a little more often than a coin toss (50 %): balanced accuracy 56 % (full-size files) and 52 % (avatar-sized copies).');
  assert.equal(facts[2]!.text, 'Real photos wrongly labelled "Likely AI-generated": 11 % (full-size files) and 4 % (avatar-sized copies).');
  assert.equal(facts[3]!.text, 'AI-generated images labelled "No AI signs found": 12 % (full-size files) and 15 % (avatar-sized copies).');
  assert.equal(facts[4]!.text, 'Telling AI images from real ones on unseen sources without an "Unsure" band (leave-one-source-out; 0.50 is chance, 1.00 perfect): balanced accuracy / ROC-AUC 0.58 / 0.60 (full-size files).');
  assert.equal(facts[0]!.report, 'reports/a.md');
  assert.equal(facts[4]!.report, 'reports/b.json');
  assert.equal(reliabilityHeadline(R), 'A weak hint, not evidence: most images get "Unsure", and definite verdicts on unseen sources are right only a little more often than a coin toss.');
  const strong = { ...R, unseenSources: { ...R.unseenSources, levels: { clean: { n: 9, unsureRate: 0.1, decidedBalancedAccuracy: 0.91, realPhotoFpr: 0.02, aiImageFnr: 0.05 } } } };
  assert.equal(reliabilityHeadline(strong), 'Definite verdicts on unseen sources are right 91 % (full-size files) of the time (balanced accuracy); treat them as a hint, not proof.');
});

test('percent and inWords', () => {
  assert.equal(percent(0.742), '74 %');
  assert.equal(percent(0.043), '4 %');
  assert.equal(inWords(0.774), 'about 3 in 4');
  assert.equal(inWords(0.51), 'about half');
  assert.equal(inWords(0.81), 'about 4 in 5');
});

test('validateReliability names the bad field', () => {
  assert.equal(validateReliability(R), R);
  assert.throws(() => validateReliability(null), /"reliability"/);
  assert.throws(() => validateReliability({ ...R, threshold: 2 }), /reliability\.threshold/);
  assert.throws(() => validateReliability({ ...R, unseenSources: undefined }), /reliability\.unseenSources/);
  assert.throws(() => validateReliability({ ...R, unseenSources: { ...R.unseenSources, report: '' } }), /reliability\.unseenSources\.report/);
  assert.throws(() => validateReliability({ ...R, unseenSources: { ...R.unseenSources, levels: { huge: R.unseenSources.levels.clean } } }), /unseenSources\.levels\.huge/);
  assert.throws(() => validateReliability({ ...R, unseenSources: { ...R.unseenSources, levels: { clean: { ...R.unseenSources.levels.clean!, realPhotoFpr: 1.5 } } } }),
    /unseenSources\.levels\.clean\.realPhotoFpr/);
  assert.throws(() => validateReliability({ ...R, loso: { ...R.loso!, levels: { clean: { n: 0, balancedAccuracy: 0.5, rocAuc: 0.5 } } } }), /loso\.levels\.clean\.n/);
});

test('validateManifest checks a reliability block', () => {
  const good = {
    schemaVersion: 1, name: 'm', version: '1.0.0', arch: 'tiny', modelJson: 'model.json', output: 'logit',
    preprocess: { inputSize: 32, geometry: 'resize', normalization: 'zero-one' },
    calibration: { type: 'platt', a: 2, b: -1 }, threshold: 0.5, unsureBand: 0.1,
    files: [{ path: 'model.json', sha256: 'a'.repeat(64), bytes: 10 }], createdAt: '2026-01-01T00:00:00Z',
  };
  assert.deepEqual(validateManifest({ ...good, reliability: R }).reliability, R);
  assert.equal(validateManifest(good).reliability, undefined);
  assert.throws(() => validateManifest({ ...good, reliability: { ...R, unsureBand: -1 } }), /reliability\.unsureBand/);
});

/** The shipped numbers are copies of the model's reports: checked against them, so none is typed in by hand. */
test('the shipped reliability block matches the reports it cites', { skip: !existsSync(join(MODEL_DIR, 'reports', 'loso-summary.json')) }, () => {
  const m = validateManifest(JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8')));
  const r = m.reliability!;
  assert.ok(r, 'models/default/manifest.json has a reliability block');
  assert.equal(r.threshold, m.threshold);
  assert.equal(r.unsureBand, m.unsureBand);
  // Unseen sources: "At that band — clean: FPR 11.2%, FNR 11.8%, coverage 25.8%, balanced accuracy of the decided 0.558; …"
  const md = readFileSync(join(MODEL_DIR, 'reports', 'source-calibration.md'), 'utf8');
  for (const level of ['clean', 'web', 'avatar'] as const) {
    const num = '(\\d+(?:\\.\\d+)?)';
    const re = new RegExp(`${level}: FPR ${num}%, FNR ${num}%, coverage ${num}%, balanced accuracy of the decided ${num}`);
    const hit = re.exec(md);
    assert.ok(hit, `source-calibration.md states the ${level} numbers`);
    const u = r.unseenSources.levels[level]!;
    assert.ok(Math.abs(u.realPhotoFpr - Number(hit[1]) / 100) < 1e-9, `${level} FPR`);
    assert.ok(Math.abs(u.aiImageFnr - Number(hit[2]) / 100) < 1e-9, `${level} FNR`);
    assert.ok(Math.abs(u.unsureRate - (1 - Number(hit[3]) / 100)) < 1e-9, `${level} unsure = 1 − coverage`);
    assert.ok(Math.abs(u.decidedBalancedAccuracy - Number(hit[4])) < 1e-9, `${level} decided bAcc`);
  }
  const loso = JSON.parse(readFileSync(join(MODEL_DIR, 'reports', 'loso-summary.json'), 'utf8'));
  for (const level of ['clean', 'web', 'avatar'] as const) {
    const l = r.loso!.levels[level]!;
    assert.equal(l.n, loso.pooled[level].n);
    assert.ok(Math.abs(l.balancedAccuracy - loso.pooled[level].balanced_accuracy) < 5e-5, `${level} LOSO bAcc`);
    assert.ok(Math.abs(l.rocAuc - loso.pooled[level].roc_auc) < 5e-5, `${level} LOSO AUC`);
    const ev = JSON.parse(readFileSync(join(MODEL_DIR, 'reports', `eval-random-split-test-${level}.json`), 'utf8'));
    const s = r.seenSources!.levels[level]!;
    assert.equal(s.n, ev.n);
    assert.ok(Math.abs(s.unsureRate - ev.unsure.unsure_rate) < 5e-5, `${level} seen unsure`);
    assert.ok(Math.abs(s.decidedAccuracy - ev.unsure.decided_accuracy) < 5e-5, `${level} seen decided accuracy`);
  }
  // The shipped card in words (the popup's first line).
  assert.equal(reliabilityFacts(r)[0]!.text,
    'On image sources it never saw in training, about 3 in 4 images get "Unsure": 74 % (full-size files), 76 % (web-sized copies) and 81 % (avatar-sized copies).');
});
