/**
 * Burst throughput of the extension's service worker (issue 13, item 11): 300 distinct images (200 × 150
 * smooth-noise PNGs, as a fast-scrolled feed asks for them) requested at once through the worker's own
 * `classifyUrl` (fetch → header check → decode → queue → model), timed from the first request to the last
 * verdict, with the batch sizes the queue formed. Used by `npm run bench` (`bench: 'burst'`).
 */
import { inWorker, type Launched } from '../e2e/helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from '../e2e/helpers/feed';

/** Images in the burst. */
export const BURST_IMAGES = 300;

/**
 * Runs the burst in a launched extension whose worker has a model loaded.
 * @returns one bench line: images, ok verdicts, ms, img/s, batches and the batch-size histogram
 */
export async function benchBurst(l: Launched, n = BURST_IMAGES): Promise<Record<string, unknown>> {
  const imgs: FeedImage[] = [];
  for (let i = 0; i < n; i++) imgs.push({ route: `/burst/${i}.png`, bytes: await noiseImage(70_000 + i, 200, 150), contentType: 'image/png', source: `burst ${i}`, expect: 'verdict' });
  const server = await startFeedServer(imgs);
  try {
    const urls = imgs.map((i) => server.origin + i.route);
    const r = await inWorker<{ ms: number; ok: number; batches: number; inferences: number; sizes: number[]; backend: string }>(l, `(async () => {
      const t = self.__synthscreenTest;
      t.clearCaches();
      const s0 = t.stats();
      const t0 = performance.now();
      const rs = await Promise.all(${JSON.stringify(urls)}.map((u) => t.classifyUrl(u)));
      const ms = performance.now() - t0;
      const s1 = t.stats();
      const sizes = s1.batchSizes.map((c, k) => (c ?? 0) - (s0.batchSizes[k] ?? 0));
      return { ms, ok: rs.filter((x) => x.ok).length, batches: s1.batches - s0.batches, inferences: s1.inferences - s0.inferences, sizes, backend: (await t.status()).backend };
    })()`, 900_000);
    const histogram = Object.fromEntries(r.sizes.map((c, k) => [k, c]).filter(([k, c]) => k && c));
    return {
      bench: 'burst', where: 'chromium extension service worker', backend: r.backend, images: n, ok: r.ok, ms: Math.round(r.ms),
      imgPerS: +((r.ok / r.ms) * 1000).toFixed(2), batches: r.batches, meanBatch: +(r.inferences / Math.max(1, r.batches)).toFixed(2), batchSizes: histogram,
    };
  } finally {
    await server.close();
  }
}
