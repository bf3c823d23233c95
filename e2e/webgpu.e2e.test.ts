/**
 * The WebGPU path: with `--enable-unsafe-webgpu` Chromium offers a SwiftShader *fallback* adapter. The
 * background skips it by default and uses it only with the `testAllowFallbackWebGPU` flag; then a tiny
 * model runs on it and agrees with Node. (A full model takes minutes on this software adapter.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inWorker, launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { loadReference } from './helpers/reference';
import { EXT_DIR, prepareWorker, skipReason } from './helpers/setup';
import { writeTinyModel, writeTinyPatchModel } from './helpers/tiny-model';
import { syntheticImage } from '../extension/shared/bench-image';
import type { ImageScore } from '../extension/shared/detector';
import { initTf } from '../training/node/backend';

test('tiny model on the WebGPU fallback adapter (test flag only)', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const { tf } = await initTf({ want: 'inference', quiet: true, forcePure: true });
  const dir = mkdtempSync(join(tmpdir(), 'synthscreen-webgpu-model-'));
  await writeTinyModel(tf, dir);
  const ref = await loadReference(dir);
  const imgs: FeedImage[] = [];
  for (let i = 0; i < 3; i++) imgs.push({ route: `/w/${i}.png`, bytes: await noiseImage(777 + i, 160, 120), contentType: 'image/png', source: `noise ${i}`, expect: 'verdict' });
  const server = await startFeedServer(imgs);
  const l = await launchWithExtension(EXT_DIR, { args: ['--enable-unsafe-webgpu'] });
  try {
    const without = await prepareWorker(l, { dir, packaged: false }, { testAllowFallbackWebGPU: false }) as unknown as { backend: string; attempts: Array<{ backend: string; reason?: string }> };
    assert.notEqual(without.backend, 'webgpu', 'the fallback adapter is skipped without the flag');
    assert.match(without.attempts.find((a) => a.backend === 'webgpu')?.reason ?? '', /fallback adapter/);
    const withFlag = await prepareWorker(l, { dir, packaged: false }, { testAllowFallbackWebGPU: true });
    assert.equal(withFlag.backend, 'webgpu');
    for (const img of imgs) {
      const r = await inWorker<{ ok: boolean; value?: { probability: number; backend: string } }>(l, `self.__synthscreenTest.classifyUrl(${JSON.stringify(server.origin + img.route)})`, 120_000);
      assert.equal(r.ok, true);
      assert.equal(r.value!.backend, 'webgpu');
      const p = await ref.probability(img.bytes);
      assert.ok(Math.abs(p - r.value!.probability) <= 0.02, `${img.route}: webgpu ${r.value!.probability} vs node ${p}`);
    }
    const timing = await inWorker<{ msPerImage: number }>(l, 'self.__synthscreenTest.timeInference(5, 1)', 120_000);
    t.diagnostic(`tiny model on the WebGPU fallback adapter: ${timing.msPerImage.toFixed(1)} ms/img`);
    await inWorker(l, `chrome.storage.local.set({ testAllowFallbackWebGPU: false })`);
  } finally {
    await l.close();
    await server.close();
    ref.detector.dispose();
  }
});

test('whole-image pass of a tiled patch model on the WebGPU fallback adapter matches Node', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const { tf } = await initTf({ want: 'inference', quiet: true, forcePure: true });
  const dir = mkdtempSync(join(tmpdir(), 'synthscreen-webgpu-patch-'));
  await writeTinyPatchModel(tf, dir);
  const ref = await loadReference(dir);
  const l = await launchWithExtension(EXT_DIR, { args: ['--enable-unsafe-webgpu'] });
  try {
    const s = await prepareWorker(l, { dir, packaged: false }, { testAllowFallbackWebGPU: true });
    assert.equal(s.backend, 'webgpu');
    // 320 × 256: 10 × 8 tiles of 32 px, all scored in one fully convolutional pass (mode all on WebGPU).
    const im = syntheticImage(320, 256, 9);
    const sw = await inWorker<ImageScore & { backend: string }>(l, `self.__synthscreenTest.scorePixels(${JSON.stringify(Buffer.from(im.data).toString('base64'))}, 320, 256)`, 120_000);
    assert.equal(sw.backend, 'webgpu');
    assert.deepEqual([sw.evidence.mode, sw.evidence.scored, sw.evidence.cols, sw.evidence.rows], ['all', 80, 10, 8]);
    const [node] = await ref.detector.score([{ image: im }], { mode: 'all' });
    assert.ok(Math.abs(sw.logit - node!.logit) <= 1e-3, `webgpu ${sw.logit} vs node ${node!.logit}`);
    let worst = 0;
    sw.evidence.logits.forEach((v, i) => { worst = Math.max(worst, Math.abs(v! - node!.evidence.logits[i]!)); });
    assert.ok(worst <= 1e-3, `worst tile |Δlogit| ${worst}`);
    t.diagnostic(`whole-image pass on WebGPU (fallback): |Δlogit| ${Math.abs(sw.logit - node!.logit).toExponential(2)}, worst tile ${worst.toExponential(2)}`);
    await inWorker(l, `chrome.storage.local.set({ testAllowFallbackWebGPU: false })`);
  } finally {
    await l.close();
    ref.detector.dispose();
  }
});
