/**
 * Explanations through the message protocol, as the explanation view asks for them: an extension page
 * sends `explain` (Grad-CAM, LIME, Grad-CAM with `both`) for an image URL and gets a heatmap in [0, 1]
 * over the tiles the verdict read (issue 12: whole image, stitched, class stated);
 * `cancel-explain` stops a long LIME run with a `cancelled` error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchWithExtension } from './helpers/browser';
import { hasSharedData, noiseImage, sharedImages, startFeedServer, type FeedImage } from './helpers/feed';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import type { Verdict } from '../extension/shared/messages';

interface Wire {
  map: number[]; mapWidth: number; mapHeight: number; probability: number; empty: boolean; target: 'synthetic' | 'real';
  region: { x: number; y: number; width: number; height: number }; analysed: Array<{ x: number; y: number; width: number; height: number }>;
  other?: number[]; segments?: number[]; weights?: number[];
}

/**
 * Issue 12: the explanation covers the tiles the verdict read (for LIME and Score-CAM at most a spread
 * sample of them), its map spans their bounding box at its aspect, and it names its class.
 */
function assertWholeImage(e: Wire, v: Verdict, what: string): void {
  const ev = v.evidence!;
  assert.ok(e.target === 'synthetic' || e.target === 'real', `${what}: states its class`);
  if (!ev || ev.kind !== 'tiles') {
    // A model without tiles (the tiny generated one) explains its one input.
    assert.deepEqual(e.analysed, [e.region], `${what}: one input, one analysed region`);
    return;
  }
  assert.ok(e.analysed.length >= 1 && e.analysed.length <= ev.scored, `${what}: ${e.analysed.length} tiles of ${ev.scored}`);
  for (const a of e.analysed) {
    assert.deepEqual([a.width, a.height], [ev.tileWidth, ev.tileHeight]);
    assert.equal((a.x - ev.x0) % ev.strideX, 0);
    assert.equal((a.y - ev.y0) % ev.strideY, 0);
    // A scored cell of the verdict's evidence map holds this tile.
    const col = Math.floor((a.x - ev.x0) / ev.strideX / ev.pool), row = Math.floor((a.y - ev.y0) / ev.strideY / ev.pool);
    assert.notEqual(ev.logits[row * ev.cols + col], null, `${what}: tile at ${a.x},${a.y} was read by the verdict`);
  }
  const x0 = Math.min(...e.analysed.map((a) => a.x)), y0 = Math.min(...e.analysed.map((a) => a.y));
  const x1 = Math.max(...e.analysed.map((a) => a.x + a.width)), y1 = Math.max(...e.analysed.map((a) => a.y + a.height));
  assert.deepEqual(e.region, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, `${what}: the map spans the analysed tiles`);
  assert.ok(Math.abs(e.mapWidth / e.mapHeight - e.region.width / e.region.height) < 0.05, `${what}: map aspect = region aspect`);
  if (e.analysed.length === ev.scored && ev.mode === 'sample') {
    assert.ok(Math.abs(e.probability - v.probability!) < 1e-5, `${what}: the explained tiles give the verdict's probability (${e.probability} vs ${v.probability})`);
  }
}

// Extension pages' API, evaluated in the page.
declare const chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };

test('explain and cancel-explain from an extension page', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const img: FeedImage = hasSharedData()
    ? (await sharedImages(1))[1]!
    : { route: '/x/0.png', bytes: await noiseImage(31337, 300, 240), contentType: 'image/png', source: 'noise', expect: 'verdict' };
  // A 600 × 400 image holds 4 × 3 tiles of 128 px: the explanation is stitched from several tiles.
  const wide: FeedImage = { route: '/x/wide.png', bytes: await noiseImage(4242, 600, 400), contentType: 'image/png', source: 'noise 600x400', expect: 'verdict' };
  const server = await startFeedServer([img, wide]);
  const model = await testModelDir();
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    const page = await l.browser.newPage();
    await page.goto(`chrome-extension://${l.extensionId}/options.html`);
    const verdictOf = async (u: string): Promise<Verdict> => {
      // The verdict (and its evidence: the tiles it read) for the same image.
      const v = await page.evaluate((x) => chrome.runtime.sendMessage({ type: 'classify', url: x, priority: 'normal', pageUrl: '' }), u) as { ok: boolean; value: Verdict };
      assert.equal(v.ok, true);
      return v.value;
    };
    for (const im of [img, wide]) {
      const u = server.origin + im.route;
      const v = await verdictOf(u);
      for (const method of ['gradcam', 'lime'] as const) {
        const t0 = Date.now();
        const r = await page.evaluate((x, m) => chrome.runtime.sendMessage({ type: 'explain', url: x, method: m, samples: 60, requestId: `r-${m}` }), u, method) as { ok: boolean; error?: { code: string; message: string }; value?: Wire };
        assert.equal(r.ok, true, `${method}: ${JSON.stringify(r.error)}`);
        const e = r.value!;
        assert.equal(e.map.length, e.mapWidth * e.mapHeight);
        assert.ok(e.map.every((x) => Number.isFinite(x) && x >= 0 && x <= 1), `${method} map values in [0, 1]`);
        assert.ok(e.empty || Math.max(...e.map) >= 0.999, `${method}: a non-empty map peaks at 1 (max ${Math.max(...e.map)})`);
        assert.ok(e.probability >= 0 && e.probability <= 1 && e.region.width > 0);
        t.diagnostic(`${im.source} ${method}: ${e.mapWidth}x${e.mapHeight} map over ${e.analysed.length} of ${v.evidence?.scored} tiles in ${Date.now() - t0} ms`);
        assertWholeImage(e, v, method);
        if (method === 'lime') {
          assert.equal(e.segments!.length, e.map.length);
          assert.equal(new Set(e.segments!.filter((l) => l >= 0)).size, e.weights!.length, 'every LIME feature lies in an analysed tile');
        }
        if (im === wide && method === 'gradcam' && v.evidence?.kind === 'tiles') assert.equal(e.analysed.length, v.evidence.scored, 'Grad-CAM explains every tile the verdict read');
      }
    }
    const url = server.origin + wide.route;
    const verdict = await verdictOf(url);
    // Both directions (asked for Unsure verdicts): two maps of one shape, normalised together.
    const both = await page.evaluate((u) => chrome.runtime.sendMessage({ type: 'explain', url: u, method: 'gradcam', both: true, requestId: 'r-both' }), url) as { ok: boolean; value?: Wire };
    assert.equal(both.ok, true);
    assertWholeImage(both.value!, verdict, 'gradcam both');
    assert.equal(both.value!.target, 'synthetic');
    assert.equal(both.value!.other!.length, both.value!.map.length);
    assert.ok(both.value!.map.every((v, i) => v === 0 || both.value!.other![i] === 0), 'Grad-CAM toward AI and toward real never overlap');
    assert.ok(both.value!.empty || Math.max(...both.value!.map, ...both.value!.other!) >= 0.999);
    const bad = await page.evaluate((u) => chrome.runtime.sendMessage({ type: 'explain', url: u, method: 'gradcam', both: 'yes', requestId: 'r-bad' }), url) as { ok: boolean; error?: { code: string; message: string } };
    assert.equal(bad.ok, false, 'a non-boolean "both" is refused');
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
