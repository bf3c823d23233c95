/** calibrate-loso: report on a known set of held-out predictions, and idempotent manifest rewriting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, confidentFlips, sourceCalibrationReport } from './calibrate-loso';
import { sigmoid } from '../../extension/shared/verdict';
import { mulberry32, gaussian } from '../data/rng';

function losoJson(seed: number) {
  const rng = mulberry32(seed);
  const predictions: Record<string, Array<{ path: string; label: string; source: string; probability: number }>> = { clean: [], avatar: [] };
  for (let i = 0; i < 4000; i++) {
    const y = i % 2;
    const u = (y ? 0.4 : -0.4) + 2 * gaussian(rng); // weak signal, over-confident scale
    const source = `s${i % 5}`;
    predictions.clean!.push({ path: `p${i}`, label: y ? 'synthetic' : 'real', source, probability: sigmoid(u) });
    predictions.avatar!.push({ path: `p${i}`, label: y ? 'synthetic' : 'real', source, probability: sigmoid(u + 0.3 * gaussian(rng)) });
  }
  return { name: 'toy', predictions };
}

test('confidentFlips counts real-at-one-level, synthetic-at-another', () => {
  const r = confidentFlips([[['a', 0.1], ['b', 0.6], ['c', 0.9]], [['a', 0.8], ['b', 0.52], ['c', 0.95]]], 0.5, 0.1);
  assert.deepEqual(r, { flips: 1, n: 3 });
});

test('a weak over-confident detector: stage 2 shrinks towards 0.5 and the proposed band meets the FPR target', () => {
  const rep = sourceCalibrationReport(losoJson(1), ['clean', 'avatar'], 0.15);
  // true P(y | u) ∝ exp(0.2·u) per class → logistic in u with slope 2·0.4/4 = 0.2
  assert.ok(Math.abs(rep.stage2.a - 0.2) < 0.03, `a₂ = ${rep.stage2.a}`);
  assert.ok(rep.bandMeetsTarget);
  assert.ok(rep.unsureBand > 0 && rep.unsureBand < 0.3, `band ${rep.unsureBand}`);
  assert.match(rep.markdown, /\| clean \| 4000 \|/);
});

test('--write composes stage 2 with the model Platt map once, however often it runs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'calib-'));
  try {
    await writeFile(join(dir, 'loso.json'), JSON.stringify(losoJson(2)));
    const manifest = {
      schemaVersion: 1, name: 'toy', version: '0.0.1', arch: 'npr-patch-cnn', modelJson: 'model.json', output: 'logit',
      preprocess: { inputSize: 128, geometry: 'center-crop', normalization: 'zero-one' }, crops: 5,
      calibration: { type: 'platt', a: 2, b: -0.5 }, threshold: 0.35, unsureBand: 0.1,
      files: [{ path: 'model.json', sha256: 'a'.repeat(64), bytes: 1 }], createdAt: '2026-01-01T00:00:00Z',
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const args = ['--loso', join(dir, 'loso.json'), '--levels', 'clean,avatar', '--model', dir, '--write'];
    const log = console.log; console.log = () => {};
    const origErr = console.error; console.error = () => {};
    let rep;
    try { rep = await main(args); await main(args); } finally { console.log = log; console.error = origErr; }
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'summary.json'), JSON.stringify({ name: 'toy', pooled: {} }));
    await assert.rejects(main(['--loso', join(dir, 'summary.json')]), /has no predictions: pass the loso\.json/);
    assert.ok(Math.abs(m.calibration.a - rep.stage2.a * 2) < 1e-12);
    assert.ok(Math.abs(m.calibration.b - (rep.stage2.a * -0.5 + rep.stage2.b)) < 1e-12);
    assert.equal(m.threshold, 0.5);
    assert.equal(m.unsureBand, rep.unsureBand);
    assert.deepEqual(m.provenance.sourceCalibration.stage1, { a: 2, b: -0.5 });
    assert.equal(m.provenance.sourceCalibration.inDomainThreshold, 0.35);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
