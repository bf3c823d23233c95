/**
 * `npm run explain` end to end on the shipped default model: overlay PNG of the image's size, JSON with
 * the map, region and scores. Skips when `models/default` is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { main } from './explain';
import { decodeFile, encodeImage } from '../node/decode';
import { initTf } from '../node/backend';
import { loadDetectorFromDir } from '../node/model-dir';
import { verdictFor } from '../../extension/shared/verdict';
import { benchImage } from '../../scripts/bench-explain';
import { pngWith, tEXt } from '../../extension/shared/provenance/fixtures/build';

const hasModel = await stat('models/default').then(() => true, () => false);

test('explain CLI writes the overlay and the JSON (gradcam, lime)', { skip: hasModel ? false : 'models/default is absent' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'explain-cli-'));
  try {
    const img = benchImage(180); // larger than the 128 px centre crop: the overlay covers only the region
    const imagePath = join(dir, 'in.png');
    await writeFile(imagePath, await encodeImage({ ...img, height: 150, data: img.data.subarray(0, 180 * 150 * 4) }, 'png'));
    // Provenance is reported next to the pixel verdict: none for this plain PNG, the generator for a copy
    // carrying AUTOMATIC1111 parameters.
    const aiPath = join(dir, 'ai.png');
    await writeFile(aiPath, pngWith(new Uint8Array(await readFile(imagePath)), tEXt('parameters', 'a cat\nSteps: 20, Sampler: Euler a, Model: sd_xl_base_1.0, Version: v1.7.0')));
    const ai = await main(['--image', aiPath, '--method', 'gradcam', '--out', join(dir, 'ai-out.png'), '--quiet']);
    assert.deepEqual(ai.provenance, { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', status: 'ok', generator: 'Stable Diffusion (AUTOMATIC1111)', model: 'sd_xl_base_1.0', softwareAgent: 'AUTOMATIC1111 v1.7.0' });
    assert.deepEqual([ai.fused.label, ai.fused.basis], ['ai-generated-metadata', 'provenance']);
    assert.match(ai.fused.text, /^AI-generated \(metadata\): /);
    for (const method of ['gradcam', 'lime'] as const) {
      const out = join(dir, `${method}.png`), json = join(dir, `${method}.json`);
      const r = await main(['--image', imagePath, '--method', method, '--out', out, '--json', json, '--samples', '40', '--quiet']);
      const meta = await sharp(out).metadata();
      assert.equal(meta.width, 180); assert.equal(meta.height, 150);
      const j = JSON.parse(await readFile(json, 'utf8')) as typeof r;
      assert.equal(j.explanation.method, method);
      assert.ok(['real', 'synthetic', 'unsure'].includes(j.verdict));
      assert.deepEqual(j.provenance, { kind: 'none', claim: 'unknown', validation: 'unsigned', status: 'ok' });
      const { region, map, mapWidth, mapHeight } = j.explanation;
      assert.deepEqual(region, { x: 26, y: 11, width: 128, height: 128 }); // centre crop of 180×150 at 128
      assert.equal(map.length, mapWidth * mapHeight);
      assert.ok(map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
      if (method === 'lime') assert.ok(j.topRegions && j.explanation.segments!.length === 128 * 128);
      // Outside the analysed tile the image is hatched (stripes where (x + y) mod 8 < 2), untouched between stripes.
      const { data: px, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      const ch = info.channels;
      assert.deepEqual([...px.subarray(3 * ch, 3 * ch + 3)], [...img.data.subarray(3 * 4, 3 * 4 + 3)]);
      const hatched = [...px.subarray(0, 3)], orig = [...img.data.subarray(0, 3)];
      // Blended toward grey 96 with alpha 100/255 · 0.5 (the CLI's default opacity).
      assert.deepEqual(hatched, orig.map((v) => Math.round(v * (1 - (100 / 255) * 0.5) + 96 * (100 / 255) * 0.5)));
    }
    // A 400×300 image holds 3 × 2 tiles of 128 px (all scored): the JSON's probability, verdict and evidence
    // are the badge's (whole image), and so is calibratedProbability (the explanation's tiles).
    const big = benchImage(400);
    const bigPath = join(dir, 'big.png');
    await writeFile(bigPath, await encodeImage({ ...big, height: 300, data: big.data.subarray(0, 400 * 300 * 4) }, 'png'));
    const r = await main(['--image', bigPath, '--method', 'gradcam', '--out', join(dir, 'big-out.png'), '--quiet']);
    const { tf } = await initTf({ want: 'inference', quiet: true });
    const det = await loadDetectorFromDir(tf, 'models/default');
    try {
      const decoded = await decodeFile(bigPath);
      const [whole] = await det.score([{ image: decoded }]);
      assert.ok(Math.abs(r.probability - whole!.probability) < 1e-6, `probability ${r.probability} vs ${whole!.probability}`);
      // The explanation covers the whole image (issue 12): its tiles reproduce the verdict's logit, and its
      // map spans the 3 × 2 tile grid, every tile analysed.
      assert.ok(Math.abs(r.calibratedProbability - whole!.probability) < 1e-5, `explained ${r.calibratedProbability} vs ${whole!.probability}`);
      assert.deepEqual(r.explanation.region, { x: 8, y: 22, width: 384, height: 256 });
      assert.equal(r.explanation.analysed.length, 6);
      assert.equal(r.explanation.mapWidth * 128 / 384, r.explanation.mapHeight * 128 / 256);
      assert.equal(r.verdict, verdictFor(whole!.probability, det.manifest.threshold, det.manifest.unsureBand));
      assert.deepEqual(r.evidence, whole!.evidence);
      if (det.manifest.tiling) assert.deepEqual([r.evidence.scored, r.evidence.cols, r.evidence.rows, r.evidence.x0, r.evidence.y0], [6, 3, 2, 8, 22]);
    } finally {
      det.dispose();
    }
    await assert.rejects(main(['--image', imagePath, '--method', 'nope', '--out', join(dir, 'x.png'), '--quiet']), RangeError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
