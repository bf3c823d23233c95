/**
 * The provenance reader: evidence about how an image was made, read from its own bytes on the device
 * (C2PA manifests, IPTC/XMP digital source type and credit lines, generator metadata, camera EXIF). Shared by
 * the service worker / event page, the extension pages and the Node CLI; the contract is `./types.ts`.
 *
 * Usage (worker, once at start-up; the wasm is only fetched when a file carries a C2PA manifest):
 * ```ts
 * import { configureProvenance, readProvenance } from '../extension/shared/provenance';
 * configureProvenance({ c2paWasm: browser.runtime.getURL('wasm/c2pa_bg.wasm') });
 * const p = await readProvenance(bytes); // never throws
 * ```
 * In Node: `configureProvenanceForNode()` from `./node.ts` (reads the wasm from node_modules).
 *
 * Order of evidence (first that applies gives `kind`): a C2PA manifest (verified: `valid` / `untrusted` /
 * `invalid`) → IPTC `DigitalSourceType` in XMP → generator metadata (`./generators.ts`) → an AI credit line
 * ("Made with Google AI") → camera EXIF (Make/Model) → `none`. The raw fields of every carrier that was read
 * are in `fields` whatever the kind.
 */
import { scanContainer, mimeOf } from './container';
import { ParseBudget, type ProvenanceLimits } from './limits';
import { readMetadata, type MetadataFacts } from './metadata';
import { detectGenerator, type GeneratorFinding } from './generators';
import { configureC2pa, verifyC2pa, type C2paFinding, type C2paWasmSource } from './c2pa';
import { NO_PROVENANCE, type ProvenanceClaim, type ProvenanceResult } from './types';

export type { ProvenanceResult } from './types';
export { NO_PROVENANCE } from './types';
export type { ProvenanceLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';

/** Options of one read. */
export interface ReadProvenanceOptions {
  /** Parsing bounds (defaults: `DEFAULT_LIMITS`). */
  limits?: Partial<ProvenanceLimits>;
  /** Verify C2PA manifests with the wasm verifier (default true). False: a manifest is reported present, not verified. */
  verifyC2pa?: boolean;
  /** PEM bundle of C2PA trust anchors for this read (default: the configured ones, i.e. the bundled C2PA trust list). */
  trustAnchors?: string;
}

/**
 * Configures the reader once per process.
 * @param c.c2paWasm where the c2pa wasm binary is: a URL (fetched lazily, e.g. `browser.runtime.getURL('wasm/c2pa_bg.wasm')`),
 *   its bytes, a compiled `WebAssembly.Module`, or a function returning bytes/module. Without it C2PA manifests are
 *   reported present but not verified.
 * @param c.trustAnchors PEM bundle replacing the bundled C2PA trust list (tests, enterprise policies).
 */
export function configureProvenance(c: { c2paWasm?: C2paWasmSource; trustAnchors?: string }): void {
  configureC2pa({ wasm: c.c2paWasm, trustAnchors: c.trustAnchors });
}

/** NewsCodes digital source types (last path segment) → claim. */
const SOURCE_TYPE_CLAIM: Record<string, ProvenanceClaim> = {
  trainedAlgorithmicMedia: 'ai-generated',
  algorithmicMedia: 'ai-generated',
  compositeWithTrainedAlgorithmicMedia: 'ai-edited',
  compositeSynthetic: 'ai-edited',
  digitalCapture: 'camera-capture',
  computationalCapture: 'camera-capture',
  negativeFilm: 'camera-capture',
  positiveFilm: 'camera-capture',
  print: 'camera-capture',
  compositeCapture: 'camera-capture',
};

/** Credit lines that state AI generation / AI editing (Google "Made with Google AI", Meta "Imagined with AI", …). */
const CREDIT_AI: Array<[RegExp, ProvenanceClaim]> = [
  [/\bedited with (google )?ai\b/i, 'ai-edited'],
  [/\b(made|created|generated|imagined) (with|by) (google |meta )?ai\b|\bai[- ]generated\b/i, 'ai-generated'],
];

const lastSegment = (u: string) => u.replace(/\/+$/, '').split('/').pop() ?? u;
const MAX_FIELDS = 64;

function cameraName(make?: string, model?: string): string | undefined {
  if (!make && !model) return undefined;
  if (!make) return model;
  if (!model) return make;
  const brand = make.split(/\s+/)[0]!.toLowerCase();
  return model.toLowerCase().startsWith(brand) ? model : `${make} ${model}`;
}

function mergeFields(...parts: Array<Record<string, string> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const p of parts) for (const [k, v] of Object.entries(p ?? {})) {
    if (n >= MAX_FIELDS) return out;
    if (!(k in out)) { out[k] = v.slice(0, 2000); n++; }
  }
  return out;
}

/**
 * Reads the provenance evidence in an image file.
 * @param bytes the encoded file (JPEG, PNG, WebP, AVIF, HEIF; other formats give `kind: 'none'`)
 * @param opts bounds, C2PA verification switch, trust anchors
 * @returns a `ProvenanceResult`; never throws: parsing problems give `status: 'error'`, a bound hit `'limited'`
 */
