/**
 * Renders `MODEL_CARD.md` for a model folder from result files only, so that every number in the card
 * comes from a report (`npm run evaluate` JSON, `loso.json`) and is printed next to the command that
 * reproduces it (`meta.command` of the report).
 *
 *   npx tsx training/export/model-card.ts --config <card.json> [--out <models/x/MODEL_CARD.md>]
 *
 * `card.json` (paths relative to the config file's folder):
 * ```json
 * {
 *   "model": "../models/synthscreen-npr-patch",
 *   "summary": "One paragraph: what the model does.",
 *   "intended_use": ["Screening images in a social feed …"],
 *   "limitations": ["…"],
 *   "training_data": "Text about the data and split.",
 *   "evaluations": [{ "title": "Developer set, test split, clean", "report": "../out/eval/test-clean.json" }],
 *   "loso": [{ "title": "Leave-one-source-out", "report": "../out/loso/npr/loso.json" }]
 * }
 * ```
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { validateManifest, type ModelManifest } from '../../extension/shared/model-manifest';
import type { EvalReport, MetricSummary } from '../eval/evaluate';
import type { LosoResult } from '../eval/loso';
import { losoMarkdown } from '../eval/loso';

export interface CardConfig {
  model: string;
  summary?: string;
  intended_use?: string[];
  limitations?: string[];
  training_data?: string;
  evaluations?: Array<{ title: string; report: string }>;
  loso?: Array<{ title: string; report: string }>;
}

/** Everything the card needs, already loaded. */
export interface CardInputs {
  config: CardConfig;
  manifest: ModelManifest;
  evaluations: Array<{ title: string; file: string; report: EvalReport }>;
  loso: Array<{ title: string; file: string; result: LosoResult & { meta?: Record<string, unknown> } }>;
}

const f3 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);

function perSourceTable(per: Record<string, MetricSummary>): string[] {
  const out = ['| source | n (real/synth) | accuracy | bAcc | ROC-AUC | FPR | FNR |', '|---|---|---|---|---|---|---|'];
  for (const [k, m] of Object.entries(per)) out.push(`| ${k} | ${m.n} (${m.n_real}/${m.n_synthetic}) | ${f3(m.accuracy)} | ${f3(m.balanced_accuracy)} | ${f3(m.roc_auc)} | ${pct(m.fpr)} | ${pct(m.fnr)} |`);
  return out;
}

/**
 * Renders the card as markdown.
 * @returns the document text
 */
