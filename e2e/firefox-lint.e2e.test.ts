/**
 * `web-ext lint` on the Firefox build (dist/firefox) reports 0 errors. Runs offline (addons-linter is a
 * local package) in about 20 s; skips when the build is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/feed';

const dir = join(REPO_ROOT, 'dist', 'firefox');
const bin = join(REPO_ROOT, 'node_modules', '.bin', 'web-ext');
const skip = !existsSync(join(dir, 'manifest.json')) ? 'dist/firefox is missing: run `npm run build` first'
  : !existsSync(bin) ? 'web-ext is not installed (npm ci)' : undefined;

test('web-ext lint: 0 errors on dist/firefox', { skip, timeout: 180_000 }, (t) => {
  const r = spawnSync(bin, ['lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'], { encoding: 'utf8', cwd: REPO_ROOT });
  const json = r.stdout.slice(r.stdout.indexOf('{'));
  const out = JSON.parse(json) as { summary: { errors: number; warnings: number }; errors: Array<{ code: string; message: string; file?: string }>; warnings: Array<{ code: string; file?: string }> };
  t.diagnostic(`web-ext lint: ${out.summary.errors} errors, ${out.summary.warnings} warnings (${[...new Set(out.warnings.map((w) => w.code))].join(', ')})`);
  assert.equal(out.summary.errors, 0, out.errors.map((e) => `${e.code} ${e.file ?? ''}: ${e.message}`).join('\n'));
});
