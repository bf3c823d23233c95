/**
 * `npx tsx training/cli/provenance.ts <file…>` — prints the provenance of each image (one JSON line each).
 * `npx tsx training/cli/provenance.ts --table` — prints the Markdown fixture table of `docs/provenance.md`:
 * every file listed in `extension/shared/provenance/fixtures/fixtures.json` plus the built fixtures of
 * `extension/shared/provenance/fixtures/build.ts`, with what `readProvenance` reports for each.
 * Options: `--trust-anchors <pem>` replaces the bundled C2PA trust list (the table uses the list each fixture
 * names).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { readProvenance, type ProvenanceResult } from '../../extension/shared/provenance/index';
import { configureProvenanceForNode } from '../../extension/shared/provenance/node';
import { allFixtures, fixtureTrustAnchors } from '../../extension/shared/provenance/fixtures/catalogue';

/** One row of the fixture table: the fixture and what the module reports for it. */
export interface TableRow { name: string; kindOfFile: string; source: string; result: ProvenanceResult }

/** Reads every fixture (committed and built) and returns the table rows in catalogue order. */
export async function fixtureRows(): Promise<TableRow[]> {
  configureProvenanceForNode();
  const rows: TableRow[] = [];
  for (const f of await allFixtures()) {
    const result = await readProvenance(f.bytes, { trustAnchors: fixtureTrustAnchors(f.trust) });
    rows.push({ name: f.name, kindOfFile: f.kindOfFile, source: f.source, result });
  }
  return rows;
}

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown table for `rows` (the committed `docs/provenance.md` section is compared to this by a test). */
export function markdownTable(rows: TableRow[]): string {
  const head = '| File | What it is | Source | kind | claim | validation | signer | generator | model | status |\n|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => `| \`${cell(r.name)}\` | ${cell(r.kindOfFile)} | ${cell(r.source)} | ${r.result.kind} | ${r.result.claim} | ${r.result.validation} | ${cell(r.result.signer)} | ${cell(r.result.generator)} | ${cell(r.result.model)} | ${r.result.status} |`);
  return [head, ...lines].join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { table: { type: 'boolean', default: false }, 'trust-anchors': { type: 'string' } } });
  if (values.table) {
    process.stdout.write(markdownTable(await fixtureRows()));
    return;
  }
  if (positionals.length === 0) {
    console.error('usage: npx tsx training/cli/provenance.ts [--trust-anchors <pem>] <image…> | --table');
    process.exit(2);
  }
  configureProvenanceForNode();
  const trustAnchors = values['trust-anchors'] ? readFileSync(values['trust-anchors'], 'utf8') : undefined;
  for (const p of positionals) {
    const t0 = performance.now();
    const r = await readProvenance(new Uint8Array(readFileSync(p)), { trustAnchors });
    console.log(JSON.stringify({ file: p, ms: +(performance.now() - t0).toFixed(1), ...r }));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