export function renderModelCard(inp: CardInputs): string {
  const m = inp.manifest;
  const c = inp.config;
  const L: string[] = [`# Model card: ${m.name} ${m.version}`, ''];
  if (c.summary) L.push(c.summary, '');
  L.push('## Model', '', `| field | value |`, `|---|---|`,
    `| architecture | \`${m.arch}\` |`,
    `| input | ${m.preprocess.inputSize}×${m.preprocess.inputSize}, geometry \`${m.preprocess.geometry}\`, normalisation \`${typeof m.preprocess.normalization === 'string' ? m.preprocess.normalization : 'mean/std'}\`${m.preprocess.channelOrder ? `, ${m.preprocess.channelOrder}` : ''} |`,
    `| test-time crops | ${m.crops ?? 1} |`,
    `| output | ${m.output} |`,
    `| calibration | ${m.calibration.type === 'platt' ? `Platt, a = ${m.calibration.a}, b = ${m.calibration.b}` : m.calibration.type} |`,
    `| threshold / unsure band | ${m.threshold} / ${m.unsureBand} |`,
    `| weights | ${m.files.filter((f) => f.path !== m.modelJson).reduce((a, f) => a + f.bytes, 0).toLocaleString('en-US')} bytes${m.provenance?.quantize ? ` (${String(m.provenance.quantize)})` : ''} |`,
    `| exported | ${m.createdAt} |`, '');
  L.push('Files (sha256):', '', ...m.files.map((f) => `- \`${f.path}\` ${f.bytes} B \`${f.sha256}\``), '');
  if (c.intended_use?.length) L.push('## Intended use', '', ...c.intended_use.map((s) => `- ${s}`), '');
  if (c.training_data) L.push('## Training data', '', c.training_data, '');
  if (inp.evaluations.length) {
    L.push('## Evaluation', '', `Threshold as in the manifest unless a report says otherwise. FPR = real images called synthetic; FNR = synthetic images called real.`, '');
    L.push('| evaluation | n | accuracy | bAcc | precision | recall | F1 | AP | ROC-AUC | FPR | FNR | ECE | errors |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const e of inp.evaluations) {
      const r = e.report;
      L.push(`| ${e.title} | ${r.n} | ${f3(r.accuracy)} | ${f3(r.balanced_accuracy)} | ${f3(r.precision)} | ${f3(r.recall)} | ${f3(r.f1)} | ${f3(r.average_precision)} | ${f3(r.roc_auc)} | ${pct(r.fpr)} | ${pct(r.fnr)} | ${f3(r.ece)} | ${r.errors.length} |`);
    }
    L.push('');
    for (const e of inp.evaluations) {
      L.push(`### ${e.title}`, '', `Source: \`${e.file}\`. Reproduce: \`${String(e.report.meta?.command ?? '(command not recorded)')}\``, '');
      const u = e.report.unsure;
      if (u) L.push(`With the unsure band ${u.band} around ${u.threshold}: ${pct(u.unsure_rate)} of images unsure; accuracy on the rest ${f3(u.decided_accuracy)}; real called synthetic ${pct(u.fpr ?? undefined)}; synthetic called real ${pct(u.fnr ?? undefined)}.`, '');
      L.push(...perSourceTable(e.report.per_source), '');
    }
  }
  for (const l of inp.loso) {
    L.push(`## ${l.title}`, '', `Source: \`${l.file}\`. Reproduce: \`${String(l.result.meta?.command ?? '(command not recorded)')}\``, '');
    L.push(...losoMarkdown(l.result).split('\n').slice(2).map((s) => s.replace(/^# /, '### ')), '');
  }
  const lim = [...(c.limitations ?? [])];
  lim.push('The developer set (`../shared/data`) confounds label with JPEG quality, resolution and content in several sources (see `../shared/research/data-sources.md` and `baseline.md`); per-source and matched-source numbers above matter more than pooled ones.');
  L.push('## Limitations', '', ...lim.map((s) => `- ${s}`), '');
  return L.join('\n');
}

/**
 * Loads a card config and every file it names.
 * @throws {Error} for missing files; {TypeError} for an invalid manifest
 */
export async function loadCardInputs(configPath: string): Promise<CardInputs> {
  const base = dirname(resolve(configPath));
  const config = JSON.parse(await readFile(configPath, 'utf8')) as CardConfig;
  const rel = (p: string) => relative(process.cwd(), resolve(base, p)) || '.';
  const modelDir = resolve(base, config.model);
  const manifest = validateManifest(JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8')));
  const evaluations = await Promise.all((config.evaluations ?? []).map(async (e) => ({ title: e.title, file: rel(e.report), report: JSON.parse(await readFile(resolve(base, e.report), 'utf8')) as EvalReport })));
  const loso = await Promise.all((config.loso ?? []).map(async (e) => ({ title: e.title, file: rel(e.report), result: JSON.parse(await readFile(resolve(base, e.report), 'utf8')) as LosoResult })));
  return { config, manifest, evaluations, loso };
}

/** CLI entry: writes the card to `--out` (default `<model>/MODEL_CARD.md`). */
export async function main(argv: string[]): Promise<string> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, out: { type: 'string' } } });
  if (!values.config) throw new Error('usage: model-card.ts --config <card.json> [--out MODEL_CARD.md]');
  const inp = await loadCardInputs(values.config);
  const text = renderModelCard(inp);
  const out = values.out ?? join(resolve(dirname(resolve(values.config)), inp.config.model), 'MODEL_CARD.md');
  await writeFile(out, text);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((p) => console.error(`wrote ${p}`), (e: Error) => { console.error(`model-card: ${e.message}`); process.exit(1); });
}
