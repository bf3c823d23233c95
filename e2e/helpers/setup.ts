/**
 * Shared e2e setup: finds Chromium and the built extension, picks the model (the packaged default when
 * `dist/test/chromium/model/` exists, else a tiny generated one injected through `storage.local`), and says
 * clearly why a test skips.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, inWorker, type Launched } from './browser';
import { REPO_ROOT } from './feed';
import { hasModel, modelOverride, writeTinyModel } from './tiny-model';

/**
 * The test build (`npm run build` writes it next to the release build): the release package with a
 * service worker that keeps the test hooks (`__synthscreenTest`, storage test flags; background/build-flags.ts).
 */
export const EXT_DIR = join(REPO_ROOT, 'dist', 'test', 'chromium');
/** The release build (no test hooks), as users install it. */
export const RELEASE_EXT_DIR = join(REPO_ROOT, 'dist', 'chromium');
export const PACKAGED_MODEL_DIR = join(EXT_DIR, 'model');

/** Why the e2e tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!findChromium()) return 'no Chromium found (set CHROMIUM_PATH or install Debian\'s chromium); e2e skipped';
  if (!existsSync(join(EXT_DIR, 'manifest.json'))) return 'dist/test/chromium is missing: run `npm run build` first; e2e skipped';
  return undefined;
}

/**
 * The model the tests run: `{ dir, packaged: true }` for the shipped model, else a tiny model written
 * to a temp dir (`packaged: false`).
 */
export async function testModelDir(): Promise<{ dir: string; packaged: boolean }> {
  if (hasModel(PACKAGED_MODEL_DIR)) return { dir: PACKAGED_MODEL_DIR, packaged: true };
  const { initTf } = await import('../../training/node/backend');
  const { tf } = await initTf({ want: 'inference', quiet: true, forcePure: true });
  const dir = mkdtempSync(join(tmpdir(), 'synthscreen-tiny-model-'));
  await writeTinyModel(tf, dir);
  return { dir, packaged: false };
}

/**
 * Makes the worker use `dir` (only needed for a non-packaged model) and sets test flags; reloads the model.
 * @returns the background status after the reload
 */
export async function prepareWorker(l: Launched, model: { dir: string; packaged: boolean }, flags: Record<string, unknown> = {}): Promise<{ backend: string; model: string }> {
  const override = model.packaged ? null : modelOverride(model.dir);
  const payload = JSON.stringify({ override, flags });
  return inWorker(l, `(async () => {
    const { override, flags } = ${payload};
    if (override) await chrome.storage.local.set({ testModelOverride: override });
    await chrome.storage.local.set(flags);
    return self.__synthscreenTest.reload(undefined, false);
  })()`, 120_000);
}
