/**
 * The provenance contract: what the provenance reader (`./index.ts`) returns for an image's bytes, shared by
 * the service worker, the extension pages and the Node CLI. Provenance is evidence read from the file itself
 * (C2PA manifests, IPTC/XMP "digital source type", generator metadata, camera EXIF); it needs no learning and,
 * when signed and valid, outranks the pixel detector (see `fuseVerdict` in `./fusion.ts`).
 */

/** Where the evidence came from. `none` = nothing that bears on real vs AI was found. */
export type ProvenanceKind = 'c2pa' | 'iptc-xmp' | 'generator-metadata' | 'camera' | 'none';

/**
 * What the evidence claims about how the image was made.
 * - `ai-generated`: made by a generative model (C2PA/IPTC `trainedAlgorithmicMedia`, `algorithmicMedia`,
 *   generator parameters in PNG text chunks, …);
 * - `ai-edited`: a capture or composite changed with a generative model (`compositeWithTrainedAlgorithmicMedia`,
 *   C2PA actions with an AI `softwareAgent` on a non-AI source, …);
 * - `camera-capture`: a capture (`digitalCapture`, signed camera manifest, or camera EXIF);
 * - `unknown`: metadata present but saying nothing either way.
 */
export type ProvenanceClaim = 'ai-generated' | 'ai-edited' | 'camera-capture' | 'unknown';

/**
 * Whether the claim can be trusted as a statement of the signer:
 * - `valid`: C2PA claim signature and hard binding (content hash) verified, signer chains to a bundled trust anchor;
 * - `untrusted`: signature and binding verify but the signer is not on the bundled trust list;
 * - `invalid`: a signature or hard-binding check failed (e.g. the file was altered after signing);
 * - `unsigned`: plain metadata (XMP, EXIF, PNG text) that anyone can write or strip.
 */
export type ProvenanceValidation = 'valid' | 'invalid' | 'untrusted' | 'unsigned';

/** One C2PA action (`c2pa.actions` / `c2pa.actions.v2` assertion), as far as the manifest says. */
export interface ProvenanceAction {
  /** e.g. `c2pa.created`, `c2pa.edited`, `c2pa.opened`. */
  action: string;
  /** IPTC digital source type URI or its last path segment, e.g. `trainedAlgorithmicMedia`. */
  digitalSourceType?: string;
  /** Tool named by the action, e.g. `Adobe Firefly`, `GPT-4o`. */
  softwareAgent?: string;
}

/** The result of reading one image's provenance. Never thrown: problems are in `status`. */
export interface ProvenanceResult {
  kind: ProvenanceKind;
  claim: ProvenanceClaim;
  validation: ProvenanceValidation;
  /** Who signed (certificate subject organisation / common name), C2PA only. */
  signer?: string;
  /** The generator or camera, as precise as the metadata allows: e.g. `Stable Diffusion (AUTOMATIC1111)`, `DALL·E`, `Canon EOS 80D`. */
  generator?: string;
  /** The model / checkpoint named by the metadata, e.g. `sd_xl_base_1.0`. */
  model?: string;
  /** Tool that wrote the claim or metadata (`Software`, `CreatorTool`, C2PA claim generator). */
  softwareAgent?: string;
  /** C2PA actions of the active manifest. */
  actions?: ProvenanceAction[];
  /**
   * The raw fields that led to the result, for "show raw fields": key → value (strings, each ≤ 2,000
   * characters, at most 64 entries), e.g. `XMP Iptc4xmpExt:DigitalSourceType`, `PNG tEXt parameters`.
   */
  fields: Record<string, string>;
  /**
   * `ok`: read fully; `limited`: a size or time bound cut parsing short (what was read is reported; this wins
   * over `error` when both happen); `error`: the container could not be parsed (the result then says
   * `kind: 'none'` unless evidence was found first).
   */
  status: 'ok' | 'limited' | 'error';
  /**
   * Set when a C2PA manifest is present but could not be verified here (the verifier could not be loaded, the
   * manifest is remote and is not fetched, verification switched off): the reason. Such a result has
   * `kind: 'c2pa'`, `validation: 'unsigned'` (nothing signed was checked) and a claim taken only from the unsigned
   * metadata beside it.
   */
  unverifiedReason?: string;
  /** Human-readable detail for `limited` / `error`, or the validation failure for `invalid`. */
  message?: string;
}

/** The empty result: nothing found. */
export const NO_PROVENANCE: ProvenanceResult = Object.freeze({
  kind: 'none',
  claim: 'unknown',
  validation: 'unsigned',
  fields: Object.freeze({}) as Record<string, string>,
  status: 'ok',
}) as ProvenanceResult;
