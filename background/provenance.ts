/**
 * Provenance in the background (Chromium service worker / Firefox event page): configures the shared reader
 * to load the c2pa wasm from the extension package (`wasm/c2pa_bg.wasm`, copied by the build; fetched only on
 * the first image that carries a C2PA manifest) and re-exports `readProvenance` for the classifier.
 * Importing this module is enough to configure it.
 */
import browser from 'webextension-polyfill';
import { configureProvenance, readProvenance, type ReadProvenanceOptions } from '../extension/shared/provenance/index';
import { NO_PROVENANCE, type ProvenanceResult } from '../extension/shared/provenance/types';
import { Semaphore } from './cache';

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

// ---- bounded reads for the classifier --------------------------------------------------------------

/**
 * Longest wait for one read in the classifier, in milliseconds. The reader bounds its own parsing (500 ms
 * budget); this also covers the first C2PA file, which compiles the 9 MB verifier on a slow machine.
 */
export const PROVENANCE_TIMEOUT_MS = 10_000;
/** Reads at once (they run beside decoding; the C2PA verifier is single-threaded wasm). */
const slots = new Semaphore(2);

/**
 * The provenance of an encoded image, for the classifier: `readProvenance` with at most 2 reads at once and
 * a time limit. No byte leaves the device (the reader parses memory; the wasm comes from the package).
 * @param bytes the encoded file as fetched (or as read in the page), not modified
 * @returns the reader's result; after `PROVENANCE_TIMEOUT_MS` a `kind: 'none'`, `status: 'limited'` result
 *   saying so (the read is then left to finish on its own and its result dropped). Never throws.
 */
export async function provenanceOf(bytes: Uint8Array): Promise<ProvenanceResult> {
  return slots.run(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<ProvenanceResult>((resolve) => {
      timer = setTimeout(() => resolve({
        ...NO_PROVENANCE, fields: {}, status: 'limited', message: `provenance not read within ${PROVENANCE_TIMEOUT_MS / 1000} s`,
      }), PROVENANCE_TIMEOUT_MS);
    });
    return Promise.race([readProvenance(bytes), timeout]).finally(() => clearTimeout(timer));
  });
}
