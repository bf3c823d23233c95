/**
 * Explanations through the message protocol, as the explanation view will ask for them: an extension
 * page sends `explain` (Grad-CAM, LIME) for an image URL and gets a heatmap in [0, 1] over the model's
 * input region; `cancel-explain` stops a long LIME run with a `cancelled` error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchWithExtension } from './helpers/browser';
import { hasSharedData, noiseImage, sharedImages, startFeedServer, type FeedImage } from './helpers/feed';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

// Extension pages' API, evaluated in the page.
declare const chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };

test('explain and cancel-explain from an extension page', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const img: FeedImage = hasSharedData()
    ? (await sharedImages(1))[1]!
    : { route: '/x/0.png', bytes: await noiseImage(31337, 300, 240), contentType: 'image/png', source: 'noise', expect: 'verdict' };
  const server = await startFeedServer([img]);
  const model = await testModelDir();
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    const page = await l.browser.newPage();
    await page.goto(`chrome-extension://${l.extensionId}/options.html`);
    const url = server.origin + img.route;
    for (const method of ['gradcam', 'lime'] as const) {
      const t0 = Date.now();
      const r = await page.evaluate((u, m) => chrome.runtime.sendMessage({ type: 'explain', url: u, method: m, samples: 60, requestId: `r-${m}` }), url, method) as {
        ok: boolean; error?: { code: string; message: string }; value?: { map: number[]; mapWidth: number; mapHeight: number; probability: number; empty: boolean; region: { width: number } };
      };
      assert.equal(r.ok, true, `${method}: ${JSON.stringify(r.error)}`);
      const e = r.value!;
      assert.equal(e.map.length, e.mapWidth * e.mapHeight);
      assert.ok(e.map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), `${method} map values in [0, 1]`);
      assert.ok(e.empty || Math.max(...e.map) >= 0.999, `${method}: a non-empty map peaks at 1 (max ${Math.max(...e.map)})`);
      assert.ok(e.probability >= 0 && e.probability <= 1 && e.region.width > 0);
      t.diagnostic(`${method}: ${e.mapWidth}x${e.mapHeight} map in ${Date.now() - t0} ms`);
    }
    const long = page.evaluate((u) => chrome.runtime.sendMessage({ type: 'explain', url: u, method: 'lime', samples: 2000, requestId: 'long' }), url) as Promise<{ ok: boolean; error?: { code: string } }>;
    await new Promise((r) => setTimeout(r, 300));
    await page.evaluate(() => chrome.runtime.sendMessage({ type: 'cancel-explain', requestId: 'long' }));
    const cancelled = await long;
    assert.equal(cancelled.ok, false);
    assert.equal(cancelled.error!.code, 'cancelled');
  } finally {
    await l.close();
    await server.close();
  }
});
