/**
 * Patch trainer end to end at toy size on fixture images (synthetic = smooth ramp + ±40 checkerboard,
 * real = smooth ramp): cache → train on wasm → calibrate → export → the extension's detector scores
 * exactly like the training-side scorer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useWasmBackend } from '../kernels/wasm-backend';
import { writeFixtureSet, standardSpecs } from '../data/fixtures';
import { loadRecords } from '../data/manifest';
import { decodeFile } from '../node/decode';
import { buildPatchCache, regionOffset } from './patch-cache';
import { trainPatchModel } from './trainer';
import { patchModelScoreFn } from './scorer';
import { validateTiling } from '../../extension/shared/tiling';
import { exportModel } from '../export/export';
import { loadDetector } from '../../extension/shared/detector';

test('patch cache is deterministic and reused; training separates an easy artefact; export scores identically', async () => {
  await useWasmBackend();
  const fx = await writeFixtureSet(standardSpecs(['srcA', 'srcB'], 8, 56));
  const dir = await mkdtemp(join(tmpdir(), 'patch-train-'));
  try {
    const recs = await loadRecords(fx.manifestPath);
    const opts = { region: 48, variants: 3, seed: 5, pNative: 1, augment: { pBlur: 0, pNoise: 0 }, log: () => {} };
    const cache = await buildPatchCache(recs, join(dir, 'c.bin'), opts);
    assert.equal(cache.keys.length, recs.length);
    assert.equal(cache.data.length, recs.length * 3 * 48 * 48 * 3);
    const again = await buildPatchCache(recs, join(dir, 'c.bin'), opts); // read back, nothing rebuilt
    assert.deepEqual(again.data, cache.data);
    const other = await buildPatchCache(recs, join(dir, 'c2.bin'), { ...opts, seed: 6 });
    assert.notDeepEqual(other.data.subarray(0, regionOffset(other, 1, 0)), cache.data.subarray(0, regionOffset(cache, 1, 0)));

    const val = recs.filter((r) => /-[01]\.(png|jpg)$/.test(r.path));
    const train = recs.filter((r) => !val.includes(r));
    const res = await trainPatchModel(train, val, cache, { patch: 32, batch: 16, steps: 60, evalEvery: 30, lr: 3e-3, seed: 3, valVariants: 3 }, () => {});
    assert.equal(res.history.length, 2);
    assert.ok(res.val.auc >= 0.95, `val AUC ${res.val.auc}`);
    assert.ok(res.calibration.a > 0);
    assert.ok(res.threshold > 0 && res.threshold < 1);
    assert.ok(res.imgPerSec > 0);

    const spec = { inputSize: 48, geometry: 'center-crop' as const, normalization: 'zero-one' as const };
    const manifest = await exportModel(tf, res.model, {
      dir: join(dir, 'm'), name: 'toy', version: '0.0.1', arch: 'npr-patch-cnn', preprocess: spec, output: 'logit', crops: 5,
      calibration: res.calibration, threshold: res.threshold, unsureBand: 0.1, quantize: 'none',
    });
    const det = await loadDetector(tf, manifest, async (p) => new Uint8Array(await readFile(join(dir, 'm', p))));
    const imgs = await Promise.all(val.map((r) => decodeFile(r.file)));
    const a = await det.score(imgs.map((image) => ({ image })));
    const b = await patchModelScoreFn(res.model, spec, 5, res.calibration)(imgs);
    a.forEach((v, i) => {
      assert.ok(Math.abs(v.logit - b[i]!.logit!) < 1e-4, `logit ${i}: ${v.logit} vs ${b[i]!.logit}`);
      assert.ok(Math.abs(v.probability - b[i]!.probability) < 1e-5);
    });
    det.dispose();
    // With a tiling block: the exported detector and the training scorer read the same tiles (16 px, a
    // sample of 4 on wasm) and aggregate them the same way.
    const tiling = validateTiling({ tileSize: 16, stride: 16, minTiles: 4, aggregation: { type: 'trimmed-mean', trim: 0.25 } });
    const tiled = await exportModel(tf, res.model, {
      dir: join(dir, 't'), name: 'toy', version: '0.0.2', arch: 'npr-patch-cnn', preprocess: spec, output: 'logit', tiling,
      calibration: res.calibration, threshold: res.threshold, unsureBand: 0.1, quantize: 'none',
    });
    assert.deepEqual(tiled.tiling, tiling);
    const tdet = await loadDetector(tf, tiled, async (p) => new Uint8Array(await readFile(join(dir, 't', p))));
    const ta = await tdet.score(imgs.map((image) => ({ image })));
    const tb = await patchModelScoreFn(res.model, spec, 5, res.calibration, tiling)(imgs);
    ta.forEach((v, i) => {
      assert.ok(v.evidence.scored >= 4 || v.evidence.kind === 'single', `image ${i}: ${v.evidence.scored} tiles`);
      assert.ok(Math.abs(v.logit - tb[i]!.logit!) < 1e-4, `tiled logit ${i}: ${v.logit} vs ${tb[i]!.logit}`);
    });
    tdet.dispose(); res.model.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  }
});

test('patch sampler draws only training images, class-balanced, grid-aligned on request', async () => {
  const { drawPatchBatch } = await import('./trainer');
  const { mulberry32 } = await import('../data/rng');
  const train: [number[], number[]] = [[0, 2, 4], [1, 3]]; // cache indices 5..9 belong to validation/test images
  const rng = mulberry32(42);
  const seen = new Set<number>();
  for (let k = 0; k < 500; k++) {
    const batch = drawPatchBatch(rng, train, 6, 128, 64, 8, k % 2 === 0);
    batch.forEach((d, b) => {
      assert.equal(d.label, b % 2);
      assert.ok(train[d.label].includes(d.index), `index ${d.index} is not a training image of class ${d.label}`);
      assert.ok(d.variant >= 0 && d.variant < 6 && d.x >= 0 && d.x <= 64 && d.y >= 0 && d.y <= 64);
      if (k % 2 === 0) assert.ok(d.x % 2 === 0 && d.y % 2 === 0, `unaligned (${d.x}, ${d.y})`);
      seen.add(d.index);
    });
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
});

test('trainPatchModel refuses an image group present in both training and validation', async () => {
  const rec = (path: string, y: 0 | 1, group: string) => ({ path, file: `/x/${path}`, label: y ? 'synthetic' as const : 'real' as const, y, source: 's', generator: 'g', group, line: 0, extra: {} });
  const cache = { region: 8, variants: 1, keys: ['a', 'b', 'c', 'd'], index: new Map([['a', 0], ['b', 1], ['c', 2], ['d', 3]]), data: new Uint8Array(4 * 8 * 8 * 3), params: '' };
  await assert.rejects(trainPatchModel([rec('a', 0, 'g1'), rec('b', 1, 'g2')], [rec('c', 0, 'g1'), rec('d', 1, 'g3')], cache, { steps: 1 }, () => {}), /group g1.*both/);
});
