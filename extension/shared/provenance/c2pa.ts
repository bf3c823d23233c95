/**
 * C2PA (Content Credentials) verification with the Content Authenticity Initiative's own wasm build of c2pa-rs
 * (npm `@contentauth/c2pa-wasm`, MIT). `WasmReader.fromBytes` reads the manifest store from the bytes in
 * memory (no `Blob`, `FileReaderSync` or `Worker`), so the same code runs in Node, in Chromium's MV3 service
 * worker and in Firefox's event page; the extension's CSP needs `'wasm-unsafe-eval'`.
 *
 * What c2pa-rs checks (C2PA 2.1 §15 validation): the claim signature (COSE), the signer certificate and its
 * chain to the trust anchors given here (the bundled C2PA trust list), the hard binding (`c2pa.hash.data` /
 * `c2pa.hash.boxes` / BMFF hash: a hash of the file outside the manifest) and the assertion hashes. No network:
 * OCSP and remote-manifest fetching are switched off and no host is allowed.
 *
 * The 9 MB wasm module is loaded lazily, on the first file that carries a C2PA box; files without one never
 * load it.
 */
import type { ProvenanceAction, ProvenanceClaim, ProvenanceValidation } from './types';
import { C2PA_TRUST_LIST_PEM } from './trust-list';
import { aiToolName } from './generators';

/** Where the c2pa wasm binary comes from. */
export type C2paWasmSource = URL | string | ArrayBuffer | Uint8Array | WebAssembly.Module | (() => Promise<ArrayBuffer | Uint8Array | WebAssembly.Module>);

interface C2paConfig {
  wasm?: C2paWasmSource;
  trustAnchors: string;
}

let config: C2paConfig = { trustAnchors: C2PA_TRUST_LIST_PEM };
type C2paModule = typeof import('@contentauth/c2pa-wasm');
let loading: Promise<C2paModule> | undefined;

/**
 * Sets where the wasm binary is loaded from (required before the first C2PA file; a `URL`/string is fetched,
 * e.g. `browser.runtime.getURL('wasm/c2pa_bg.wasm')`) and, optionally, replaces the trust anchors (PEM
 * bundle; default: the bundled C2PA trust list). Changing the wasm source after a load has no effect.
 */
export function configureC2pa(c: { wasm?: C2paWasmSource; trustAnchors?: string }): void {
  if (c.wasm !== undefined && !loading) config = { ...config, wasm: c.wasm };
  if (c.trustAnchors !== undefined) config = { ...config, trustAnchors: c.trustAnchors };
}

/** True once a wasm source is configured. */
export function c2paConfigured(): boolean {
  return config.wasm !== undefined;
}

