/**
 * `npm run explain -- [--model <dir>] --image <file> --method gradcam|ablationcam|layercam|scorecam|lime
 *   --out <file.png> [--json <file>]` — explains one image with the shipped detector and writes the
 * overlay (PNG, the whole decoded image with the heatmap / LIME regions over the region the model saw)
 * and optionally the raw map and scores as JSON.
 *
 * The explanation covers the whole image the verdict was computed from (issue 12, `explainImage`): for tiled
 * models the CAMs run on the verdict's tiles and are stitched, LIME segments the tiles together; the
 * explained class defaults to the whole image's verdict. Models without a tiling (and images smaller than
 * a tile) explain the centre input, placed through `explanationRegion`. The JSON's `verdict`, `probability`
 * and `evidence` are the whole image's, as the badge computes them (`Detector.score`);
 * `calibratedProbability` is that of the explained tiles' aggregated logit (the same in mode `sample`).
 */
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initTf } from '../node/backend';
import { ensureGradientKernels } from '../../extension/shared/tf/wasm-grads';
import { loadDetectorFromDir } from '../node/model-dir';
import { renderWholeImage } from '../../extension/shared/explain/overlay';
import { decodeFile, encodeImage } from '../node/decode';
import { verdictFor } from '../../extension/shared/verdict';
import { provenanceOfFile, type ProvenanceSummary } from '../eval/provenance';
import { fuseVerdict } from '../../extension/shared/provenance/fusion';
import type { EvidenceMap } from '../../extension/shared/tiling';
import {
  explainImage, renderOverlay, topRegions, EXPLAIN_METHODS,
  type ExplainMethod, type ExplainResult, type ExplainTarget, type Colormap,
} from '../../extension/shared/explain/index';

const USAGE = `usage: npm run explain -- [--model models/default] --image <file> --method ${EXPLAIN_METHODS.join('|')}
                          --out <overlay.png> [--json <result.json>]
  --target predicted|synthetic|real   class to explain (default: the verdict)
  --layer <name>                      target conv layer (default: manifest explainLayer / registry table)
  --samples <n>                       LIME samples (default 500)     --segments <n>  LIME superpixels (default 50)
  --top-k <n>                         Score-CAM channels (default 32)
  --regions <n>                       LIME regions drawn for / against (default 5)
  --opacity <0..1>                    overlay opacity (default 0.5)  --colormap class|jet|viridis (default class: the view's blue = toward real / orange = toward AI, LIME outlined, parts not analysed hatched)
  --backend auto|cpu                  auto: native/wasm, falling back to cpu if a gradient kernel is missing
  --quiet`;

export interface ExplainCliResult {
  model: string;
  image: { path: string; width: number; height: number };
  backend: string;
  /** The badge's verdict: from `probability` (the whole image) vs the manifest's threshold and band. */
  verdict: string;
  /** Calibrated probability of "synthetic" for the whole image, as the badge shows it (tile logits aggregated per the manifest, or crops averaged). */
  probability: number;
  /** The whole image's evidence map: per-tile raw logits with their source rectangles (`extension/shared/tiling.ts`). */
  evidence: EvidenceMap;
  /** Calibrated probability of "synthetic" for the explained (centre) input only. */
  calibratedProbability: number;
  explanation: ExplainResult;
  /** What the file's own metadata says (C2PA, IPTC, generator metadata, camera EXIF), next to the pixel verdict. */
  provenance: ProvenanceSummary;
  /** The verdict the badge shows: provenance and pixels fused (`fuseVerdict`), with its sentence. */
  fused: { label: string; basis: string; text: string };
  topRegions?: { for: Array<{ segment: number; weight: number }>; against: Array<{ segment: number; weight: number }> };
}

function num(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi) throw new RangeError(`--${name} must be a number in [${lo}, ${hi}], got "${v}"`);
  return n;
}

/**
 * Runs the command.
 * @param argv arguments after `--`
 * @returns what was written to `--json`
 * @throws {RangeError|Error} for bad arguments, an unreadable image or model
 */
