/**
 * Writes `MODEL_CARD.md` for a shipped model folder from the JSON reports that project commands wrote,
 * so that every number in the card traces to a command:
 *
 *   npx tsx training/train/model-card.ts --model models/default --loso out/loso/<run>/loso.json \
 *     [--bench <bench.json from `npx tsx training/kernels/bench.ts detector`>] [--notes <markdown file>]
 *     [--extra-loso <other loso.json> …] [--extra-md <markdown file> …]
 *
 * Copies the LOSO summary (predictions dropped) and markdown table into `<model>/reports/`.
 */
import { parseArgs } from 'node:util';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { losoMarkdown, type LosoResult } from '../eval/loso';
import type { ModelManifest } from '../../extension/shared/model-manifest';

const f3 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '—');

/** Builds the card text. Pure: inputs are the parsed reports. */
export function modelCard(m: ModelManifest, training: Record<string, any>, loso: (LosoResult & { meta?: Record<string, unknown> }) | undefined, bench: Record<string, any> | undefined, notes: string, extras: string[] = []): string {
  const p = (m.provenance ?? {}) as Record<string, any>;
  const cal = m.calibration.type === 'platt' ? `Platt: p = σ(${m.calibration.a.toFixed(4)}·z ${m.calibration.b < 0 ? '−' : '+'} ${Math.abs(m.calibration.b).toFixed(4)})` : m.calibration.type;
  const bytes = m.files.filter((f) => f.path.endsWith('.bin')).reduce((a, f) => a + f.bytes, 0);
  const L: string[] = [];
  L.push(`# SynthScreen default detector: \`${m.name}@${m.version}\` (${m.arch})`, '');
  L.push(notes.trim(), '');
  L.push('## The model', '');
  const headRecipe = training.recipe === 'frozen-features-seed-head';
  if (headRecipe) {
    L.push(`- Architecture \`${m.arch}\` + the seed paper's head: a frozen ImageNet MobileNetV2 1.0 (Google's TF-slim weights from the Coral \`mobilenet_v2_1.0_224_quant.tflite\`, Apache-2.0, dequantised by \`training/models/tflite.ts\`) whose global-average-pooled activations at three depths (the 32-channel block, the 96-channel block and the final 1280-channel 1×1 conv: 1,408 values) feed Dense(${training.head?.units}, ReLU) → BatchNorm → Dropout(${training.head?.dropout}) → Dense(1) logit; the feature standardisation is folded into the first dense layer. The backbone is not fine-tuned (end-to-end fine-tuning runs at ≈ 0.2–0.3 img/s on this machine's wasm: \`npx tsx training/kernels/bench.ts finetune-mobilenet-v2\`).`);
    L.push(`- Input: the **whole image**: shorter side resized to ${m.preprocess.inputSize} px and the centre square taken (\`${m.preprocess.geometry}\`), normalisation \`${JSON.stringify(m.preprocess.normalization)}\`. Output: one logit per image; the explanation view's heatmaps (Grad-CAM on \`mnv2_61_conv_2d\`, 7×7) cover that whole square.`);
  }
  const kernels = (p.archOptions?.kernels as number[] | undefined) ?? [3, 3, 3, 3];
  const rf = kernels.join(',') === '3,3,1,1' ? '≈ 10 px, LaDeDa-like' : kernels.join(',') === '3,3,3,3' ? '≈ 30 px' : `kernels ${kernels.join(', ')}`;
  if (!headRecipe) L.push(`- Architecture \`${m.arch}\`: fixed NPR residual (x − up(down(x)), nearest 2×; Tan et al., CVPR 2024) → four conv-BN-ReLU layers with kernels ${kernels.map((k) => `${k}×${k}`).join(', ')} (one stride 2; receptive field ${rf}) → 1×1 conv patch logits → global average (LaDeDa-style patch scoring, Cavia et al. 2024). Trained from scratch; no pretrained weights.`);
  if (headRecipe) { /* described above */ } else if (m.tiling) {
    const t = m.tiling;
    const agg = t.aggregation.type === 'trimmed-mean' ? `trimmed mean (the ⌊${t.aggregation.trim}·n⌋ lowest and highest tile logits dropped, the rest averaged: a few tiles the detector cannot read — flat sky, text overlays, watermarks — cannot carry the verdict, and with nothing odd it is the mean)`
      : t.aggregation.type === 'top-quantile-mean' ? `mean of the highest ${t.aggregation.quantile * 100} % of tile logits` : 'mean';
    L.push(`- Input: the **whole image** at native resolution as ${t.tileSize} px tiles on a centred grid with stride ${t.stride} px (\`extension/shared/tiling.ts\`): every tile on WebGPU/WebGL (one fully convolutional pass per region of ≤ ${t.maxPassPixels} px, the logit map average-pooled per tile), a deterministic spread-out sample of ${t.minTiles} tiles (corners included) on wasm/cpu, all tiles when the image has fewer; images with a side under ${t.tileSize} px are upscaled to one tile. Tile logits are aggregated by ${agg}. Normalisation \`${JSON.stringify(m.preprocess.normalization)}\`. Output: one logit per image, and the per-tile logits as the verdict's evidence map (≤ ${t.maxEvidenceCells} cells).`);
  } else {
    L.push(`- Input: \`${m.preprocess.geometry}\` ${m.preprocess.inputSize} px at native resolution, ${m.crops ?? 1} crops per image (centre + corners, logits averaged), normalisation \`${JSON.stringify(m.preprocess.normalization)}\`. Output: one logit per image.`);
  }
  L.push(`- Weights: ${(bytes / 1024).toFixed(0)} KiB (${p.quantize ?? '?'}), files pinned by sha256 in \`manifest.json\`.`);
  const sc = p.sourceCalibration as { stage1: { a: number; b: number }; stage2: { a: number; b: number }; loso: string; command: string; inDomainThreshold?: number } | undefined;
  if (sc) {
    L.push(`- Calibration (**source-held-out**, \`training/train/source-calibration.ts\`): ${cal}. This is the in-domain Platt map fitted on the validation split, σ(${sc.stage1.a.toFixed(4)}·z ${sc.stage1.b < 0 ? '−' : '+'} ${Math.abs(sc.stage1.b).toFixed(4)}), followed by a second Platt stage σ(${sc.stage2.a.toFixed(4)}·logit(p) ${sc.stage2.b < 0 ? '−' : '+'} ${Math.abs(sc.stage2.b).toFixed(4)}) fitted with equal class weights on the leave-one-source-out predictions of the same recipe (run \`${sc.loso}\`), so the probability says how often such a score is right on a source the detector never saw. Threshold ${m.threshold}; unsure band ${m.unsureBand} (narrowest band whose nested real-photo FPR is ≤ ${((sc as { maxFpr?: number }).maxFpr ?? 0.15) * 100} % at clean, web and avatar). Command: \`${sc.command}\`. In-domain threshold before this step: ${sc.inDomainThreshold ?? '?'}.`, '');
  } else {
    L.push(`- Calibration (fitted on the validation split): ${cal}; threshold ${m.threshold} (best balanced accuracy on validation); unsure band ${m.unsureBand}.`, '');
  }
  L.push('## Training', '');
  L.push(`- Command: \`${training.command}\``);
  if (headRecipe) {
    L.push(`- Data: \`${p.manifest}\` (the developer set plus the assembled public-source set, \`training/cli/trainset.ts\`; see "Data" below). Split: \`splitRecords\` seed ${training.split?.seed}, grouped by source × label: train ${training.split?.train}, val ${training.split?.val} images.`);
    L.push(`- Features: \`${training.features}\` (\`training/cli/features.ts\`), each training image at ${(training.trainLevels as string[] | undefined)?.join(', ')} (label-blind: every image of both classes is also re-encoded as a feed upload, longer side ≤ 1080 + JPEG q60, and as an avatar, ≤ 256 + JPEG q75; only pixels are read, so metadata cannot leak the label): ${training.trainVectors} vectors.`);
    L.push(`- Head: Adam ${training.head?.lr ?? 0.001}, batch ${training.head?.batch ?? 64}, ≤ ${training.head?.epochs} epochs, learning rate halved after 2 epochs without validation improvement, class-balanced loss, best validation (web level) at epoch ${training.head?.bestEpoch} (loss ${f3(training.head?.valLoss)}); ${Number(training.trainSeconds).toFixed(0)} s on tfjs wasm.`);
    L.push(`- Validation (in-domain, web level, after calibration): n ${training.validation?.n}, ROC-AUC ${f3(training.validation?.auc)}, bAcc ${f3(training.validation?.balancedAccuracy)}, ECE ${f3(training.validation?.ece)}.`, '');
  } else {
  L.push(`- Split: \`splitRecords\` seed ${training.split?.seed}, 0.8/0.1/0.1 by source × label, grouped: train ${training.split?.train}, val ${training.split?.val}, test ${training.split?.test} images.`);
  L.push(`- Data: \`../shared/data/MANIFEST.tsv\` (crop column applied first). Per image, 6 cached 128 px regions of label-blind augmentations (\`training/data/degrade.ts\`: downscale 0.5–1 (skipped for ${((p.cache?.params?.pNative ?? 0) * 100).toFixed(0)} % of regions), blur p 0.2, noise p 0.2, flip, **JPEG q50–95 always**), cache \`${p.cache?.file}\`; batches of ${training.batch} random 64 px patches, class-balanced, random flips.`);
  L.push(`- ${training.steps} Adam steps (lr 2e-3, cosine to 5 %), best validation AUC at step ${training.best?.step}; ${Number(training.trainSeconds).toFixed(0)} s on the tfjs wasm backend with SynthScreen's gradient kernels (${Number(training.imgPerSec).toFixed(0)} patches/s, 2 shared cores, \`nice\`).`);
  L.push(`- Validation (in-domain, after calibration): n ${training.validation?.n}, ROC-AUC ${f3(training.validation?.auc)}, bAcc ${f3(training.validation?.balancedAccuracy)}, ECE ${f3(training.validation?.ece)}.`, '');
  }
  if (loso) {
    L.push('## Leave-one-source-out (the development metric)', '');
    const nSources = Object.keys(loso.per_source ?? {}).length || '?';
    L.push(headRecipe ? `Each of the ${nSources} sources is held out in turn; the head is trained from scratch on the others' features (the same recipe, validation on the fold's validation slice at web level), and the held-out images are scored under each condition (\`clean\` = stored file, \`web\` = longer side ≤ 1080 + JPEG q60, \`avatar\` = longer side ≤ 256 + JPEG q75). Threshold 0.5 on the head's probability.` : `Each of the ${nSources} sources is held out in turn; the same recipe (${String(loso.meta?.command ?? '').includes('--steps=') ? String(loso.meta?.command).match(/--steps=(\d+)/)?.[1] : '?'} steps) is trained from scratch on the others with Platt calibration on the fold's validation slice, and the held-out images are scored through the extension's scoring core (\`createScorer\`: the same tiles and aggregation as the product on wasm) under each condition (\`clean\` = stored file, \`web\` = longer side ≤ 1080 + JPEG q60, \`avatar\` = longer side ≤ 256 + JPEG q75). Threshold 0.5 on the calibrated probability.`, '');
    L.push('```', `${String(loso.meta?.command ?? '')}`, '```', '');
    L.push(losoMarkdown(loso).replace(/^# .*\n/, ''));
    L.push(`Baseline (\`../shared/research/baseline.md\`, frozen ImageNet features + logistic regression): LOSO bAcc 0.54–0.58, ROC-AUC 0.56–0.62.`, '');
  }
  if (training.randomSplitTest) {
    L.push('## Random-split test (same sources as training — optimistic)', '');
    L.push('| condition | n | bAcc | ROC-AUC | ECE | FPR | FNR |', '|---|---|---|---|---|---|---|');
    for (const [lvl, v] of Object.entries(training.randomSplitTest as Record<string, any>)) L.push(`| ${lvl} | ${v.n} | ${f3(v.balancedAccuracy)} | ${f3(v.rocAuc)} | ${f3(v.ece)} | ${f3(v.fpr)} | ${f3(v.fnr)} |`);
    L.push('', `Measured by the training command above, with the in-domain calibration and threshold (${(p.sourceCalibration as { inDomainThreshold?: number } | undefined)?.inDomainThreshold ?? m.threshold}); the shipped source-held-out calibration does not change ranking (ROC-AUC); \`npm run evaluate -- --model models/default --manifest ../shared/data/MANIFEST.tsv --split test --degrade <level> --out <report.json>\` re-measures it through the shipped files.`, '');
  }
  if (bench) {
    L.push('## Speed', '');
    L.push(`- ${Number(bench.msPerImage).toFixed(1)} ms per image on tfjs wasm in Node (single thread, after decode: ${bench.tiles !== undefined && m.tiling ? `${bench.tiles} tiles` : `${bench.crops} crops`} of ${bench.inputSize} px, 1024×768 input), measured with \`npx tsx training/kernels/bench.ts detector\` on the shared 2-core machine (load average ${bench.load ?? '?'} at the time).`, '');
  }
  if (extras.length) {
    L.push('## Other measurements', '');
    for (const e of extras) L.push(e.trim(), '');
  }
  return L.join('\n') + '\n';
}

/** CLI. @throws {Error} for missing files */
export async function main(argv: string[]): Promise<string> {
  const { values } = parseArgs({ args: argv, options: { model: { type: 'string', default: 'models/default' }, loso: { type: 'string' }, bench: { type: 'string' }, notes: { type: 'string' }, 'extra-loso': { type: 'string', multiple: true }, 'extra-md': { type: 'string', multiple: true } } });
  const dir = resolve(String(values.model));
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
  const training = JSON.parse(await readFile(join(dir, 'training-report.json'), 'utf8'));
  let loso: (LosoResult & { meta?: Record<string, unknown> }) | undefined;
  if (values.loso) {
    loso = JSON.parse(await readFile(String(values.loso), 'utf8'));
    const { predictions: _p, ...summary } = loso!;
    await mkdir(join(dir, 'reports'), { recursive: true });
    await writeFile(join(dir, 'reports', 'loso-summary.json'), JSON.stringify(summary, null, 1) + '\n');
    await writeFile(join(dir, 'reports', 'loso.md'), losoMarkdown(loso!) + `\nReproduce: \`${String(loso!.meta?.command ?? '')}\`\n`);
  }
  const bench = values.bench ? JSON.parse(await readFile(String(values.bench), 'utf8')) : undefined;
  if (bench) { await mkdir(join(dir, 'reports'), { recursive: true }); await writeFile(join(dir, 'reports', 'bench-detector.json'), JSON.stringify(bench, null, 1) + '\n'); }
  const notes = values.notes ? await readFile(String(values.notes), 'utf8') : '';
  // Further LOSO runs (comparison points): their markdown tables are copied to reports/ and embedded.
  const extras: string[] = [];
  for (const file of values['extra-loso'] ?? []) {
    const r = JSON.parse(await readFile(file, 'utf8')) as LosoResult & { meta?: Record<string, unknown> };
    const { predictions: _p, ...summary } = r;
    const slug = r.name.replace(/[^a-z0-9.-]+/gi, '-');
    await mkdir(join(dir, 'reports'), { recursive: true });
    await writeFile(join(dir, 'reports', `loso-${slug}.json`), JSON.stringify(summary, null, 1) + '\n');
    const md = losoMarkdown(r).replace(/^# (.*)\n/, '### LOSO: $1\n') + `\nReproduce: \`${String(r.meta?.command ?? '')}\`\n`;
    await writeFile(join(dir, 'reports', `loso-${slug}.md`), md);
    extras.push(md);
  }
  // Further reports written by project commands (e.g. calibrate-loso --report), embedded verbatim with headings demoted.
  for (const file of values['extra-md'] ?? []) extras.push((await readFile(file, 'utf8')).replace(/^# /, '### '));
  const text = modelCard(manifest, training, loso, bench, notes, extras);
  await writeFile(join(dir, 'MODEL_CARD.md'), text);
  return text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((t) => process.stdout.write(t)).catch((e: Error) => { console.error(`model-card: ${e.message}`); process.exit(1); });
}
