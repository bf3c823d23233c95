import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureSet, standardSpecs, makeImage } from '../data/fixtures';
import { main as features } from '../cli/features';
import { main as loso } from '../cli/loso';
import { residualStats, residualMoments } from './extractors';

test('residual features: moments pinned on a tiny residual; checkerboard raises |Δx| and lag-1 anticorrelation', () => {
  // r = [−1, 1, −1, 1]: mean|r| 1, std 1, kurtosis 1 − 3 = −2, fraction |r|<1 = 0
  assert.deepEqual(residualMoments([-1, 1, -1, 1]), [1, 1, -2, 0]);
  const real = residualStats(makeImage(300, 280, 'real'));
  const synth = residualStats(makeImage(300, 280, 'synthetic'));
  assert.equal(real.length, 24);
  assert.ok(synth[0]! > 40 && real[0]! < 2, `${synth[0]} vs ${real[0]}`);
  assert.ok(synth[16]! < -0.9, `lag-1 autocorrelation ${synth[16]}`);
});

test('features CLI → loso CLI (built-in logreg and a custom trainer module) on fixtures', async () => {
  const fx = await writeFixtureSet(standardSpecs(['s1', 's2', 's3'], 4, 40));
  const dir = await mkdtemp(join(tmpdir(), 'ss-losocli-'));
  try {
    const cachePath = join(dir, 'f.bin');
    const c = await features(['--manifest', fx.manifestPath, '--degrade', 'clean,avatar', '--out', cachePath, '--quiet']);
    assert.equal(c.size, 24 * 2);
    // resume: nothing left to do, same size
    assert.equal((await features(['--manifest', fx.manifestPath, '--degrade', 'clean,avatar', '--out', cachePath, '--quiet'])).size, 48);
    const r = await loso(['--manifest', fx.manifestPath, '--features', cachePath, '--degrade', 'clean,avatar', '--out', join(dir, 'lr'), '--quiet']);
    assert.deepEqual(Object.keys(r.per_source), ['s1', 's2', 's3']);
    assert.equal(r.pooled.clean!.n, 24);
    assert.equal(r.pooled.clean!.balanced_accuracy, 1);
    assert.match(await readFile(join(dir, 'lr', 'loso.md'), 'utf8'), /Reproduce: `npx tsx training\/cli\/loso\.ts --manifest/);
    // custom trainer module: a constant scorer → AUC 0.5 everywhere
    const mod = join(dir, 'trainer.ts');
    await writeFile(mod, `export const make = async ({ args }: { args: Record<string, unknown> }) => {\n  if (args.arch !== 'foo' || args.steps !== '5') throw new Error('plug-in options not passed: ' + JSON.stringify(args));\n  return async () => ({ score: async (recs: unknown[]) => recs.map(() => ({ probability: 0.7 })) });\n};\n`);
    const k = await loso(['--manifest', fx.manifestPath, '--trainer', `${mod}#make`, '--arch', 'foo', '--steps', '5', '--degrade', 'clean', '--out', join(dir, 'k'), '--quiet']);
    assert.equal(k.pooled.clean!.roc_auc, 0.5);
    assert.equal(k.pooled.clean!.fpr, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  }
});
