import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureRows, markdownTable } from './provenance';
import { REPO_ROOT } from '../node/paths';

test('docs/provenance.md fixture table is what the module reports (npx tsx training/cli/provenance.ts --table)', async () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'provenance.md'), 'utf8');
  const m = /<!-- fixture-table:start -->\n([\s\S]*?)<!-- fixture-table:end -->/.exec(doc);
  assert.ok(m, 'the fixture table markers are in docs/provenance.md');
  const rows = await fixtureRows();
  assert.equal(m[1], markdownTable(rows));
  // The acceptance floor: at least 20 files of at least 8 kinds of evidence/format.
  assert.ok(rows.length >= 20, `${rows.length} rows`);
  const kinds = new Set(rows.map((r) => `${r.result.kind}/${r.result.claim}/${r.result.validation}`));
  assert.ok(kinds.size >= 8, [...kinds].join(', '));
});
