/**
 * Issue 13, item 3 ("a backend that fails at run time disables detection"): the review wrapped the active
 * backend's convolution kernels so that they throw and got 5/5 *Detector unavailable*, status still
 * *ready*, no retry. Here the same fault is injected into the running service worker (every
 * `<backend>_*Conv2D*` kernel of the active backend throws); every image of a 5-image page must still get
 * a verdict, computed on the next backend of the chain, and `get-status` and the popup must show the switch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { noiseImage, startFeedServer, type FeedImage } from './helpers/feed';
import { waitForAllBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';

test('item 3: a backend whose conv kernels throw at run time is replaced by the next one; every image gets a verdict', { skip: skipReason(), timeout: 300_000 }, async () => {
  const imgs: FeedImage[] = [];
  for (let i = 0; i < 5; i++) imgs.push({ route: `/f/${i}.png`, bytes: await noiseImage(5150 + i, 200, 150), contentType: 'image/png', source: `noise ${i}`, expect: 'verdict' });
  const server = await startFeedServer(imgs);
  server.setPage('/page', `<!doctype html><html><body>${imgs.map((i) => `<img src="${i.route}" width="200" height="150">`).join('')}</body></html>`);
  const l = await launchWithExtension(EXT_DIR);
  try {
    const st = await prepareWorker(l, await testModelDir());
    const broken = st.backend;
    // Break every convolution kernel of the active backend (what a lost GPU device or a bad driver does).
    const wrapped = await inWorker<number>(l, `(() => {
      const reg = self._tfGlobals.get('kernelRegistry');
      let n = 0;
      for (const [key, k] of reg) {
        if (key.startsWith(${JSON.stringify(broken + '_')}) && /conv2d/i.test(k.kernelName)) {
          k.kernelFunc = () => { throw new Error('injected kernel fault (' + k.kernelName + ')'); };
          n++;
        }
      }
      return n;
    })()`);
    assert.ok(wrapped > 0, `no ${broken} conv kernel found to break`);
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/page`, { waitUntil: 'load' });
    const { badges } = await waitForAllBadges(page, 180_000);
    assert.equal(badges.length, 5);
    assert.deepEqual(badges.map((b) => b.state), new Array(5).fill('done'), JSON.stringify(badges.map((b) => b.error)));
    const status = await inWorker<{ backend: string; backendFailures: Array<{ backend: string; stage: string }> }>(l, 'self.__synthscreenTest.status()');
    assert.notEqual(status.backend, broken, 'a different backend is active');
    assert.equal(status.backendFailures[0]?.backend, broken);
    assert.equal(status.backendFailures[0]?.stage, 'inference');
    const pop = await l.browser.newPage();
    await pop.goto(`chrome-extension://${l.extensionId}/popup.html`, { waitUntil: 'load' });
    const text = await pop.waitForSelector('#backend-switch', { timeout: 10_000 }).then((h) => h!.evaluate((e) => e.textContent ?? ''));
    // The popup names backends in plain words (extension/popup/index.tsx BACKEND_WORDS).
    const words: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'Plain JavaScript' };
    assert.match(text, new RegExp(`Switched away from ${words[broken] ?? broken}`));
    assert.match(await pop.$eval('#backend', (e) => e.textContent ?? ''), new RegExp(`Runs on: ${words[status.backend] ?? status.backend}`));
  } finally {
    await l.close();
    await server.close();
  }
});

test('item 3: start-up numerical self-test — the active backend reproduces the stored logit; a mismatch marks it bad', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const model = await testModelDir();
  if (!model.packaged) { t.skip('no packaged model: the self-test record belongs to models/default'); return; }
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    const st = await inWorker<{ backend: string; selfTest: { result: string; logit: number; expected: number } }>(l, 'self.__synthscreenTest.status()');
    assert.equal(st.selfTest.result, 'passed', `${JSON.stringify(st.selfTest)} (stale: the model changed; run npm run model:self-test)`);
    assert.ok(Math.abs(st.selfTest.logit - st.selfTest.expected) < 1e-3, `|Δlogit| ${Math.abs(st.selfTest.logit - st.selfTest.expected)} on ${st.backend}`);
    // A backend whose numbers are off (simulated by shifting the expected logit) is refused at start-up.
    const broken = st.backend;
    await inWorker(l, `chrome.storage.local.set({ testSelfTestOffset: 1 })`);
    await inWorker(l, `self.__synthscreenTest.reload(undefined, false).catch((e) => String(e))`, 300_000);
    const after = await inWorker<{ ready: boolean; backendFailures: Array<{ backend: string; stage: string }> }>(l, 'self.__synthscreenTest.status()');
    assert.ok(after.backendFailures.some((f) => f.backend === broken && f.stage === 'self-test'), JSON.stringify(after.backendFailures));
    await inWorker(l, `chrome.storage.local.remove('testSelfTestOffset')`);
    await inWorker(l, `self.__synthscreenTest.reload(undefined, false)`, 300_000);
    const back = await inWorker<{ ready: boolean; selfTest: { result: string } }>(l, 'self.__synthscreenTest.status()');
    assert.equal(back.selfTest.result, 'passed');
  } finally {
    await l.close();
  }
});
