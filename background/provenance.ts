/**
 * Provenance in the background (Chromium service worker / Firefox event page): configures the shared reader
 * to load the c2pa wasm from the extension package (`wasm/c2pa_bg.wasm`, copied by the build; fetched only on
 * the first image that carries a C2PA manifest) and re-exports `readProvenance` for the classifier.
 * Importing this module is enough to configure it.
 */
import browser from 'webextension-polyfill';
import { configureProvenance, readProvenance, type ReadProvenanceOptions } from '../extension/shared/provenance/index';
import type { ProvenanceResult } from '../extension/shared/provenance/types';

configureProvenance({ c2paWasm: browser.runtime.getURL('wasm/c2pa_bg.wasm') });

export { readProvenance };
export type { ProvenanceResult, ReadProvenanceOptions };

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Test and bench hooks (merged into `__synthscreenTest`). */
export const provenanceTestApi = {
  /** `readProvenance` on base64 bytes; `trustAnchors` (PEM) replaces the bundled trust list for this read. */
  readProvenanceBase64: (b64: string, trustAnchors?: string): Promise<ProvenanceResult> => readProvenance(fromBase64(b64), { trustAnchors }),
  /** Median ms of `n` reads of the same bytes after one warm-up read (bench). */
  async timeProvenance(b64: string, n = 20, trustAnchors?: string): Promise<{ medianMs: number; firstMs: number; n: number; kind: string; validation: string }> {
    const bytes = fromBase64(b64);
    const t0 = performance.now();
    const first = await readProvenance(bytes, { trustAnchors });
    const firstMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await readProvenance(bytes, { trustAnchors });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[Math.floor(times.length / 2)]!, firstMs, n, kind: first.kind, validation: first.validation };
  },
};
