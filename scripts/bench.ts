/**
 * `npm run bench [-- --quick] [-- --skip-others] [-- --only-provenance] [-- --skip-webgpu] [-- --skip-content]
 *   [-- --whole-image-only] [-- --only-burst] [-- --skip-burst] [-- --only-faces] [-- --only-edits [--edits-n 20]]`: prints one JSON object per line.
 *
 * - Inference ms per model input and per image (× the manifest's test-time crops, or `tiling.minTiles`) of the default model (dist/test/chromium/model; a tiny test model when none is
 *   packaged, flagged in the output) in Chromium's extension service worker on wasm, webgl and cpu, and
 *   on the WebGPU *fallback* (SwiftShader) adapter, forced through the test flags.
 * - Whole-image latency (`bench: 'whole-image'`): median ms per image of the shipped detector's
 *   `Detector.score` (tiles per the manifest's `tiling`: the wasm/cpu sample, aggregation, calibration; after
 *   decoding) on a 1920×1080 image and a 256×256 avatar (`syntheticImage`), in the service worker on wasm
 *   (and on the WebGPU fallback adapter, whole-image passes, unless `--skip-webgpu`) and in Node on wasm.
 * - Burst throughput (`bench: 'burst'`, `scripts/bench-burst.ts`): img/s of the service worker on wasm for 300
 *   images requested at once, with the batch sizes the queue formed (`--skip-burst` / `--only-burst`).
 * - Film-like edits (`--only-edits`, `scripts/bench-edits.ts`; issue 13, item 9): labels of the shipped model on
 *   20 AI-generated and 20 real images of ../shared/data, clean and with grain + tint + JPEG, in Node.
 * - The same model in Node on tfjs wasm.
 * - Face finder ms per avatar (`bench: 'faces'`, `scripts/bench-faces.ts`) on wasm, in the service worker and in
 *   Node, for 64–400 px avatars (`--only-faces` runs it alone).
 * - Content-script main-thread time per image on the 300-image infinite-scroll fixture
 *   (`scripts/bench-content.ts`: CDP ScriptDuration with minus without the extension, / images).
 * - Provenance read time (`extension/shared/provenance`): median ms per image without metadata and with a C2PA
 *   manifest, in Chromium's extension service worker (the packaged wasm) and in Node (`benchProvenance`).
 * - The other engineers' benches when their modules exist: `training/kernels/bench.ts` → benchTraining,
 *   `scripts/bench-explain.ts` → benchExplain (errors are caught and printed as JSON).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { findChromium, inWorker, launchWithExtension } from '../e2e/helpers/browser';
import { REPO_ROOT } from '../e2e/helpers/feed';
import { loadReference } from '../e2e/helpers/reference';
import { EXT_DIR, prepareWorker, testModelDir } from '../e2e/helpers/setup';
import { benchContentScript } from './bench-content';
import { benchBurst } from './bench-burst';
import { benchFacesNode, FACE_BENCH_SIDES } from './bench-faces';
import { benchEdits } from './bench-edits';
import { readProvenance } from '../extension/shared/provenance/index';
import { configureProvenanceForNode } from '../extension/shared/provenance/node';
import { builtFixtures, fixtureBytes } from '../extension/shared/provenance/fixtures/build';

import { syntheticImage } from '../extension/shared/bench-image';

/** Image sizes of the whole-image bench: a 1080p photo and a 256 px avatar. */
const WHOLE_IMAGE_SIZES: Array<[number, number]> = [[1920, 1080], [256, 256]];

/** Median (the mean of the two middle values for an even count). */
function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface WholeImageTiming { width: number; height: number; runs: number; medianMs: number; meanMs: number; tiles: number; mode: string; cpuMedianMs?: number }

function wholeImageLines(where: string, backend: string, model: string, testModel: boolean, images: WholeImageTiming[], note?: string): void {
  for (const t of images) {
    line({ bench: 'whole-image', where, backend, model, testModel, width: t.width, height: t.height, tiles: t.tiles, mode: t.mode, runs: t.runs, msPerImageMedian: +t.medianMs.toFixed(2), msPerImageMean: +t.meanMs.toFixed(2), ...(t.cpuMedianMs !== undefined ? { cpuMsPerImageMedian: +t.cpuMedianMs.toFixed(2) } : {}), loadAverage1m: +loadavg()[0]!.toFixed(2), note });
  }
}

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, 'skip-others': { type: 'boolean', default: false }, 'only-provenance': { type: 'boolean', default: false }, 'skip-webgpu': { type: 'boolean', default: false }, 'skip-content': { type: 'boolean', default: false }, 'whole-image-only': { type: 'boolean', default: false }, 'skip-burst': { type: 'boolean', default: false }, 'only-burst': { type: 'boolean', default: false }, 'only-faces': { type: 'boolean', default: false }, 'only-edits': { type: 'boolean', default: false }, 'edits-n': { type: 'string', default: '20' } } });
const line = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

