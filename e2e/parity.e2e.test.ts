/**
 * Decoding + preprocessing parity between Node (sharp → preprocess.ts) and Chromium's service worker
 * (createImageBitmap + OffscreenCanvas → preprocess.ts) on the same files: the model inputs agree to a
 * mean absolute difference of at most one 8-bit level (1/255 in [0, 1] units), and the probabilities
 * to within 0.01.
 *
 * Whole-image scoring (tiles, `extension/shared/tiling.ts`): on the same pixels (sent to the worker as
 * RGBA, and as a lossless PNG it decodes itself) the worker's logit is within 1e-4 of Node's, on the
 * same tiles, with the same evidence map.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { PreprocessSpec } from '../extension/shared/preprocess';
import { inWorker, launchWithExtension } from './helpers/browser';
import { generatedImages, hasSharedData, sharedImages, startFeedServer, type FeedImage } from './helpers/feed';
import { loadReference } from './helpers/reference';
import { decodeImage } from '../training/node/decode';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { syntheticImage } from '../extension/shared/bench-image';
import type { ImageScore } from '../extension/shared/detector';
import type { EvidenceMap } from '../extension/shared/tiling';

/** Asserts two evidence maps have the same geometry and cells within `tol`. */
function assertSameEvidence(a: EvidenceMap, b: EvidenceMap, tol: number, what: string): void {
  const { logits: la, ...ga } = a;
  const { logits: lb, ...gb } = b;
  assert.deepEqual(ga, gb, `${what}: evidence geometry`);
  la.forEach((v, i) => {
    const w = lb[i];
    if (v === null || w === null) assert.equal(v, w, `${what}: cell ${i} scored on one side only`);
    else assert.ok(Math.abs(v - w!) <= tol, `${what}: cell ${i} ${v} vs ${w}`);
  });
}

/** Model-input units per 8-bit level for a spec (so differences can be read as levels). */
function unitsPerLevel(spec: PreprocessSpec): number {
  const n = spec.normalization;
  if (n === 'zero-one') return 1 / 255;
  if (n === 'minus-one-one') return 1 / 127.5;
  if (n === 'raw') return 1;
  return 1 / ((n.std[0] + n.std[1] + n.std[2]) / 3);
}

