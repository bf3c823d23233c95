import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './model-card';
import { buildReport } from '../eval/evaluate';

test('model card takes every number from the reports and prints the reproduce command', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ss-card-'));
  try {
    await mkdir(join(dir, 'model'));
    const manifest = {
      schemaVersion: 1, name: 'card-test', version: '0.2.0', arch: 'npr-patch-cnn', modelJson: 'model.json', output: 'logit',
      preprocess: { inputSize: 256, geometry: 'center-crop', normalization: 'zero-one' }, calibration: { type: 'platt', a: 1.5, b: -0.25 },
      threshold: 0.6, unsureBand: 0.1, createdAt: '2026-01-01T00:00:00Z', provenance: { quantize: 'float16' },
      files: [{ path: 'model.json', sha256: 'a'.repeat(64), bytes: 10 }, { path: 'group1-shard1of1.bin', sha256: 'b'.repeat(64), bytes: 2048 }],
    };
    await writeFile(join(dir, 'model', 'manifest.json'), JSON.stringify(manifest));
    const report = buildReport([
      { path: 'a/1', label: 'real', source: 'a', generator: 'real', probability: 0.2 },
      { path: 'a/2', label: 'synthetic', source: 'a', generator: 'g', probability: 0.9 },
      { path: 'b/1', label: 'real', source: 'b', generator: 'real', probability: 0.7 },
    ], [{ path: 'b/2', error: 'broken' }], 0.6, { command: 'npm run evaluate -- --manifest x.tsv --out r.json' }, 0.1);
    await writeFile(join(dir, 'r.json'), JSON.stringify(report));
    await writeFile(join(dir, 'card.json'), JSON.stringify({ model: 'model', summary: 'Test model.', evaluations: [{ title: 'Dev test clean', report: 'r.json' }] }));
    const out = await main(['--config', join(dir, 'card.json')]);
    assert.equal(out, join(dir, 'model', 'MODEL_CARD.md'));
    const md = await readFile(out, 'utf8');
    assert.match(md, /^# Model card: card-test 0\.2\.0/);
    assert.match(md, /\| calibration \| Platt, a = 1\.5, b = -0\.25 \|/);
    assert.match(md, /\| weights \| 2,048 bytes \(float16\) \|/);
    // accuracy 2/3, bAcc (1 + 1/2)/2 = .75, AUC 1, FPR 50 %, 1 error
    assert.match(md, /\| Dev test clean \| 3 \| 0\.667 \| 0\.750 \| 0\.500 \| 1\.000 \| 0\.667 \| 1\.000 \| 1\.000 \| 50\.0 % \| 0\.0 % \| [0-9.]+ \| 1 \|/);
    assert.match(md, /Reproduce: `npm run evaluate -- --manifest x\.tsv --out r\.json`/);
    assert.match(md, /\| b \| 1 \(1\/0\) \| 0\.000 \| — \| — \| 100\.0 % \| — \|/);
    // band [0.55, 0.65): no image inside; 0.7 (real) called synthetic
    assert.match(md, /With the unsure band 0\.1 around 0\.6: 0\.0 % of images unsure; accuracy on the rest 0\.667; real called synthetic 50\.0 %; synthetic called real 0\.0 %\./);
    assert.ok(!/`\//.test(md), 'no absolute paths in the card');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
