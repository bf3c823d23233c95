/** The shipped model's card generator (`model-card.ts`): numbers come from the manifest and reports given. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelCard } from './model-card';
import type { ModelManifest } from '../../extension/shared/model-manifest';

test('modelCard: kernels and receptive field, source-held-out calibration, in-domain threshold for the random-split table, extras', () => {
  const manifest = {
    schemaVersion: 1, name: 'synthscreen-npr-patch-cnn', version: '9.9.9', arch: 'npr-patch-cnn', modelJson: 'model.json', output: 'logit',
    preprocess: { inputSize: 128, geometry: 'center-crop', normalization: 'zero-one' }, crops: 5,
    calibration: { type: 'platt', a: 0.2888, b: -0.0137 }, threshold: 0.5, unsureBand: 0.1, createdAt: '2026-01-01T00:00:00Z',
    files: [{ path: 'model.json', sha256: 'a'.repeat(64), bytes: 10 }, { path: 'group1-shard1of1.bin', sha256: 'b'.repeat(64), bytes: 26922 }],
    provenance: {
      quantize: 'float16', archOptions: { kernels: [3, 3, 1, 1] }, cache: { file: 'c.bin', params: { pNative: 0.5 } },
      sourceCalibration: { stage1: { a: 1.9751, b: -0.4536 }, stage2: { a: 0.1462, b: 0.0526 }, loso: 'run-x', command: 'npx tsx training/cli/calibrate-loso.ts --loso x', inDomainThreshold: 0.3635 },
    },
  } as unknown as ModelManifest;
  const training = { command: 'npm run train -- …', split: { seed: 1234, train: 1, val: 2, test: 3 }, batch: 32, steps: 600, best: { step: 550 }, trainSeconds: 125, imgPerSec: 179, validation: { n: 163, auc: 0.767, balancedAccuracy: 0.728, ece: 0.092 }, randomSplitTest: { clean: { n: 162, balancedAccuracy: 0.739, rocAuc: 0.8, ece: 0.095, fpr: 0.417, fnr: 0.106 } } };
  const md = modelCard(manifest, training, undefined, { msPerImage: 18.749, crops: 5, inputSize: 128, load: '0.8' }, 'Plain words.', ['### Extra section\nbody']);
  assert.match(md, /^# SynthScreen default detector: `synthscreen-npr-patch-cnn@9\.9\.9`/);
  assert.match(md, /kernels 3×3, 3×3, 1×1, 1×1 \(one stride 2; receptive field ≈ 10 px, LaDeDa-like\)/);
  assert.match(md, /Weights: 26 KiB \(float16\)/);
  assert.match(md, /\*\*source-held-out\*\*.*p = σ\(0\.2888·z − 0\.0137\).*σ\(1\.9751·z − 0\.4536\).*σ\(0\.1462·logit\(p\) \+ 0\.0526\).*run `run-x`/);
  assert.match(md, /In-domain threshold before this step: 0\.3635/);
  assert.match(md, /\| clean \| 162 \| 0\.739 \| 0\.800 \| 0\.095 \| 0\.417 \| 0\.106 \|/);
  assert.match(md, /with the in-domain calibration and threshold \(0\.3635\)/);
  assert.match(md, /18\.7 ms per image/);
  assert.match(md, /## Other measurements\n\n### Extra section\nbody/);
  const plain = modelCard({ ...manifest, provenance: { quantize: 'float16' } } as ModelManifest, training, undefined, undefined, '', []);
  assert.match(plain, /receptive field ≈ 30 px/);
  assert.match(plain, /Calibration \(fitted on the validation split\): Platt: p = σ\(0\.2888·z − 0\.0137\); threshold 0\.5/);
});
