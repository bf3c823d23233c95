/**
 * Node-only set-up of the provenance reader (CLI, tests, bench): points the C2PA verifier at the wasm binary in
 * node_modules. Never imported by extension runtime code (it uses `node:fs`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { configureProvenance } from './index';

/** Path of the c2pa wasm binary that the extension build also copies (`@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm`). */
export function c2paWasmPath(): string {
  return createRequire(import.meta.url).resolve('@contentauth/c2pa-wasm/c2pa.wasm');
}

/** Configures `readProvenance` for Node (idempotent); `trustAnchors` replaces the bundled C2PA trust list. */
export function configureProvenanceForNode(opts: { trustAnchors?: string } = {}): void {
  configureProvenance({ c2paWasm: async () => readFileSync(c2paWasmPath()), trustAnchors: opts.trustAnchors });
}