async function browserBench(model: { dir: string; packaged: boolean }): Promise<void> {
  if (!findChromium() || !existsSync(join(EXT_DIR, 'manifest.json'))) {
    line({ bench: 'browser-inference', skipped: 'no Chromium or no dist/test/chromium (run npm run build)' });
    return;
  }
  const l = await launchWithExtension(EXT_DIR, { args: ['--enable-unsafe-webgpu'] });
  try {
    await prepareWorker(l, model, { testAllowFallbackWebGPU: true, testAllowSoftwareWebGL: true });
    const plan: Array<{ backend: string; n: number; batch: number; note?: string }> = [
      { backend: 'wasm', n: values.quick ? 5 : 20, batch: 1 },
      { backend: 'wasm', n: values.quick ? 2 : 5, batch: 8 },
      { backend: 'webgl', n: values.quick ? 2 : 5, batch: 1, note: 'SwiftShader software WebGL on a machine without GPU' },
      { backend: 'cpu', n: values.quick ? 1 : 3, batch: 1 },
    ];
    if (!values['skip-webgpu']) plan.push({ backend: 'webgpu', n: 1, batch: 1, note: 'WebGPU fallback adapter (SwiftShader); skipped by the extension outside tests' });
    const wholeRuns = values.quick ? 5 : 15;
    try {
      await inWorker(l, `self.__synthscreenTest.reload("wasm", true)`, 600_000);
      const w = await inWorker<{ backend: string; model: string; images: WholeImageTiming[] }>(l, `self.__synthscreenTest.timeImages(${JSON.stringify(WHOLE_IMAGE_SIZES)}, ${wholeRuns})`, 600_000);
      wholeImageLines('chromium extension service worker', w.backend, w.model, !model.packaged, w.images);
      if (!values['skip-webgpu'] && !values.quick) {
        // The avatar only: on SwiftShader a 1080p whole-image pass takes minutes (145 s measured here).
        await inWorker(l, `self.__synthscreenTest.reload("webgpu", true)`, 600_000);
        const g = await inWorker<{ backend: string; model: string; images: WholeImageTiming[] }>(l, `self.__synthscreenTest.timeImages(${JSON.stringify(WHOLE_IMAGE_SIZES.slice(1))}, 1)`, 600_000);
        wholeImageLines('chromium extension service worker', g.backend, g.model, !model.packaged, g.images, 'WebGPU fallback adapter (SwiftShader, no GPU): every tile in one pass; a hardware GPU is far faster');
      }
      if (values['whole-image-only']) return;
    } catch (e) {
      line({ bench: 'whole-image', where: 'chromium extension service worker', error: String((e as Error).message ?? e).slice(0, 300) });
    }
    await faceWorkerBench(l);
    if (!values['skip-burst']) {
      await inWorker(l, `self.__synthscreenTest.reload("wasm", true)`, 600_000);
      line(await benchBurst(l).catch((e: unknown) => ({ bench: 'burst', error: String((e as Error).message ?? e).slice(0, 300) })));
    }
    for (const p of plan) {
      try {
        const r = await inWorker<{ backend: string; loadMs: number; warmupMs: number; model: string }>(l, `self.__synthscreenTest.reload(${JSON.stringify(p.backend)}, true)`, 600_000);
        const t = await inWorker<{ msPerImage: number; msPerInput: number; crops: number; inputSize: number }>(l, `self.__synthscreenTest.timeInference(${p.n}, ${p.batch})`, 600_000);
        line({ bench: 'browser-inference', where: 'chromium extension service worker', backend: r.backend, model: r.model, testModel: !model.packaged, inputSize: t.inputSize, crops: t.crops, batch: p.batch, runs: p.n, msPerInput: +t.msPerInput.toFixed(2), msPerImage: +t.msPerImage.toFixed(2), warmupMs: Math.round(r.warmupMs), note: p.note });
      } catch (e) {
        line({ bench: 'browser-inference', backend: p.backend, error: String((e as Error).message ?? e).slice(0, 300) });
      }
    }
  } finally {
    await l.close();
  }
}

/** The provenance bench images: without metadata (a stripped camera JPEG, a WebP, a PNG) and with a C2PA manifest. */
function provenanceImages(): Array<{ name: string; group: 'no-metadata' | 'c2pa'; bytes: Uint8Array }> {
  const built = builtFixtures();
  return [
    { name: 'IMG_0003-stripped.jpg', group: 'no-metadata', bytes: built.find((b) => b.name === 'built/IMG_0003-stripped.jpg')!.bytes },
    { name: 'sample1.webp', group: 'no-metadata', bytes: fixtureBytes('sample1.webp') },
    { name: 'libpng-test.png', group: 'no-metadata', bytes: fixtureBytes('libpng-test.png') },
    { name: 'C.jpg', group: 'c2pa', bytes: fixtureBytes('C.jpg') },
    { name: 'CA.jpg', group: 'c2pa', bytes: fixtureBytes('CA.jpg') },
  ];
}

