/**
 * Provenance in the worker: reads the evidence an image's own bytes carry (`extension/shared/provenance`)
 * from the bytes the worker already holds, bounded in concurrency and time. No byte leaves the device: the
 * reader parses memory only, and the C2PA verifier's wasm is loaded from the extension package
 * (`wasm/c2pa_bg.wasm`, copied by the build) the first time a file carries a manifest.
 */
import browser from 'webextension-polyfill';
import { configureProvenance, readProvenance } from '../extension/shared/provenance/index';
import { NO_PROVENANCE, type ProvenanceResult } from '../extension/shared/provenance/types';
import { Semaphore } from './cache';

/**
 * Longest wait for one read, in milliseconds. The reader bounds its own parsing (500 ms budget); this also
 * covers the first C2PA file, which compiles the 9 MB verifier on a slow machine.
 */
export const PROVENANCE_TIMEOUT_MS = 10_000;
/** Reads at once (they run beside decoding; the C2PA verifier is single-threaded wasm). */
const slots = new Semaphore(2);
let configured = false;

/** Points the reader at the packaged C2PA wasm (once; later calls do nothing). */
export function configureWorkerProvenance(): void {
  if (configured) return;
  configured = true;
  configureProvenance({ c2paWasm: browser.runtime.getURL('wasm/c2pa_bg.wasm') });
}

/**
 * The provenance of an encoded image.
 * @param bytes the encoded file as fetched (or as read in the page), not modified
 * @returns the reader's result; after `PROVENANCE_TIMEOUT_MS` a `kind: 'none'`, `status: 'limited'` result
 *   saying so (the read is then left to finish on its own and its result dropped). Never throws.
 */
export async function provenanceOf(bytes: Uint8Array): Promise<ProvenanceResult> {
  configureWorkerProvenance();
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