export async function readProvenance(bytes: Uint8Array, opts: ReadProvenanceOptions = {}): Promise<ProvenanceResult> {
  try {
    return await read(bytes, opts);
  } catch (e) {
    return { ...NO_PROVENANCE, fields: {}, status: 'error', message: `provenance reader failed: ${String((e as Error)?.message ?? e).slice(0, 300)}` };
  }
}

async function read(bytes: Uint8Array, opts: ReadProvenanceOptions): Promise<ProvenanceResult> {
  const budget = new ParseBudget(opts.limits);
  const scan = await scanContainer(bytes, budget);
  const facts: MetadataFacts = await readMetadata(scan, budget);
  const gen: GeneratorFinding | undefined = detectGenerator(scan.texts, facts);
  let c2pa: C2paFinding | undefined;
  const mime = mimeOf(scan.format);
  if (scan.c2pa && mime) {
    if (opts.verifyC2pa === false) {
      c2pa = { verified: false, reason: 'C2PA verification switched off for this read', validation: 'unsigned', claim: 'unknown', actions: [], failures: [], fields: { 'C2PA manifest': 'present, not verified (switched off)' } };
    } else if (bytes.length > budget.limits.maxBytes) {
      c2pa = { verified: false, reason: `file larger than ${budget.limits.maxBytes} bytes`, validation: 'unsigned', claim: 'unknown', actions: [], failures: [], fields: { 'C2PA manifest': 'present, not verified (file too large)' } };
    } else {
      c2pa = await verifyC2pa(bytes, mime, opts.trustAnchors);
    }
  }

  // A manifest referenced by URL (XMP dcterms:provenance) and not embedded: never fetched (no network).
  const remote = facts.fields['XMP dcterms:provenance'];
  if (!c2pa && remote && /^https?:\/\//i.test(remote)) {
    c2pa = { verified: false, reason: `the manifest is stored remotely (${remote.slice(0, 200)}) and is not fetched (no network)`, validation: 'unsigned', claim: 'unknown', actions: [], failures: [], fields: { 'C2PA manifest': 'remote, not fetched' } };
  }

  const problems = [...scan.problems, ...facts.problems];
  const status: ProvenanceResult['status'] = budget.limited.length ? 'limited' : problems.length ? 'error' : 'ok';
  const notes = [...budget.limited.map((l) => `limited: ${l}`), ...problems];
  const softwareAgent = facts.creatorTool ?? facts.software;
  const dst = facts.digitalSourceType ? lastSegment(facts.digitalSourceType) : undefined;
  const dstClaim = dst ? SOURCE_TYPE_CLAIM[dst] : undefined;
  const creditClaim = facts.credit ? CREDIT_AI.find(([re]) => re.test(facts.credit!))?.[1] : undefined;
  const unsignedFields = mergeFields(facts.fields, gen?.fields);
  const withStatus = (r: Omit<ProvenanceResult, 'status'>, extra?: string): ProvenanceResult => {
    const msg = [extra, ...notes].filter(Boolean).join('; ').slice(0, 1000);
    return { ...r, status, ...(msg ? { message: msg } : {}) };
  };
  const opt = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

  if (c2pa?.verified) {
    return withStatus({
      kind: 'c2pa', claim: c2pa.claim, validation: c2pa.validation,
      ...opt({ signer: c2pa.signer, generator: c2pa.generator ?? gen?.generator, model: gen?.model, softwareAgent: c2pa.claimGenerator }),
      actions: c2pa.actions,
      fields: mergeFields(c2pa.fields, unsignedFields),
    }, c2pa.validation === 'invalid' ? `C2PA validation failed: ${c2pa.failures.join(', ')}` : undefined);
  }
  if (c2pa && !c2pa.verified) {
    // Present but not verifiable here: no claim is taken from the manifest; unsigned evidence still counts.
    const claim = dstClaim ?? (gen ? 'ai-generated' : creditClaim) ?? 'unknown';
    return withStatus({
      kind: 'c2pa', claim, validation: 'unsigned',
      ...opt({ generator: gen?.generator, model: gen?.model, softwareAgent }),
      unverifiedReason: c2pa.reason,
      fields: mergeFields(c2pa.fields, unsignedFields),
    }, `C2PA manifest present, not verified: ${c2pa.reason}`);
  }
  if (dstClaim) {
    return withStatus({ kind: 'iptc-xmp', claim: dstClaim, validation: 'unsigned', ...opt({ generator: gen?.generator ?? (dstClaim === 'camera-capture' ? cameraName(facts.make, facts.model) : undefined), model: gen?.model, softwareAgent }), fields: unsignedFields });
  }
  if (gen) {
    return withStatus({ kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', ...opt({ generator: gen.generator, model: gen.model, softwareAgent: gen.softwareAgent ?? softwareAgent }), fields: unsignedFields });
  }
  if (creditClaim) {
    return withStatus({ kind: 'iptc-xmp', claim: creditClaim, validation: 'unsigned', ...opt({ softwareAgent }), fields: unsignedFields });
  }
  const camera = cameraName(facts.make, facts.model);
  if (camera) {
    return withStatus({ kind: 'camera', claim: 'camera-capture', validation: 'unsigned', ...opt({ generator: camera, softwareAgent }), fields: unsignedFields });
  }
  return withStatus({ kind: 'none', claim: 'unknown', validation: 'unsigned', ...opt({ softwareAgent }), fields: unsignedFields }, scan.format === 'other' ? 'format not scanned for provenance' : undefined);
}
