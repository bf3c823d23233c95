/**
 * Explanation latency benchmark (Node only; `npm run bench` calls `benchExplain()`): milliseconds per
 * explanation for each method, with the default shipped model (`models/default`) on the tfjs **wasm**
 * backend (single-threaded in Node, the extension's fallback backend), with the project's wasm
 * gradient kernels registered (`extension/shared/tf/wasm-grads.ts`).
 *
 * Input: a deterministic synthetic image (smooth colour field + texture) preprocessed with the model's
 * own spec. Each method is run once to warm up, then `runs` times; the median is reported. LIME uses
 * `samples` perturbations (default 500, the product default) in batches of 16; Score-CAM the default
 * top-32 channels. Run alone: `npx tsx scripts/bench-explain.ts [modelDir] [runs]`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import type { ExplainMethod } from '../extension/shared/messages';
import { preprocess, type RgbaImage } from '../extension/shared/preprocess';
import { explain, explainLayerFor, EXPLAIN_METHODS } from '../extension/shared/explain/index';

export interface ExplainBench {
  /** `name@version` of the model timed. */
  model: string;
  backend: string;
  /** Model input side, pixels. */
  inputSize: number;
  layer: string;
  /** Median wall time per explanation, milliseconds, by method. */
  msPerExplanation: Record<ExplainMethod, number>;
  /** LIME samples per explanation. */
  samples: number;
  runs: number;
}

/** A deterministic `size × size` RGBA test image. */
export function benchImage(size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const p = (y * size + x) * 4;
    data[p] = 128 + 100 * Math.sin(x / 17) * Math.cos(y / 23);
    data[p + 1] = 128 + 90 * Math.sin((x + y) / 31) + 20 * Math.sin(x * 1.7);
    data[p + 2] = 128 + 80 * Math.cos(y / 13) + 15 * Math.cos(y * 2.3 + x);
    data[p + 3] = 255;
  }
  return { width: size, height: size, data };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times every explanation method on the default model, wasm backend.
 * @param opts.modelDir model folder / pointer (default `models/default`)
 * @param opts.runs timed runs per method after one warm-up (default 3)
 * @param opts.samples LIME samples (default 500)
 * @param opts.methods subset of methods (default all five)
 * @returns median ms per explanation per method, plus what was timed
 * @throws {Error} when the model cannot be loaded or the wasm backend cannot be initialised
 */
export async function benchExplain(opts: { modelDir?: string; runs?: number; samples?: number; methods?: readonly ExplainMethod[]; log?: (m: string) => void } = {}): Promise<ExplainBench> {
  const tf = (await import('@tensorflow/tfjs')) as unknown as typeof tfjs;
  const { useWasmBackend } = await import('../training/kernels/wasm-backend');
  const { loadDetectorFromDir } = await import('../training/node/model-dir');
  await useWasmBackend();
  const runs = Math.max(1, opts.runs ?? 3);
  const samples = opts.samples ?? 500;
  const methods = opts.methods ?? EXPLAIN_METHODS;
  const detector = await loadDetectorFromDir(tf, opts.modelDir ?? 'models/default');
  try {
    const spec = detector.manifest.preprocess;
    const image = benchImage(spec.inputSize);
    const input = preprocess(image, spec);
    const layer = explainLayerFor(detector.manifest as typeof detector.manifest & { explainLayer?: unknown });
    const ms = {} as Record<ExplainMethod, number>;
    let usedLayer = layer ?? '';
    for (const method of methods) {
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        const r = await explain(tf, detector.model, input, { method, targetLayer: layer, samples, image });
        const dt = performance.now() - t0;
        usedLayer = r.layer;
        if (i > 0) times.push(dt);
      }
      ms[method] = Math.round(median(times) * 10) / 10;
      opts.log?.(`[bench] explain ${method}: ${ms[method]} ms`);
    }
    return { model: detector.id, backend: tf.getBackend(), inputSize: spec.inputSize, layer: usedLayer, msPerExplanation: ms, samples, runs };
  } finally {
    detector.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchExplain({ modelDir: process.argv[2], runs: process.argv[3] ? Number(process.argv[3]) : undefined, log: (m) => process.stderr.write(m + '\n') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => { process.stderr.write(`bench: ${(e as Error).message}\n`); process.exit(1); });
}
