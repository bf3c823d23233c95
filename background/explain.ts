/**
 * Explanations in the worker: fetch + decode the image like a verdict, then run the shared explanation
 * module (`extension/shared/explain/`, Grad-CAM / LayerCAM / Ablation-CAM / Faster Score-CAM / LIME) on
 * the loaded detector. One explanation runs at a time (lowest priority: verdicts keep flowing through
 * the batched queue meanwhile); each can be cancelled by its `requestId`.
 */
import { explainImage, toExplanation } from '../extension/shared/explain/index';
import { err, ok, type ExplainMethod, type Explanation, type Result } from '../extension/shared/messages';
import { ensureGradientKernels } from '../extension/shared/tf/wasm-grads';
import { Semaphore } from './cache';
import { getModel } from './classifier';
import { decodeBytes, DecodeImageError } from './decode';
import { fetchImageBytes, FetchImageError } from './fetch-image';
import { tf } from './tf-backend';

const running = new Map<string, AbortController>();
/** Progress in [0, 1] of each waiting or running explanation, by request id. */
const progress = new Map<string, number>();
const slot = new Semaphore(1);

/**
 * Explains the verdict for the image at `url`.
 * @param method explanation method; `samples` for LIME (50..2000)
 * @param threshold the user's threshold (the explained class follows the verdict at this threshold)
 * @param source the encoded bytes to explain instead of fetching `url` (images read in the page, kept
 *   by content hash; `url` is then only the label of the result)
 * @param both explain both classes (an *Unsure* verdict): `map` toward "synthetic", `other` toward "real"
 * @returns the explanation (map over the tiles the verdict read, stitched over the whole image; calibrated
 *   probability of the whole image) or an error:
 *   `cancelled` after `cancelExplain(requestId)`, the fetch/decode codes, `model-failed` otherwise
 */
export async function explainUrl(url: string, method: ExplainMethod, requestId: string, samples?: number, threshold?: number, source?: Uint8Array, both = false): Promise<Result<Explanation>> {
  const ctrl = new AbortController();
  running.get(requestId)?.abort();
  running.set(requestId, ctrl);
  progress.set(requestId, 0);
  try {
    return await slot.run(async () => {
      if (ctrl.signal.aborted) return err('cancelled', 'explanation cancelled');
      const m = await getModel();
      ensureGradientKernels(m.backend); // wasm 4.22 lacks the conv filter gradients the CAM methods need
      const { bytes, contentType } = source ? { bytes: source, contentType: '' } : await fetchImageBytes(url);
      const { image } = await decodeBytes(bytes, contentType);
      const onProgress = (done: number, total: number) => {
        if (running.get(requestId) === ctrl && total > 0) progress.set(requestId, Math.max(0, Math.min(1, done / total)));
      };
      const result = await explainImage(tf, m.detector, image, { method, samples, signal: ctrl.signal, threshold, onProgress, both });
      return ok(toExplanation(result, url));
    });
  } catch (e) {
    if (ctrl.signal.aborted || (e as Error)?.name === 'AbortError') return err('cancelled', 'explanation cancelled');
    if (e instanceof FetchImageError || e instanceof DecodeImageError) return err(e.code, e.message);
    return err('model-failed', (e as Error)?.message ?? String(e));
  } finally {
    if (running.get(requestId) === ctrl) {
      running.delete(requestId);
      progress.delete(requestId);
    }
  }
}

/** Progress in [0, 1] of the explanation `requestId` (0 while it waits); `null` when none is known. */
export function explainProgress(requestId: string): number | null {
  return progress.get(requestId) ?? null;
}

/** Cancels a running or waiting explanation. @returns whether one was found */
export function cancelExplain(requestId: string): boolean {
  const c = running.get(requestId);
  c?.abort();
  return c !== undefined;
}
