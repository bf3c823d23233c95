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
import { writeTinyModel } from './helpers/tiny-model';
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