export async function main(argv: string[]): Promise<ExplainCliResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: 'models/default' },
      image: { type: 'string' },
      method: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      target: { type: 'string' },
      layer: { type: 'string' },
      samples: { type: 'string' },
      segments: { type: 'string' },
      'top-k': { type: 'string' },
      regions: { type: 'string' },
      opacity: { type: 'string' },
      colormap: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) { console.log(USAGE); process.exit(0); }
  if (!values.image || !values.method || !values.out) throw new RangeError(`--image, --method and --out are required\n${USAGE}`);
  const method = values.method as ExplainMethod;
  if (!EXPLAIN_METHODS.includes(method)) throw new RangeError(`--method must be one of ${EXPLAIN_METHODS.join(', ')}`);
  const target = values.target;
  if (target !== undefined && !['predicted', 'synthetic', 'real'].includes(target)) throw new RangeError('--target must be predicted, synthetic or real');
  const colormap = (values.colormap ?? 'class') as Colormap | 'class';
  if (colormap !== 'class' && colormap !== 'jet' && colormap !== 'viridis') throw new RangeError('--colormap must be class, jet or viridis');
  if (values.backend !== 'auto' && values.backend !== 'cpu') throw new RangeError('--backend must be auto or cpu');
  const samples = num(values.samples, 'samples', 2, 100_000);
  const segments = num(values.segments, 'segments', 1, 10_000);
  const topK = num(values['top-k'], 'top-k', 1, 100_000);
  const regions = num(values.regions, 'regions', 0, 1000) ?? 5;
  const opacity = num(values.opacity, 'opacity', 0, 1) ?? 0.5;
  const log = (m: string) => { if (!values.quiet) process.stderr.write(`${m}\n`); };

  const { tf } = await initTf({ want: values.backend === 'cpu' ? 'training' : 'inference', quiet: values.quiet, forcePure: values.backend === 'cpu' });
  // tfjs' fused conv gradient computes the filter gradient too, which wasm 4.22 lacks: register the
  // project's wasm gradient kernels (the runtime module the service worker uses too).
  ensureGradientKernels(tf.getBackend());
  const detector = await loadDetectorFromDir(tf, values.model!);
  try {
    const image = await decodeFile(values.image);
    let lastPct = -1;
    const run = () => explainImage(tf, detector, image, {
      method, targetLayer: values.layer, target: target as ExplainTarget | undefined, samples, segments, topK,
      onProgress: (done, total) => {
        const pct = Math.floor((100 * done) / total);
        if (pct >= lastPct + 10 || done === total) { lastPct = pct; log(`[explain] ${method}: ${done}/${total}`); }
      },
    });
    let result: ExplainResult;
    try {
      result = await run();
    } catch (e) {
      // The wasm backend lacks some gradient kernels; the cpu backend has all of them.
      if (tf.getBackend() === 'cpu' || !/kernel|gradient|not (yet )?(registered|implemented)/i.test((e as Error).message)) throw e;
      log(`[explain] ${tf.getBackend()} failed (${(e as Error).message}); retrying on cpu`);
      await tf.setBackend('cpu');
      result = await run();
    }
    const calibrated = result.probability; // explainImage reports the calibrated probability of the tiles it explained
    const [whole] = await detector.score([{ image }]); // the badge's number: the manifest's tiles (or crops)
    const verdict = verdictFor(whole!.probability, detector.manifest.threshold, detector.manifest.unsureBand);
    const overlay = colormap === 'class' ? renderWholeImage(image, result, { opacity, regions }) : renderOverlay(image, result, { opacity, colormap, regions });
    await mkdir(dirname(resolve(values.out)), { recursive: true });
    await writeFile(values.out, await encodeImage(overlay, 'png'));
    const out: ExplainCliResult = {
      model: detector.id,
      image: { path: values.image, width: image.width, height: image.height },
      backend: tf.getBackend(),
      verdict,
      probability: whole!.probability,
      evidence: whole!.evidence,
      calibratedProbability: calibrated,
      explanation: result,
      provenance: await provenanceOfFile(values.image),
      fused: { label: '', basis: '', text: '' },
    };
    const fv = fuseVerdict({ probability: whole!.probability, label: verdict }, { ...out.provenance, fields: {} });
    out.fused = { label: fv.label, basis: fv.basis, text: fv.text };
    if (result.weights) {
      const top = topRegions(result.weights, regions);
      out.topRegions = {
        for: top.for.map((s) => ({ segment: s, weight: result.weights![s]! })),
        against: top.against.map((s) => ({ segment: s, weight: result.weights![s]! })),
      };
    }
    if (values.json) {
      await mkdir(dirname(resolve(values.json)), { recursive: true });
      await writeFile(values.json, JSON.stringify(out) + '\n');
    }
    const pv = out.provenance;
    log(`[explain] verdict shown: ${out.fused.text}`);
    log(`[explain] provenance: ${pv.kind}, ${pv.claim}, ${pv.validation}${pv.signer ? `, signed by ${pv.signer}` : ''}${pv.generator ? `, ${pv.generator}` : ''}${pv.model ? ` (${pv.model})` : ''}`);
    log(`[explain] ${detector.id} ${method} (layer ${result.layer}, target ${result.target}): verdict ${verdict}, p=${whole!.probability.toFixed(4)} (explained ${result.tilesExplained ?? 1} of ${result.tilesScored ?? 1} tiles, p=${calibrated.toFixed(4)}), ` +
      `map ${result.mapWidth}x${result.mapHeight}${result.empty ? ' EMPTY (no localised evidence)' : ''}, ${result.ms} ms → ${values.out}`);
    return out;
  } finally {
    detector.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`explain: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
