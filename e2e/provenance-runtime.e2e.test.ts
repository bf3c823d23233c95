/**
 * The provenance reader runs where the extension runs: in Chromium's MV3 service worker and in Firefox's MV3
 * event page, from the built package (`npm run build`), with the c2pa wasm loaded lazily from
 * `wasm/c2pa_bg.wasm` under the manifest's `'wasm-unsafe-eval'` CSP. Each browser reads a C2PA-signed JPEG
 * (valid with the c2pa-rs test roots, untrusted with the bundled C2PA trust list), the same file altered after
 * signing (invalid), and an AUTOMATIC1111 PNG, and must report exactly what Node reports.
 * Firefox: the add-on's internal UUID is pinned through the `extensions.webextensions.uuids` pref so that a tab
 * can open its popup page and reach the event page with `runtime.getBackgroundPage()`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { inWorker, launchWithExtension } from './helpers/browser';
import { REPO_ROOT } from './helpers/feed';
import { EXT_DIR, skipReason } from './helpers/setup';
import { builtFixtures } from '../extension/shared/provenance/fixtures/build';

const FIX = join(REPO_ROOT, 'extension', 'shared', 'provenance', 'fixtures');
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const anchors = readFileSync(join(FIX, 'c2pa-test-roots.pem'), 'utf8');
const cases = [
  { name: 'C.jpg + test roots', bytes: b64(readFileSync(join(FIX, 'C.jpg'))), anchors, want: { kind: 'c2pa', claim: 'ai-generated', validation: 'valid', signer: 'C2PA Test Signing Cert' } },
  { name: 'C.jpg + bundled list', bytes: b64(readFileSync(join(FIX, 'C.jpg'))), anchors: undefined, want: { kind: 'c2pa', claim: 'ai-generated', validation: 'untrusted', signer: 'C2PA Test Signing Cert' } },
  { name: 'XCA.jpg + test roots', bytes: b64(readFileSync(join(FIX, 'XCA.jpg'))), anchors, want: { kind: 'c2pa', claim: 'unknown', validation: 'invalid', signer: 'C2PA Test Signing Cert' } },
  { name: 'a1111.png', bytes: b64(builtFixtures().find((f) => f.name === 'built/a1111.png')!.bytes), anchors: undefined, want: { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', signer: undefined } },
];
const pick = (r: Record<string, unknown>) => ({ kind: r.kind, claim: r.claim, validation: r.validation, signer: r.signer });

test('Chromium service worker: readProvenance verifies C2PA with the packaged wasm', { skip: skipReason(), timeout: 180_000 }, async () => {
  const l = await launchWithExtension(EXT_DIR);
  try {
    for (const c of cases) {
      const r = await inWorker<Record<string, unknown>>(l, `self.__synthscreenTest.readProvenanceBase64(${JSON.stringify(c.bytes)}, ${JSON.stringify(c.anchors ?? null) === 'null' ? 'undefined' : JSON.stringify(c.anchors)})`, 120_000);
      assert.deepEqual(pick(r), c.want, c.name);
    }
  } finally {
    await l.close();
  }
});

const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
const FF_DIR = join(REPO_ROOT, 'dist', 'test', 'firefox');
const ffSkip = !FIREFOX ? 'no Firefox found (apt-get install -y firefox-esr, or set FIREFOX_PATH); Firefox provenance check skipped'
  : !existsSync(join(FF_DIR, 'manifest.json')) ? 'dist/test/firefox is missing: run `npm run build` first' : undefined;
const FF_UUID = '5f0c6a0e-2b64-4d7a-9b51-7c2d3e4f5a61';

test('Firefox event page: readProvenance verifies C2PA with the packaged wasm', { skip: ffSkip, timeout: 240_000 }, async () => {
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true,
    args: ['-remote-allow-system-access'], // lets BiDi navigate a tab to moz-extension:// pages
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ 'synthscreen@synthscreen.invalid': FF_UUID }) },
  });
  try {
    await browser.installExtension(FF_DIR);
    const page = await browser.newPage();
    // BiDi does not report the load of moz-extension documents: short goto, then poll the document.
    const url = `moz-extension://${FF_UUID}/popup.html`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 3_000 }).catch(() => undefined);
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      const seen = await page.evaluate(() => `${location.href} ${document.readyState}`).catch(() => '');
      if (seen === `${url} complete`) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const c of cases) {
      const r = (await page.evaluate(async (bytes: string, a: string | null) => {
        const ext = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Record<string, unknown>> } } }).browser;
        const bg = await ext.runtime.getBackgroundPage();
        const api = bg.__synthscreenTest as { readProvenanceBase64(b: string, a?: string): Promise<unknown> };
        return JSON.parse(JSON.stringify(await api.readProvenanceBase64(bytes, a ?? undefined)));
      }, c.bytes, c.anchors ?? null)) as Record<string, unknown>;
      assert.deepEqual(pick(r), c.want, c.name);
    }
  } finally {
    await browser.close();
  }
});