/**
 * Provenance read time: per image, the median of `n` reads after one warm-up read (the first C2PA read also
 * compiles the wasm: reported as `firstMs`); per group, the median of the per-image medians.
 */
async function provenanceBench(): Promise<void> {
  const n = values.quick ? 5 : 21;
  const imgs = provenanceImages();
  const report = (where: string, rows: Array<{ name: string; group: string; medianMs: number; firstMs: number }>) => {
    for (const group of ['no-metadata', 'c2pa']) {
      const g = rows.filter((r) => r.group === group);
      line({ bench: 'provenance', where, group, images: g.map((r) => r.name), runsPerImage: n, medianMsPerImage: +median(g.map((r) => r.medianMs)).toFixed(2), perImage: Object.fromEntries(g.map((r) => [r.name, +r.medianMs.toFixed(2)])), firstReadMs: +Math.max(...g.map((r) => r.firstMs)).toFixed(1), bound: group === 'c2pa' ? 50 : 5 });
    }
  };
  // Node (the CLI's reader; same code, same wasm binary).
  configureProvenanceForNode();
  const nodeRows = [];
  for (const img of imgs) {
    const t0 = performance.now();
    await readProvenance(img.bytes);
    const firstMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < n; i++) { const t = performance.now(); await readProvenance(img.bytes); times.push(performance.now() - t); }
    nodeRows.push({ name: img.name, group: img.group, medianMs: median(times), firstMs });
  }
  report('node', nodeRows);
  // Chromium service worker: the packaged build and its wasm.
  if (!findChromium() || !existsSync(join(EXT_DIR, 'manifest.json'))) {
    line({ bench: 'provenance', where: 'chromium extension service worker', skipped: 'no Chromium or no dist/chromium (run npm run build)' });
    return;
  }
  const l = await launchWithExtension(EXT_DIR);
  try {
    const rows = [];
    for (const img of imgs) {
      const r = await inWorker<{ medianMs: number; firstMs: number }>(l, `self.__synthscreenTest.timeProvenance(${JSON.stringify(Buffer.from(img.bytes).toString('base64'))}, ${n})`, 300_000);
      rows.push({ name: img.name, group: img.group, medianMs: r.medianMs, firstMs: r.firstMs });
    }
    report('chromium extension service worker', rows);
  } catch (e) {
    line({ bench: 'provenance', where: 'chromium extension service worker', error: String((e as Error).message ?? e).slice(0, 300) });
  } finally {
    await l.close();
  }
}

async function nodeBench(model: { dir: string; packaged: boolean }): Promise<void> {
  const ref = await loadReference(model.dir);
  const s = ref.detector.manifest.preprocess.inputSize;
  for (const batch of values['whole-image-only'] ? [] : [1, 8]) {
    const inputs = Array.from({ length: batch }, (_, i) => new Float32Array(s * s * 3).fill(i / batch));
    await ref.detector.logits(inputs);
    const n = values.quick ? 3 : batch === 1 ? 20 : 5;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await ref.detector.logits(inputs);
    const msPerInput = (performance.now() - t0) / (n * batch);
    const crops = ref.detector.manifest.tiling ? ref.detector.manifest.tiling.minTiles : Math.max(1, ref.detector.manifest.crops ?? 1);
    line({ bench: 'node-inference', backend: 'wasm', model: ref.detector.id, testModel: !model.packaged, inputSize: s, crops, batch, runs: n, msPerInput: +msPerInput.toFixed(2), msPerImage: +(msPerInput * crops).toFixed(2) });
  }
  const images: WholeImageTiming[] = [];
  for (const [w, h] of WHOLE_IMAGE_SIZES) {
    const image = syntheticImage(w, h, 1);
    const [first] = await ref.detector.score([{ image }]);
    const runs = values.quick ? 5 : 15;
    const times: number[] = [], cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now(), c0 = process.cpuUsage();
      await ref.detector.score([{ image }]);
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    // CPU time of this (single-threaded wasm) process: what the wall time would be on an idle core, since the
    // shared machine's load stretches wall times.
    images.push({ width: w, height: h, runs, medianMs: median(times), meanMs: times.reduce((a, b) => a + b, 0) / runs, cpuMedianMs: median(cpu), tiles: first!.evidence.scored, mode: first!.evidence.mode });
  }
  wholeImageLines('node', 'wasm', ref.detector.id, !model.packaged, images);
  ref.detector.dispose();
}

