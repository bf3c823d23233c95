#!/usr/bin/env node
// Runs the project's tests with node's built-in test runner (its summary is what CI reads).
// Unit tests: `**/*.test.ts` outside e2e/; e2e tests: `e2e/**/*.test.ts` (they need `npm run build` first).
// Flags: --unit, --e2e (default both); any other argument is a substring filter on file paths.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const wantUnit = args.includes('--unit') || !args.includes('--e2e');
const wantE2e = args.includes('--e2e') || !args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));
const SKIP = new Set(['node_modules', 'dist', '.git', 'out', '.cache']);

function walk(dir, acc) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (name.endsWith('.test.ts')) acc.push(relative(root, p));
  }
  return acc;
}

const all = walk(root, []).sort();
const files = all.filter((f) => {
  const isE2e = f.startsWith('e2e/');
  if (isE2e ? !wantE2e : !wantUnit) return false;
  return filters.length === 0 || filters.some((s) => f.includes(s));
});
// Unit tests first, e2e last.
files.sort((a, b) => Number(a.startsWith('e2e/')) - Number(b.startsWith('e2e/')) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-old-space-size=8192'].filter(Boolean).join(' ') },
});
process.exit(r.status ?? 1);
