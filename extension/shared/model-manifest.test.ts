import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate, validateManifest } from './model-manifest';
import { DEFAULT_TILING } from './tiling';

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

test('validateManifest: a tiling block is completed from the defaults; old manifests keep none; bad blocks are named', () => {
  const patch = { ...good, preprocess: { inputSize: 128, geometry: 'center-crop', normalization: 'zero-one' }, crops: 5 };
  assert.equal(validateManifest(patch).tiling, undefined); // pre-0.4 manifest: test-time crops as before
  const m = validateManifest({ ...patch, tiling: { tileSize: 64, stride: 64, aggregation: { type: 'mean' } } });
  assert.deepEqual(m.tiling, { ...DEFAULT_TILING, tileSize: 64, stride: 64, aggregation: { type: 'mean' } });
  assert.throws(() => validateManifest({ ...good, tiling: {} }), /tiling \(needs preprocess\.geometry "center-crop"\)/);
  assert.throws(() => validateManifest({ ...patch, output: 'probability', tiling: {} }), /tiling\.logitMapLayer/);
  assert.throws(() => validateManifest({ ...patch, tiling: { stride: 6 } }), /tiling\.stride/);
});

test('the shipped manifest validates, with the tiling it declares', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'default', 'manifest.json');
  if (!existsSync(dir)) return;
  const m = validateManifest(JSON.parse(readFileSync(dir, 'utf8')));
  assert.equal(m.preprocess.geometry, 'center-crop');
  assert.deepEqual(m.tiling, { ...DEFAULT_TILING, ...JSON.parse(readFileSync(dir, 'utf8')).tiling });
});
