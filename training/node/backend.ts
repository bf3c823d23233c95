/**
 * Picks a tfjs backend for Node: native (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`) when
 * installed, otherwise the pure-JS namespace `@tensorflow/tfjs` with the `wasm` backend (inference) or the
 * `cpu` backend (training: wasm has no gradients for many ops).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

export type Tf = typeof tfjs;

export interface TfHandle {
  tf: Tf;
  /** The active backend name (`tensorflow`, `wasm`, `cpu`). */
  backend: string;
  /** Which package provided `tf`. */
  pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@tensorflow/tfjs';
}

let cached: Promise<TfHandle> | undefined;
let cachedWant: string | undefined;

export interface InitOptions {
  want: 'inference' | 'training';
  quiet?: boolean;
  forcePure?: boolean;
  /**
   * Force the pure-JS backend (`wasm` or `cpu`), skipping the native packages. For training on wasm,
   * register the gradient kernels of `extension/shared/tf/wasm-grads.ts` first.
   */
  backend?: 'wasm' | 'cpu';
}

/**
 * Initialises tfjs once per process and prints the choice on stderr.
 * @param opts.want `inference` (native → wasm → cpu) or `training` (native → cpu)
 * @param opts.quiet do not print the choice
 * @param opts.forcePure skip the native packages (tests, reproducibility with the browser)
 * @param opts.backend force `wasm` or `cpu` (implies `forcePure`)
 * @returns the tf namespace and the backend name; repeated calls return the first result
 * @throws {Error} when no backend can be set
 */
export function initTf(opts: InitOptions): Promise<TfHandle> {
  const key = `${opts.want}:${opts.forcePure ? 1 : 0}:${opts.backend ?? ''}`;
  if (cached && cachedWant === key) return cached;
  cachedWant = key;
  cached = doInit(opts);
  return cached;
}

async function doInit(opts: InitOptions): Promise<TfHandle> {
  const log = (m: string) => { if (!opts.quiet) process.stderr.write(`[tf] ${m}\n`); };
  if (!opts.forcePure && !opts.backend) {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const) {
      try {
        const tf = require(pkg) as Tf;
        await tf.ready();
        log(`using ${pkg} (backend ${tf.getBackend()})`);
        return { tf, backend: tf.getBackend(), pkg };
      } catch {
        // not installed or native binary missing: try the next one
      }
    }
  }
  const tf = (await import('@tensorflow/tfjs')) as unknown as Tf;
  if (opts.backend === 'wasm' || (opts.want === 'inference' && opts.backend !== 'cpu')) {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
      wasm.setWasmPaths(dir);
      const ok = await tf.setBackend('wasm');
      await tf.ready();
      if (ok && tf.getBackend() === 'wasm') {
        log('using @tensorflow/tfjs with the wasm backend');
        return { tf, backend: 'wasm', pkg: '@tensorflow/tfjs' };
      }
      log('wasm backend failed to initialise; falling back to cpu');
    } catch (e) {
      log(`wasm backend unavailable (${(e as Error).message}); falling back to cpu`);
    }
  }
  const ok = await tf.setBackend('cpu');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'cpu') throw new Error('could not set any tfjs backend');
  log(`using @tensorflow/tfjs with the cpu backend${opts.want === 'training' ? ' (training: gradients)' : ''}`);
  return { tf, backend: 'cpu', pkg: '@tensorflow/tfjs' };
}