async function loadC2pa(): Promise<C2paModule> {
  if (!loading) {
    const src = config.wasm;
    if (src === undefined) throw new Error('no c2pa wasm configured (configureProvenance({ c2paWasm }))');
    loading = (async () => {
      const mod = await import('@contentauth/c2pa-wasm');
      const bin = typeof src === 'function' ? await src() : src;
      const input = bin instanceof URL || typeof bin === 'string' ? await fetch(bin) : bin;
      await mod.default({ module_or_path: input as never });
      return mod;
    })();
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

/** What the C2PA manifest store says, as far as provenance needs it. */
export interface C2paFinding {
  /** False when the manifest could not be verified here (no wasm, remote manifest): `reason` says why. */
  verified: boolean;
  reason?: string;
  validation: ProvenanceValidation;
  claim: ProvenanceClaim;
  signer?: string;
  /** Claim generator (`claim_generator_info[0]` name + version, or the legacy `claim_generator`). */
  claimGenerator?: string;
  /** The tool named by the inception action (`softwareAgent` of `c2pa.created`), else undefined. */
  generator?: string;
  actions: ProvenanceAction[];
  /** Validation failure codes of the active manifest (e.g. `assertion.dataHash.mismatch`). */
  failures: string[];
  fields: Record<string, string>;
}

const settingsCache = new Map<string, string>();
function contextJson(anchors: string): string {
  let s = settingsCache.get(anchors);
  if (!s) {
    s = JSON.stringify({
      version: 1,
      trust: { trust_anchors: anchors },
      verify: { verify_after_reading: true, verify_trust: true, ocsp_fetch: false, remote_manifest_fetch: false },
      core: { allowed_network_hosts: [] },
    });
    settingsCache.clear();
    settingsCache.set(anchors, s);
  }
  return s;
}

const lastSegment = (u: string | undefined) => (u ? u.replace(/\/+$/, '').split('/').pop() : undefined);
const AI_SOURCE_TYPES = new Set(['trainedAlgorithmicMedia', 'algorithmicMedia']);
const AI_EDIT_SOURCE_TYPES = new Set(['compositeWithTrainedAlgorithmicMedia', 'compositeSynthetic']);
const CAPTURE_SOURCE_TYPES = new Set(['digitalCapture', 'computationalCapture', 'negativeFilm', 'positiveFilm', 'print', 'compositeCapture']);

function agentName(a: unknown, agents: unknown[]): string | undefined {
  if (typeof a === 'string') return a;
  if (typeof a === 'number' && agents[a] !== undefined) return agentName(agents[a], []);
  if (a && typeof a === 'object') {
    const o = a as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name : undefined;
    const version = typeof o.version === 'string' ? o.version : undefined;
    return name ? (version ? `${name} ${version}` : name) : undefined;
  }
  return undefined;
}

/** The actions of a manifest's `c2pa.actions` / `c2pa.actions.v2` assertions (at most 64). */
export function manifestActions(manifest: Record<string, unknown>): ProvenanceAction[] {
  const out: ProvenanceAction[] = [];
  const assertions = Array.isArray(manifest.assertions) ? manifest.assertions : [];
  for (const a of assertions) {
    const label = String((a as Record<string, unknown>)?.label ?? '');
    if (!/^c2pa\.actions(\.v\d+)?$/.test(label)) continue;
    const data = ((a as Record<string, unknown>).data ?? {}) as Record<string, unknown>;
    const agents = Array.isArray(data.softwareAgents) ? data.softwareAgents : [];
    for (const act of Array.isArray(data.actions) ? data.actions : []) {
      const o = act as Record<string, unknown>;
      if (typeof o.action !== 'string') continue;
      const params = (o.parameters ?? {}) as Record<string, unknown>;
      const dst = typeof o.digitalSourceType === 'string' ? o.digitalSourceType : typeof params.digitalSourceType === 'string' ? params.digitalSourceType : undefined;
      const agent = agentName(o.softwareAgent ?? o.softwareAgentIndex, agents);
      out.push({ action: o.action, ...(dst ? { digitalSourceType: lastSegment(dst) } : {}), ...(agent ? { softwareAgent: agent } : {}) });
      if (out.length >= 64) return out;
    }
  }
  return out;
}

/**
 * The claim of a list of actions: an inception action (`c2pa.created`) with an AI source type → ai-generated;
 * any action with an AI or AI-composite source type, or an AI tool as software agent, on a non-AI source →
 * ai-edited; an inception with a capture source type → camera-capture; else unknown.
 */
export function claimOfActions(actions: ProvenanceAction[]): ProvenanceClaim {
  const created = actions.find((a) => a.action === 'c2pa.created');
  if (created && (AI_SOURCE_TYPES.has(created.digitalSourceType ?? '') || (!created.digitalSourceType && aiToolName(created.softwareAgent)))) return 'ai-generated';
  if (actions.some((a) => AI_SOURCE_TYPES.has(a.digitalSourceType ?? '') || AI_EDIT_SOURCE_TYPES.has(a.digitalSourceType ?? '') || aiToolName(a.softwareAgent))) return 'ai-edited';
  if (created && CAPTURE_SOURCE_TYPES.has(created.digitalSourceType ?? '')) return 'camera-capture';
  return 'unknown';
}

/**
 * True for C2PA validation failure codes that concern only the signing certificate or its time stamp
 * (`signingCredential.untrusted`, `signingCredential.expired`, `signingCredential.ocsp.*`, `timeStamp.*`,
 * CAWG identity credentials), not the claim signature or the content binding (C2PA 2.1 §15.10 status codes).
 */
export function isCredentialFailure(code: string): boolean {
  return code === 'signingCredential.untrusted' || code === 'signingCredential.expired' || code.startsWith('signingCredential.ocsp.')
    || code.startsWith('timeStamp.') || (code.startsWith('cawg.') && code.endsWith('.untrusted'));
}

/**
 * The claim of the active manifest, or, when its own actions say nothing (`unknown`, e.g. ChatGPT's
 * `c2pa.opened` of an image it generated), the strongest AI claim of its ingredients' manifests in the same
 * store: an ingredient made by a generative model makes the result at least `ai-edited`, and `ai-generated`
 * when the active manifest only opened it.
 */
export function claimWithIngredients(own: ProvenanceClaim, manifest: Record<string, unknown>, store: Record<string, unknown>, depth = 0): ProvenanceClaim {
  if (own !== 'unknown' || depth > 4) return own;
  const manifests = (store.manifests ?? {}) as Record<string, Record<string, unknown>>;
  const ingredients = Array.isArray(manifest.ingredients) ? (manifest.ingredients as Array<Record<string, unknown>>) : [];
  let best: ProvenanceClaim = 'unknown';
  for (const ing of ingredients.slice(0, 32)) {
    const label = typeof ing.active_manifest === 'string' ? ing.active_manifest : undefined;
    const m = label ? manifests[label] : undefined;
    if (!m) continue;
    const c = claimWithIngredients(claimOfActions(manifestActions(m)), m, store, depth + 1);
    if (c === 'ai-generated') return 'ai-generated';
    if (c === 'ai-edited') best = 'ai-edited';
  }
  return best;
}

/**
 * Reads and verifies the C2PA manifest store in `bytes`.
 * @param bytes the whole file
 * @param mime its MIME type (`image/jpeg`, `image/png`, `image/webp`, `image/avif`, `image/heif`)
 * @param trustAnchors PEM bundle of trust anchors (default: the configured ones, the C2PA trust list)
 * @returns the finding; never throws (a load failure gives `verified: false`, a broken manifest `invalid`)
 */
export async function verifyC2pa(bytes: Uint8Array, mime: string, trustAnchors?: string): Promise<C2paFinding> {
  const base = { actions: [] as ProvenanceAction[], failures: [] as string[], fields: {} as Record<string, string> };
  let mod: C2paModule;
  try {
    mod = await loadC2pa();
  } catch (e) {
    const reason = `the C2PA verifier could not be loaded: ${String((e as Error)?.message ?? e).slice(0, 200)}`;
    return { ...base, verified: false, reason, validation: 'unsigned', claim: 'unknown', fields: { 'C2PA manifest': `present, not verified (${reason})` } };
  }
  let reader: { json(): string; free(): void } | undefined;
  try {
    reader = await mod.WasmReader.fromBytes(mime, bytes, contextJson(trustAnchors ?? config.trustAnchors));
    const store = JSON.parse(reader.json()) as Record<string, unknown>;
    const label = String(store.active_manifest ?? '');
    const manifest = ((store.manifests as Record<string, unknown> | undefined)?.[label] ?? {}) as Record<string, unknown>;
    const state = String(store.validation_state ?? '');
    const results = ((store.validation_results as Record<string, unknown> | undefined)?.activeManifest ?? {}) as Record<string, unknown>;
    const failureCodes = (Array.isArray(results.failure) ? results.failure : Array.isArray(store.validation_status) ? store.validation_status : [])
      .map((f) => String((f as Record<string, unknown>)?.code ?? '')).filter(Boolean);
    // c2pa-rs's validation state (C2PA 2.1 §15.3): Trusted = well-formed, intact and the signer chains to a
    // trust anchor; Valid = well-formed and intact but something is not trusted; Invalid = a check failed.
    // `valid` here is about the claim signer: a CAWG identity assertion whose own credential is not trusted
    // (`cawg.*.untrusted`, an identity statement about the creator, checked against other anchors) lowers
    // c2pa-rs's state to Valid without touching the claim signature, so it does not make the claim untrusted.
    // Failures about the signer's certificate only (not on this trust list, expired, no revocation answer, no
    // trusted time stamp) leave the claim signature and the hard binding intact: the bytes are as signed, only
    // the signer cannot be vouched for here. Those are `untrusted`, not `invalid` (which says: altered/broken).
    const credentialOnly = failureCodes.length > 0 && failureCodes.every(isCredentialFailure);
    const invalid = (state === 'Invalid' && !credentialOnly) || (state !== 'Trusted' && state !== 'Valid' && state !== 'Invalid' && failureCodes.some((c) => !c.endsWith('.untrusted')));
    const onlyIdentityUntrusted = state === 'Valid' && failureCodes.length > 0 && failureCodes.every((c) => c.startsWith('cawg.') && c.endsWith('.untrusted'));
    const validation: ProvenanceValidation = invalid ? 'invalid' : state === 'Trusted' || onlyIdentityUntrusted ? 'valid' : 'untrusted';
    const sig = (manifest.signature_info ?? {}) as Record<string, unknown>;
    const signer = typeof sig.issuer === 'string' ? sig.issuer : typeof sig.common_name === 'string' ? sig.common_name : undefined;
    const info = Array.isArray(manifest.claim_generator_info) ? (manifest.claim_generator_info[0] as Record<string, unknown>) : undefined;
    const claimGenerator = agentName(info, []) ?? (typeof manifest.claim_generator === 'string' ? manifest.claim_generator : undefined);
    const actions = manifestActions(manifest);
    const claim = claimWithIngredients(claimOfActions(actions), manifest, store);
    const created = actions.find((a) => a.action === 'c2pa.created');
    const generator = created?.softwareAgent ?? actions.find((a) => a.softwareAgent && (AI_SOURCE_TYPES.has(a.digitalSourceType ?? '') || AI_EDIT_SOURCE_TYPES.has(a.digitalSourceType ?? '')))?.softwareAgent;
    const fields: Record<string, string> = { 'C2PA validation_state': state };
    if (failureCodes.length) fields['C2PA failures'] = failureCodes.join(', ').slice(0, 2000);
    if (signer) fields['C2PA signer'] = signer;
    if (typeof sig.common_name === 'string') fields['C2PA signer common name'] = sig.common_name;
    if (typeof sig.time === 'string') fields['C2PA signed at'] = sig.time;
    if (claimGenerator) fields['C2PA claim generator'] = claimGenerator;
    if (actions.length) fields['C2PA actions'] = actions.map((a) => [a.action, a.digitalSourceType, a.softwareAgent].filter(Boolean).join(' ')).join('; ').slice(0, 2000);
    if (typeof manifest.title === 'string') fields['C2PA title'] = manifest.title.slice(0, 2000);
    return { verified: true, validation, claim, signer, claimGenerator, generator, actions, failures: failureCodes, fields };
  } catch (e) {
    const msg = String((e as Error)?.message ?? e).slice(0, 300);
    const remote = /RemoteManifest/i.exec(msg);
    if (remote) {
      const reason = `the manifest is stored remotely and is not fetched (no network): ${msg}`;
      return { ...base, verified: false, reason, validation: 'unsigned', claim: 'unknown', fields: { 'C2PA manifest': `remote, not verified (${msg})` } };
    }
    if (/JumbfNotFound/.test(msg)) {
      return { ...base, verified: true, validation: 'invalid', claim: 'unknown', failures: ['manifest.unreadable'], fields: { 'C2PA manifest': `unreadable (${msg})` } };
    }
    return { ...base, verified: true, validation: 'invalid', claim: 'unknown', failures: ['manifest.unreadable'], fields: { 'C2PA manifest': `unreadable (${msg})` } };
  } finally {
    try { reader?.free(); } catch { /* already freed */ }
  }
}