test('Node and Chromium produce the same model inputs and probabilities', { skip: skipReason(), timeout: 600_000 }, async (t) => {
  const base: FeedImage[] = hasSharedData() ? await sharedImages(5, 2) : await generatedImages(5);
  if (!hasSharedData()) t.diagnostic('../shared/data is absent: generated images only');
  // The same pixels in other containers: PNG (lossless), WebP, AVIF, GIF (palette), a JPEG at q75.
  const extra: FeedImage[] = [];
  const src = base[0]!.bytes;
  extra.push({ route: '/p/q75.jpg', bytes: await sharp(src).jpeg({ quality: 75 }).toBuffer(), contentType: 'image/jpeg', source: 'jpeg q75', expect: 'verdict' });
  extra.push({ route: '/p/lossless.png', bytes: await sharp(src).png().toBuffer(), contentType: 'image/png', source: 'png', expect: 'verdict' });
  extra.push({ route: '/p/lossy.webp', bytes: await sharp(src).webp({ quality: 80 }).toBuffer(), contentType: 'image/webp', source: 'webp', expect: 'verdict' });
  extra.push({ route: '/p/image.avif', bytes: await sharp(src).avif({ quality: 60 }).toBuffer(), contentType: 'image/avif', source: 'avif', expect: 'verdict' });
  extra.push({ route: '/p/alpha.png', bytes: await sharp(src).ensureAlpha(0.5).png().toBuffer(), contentType: 'image/png', source: 'png with 50 % alpha', expect: 'verdict' });
  // Whole-image scoring: a 1000×700 photo-like image (7 × 5 tiles of 128 px: the wasm sample reads 16) and a
  // 256 px avatar (2 × 2 tiles, all read), as lossless PNG so both decoders give the same pixels.
  const wholeImages = [syntheticImage(1000, 700, 5), syntheticImage(256, 256, 6)];
  const wholePng = await Promise.all(wholeImages.map((im) => sharp(Buffer.from(im.data), { raw: { width: im.width, height: im.height, channels: 4 } }).png().toBuffer()));
  wholePng.forEach((bytes, i) => extra.push({ route: `/p/whole-${i}.png`, bytes, contentType: 'image/png', source: `whole image ${wholeImages[i]!.width}x${wholeImages[i]!.height} (png)`, expect: 'verdict' }));
  const all = [...base, ...extra];
  const server = await startFeedServer(all);
  const model = await testModelDir();
  const ref = await loadReference(model.dir);
  const perLevel = unitsPerLevel(ref.detector.manifest.preprocess);
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    let worstLevels = 0, worstP = 0;
    for (const img of all) {
      const url = server.origin + img.route;
      if (process.env.E2E_VERBOSE) console.error(`parity: ${img.source}`);
      const sw = await inWorker<{ base64: string; width: number; height: number }>(l, `self.__synthscreenTest.inputForUrl(${JSON.stringify(url)})`, 120_000);
      const buf = Buffer.from(sw.base64, 'base64');
      const browserInput = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      const nodeInput = await ref.input(img.bytes);
      assert.equal(browserInput.length, nodeInput.length, img.source);
      let sum = 0;
      for (let i = 0; i < nodeInput.length; i++) sum += Math.abs(nodeInput[i]! - browserInput[i]!);
      const levels = sum / nodeInput.length / perLevel;
      worstLevels = Math.max(worstLevels, levels);
      assert.ok(levels <= 1, `${img.source}: mean |Δinput| = ${levels.toFixed(3)} levels (> 1/255)`);
      const r = await inWorker<{ ok: boolean; value?: { probability: number }; error?: unknown }>(l, `self.__synthscreenTest.classifyUrl(${JSON.stringify(url)})`, 120_000);
      assert.equal(r.ok, true, `${img.source}: ${JSON.stringify(r.error)}`);
      const p = await ref.probability(img.bytes);
      worstP = Math.max(worstP, Math.abs(p - r.value!.probability));
      assert.ok(Math.abs(p - r.value!.probability) <= 0.01, `${img.source}: browser ${r.value!.probability} vs node ${p}`);
    }
    t.diagnostic(`${all.length} images; worst mean |Δinput| ${worstLevels.toFixed(4)} levels; worst |Δp| ${worstP.toFixed(5)}`);

    // Whole-image scoring on identical pixels: RGBA handed to the worker, then the PNG it fetches and decodes.
    let worstLogit = 0;
    for (let i = 0; i < wholeImages.length; i++) {
      const im = wholeImages[i]!;
      const [node] = await ref.detector.score([{ image: im }]);
      const b64 = Buffer.from(im.data).toString('base64');
      const sw = await inWorker<ImageScore & { backend: string }>(l, `self.__synthscreenTest.scorePixels(${JSON.stringify(b64)}, ${im.width}, ${im.height})`, 120_000);
      assert.equal(sw.backend, 'wasm');
      const what = `${im.width}x${im.height}`;
      assert.ok(Math.abs(sw.logit - node!.logit) <= 1e-4, `${what} pixels: worker logit ${sw.logit} vs node ${node!.logit}`);
      assertSameEvidence(sw.evidence, node!.evidence, 1e-4, `${what} pixels`);
      if (ref.detector.manifest.tiling) {
        const expectTiles = Math.min(ref.detector.manifest.tiling.minTiles, Math.floor(im.width / 128) * Math.floor(im.height / 128));
        assert.equal(node!.evidence.scored, expectTiles, `${what}: tiles scored`);
      }
      const url = `${server.origin}/p/whole-${i}.png`;
      const r = await inWorker<{ ok: boolean; value?: { logit: number; evidence?: EvidenceMap }; error?: unknown }>(l, `self.__synthscreenTest.classifyUrl(${JSON.stringify(url)})`, 120_000);
      assert.equal(r.ok, true, `${what}: ${JSON.stringify(r.error)}`);
      const [fromPng] = await ref.detector.score([{ image: await decodeImage(wholePng[i]!) }]);
      assert.ok(Math.abs(r.value!.logit - fromPng!.logit) <= 1e-4, `${what} png: worker verdict logit ${r.value!.logit} vs node ${fromPng!.logit}`);
      assertSameEvidence(r.value!.evidence!, fromPng!.evidence, 1e-4, `${what} png verdict`);
      worstLogit = Math.max(worstLogit, Math.abs(sw.logit - node!.logit), Math.abs(r.value!.logit - fromPng!.logit));
    }
    t.diagnostic(`whole-image scoring: worst |Δlogit| worker vs node ${worstLogit.toExponential(2)} (limit 1e-4)`);
  } finally {
    await l.close();
    await server.close();
    ref.detector.dispose();
  }
});