async function others(): Promise<void> {
  const mods: Array<[string, string, () => Record<string, unknown>]> = [
    ['training/kernels/bench.ts', 'benchTraining', () => (values.quick ? { steps: 3 } : {})],
    ['scripts/bench-explain.ts', 'benchExplain', () => (values.quick ? { runs: 1 } : {})],
  ];
  for (const [path, fn, args] of mods) {
    if (!existsSync(join(REPO_ROOT, path))) { line({ bench: fn, skipped: `${path} not present` }); continue; }
    try {
      const mod = (await import(join(REPO_ROOT, path))) as Record<string, unknown>;
      const f = mod[fn];
      if (typeof f !== 'function') { line({ bench: fn, skipped: `${path} exports no ${fn}` }); continue; }
      const result = await (f as (o: Record<string, unknown>) => Promise<unknown>)(args());
      line({ bench: fn, result });
    } catch (e) {
      line({ bench: fn, error: String((e as Error).message ?? e).slice(0, 500) });
    }
  }
}

/** Face finder ms per avatar in the service worker on wasm (`__synthscreenTest.timeFaces`). */
async function faceWorkerBench(l: Awaited<ReturnType<typeof launchWithExtension>>): Promise<void> {
  try {
    await inWorker(l, `self.__synthscreenTest.reload("wasm", true)`, 600_000);
    const r = await inWorker<{ backend: string; model: string; sizes: Array<{ side: number; runs: number; medianMs: number; passes: number }> }>(
      l, `self.__synthscreenTest.timeFaces(${JSON.stringify(FACE_BENCH_SIDES)}, ${values.quick ? 5 : 15})`, 600_000);
    for (const s of r.sizes) line({ bench: 'faces', where: 'chromium extension service worker', backend: r.backend, model: r.model, image: `no-face (all ${s.passes} zoom passes)`, side: s.side, runs: s.runs, msPerAvatarMedian: +s.medianMs.toFixed(2) });
  } catch (e) {
    line({ bench: 'faces', where: 'chromium extension service worker', error: String((e as Error).message ?? e).slice(0, 300) });
  }
}

/** `--only-faces`: the face finder bench alone (Node, then the service worker). */
async function facesOnly(): Promise<void> {
  for (const r of await benchFacesNode(values.quick ? 5 : 15)) line(r);
  if (!findChromium() || !existsSync(join(EXT_DIR, 'manifest.json'))) { line({ bench: 'faces', skipped: 'no Chromium or no dist/test/chromium (run npm run build)' }); return; }
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, await testModelDir());
    await faceWorkerBench(l);
  } finally {
    await l.close();
  }
}

/** `--only-burst`: the burst bench alone (wasm). */
async function burstOnly(): Promise<void> {
  const model = await testModelDir();
  if (!findChromium() || !existsSync(join(EXT_DIR, 'manifest.json'))) { line({ bench: 'burst', skipped: 'no Chromium or no dist/test/chromium (run npm run build)' }); return; }
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    await inWorker(l, `self.__synthscreenTest.reload("wasm", true)`, 600_000);
    line({ ...(await benchBurst(l)), testModel: !model.packaged });
  } finally {
    await l.close();
  }
}

async function main(): Promise<void> {
  if (values['only-provenance']) { await provenanceBench(); return; }
  if (values['only-burst']) { await burstOnly(); return; }
  if (values['only-faces']) { await facesOnly(); return; }
  if (values['only-edits']) { line(await benchEdits(Number(values['edits-n']))); return; }
  const model = await testModelDir();
  if (!model.packaged) line({ note: 'no packaged model (dist/test/chromium/model): timings are for the tiny e2e test model, not the detector' });
  await browserBench(model);
  await nodeBench(model);
  if (!values['whole-image-only']) for (const r of await benchFacesNode(values.quick ? 5 : 15).catch((e: unknown) => [{ bench: 'faces', where: 'node', error: String((e as Error).message ?? e).slice(0, 300) }])) line(r);
  if (!values['skip-content'] && !values['whole-image-only']) {
    if (!existsSync(join(EXT_DIR, 'manifest.json'))) line({ bench: 'content-script', skipped: 'no dist/test/chromium (run npm run build)' });
    else line(await benchContentScript().catch((e: unknown) => ({ bench: 'content-script', error: String((e as Error).message ?? e).slice(0, 300) })));
  }
  if (!values['whole-image-only']) await provenanceBench().catch((e: unknown) => line({ bench: 'provenance', error: String((e as Error).message ?? e).slice(0, 300) }));
  if (!values['skip-others'] && !values['whole-image-only']) await others();
}

main().catch((e: unknown) => {
  line({ error: String((e as Error)?.stack ?? e) });
  process.exit(1);
});
