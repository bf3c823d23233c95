/**
 * Training-speed benchmark of the wasm gradient kernels (`extension/shared/tf/wasm-grads.ts`) against tfjs' cpu backend,
 * on the shipped detector architecture (`npr-patch-cnn`, 64×64 patches, batch 32, Adam).
 * `npm run bench` calls `benchTraining()`; it can also be run alone:
 * `npx tsx training/kernels/bench.ts [training|detector|all|finetune-mobilenet-v2] [modelDir]` (`benchDetector` times a shipped
 * model; `finetune-mobilenet-v2` times an end-to-end MobileNetV2 fine-tune, not part of `all`).
 */
import * as tf from '@tensorflow/tfjs';
import { useWasmBackend } from './wasm-backend';
import { registerWasmGradKernels } from '../../extension/shared/tf/wasm-grads';
import { buildNprPatch } from '../models/npr-patch';

export interface TrainingBench {
  /** Training throughput, images (64×64 patches) per second, per backend. */
  imgPerSec: { wasm: number; cpu: number };
  speedup: number;
  batch: number;
  patch: number;
  /** Inference latency of the same net on a 256×256 input, wasm, batch 1, ms. */
  wasmInferMs256: number;
}

async function timeSteps(backend: 'wasm' | 'cpu', steps: number, batch: number, patch: number): Promise<number> {
  if (backend === 'wasm') await useWasmBackend(); else await tf.setBackend('cpu');
  const model = buildNprPatch({ inputSize: patch, seed: 3 });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, patch, patch, 3], 0, 1, 'float32', 1);
  const y = tf.tensor2d(Array.from({ length: batch }, (_, i) => i % 2), [batch, 1]);
  const step = () => {
    const loss = opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    loss.dataSync();
    loss.dispose();
  };
  step(); // warm-up (XNNPACK operator creation, weight packing)
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const dt = (performance.now() - t0) / steps;
  x.dispose(); y.dispose(); opt.dispose(); model.dispose();
  return (batch / dt) * 1000;
}

/**
 * Measures training img/s on wasm (with the registered gradient kernels) and on cpu, and wasm
 * inference latency. Takes ~30 s on 2 cores.
 * @param opts.steps timed steps on wasm (cpu runs max(1, steps/5))
 */
export async function benchTraining(opts: { steps?: number; batch?: number; patch?: number } = {}): Promise<TrainingBench> {
  const steps = opts.steps ?? 10, batch = opts.batch ?? 32, patch = opts.patch ?? 64;
  await useWasmBackend();
  registerWasmGradKernels();
  const wasm = await timeSteps('wasm', steps, batch, patch);
  const cpu = await timeSteps('cpu', Math.max(1, Math.round(steps / 5)), batch, patch);
  await useWasmBackend();
  await tf.setBackend('wasm');
  const m = buildNprPatch({ inputSize: null });
  const xi = tf.randomUniform([1, 256, 256, 3]);
  (m.predict(xi) as tf.Tensor).dispose();
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) { const o = m.predict(xi) as tf.Tensor; o.dataSync(); o.dispose(); }
  const inferMs = (performance.now() - t0) / 10;
  xi.dispose(); m.dispose();
  return { imgPerSec: { wasm, cpu }, speedup: wasm / cpu, batch, patch, wasmInferMs256: inferMs };
}

/**
 * Latency of a shipped detector on wasm, end to end after decoding: `Detector.score` (the manifest's tiles —
 * the wasm sample — or test-time crops, normalisation → model → aggregation → calibration), one 1024×768
 * image at a time.
 * @param modelDir folder with `manifest.json` (default `models/default`)
 * @returns mean ms per image over `n` runs after one warm-up, and the inputs (tiles or crops) per image
 */
export async function benchDetector(modelDir = 'models/default', n = 20): Promise<{ msPerImage: number; crops: number; tiles: number; inputSize: number; weightsBytes: number }> {
  const { loadDetectorFromDir } = await import('../node/model-dir');
  await useWasmBackend();
  const det = await loadDetectorFromDir(tf, modelDir);
  const w = 1024, h = 768;
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const image = { width: w, height: h, data };
  const [first] = await det.score([{ image }]);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await det.score([{ image }]);
  const ms = (performance.now() - t0) / n;
  const weightsBytes = det.manifest.files.filter((f) => f.path.endsWith('.bin')).reduce((a, f) => a + f.bytes, 0);
  det.dispose();
  return { msPerImage: ms, crops: det.manifest.crops ?? 1, tiles: first!.evidence.scored, inputSize: det.manifest.tiling?.tileSize ?? det.manifest.preprocess.inputSize, weightsBytes };
}

/** Throughput of fine-tuning ImageNet MobileNetV2 end to end (every conv trainable) + a logit head. */
export interface FinetuneBench {
  /** Training images per second (Adam step, forward + backward), wasm with the project's gradient kernels. */
  imgPerSec: number;
  /** The same net with only the head trainable (frozen backbone), for comparison. */
  frozenImgPerSec: number;
  trainableWeights: number;
  batch: number;
  inputSize: number;
}

/**
 * Times end-to-end fine-tuning of the Coral MobileNetV2 (read trainable from `../shared/weights`) on the wasm
 * backend: `steps` Adam steps after one warm-up step, random inputs.
 * @throws {Error} when the weights file is missing
 */
export async function benchFinetuneMobileNetV2(opts: { steps?: number; batch?: number; inputSize?: number } = {}): Promise<FinetuneBench> {
  const { loadMobileNetV2Features } = await import('../models/mobilenet-v2');
  await useWasmBackend();
  const steps = opts.steps ?? 3, batch = opts.batch ?? 16, size = opts.inputSize ?? 224;
  const time = async (trainable: boolean): Promise<{ ips: number; n: number }> => {
    const feat = await loadMobileNetV2Features(tf, { layer: 'pool', trainable });
    const inp = tf.input({ shape: [size, size, 3] });
    const logit = tf.layers.dense({ units: 1, name: 'ft_logit' }).apply(feat.apply(inp)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: inp, outputs: logit });
    const opt = tf.train.adam(1e-4);
    const x = tf.randomUniform([batch, size, size, 3], -1, 1, 'float32', 1);
    const y = tf.tensor2d(Array.from({ length: batch }, (_, i) => i % 2), [batch, 1]);
    const step = () => opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!.dataSync();
    step();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step();
    const ips = (steps * batch) / ((performance.now() - t0) / 1000);
    const n = model.trainableWeights.length;
    tf.dispose([x, y]); opt.dispose(); model.dispose();
    return { ips, n };
  };
  const full = await time(true);
  const frozen = await time(false);
  return { imgPerSec: full.ips, frozenImgPerSec: frozen.ips, trainableWeights: full.n, batch, inputSize: size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const which = process.argv[2] ?? 'all';
  if (which === 'finetune-mobilenet-v2') console.log(JSON.stringify(await benchFinetuneMobileNetV2(), null, 2));
  if (which === 'all' || which === 'training') console.log(JSON.stringify(await benchTraining(), null, 2));
  if (which === 'all' || which === 'detector') console.log(JSON.stringify(await benchDetector(process.argv[3]), null, 2));
}
