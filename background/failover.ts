/**
 * Run-time backend failover (issue 13, item 3). A tfjs backend can fail after it was set up: a lost
 * WebGPU/WebGL device, a broken kernel, a driver that computes wrongly. The review injected a throwing
 * wasm `Conv2D` and got 5/5 *Detector unavailable*, status still *ready*, no retry. Here a backend that
 * fails (while loading, warming up, self-testing or scoring a batch) is marked bad for the rest of this
 * worker's life, the model is loaded again on the next backend of the chain (`tf-backend.ts`), and the
 * batch is retried once there. The switch is listed in `get-status` (`backendFailures`) for the popup.
 */
import type { BackendName } from './tf-backend';

/** A failure that happened on a known backend, after it was chosen. */
export class BackendRunError extends Error {
  override name = 'BackendRunError';
  constructor(readonly backend: BackendName, readonly stage: 'load' | 'warm-up' | 'self-test' | 'inference', cause: unknown) {
    super(`${backend} failed during ${stage}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** One backend given up at run time. */
export interface BackendFailure {
  backend: BackendName;
  stage: BackendRunError['stage'];
  reason: string;
  /** Epoch milliseconds. */
  at: number;
}

const failed = new Map<BackendName, BackendFailure>();

/** Marks `backend` bad (idempotent). @returns the record */
export function markFailed(backend: BackendName, stage: BackendFailure['stage'], cause: unknown): BackendFailure {
  const rec = failed.get(backend) ?? { backend, stage, reason: String((cause as Error)?.message ?? cause).slice(0, 300), at: Date.now() };
  failed.set(backend, rec);
  return rec;
}

/** Backends to skip when choosing one. */
export function failedBackends(): ReadonlySet<BackendName> {
  return new Set(failed.keys());
}

/** Every failure so far, oldest first (for `get-status` and the popup). */
export function backendFailures(): BackendFailure[] {
  return [...failed.values()].sort((a, b) => a.at - b.at);
}

/** Forgets failures (an explicit reload by the user or a test). */
export function resetFailures(): void {
  failed.clear();
}
