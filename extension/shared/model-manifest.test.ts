import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate, validateManifest } from './model-manifest';

const good = {
  schemaVersion: 1, name: 'm', version: '1.0.0', arch: 'tiny', modelJson: 'model.json', output: 'logit',
  preprocess: { inputSize: 32, geometry: 'resize', normalization: 'zero-one' },
  calibration: { type: 'platt', a: 2, b: -1 }, threshold: 0.5, unsureBand: 0.1,
  files: [{ path: 'model.json', sha256: 'a'.repeat(64), bytes: 10 }], createdAt: '2026-01-01T00:00:00Z',
};

test('validateManifest accepts a good manifest and names the bad field', () => {
  assert.equal(validateManifest(good).name, 'm');
  assert.throws(() => validateManifest({ ...good, threshold: 2 }), /threshold/);
  assert.throws(() => validateManifest({ ...good, files: [{ path: 'x', sha256: 'zz', bytes: 1 }] }), /files/);
  assert.throws(() => validateManifest({ ...good, preprocess: { ...good.preprocess, geometry: 'fish' } }), /geometry/);
});

test('calibrate: platt and isotonic give known values', () => {
  assert.ok(Math.abs(calibrate(0.5, { type: 'platt', a: 2, b: -1 }) - 0.5) < 1e-12);
  const iso = { type: 'isotonic' as const, x: [-1, 0, 2], y: [0.1, 0.3, 0.9] };
  assert.equal(calibrate(-5, iso), 0.1);
  assert.ok(Math.abs(calibrate(1, iso) - 0.6) < 1e-12);
  assert.equal(calibrate(9, iso), 0.9);
  assert.equal(calibrate(0, { type: 'none' }), 0.5);
});
