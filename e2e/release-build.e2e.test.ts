/**
 * Issue 13, item 4 ("test-only switches honoured by the release worker"): the release build
 * (`dist/chromium`, `dist/firefox`, what users install) contains none of the test hooks, so nothing
 * written to `storage.local` from a compromised content-script world (`testModelOverride`,
 * `testFetchTimeoutMs`, ...) can replace or disable the detector, and the worker exposes no
 * `__synthscreenTest`. The test build (`dist/test/`, e2e and bench) keeps them: checked too, so the grep
 * cannot pass by looking at the wrong file. Needs `npm run build`; skips with a message otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/feed';

/** Every storage key and global name that only tests may use. */
export const TEST_HOOK_NAMES = [
  '__synthscreenTest', 'testModelOverride', 'testFetchTimeoutMs', 'testAllowFallbackWebGPU', 'testAllowSoftwareWebGL',
  'testGrantedOrigins', 'grantForTests', 'testSelfTestOffset', 'testClientTimeoutMs',
] as const;

const dist = join(REPO_ROOT, 'dist');
const skip = !existsSync(join(dist, 'chromium', 'sw.js')) ? 'dist/chromium is missing: run `npm run build` first' : undefined;

test('item 4: test hooks are compiled out of the release build (dist/chromium, dist/firefox) and kept in dist/test', { skip }, () => {
  for (const browser of ['chromium', 'firefox']) {
    for (const f of ['sw.js', 'content.js', 'popup.js', 'options.js', 'explain.js', 'welcome.js']) {
      const src = readFileSync(join(dist, browser, f), 'utf8');
      const found = TEST_HOOK_NAMES.filter((n) => src.includes(n));
      assert.deepEqual(found, [], `${browser}/${f} contains test hooks`);
    }
  }
  assert.ok(existsSync(join(dist, 'test', 'chromium', 'sw.js')), '`npm run build` also writes the test build dist/test/chromium');
  const testJs = ['sw.js', 'content.js'].map((f) => readFileSync(join(dist, 'test', 'chromium', f), 'utf8')).join('\n');
  assert.deepEqual(TEST_HOOK_NAMES.filter((n) => !testJs.includes(n)), [], 'the test build lacks hooks the e2e tests need');
  // Same package otherwise: the pages and the manifest are the release files.
  for (const f of ['popup.js', 'options.js', 'manifest.json']) {
    assert.equal(readFileSync(join(dist, 'test', 'chromium', f), 'utf8'), readFileSync(join(dist, 'chromium', f), 'utf8'), f);
  }
});
