/**
 * Provenance next to the pixel verdict in evaluation (`npm run evaluate`, `npm run explain`): reads each
 * image file's provenance with the extension's own reader (`extension/shared/provenance`) and summarises,
 * per true label, what evidence the files carry, and what the product shows once provenance and pixels are
 * fused (`fuseVerdict`, `extension/shared/provenance/fusion.ts`). The pixel metrics of a report are untouched:
 * the detector and the product are measured side by side.
 */
import { readFile } from 'node:fs/promises';
import { readProvenance, type ProvenanceResult } from '../../extension/shared/provenance/index';
import { configureProvenanceForNode } from '../../extension/shared/provenance/node';
import { fuseVerdict, type FusedBasis, type FusedLabel } from '../../extension/shared/provenance/fusion';
import { verdictFor } from '../../extension/shared/verdict';

/** What a report keeps of one image's provenance (the raw fields are left out to keep reports small). */
export type ProvenanceSummary = Pick<ProvenanceResult, 'kind' | 'claim' | 'validation' | 'status'> & Partial<Pick<ProvenanceResult, 'signer' | 'generator' | 'model' | 'softwareAgent' | 'unverifiedReason' | 'actions' | 'message'>>;

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
  for (const k of ['signer', 'generator', 'model', 'softwareAgent', 'unverifiedReason', 'message'] as const) if (r[k] !== undefined) s[k] = r[k];
  if (r.actions?.length) s.actions = r.actions.slice(0, 16);
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

/** The product's verdict for one image: `fuseVerdict` of the pixel verdict (under `threshold` / `band`) and the provenance. */
export function fusedOf(probability: number, provenance: ProvenanceSummary | undefined, threshold: number, band: number): { label: FusedLabel; basis: FusedBasis } {
  const f = fuseVerdict({ probability, label: verdictFor(probability, threshold, band) }, provenance ? { ...provenance, fields: {} } : undefined);
  return { label: f.label, basis: f.basis };
}

/** The fused label as the three-way call a user reads: AI (signed, metadata or pixels), real (signed camera or pixels), unsure. */
export function fusedCall(label: FusedLabel): 'synthetic' | 'real' | 'unsure' {
  if (label === 'ai-generated' || label === 'ai-generated-metadata' || label === 'synthetic') return 'synthetic';
  if (label === 'camera-original' || label === 'real') return 'real';
  return 'unsure';
}

/** The report's `product` section: the fused verdict's error rates next to the pixel detector's (`unsure`). */
export interface ProductReport {
  threshold: number;
  band: number;
  /** Fraction of images the product leaves unsure. */
  unsure_rate: number;
  /** Accuracy over images with a decided call (undefined when none). */
  decided_accuracy?: number;
  /** Among real images: fraction the product calls AI-generated. */
  fpr: number | null;
  /** Among synthetic images: fraction the product calls real. */
  fnr: number | null;
  /** Images decided by provenance, per true label. */
  decided_by_provenance: Record<'real' | 'synthetic', number>;
  /** Among synthetic images with a valid signed AI claim: fraction called AI-generated (null when none). */
  valid_ai_claim_recall: number | null;
  /** `fused label` → count, per true label. */
  by_label: Record<'real' | 'synthetic', Record<string, number>>;
}

/**
 * Summarises the product's fused verdicts.
 * @param items images with their true label, calibrated pixel probability in [0, 1] and provenance
 * @param threshold decision threshold, band unsure band width (both in [0, 1], as `verdictFor`)
 */
export function productReport(items: Array<{ label: 'real' | 'synthetic'; probability: number; provenance?: ProvenanceSummary }>, threshold: number, band: number): ProductReport {
  let unsure = 0, decided = 0, correct = 0, nReal = 0, nSyn = 0, fp = 0, fn = 0, validAi = 0, validAiHit = 0;
  const byProv = { real: 0, synthetic: 0 };
  const byLabel: ProductReport['by_label'] = { real: {}, synthetic: {} };
  for (const it of items) {
    const f = fusedOf(it.probability, it.provenance, threshold, band);
    const call = fusedCall(f.label);
    byLabel[it.label][f.label] = (byLabel[it.label][f.label] ?? 0) + 1;
    if (f.basis === 'provenance') byProv[it.label]++;
    if (it.label === 'real') { nReal++; if (call === 'synthetic') fp++; } else { nSyn++; if (call === 'real') fn++; }
    const p = it.provenance;
    if (it.label === 'synthetic' && p?.kind === 'c2pa' && p.validation === 'valid' && (p.claim === 'ai-generated' || p.claim === 'ai-edited')) { validAi++; if (call === 'synthetic') validAiHit++; }
    if (call === 'unsure') { unsure++; continue; }
    decided++;
    if (call === it.label) correct++;
  }
  return {
    threshold, band, unsure_rate: items.length ? unsure / items.length : 0,
    ...(decided > 0 ? { decided_accuracy: correct / decided } : {}),
    fpr: nReal ? fp / nReal : null, fnr: nSyn ? fn / nSyn : null,
    decided_by_provenance: byProv, valid_ai_claim_recall: validAi ? validAiHit / validAi : null, by_label: byLabel,
  };
}
