/**
 * Provenance next to the pixel verdict in evaluation (`npm run evaluate`, `npm run explain`): reads each
 * image file's provenance with the extension's own reader (`extension/shared/provenance`) and summarises,
 * per true label, what evidence the files carry. The pixel metrics of a report are untouched; the product's
 * fused verdict is added once the fusion rules (`extension/shared/provenance/fusion.ts`) exist.
 */
import { readFile } from 'node:fs/promises';
import { readProvenance, type ProvenanceResult } from '../../extension/shared/provenance/index';
import { configureProvenanceForNode } from '../../extension/shared/provenance/node';

/** What a report keeps of one image's provenance (the raw fields are left out to keep reports small). */
export type ProvenanceSummary = Pick<ProvenanceResult, 'kind' | 'claim' | 'validation' | 'status'> & Partial<Pick<ProvenanceResult, 'signer' | 'generator' | 'model' | 'softwareAgent' | 'unverifiedReason'>>;

/** The report's `provenance` section: counts per true label. */
export interface ProvenanceReport {
  /** Images whose provenance was read. */
  n: number;
  /** `kind/claim/validation` → count, per true label. */
  by_label: Record<'real' | 'synthetic', Record<string, number>>;
  /** Images whose evidence claims AI generation or AI editing (any validation except `invalid`), per true label. */
  ai_evidence: Record<'real' | 'synthetic', number>;
  /** Of those, signed and `valid` (C2PA, signer on the trust list). */
  ai_evidence_valid: Record<'real' | 'synthetic', number>;
  /** Images whose evidence claims a camera capture (any validation except `invalid`), per true label. */
  camera_evidence: Record<'real' | 'synthetic', number>;
  /** Images with a C2PA manifest that failed validation, per true label. */
  c2pa_invalid: Record<'real' | 'synthetic', number>;
}

/** Reads one file's provenance (never throws; an unreadable file gives `status: 'error'`). */
export async function provenanceOfFile(path: string): Promise<ProvenanceSummary> {
  configureProvenanceForNode();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    return { kind: 'none', claim: 'unknown', validation: 'unsigned', status: 'error', unverifiedReason: `file not readable: ${(e as Error).message}` };
  }
  return summarise(await readProvenance(bytes));
}

/** The summary fields of a result (defined ones only). */
export function summarise(r: ProvenanceResult): ProvenanceSummary {
  const s: ProvenanceSummary = { kind: r.kind, claim: r.claim, validation: r.validation, status: r.status };
  for (const k of ['signer', 'generator', 'model', 'softwareAgent', 'unverifiedReason'] as const) if (r[k] !== undefined) s[k] = r[k];
  return s;
}

/**
 * Counts the evidence of labelled images.
 * @param items images with their true label and provenance
 */
export function provenanceReport(items: Array<{ label: 'real' | 'synthetic'; provenance?: ProvenanceSummary }>): ProvenanceReport {
  const zero = () => ({ real: 0, synthetic: 0 });
  const r: ProvenanceReport = { n: 0, by_label: { real: {}, synthetic: {} }, ai_evidence: zero(), ai_evidence_valid: zero(), camera_evidence: zero(), c2pa_invalid: zero() };
  for (const it of items) {
    const p = it.provenance;
    if (!p) continue;
    r.n++;
    const key = `${p.kind}/${p.claim}/${p.validation}`;
    r.by_label[it.label][key] = (r.by_label[it.label][key] ?? 0) + 1;
    if (p.validation === 'invalid') { if (p.kind === 'c2pa') r.c2pa_invalid[it.label]++; continue; }
    if (p.claim === 'ai-generated' || p.claim === 'ai-edited') {
      r.ai_evidence[it.label]++;
      if (p.validation === 'valid') r.ai_evidence_valid[it.label]++;
    }
    if (p.claim === 'camera-capture') r.camera_evidence[it.label]++;
  }
  return r;
}

/** One line per label for the terminal. */
export function provenanceTable(r: ProvenanceReport): string {
  const line = (l: 'real' | 'synthetic') => `  ${l.padEnd(9)} AI evidence ${r.ai_evidence[l]} (signed valid ${r.ai_evidence_valid[l]}), camera evidence ${r.camera_evidence[l]}, C2PA invalid ${r.c2pa_invalid[l]}`;
  return `provenance (${r.n} files read):\n${line('real')}\n${line('synthetic')}`;
}
