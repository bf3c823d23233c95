/**
 * Explanation latency benchmark (Node only; `npm run bench` calls `benchExplain()`): milliseconds per
 * explanation for each method, with the default shipped model (`models/default`) on the tfjs **wasm**
 * backend (single-threaded in Node, the extension's fallback backend), with the project's wasm
 * gradient kernels registered (`extension/shared/tf/wasm-grads.ts`).
 *
 * Input: a deterministic synthetic image (smooth colour field + texture) preprocessed with the model's
 * own spec. Each method is run once to warm up, then `runs` times; the median is reported. LIME uses
 * `samples` perturbations (default 500, the product default) in batches of 16; Score-CAM the default
 * top-32 channels.
 *
 * Whole image (issue 12; `wholeImage`, on by default): a deterministic 1920 × 1080 image scored as the
 * extension scores it on wasm (16 sampled tiles): the **default view** — drawing the verdict's evidence map
 * over the image at the view's raster (`evidenceOverlayRgba`, 1024 × 576; no model call, the map comes
 * with the verdict) — timed `runs` times, and `explainImage` per method over the tiles (CAMs stitched
 * over the 16 tiles, LIME over 8 with `wholeImageSamples`, default 500) timed once after the single-input
 * warm-up. Run alone: `npx tsx scripts/bench-explain.ts [modelDir] [runs]`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import type { ExplainMethod } from '../extension/shared/messages';
import { preprocess, type RgbaImage } from '../extension/shared/preprocess';
import { explain, explainImage, explainLayerFor, EXPLAIN_METHODS, rasterSize, thresholdLogit, evidenceHalfRange } from '../extension/shared/explain/index';
import { evidenceOverlayRgba } from '../extension/shared/explain/overlay';

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
  /** Whole-image explanations of a 1920 × 1080 image (absent with `wholeImage: false`). */
  wholeImage?: {
    width: number; height: number; tilesScored: number;
    /** Median ms to draw the default view (evidence map overlay raster, `rasterWidth × rasterHeight`). */
    defaultViewMs: number; rasterWidth: number; rasterHeight: number;
    /** ms per whole-image explanation (one timed run), by method, and tiles each explained. */
    msPerExplanation: Partial<Record<ExplainMethod, number>>;
    tilesExplained: Partial<Record<ExplainMethod, number>>;
    samples: number;
  };
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
export async function benchExplain(opts: { modelDir?: string; runs?: number; samples?: number; methods?: readonly ExplainMethod[]; log?: (m: string) => void; wholeImage?: boolean; wholeImageSamples?: number } = {}): Promise<ExplainBench> {
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
    const out: ExplainBench = { model: detector.id, backend: tf.getBackend(), inputSize: spec.inputSize, layer: usedLayer, msPerExplanation: ms, samples, runs };
    if (opts.wholeImage !== false && detector.manifest.tiling) {
      const W = 1920, H = 1080;
      const sq = benchImage(W);
      const big = { width: W, height: H, data: sq.data.subarray(0, W * H * 4) };
      const [score] = await detector.score([{ image: big }]);
      const ev = score!.evidence;
      const centre = thresholdLogit(detector.manifest.calibration, detector.manifest.threshold);
      const half = evidenceHalfRange(ev.logits, centre);
      const raster = rasterSize(W, H, 1024);
      const drawTimes: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        evidenceOverlayRgba(ev, centre, half, raster.width, raster.height);
        if (i > 0) drawTimes.push(performance.now() - t0);
      }
      const defaultViewMs = Math.round(median(drawTimes) * 10) / 10;
      opts.log?.(`[bench] explain default view (evidence map, ${raster.width}x${raster.height}): ${defaultViewMs} ms`);
      const wSamples = opts.wholeImageSamples ?? samples;
      const wms: Partial<Record<ExplainMethod, number>> = {}, tiles: Partial<Record<ExplainMethod, number>> = {};
      for (const method of methods) {
        const t0 = performance.now();
        const r = await explainImage(tf, detector, big, { method, samples: wSamples });
        wms[method] = Math.round(performance.now() - t0);
        tiles[method] = r.tilesExplained ?? 1;
        opts.log?.(`[bench] explain whole image ${W}x${H} ${method} (${tiles[method]} tiles): ${wms[method]} ms`);
      }
      out.wholeImage = {
        width: W, height: H, tilesScored: ev.scored, defaultViewMs, rasterWidth: raster.width, rasterHeight: raster.height,
        msPerExplanation: wms, tilesExplained: tiles, samples: wSamples,
      };
    }
    return out;
  } finally {
    detector.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchExplain({ modelDir: process.argv[2], runs: process.argv[3] ? Number(process.argv[3]) : undefined, log: (m) => process.stderr.write(m + '\n') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => { process.stderr.write(`bench: ${(e as Error).message}\n`); process.exit(1); });
}
