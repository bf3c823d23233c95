/**
 * Node set-up of the tfjs wasm backend for training (private to `training/kernels` and
 * `training/train`; the project-wide `training/node/backend.ts` may wrap it).
 *
 * Points `setWasmPaths` at the installed package's `dist/` folder, selects `'wasm'`, checks that it
 * really is active (a failed `setBackend` otherwise silently leaves tfjs on another backend, see
 * `../shared/research/feasibility.md` pitfall 2) and registers the missing gradient kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmGradKernels } from '../../extension/shared/tf/wasm-grads';

let ready: Promise<void> | undefined;

/**
 * Selects the wasm backend (single-threaded in Node) with gradient kernels registered.
 * @throws {Error} when the backend cannot be initialised.
 */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    const ok = await tf.setBackend('wasm');
    if (!ok || tf.getBackend() !== 'wasm') throw new Error(`wasm backend failed to initialise (active: ${tf.getBackend()})`);
    registerWasmGradKernels();
  })();
  return ready;
}
