/**
 * tfjs backend choice for the service worker: WebGPU → WebGL → wasm → cpu.
 *
 * Software adapters are skipped unless a test flag asks for them: on machines without a GPU, Chromium
 * offers a SwiftShader WebGPU *fallback* adapter and a SwiftShader WebGL context, both 10–60× slower
 * than wasm (measured in ../shared/research/feasibility.md §3). Every attempt checks `setBackend`'s
 * return value AND `tf.getBackend()`, because tfjs silently stays on another backend when one fails.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import browser from 'webextension-polyfill';
import type { BackendPreference } from '../extension/shared/settings';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Test switches (test builds read them from `storage.local` keys `testAllowFallbackWebGPU` / `testAllowSoftwareWebGL`; never set by the UI). */
export interface BackendFlags {
  /** Accept a WebGPU fallback (software) adapter. */
  allowFallbackWebGPU?: boolean;
  /** Accept a software (SwiftShader/llvmpipe) WebGL renderer. */
  allowSoftwareWebGL?: boolean;
}

/** One line per backend tried, for the status page and the bench. */
export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; architecture?: string; vendor?: string };
}

/** Why WebGPU should not be used here, or `undefined` when a hardware adapter exists. */
async function webgpuRefusal(flags: BackendFlags): Promise<string | undefined> {
  const gpu = (globalThis.navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return 'navigator.gpu is absent';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no WebGPU adapter';
  const fallback = adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true || adapter.info?.architecture === 'swiftshader';
  if (fallback && !flags.allowFallbackWebGPU) return `fallback adapter (${adapter.info?.vendor ?? '?'}/${adapter.info?.architecture ?? '?'}) skipped`;
  return undefined;
}

/** Why WebGL should not be used here, or `undefined` for a hardware renderer. */
function webglRefusal(flags: BackendFlags): string | undefined {
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas';
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
  if (!gl) return 'no WebGL2 context';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  if (/swiftshader|llvmpipe|software|basic render/i.test(renderer) && !flags.allowSoftwareWebGL) return `software renderer (${renderer}) skipped`;
  return undefined;
}

/** Tries to make `name` the active tfjs backend. */
async function trySet(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'wasm') {
      // The threaded build needs Blob URLs and Workers, which a service worker does not have.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      setWasmPaths(browser.runtime.getURL('wasm/'));
    }
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok) return 'setBackend returned false';
    if (tf.getBackend() !== name) return `tf.getBackend() is ${tf.getBackend()}`;
    return undefined;
  } catch (e) {
    return (e as Error).message ?? String(e);
  }
}

/**
 * Chooses and activates a backend.
 * @param preference the user's setting: `auto` tries the order above; a named backend is tried first,
 *   then the rest of the order
 * @param flags test flags (see `BackendFlags`)
 * @param exact when true, only `preference` is tried (bench and tests); the checks for software
 *   adapters are skipped too
 * @returns the active backend and what was tried
 * @throws {Error} when no backend could be set
 */
export async function chooseBackend(
  preference: BackendPreference,
  flags: BackendFlags = {},
  exact = false,
): Promise<{ backend: BackendName; attempts: BackendAttempt[] }> {
  const order: BackendName[] = preference === 'auto' ? BACKEND_ORDER : [preference, ...BACKEND_ORDER.filter((b) => b !== preference)];
  const candidates = exact && preference !== 'auto' ? [preference] : order;
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    let reason: string | undefined;
    if (!exact) {
      if (name === 'webgpu') reason = await webgpuRefusal(flags);
      else if (name === 'webgl') reason = webglRefusal(flags);
    } else if (name === 'webgpu') {
      reason = await webgpuRefusal({ ...flags, allowFallbackWebGPU: true });
    }
    if (reason === undefined) reason = await trySet(name);
    attempts.push({ backend: name, ok: reason === undefined, reason });
    if (reason === undefined) return { backend: name, attempts };
  }
  throw new Error(`no tfjs backend could be set: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
}

export { tf };
