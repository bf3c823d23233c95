/**
 * House rule: runtime code (`background/`, `content/`, `extension/`) never imports from `training/`.
 * Scans every TypeScript/JavaScript file under those folders (tests and Node-only helpers included, so the
 * folders stay shippable as a whole) for static imports, re-exports, dynamic `import()` and `require()`
 * whose specifier resolves into `training/`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNTIME_DIRS = ['background', 'content', 'extension'];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;

function walk(dir: string, acc: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (SOURCE.test(name)) acc.push(p);
  }
  return acc;
}

/**
 * Module specifiers in `text`: `import … from 'x'`, `import 'x'`, `export … from 'x'`, `import('x')`,
 * `require('x')`. Comments are not stripped: a specifier-shaped string in a comment counts too (strict).
 */
export function moduleSpecifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Whether the relative specifier `spec` written in `file` points into `<root>/training/`. */
function intoTraining(file: string, spec: string): boolean {
  if (!spec.startsWith('.')) return /^training\//.test(spec);
  const target = resolve(dirname(file), spec);
  return target === join(ROOT, 'training') || target.startsWith(join(ROOT, 'training') + sep);
}

test('moduleSpecifiers finds static, dynamic and require imports', () => {
  const text = `import a from '../x';\nimport { b } from "../../training/y";\nexport * from './z';\nimport './side';\nconst m = await import('../training/k');\nconst r = require("fs");`;
  assert.deepEqual(moduleSpecifiers(text).sort(), ['../../training/y', '../training/k', '../x', './side', './z', 'fs'].sort());
});

test('no file under background/, content/, extension/ imports from training/', () => {
  const offenders: string[] = [];
  let scanned = 0;
  for (const d of RUNTIME_DIRS) {
    for (const file of walk(join(ROOT, d))) {
      scanned++;
      for (const spec of moduleSpecifiers(readFileSync(file, 'utf8'))) {
        if (intoTraining(file, spec)) offenders.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  assert.ok(scanned > 50, `only ${scanned} files scanned: wrong root?`);
  assert.deepEqual(offenders, []);
});
