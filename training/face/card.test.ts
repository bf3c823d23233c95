import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faceModelCard, type FacesReport } from './card';
import type { FaceModelManifest } from '../../extension/shared/face/model';

test('the face model card pools the non-aligned real portraits into the rule FPR and names what is not done', () => {
  const m: FaceModelManifest = {
    schemaVersion: 1, name: 'blazeface-front', version: '3.0.4', arch: 'blazeface', modelJson: 'a.json', inputSize: 128,
    decode: { minScore: 0.75, iouThreshold: 0.3, maxFaces: 5 }, license: 'MIT', source: { package: 'p', version: '3.0.4', files: [] },
    files: [{ path: 'a.json', sha256: '0'.repeat(64), bytes: 1 }],
    alignment: { name: 'FFHQ / StyleGAN', left: { x: 0.38, y: 0.48 }, right: { x: 0.63, y: 0.48 }, threshold: 0.0375, maxAspectDiff: 0.05, source: 's' },
  };
  const rule = (group: FacesReport['rule'][number]['group'], fired: number, n: number) => ({ group, label: 'real', size: '128', n, fired, rate: fired / n });
  const r: FacesReport = {
    command: 'npm run faces -- x', model: 'm', backend: 'wasm', minScore: 0.75, sizes: ['128'],
    recall: [{ group: 'stylegan', label: 'synthetic', size: '128', n: 4, found: 3, recall: 0.75 }],
    rule: [rule('real-people', 1, 10), rule('celeba', 2, 10), rule('ff-frames', 0, 20), rule('stylegan', 4, 4)],
    geometry: [{ comparison: 'StyleGAN vs x', size: '128', distance: { auc: 0.9876, nPos: 4, nNeg: 40 }, interocular: { auc: 0.5 }, roll: { auc: 0.5 } }],
  };
  const card = faceModelCard(m, r, undefined);
  assert.match(card, /\*\*3\/40 = 7\.5 % \(95 % CI 2\.6 %–19\.9 %\)\*\*/);
  assert.match(card, /\| StyleGAN vs x \| 4 \| 40 \| 0\.988 \|/);
  assert.match(card, /\| 4 \| 75\.0 % \|/);
  assert.match(card, /Face-crop detector \(issue 14, item 3\): not done/);
});
