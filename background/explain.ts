/**
 * Explanations in the worker: fetch + decode the image like a verdict, then run the shared explanation
 * module (`extension/shared/explain/`, Grad-CAM / LayerCAM / Ablation-CAM / Faster Score-CAM / LIME) on
 * the loaded detector. One explanation runs at a time (lowest priority: verdicts keep flowing through
 * the batched queue meanwhile); each can be cancelled by its `requestId`.
 */
import { explainImage, toExplanation } from '../extension/shared/explain/index';
import { err, ok, type ExplainMethod, type Explanation, type Result } from '../extension/shared/messages';
import { registerWasmGradKernels } from '../training/kernels/wasm-grads';
import { Semaphore } from './cache';
import { getModel } from './classifier';
import { decodeBytes, DecodeImageError } from './decode';
import { fetchImageBytes, FetchImageError } from './fetch-image';
import { tf } from './tf-backend';

const running = new Map<string, AbortController>();
const slot = new Semaphore(1);
let gradKernels = false;

/**
 * Explains the verdict for the image at `url`.
 * @param method explanation method; `samples` for LIME (50..2000)
 * @param threshold the user's threshold (the explained class follows the verdict at this threshold)
 * @returns the explanation (map over the model's input region, calibrated probability) or an error:
 *   `cancelled` after `cancelExplain(requestId)`, the fetch/decode codes, `model-failed` otherwise
 */
export async function explainUrl(url: string, method: ExplainMethod, requestId: string, samples?: number, threshold?: number): Promise<Result<Explanation>> {
  const ctrl = new AbortController();
  running.get(requestId)?.abort();
  running.set(requestId, ctrl);
  try {
    return await slot.run(async () => {
      if (ctrl.signal.aborted) return err('cancelled', 'explanation cancelled');
      const m = await getModel();
      if (m.backend === 'wasm' && !gradKernels) {
        registerWasmGradKernels(); // wasm 4.22 lacks the conv filter gradients the CAM methods need
        gradKernels = true;
      }
      const { bytes, contentType } = await fetchImageBytes(url);
      const { image } = await decodeBytes(bytes, contentType);
      const result = await explainImage(tf, m.detector, image, { method, samples, signal: ctrl.signal, threshold });
      return ok(toExplanation(result, url));
    });
  } catch (e) {
    if (ctrl.signal.aborted || (e as Error)?.name === 'AbortError') return err('cancelled', 'explanation cancelled');
    if (e instanceof FetchImageError || e instanceof DecodeImageError) return err(e.code, e.message);
    return err('model-failed', (e as Error)?.message ?? String(e));
  } finally {
    if (running.get(requestId) === ctrl) running.delete(requestId);
  }
}

/** Cancels a running or waiting explanation. @returns whether one was found */
export function cancelExplain(requestId: string): boolean {
  const c = running.get(requestId);
  c?.abort();
  return c !== undefined;
}
