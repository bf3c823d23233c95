/**
 * Source-held-out calibration of a detector from its leave-one-source-out predictions
 * (`training/train/source-calibration.ts` explains the method):
 *
 *   npx tsx training/cli/calibrate-loso.ts --loso out/loso/<run>/loso.json [--levels clean,web,avatar]
 *     [--max-fpr 0.15] [--report models/default/reports/source-calibration.md]
 *     [--model models/default --write]
 *
 * Prints (and with `--report` writes) a markdown table: per degradation level, the class-balanced ECE of
 * the in-domain calibration vs the nested source-held-out one, and the verdict rates (real-photo FPR,
 * synthetic FNR, coverage = share not "unsure") at threshold 0.5 for several unsure-band widths, all on
 * nested probabilities (each source calibrated by a map fitted without it).
 * The unsure band proposed is the narrowest (step 0.02) whose real-photo FPR is ≤ `--max-fpr` at every
 * level; none → the widest tried (0.6), said so.
 * With `--model <dir> --write`, the model's `manifest.json` gets calibration = stage 2 ∘ its own Platt map,
 * threshold 0.5 and the proposed band, and `provenance.sourceCalibration` records how. The model's weights
 * and their checksums are untouched.
 * @throws (exit 1) for a missing file, a run without predictions or a model whose calibration is not Platt
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseLooseArgs } from '../node/args';
import { shellJoin } from '../node/shell';
import { parseLevels } from './features';
import { nestedSourceCalibration, operatingPoint, balancedEce, composePlatt, type HeldOutPrediction } from '../train/source-calibration';
import { rocAuc } from '../eval/metrics';
import { validateManifest } from '../../extension/shared/model-manifest';

interface LosoJson {
  name: string;
  predictions: Record<string, Array<{ path: string; label: string; source: string; probability: number }>>;
}

const BANDS = [0, 0.04, 0.06, 0.1, 0.2];
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—');

export interface SourceCalibrationReport {
  markdown: string;
  stage2: { a: number; b: number };
  unsureBand: number;
  bandMeetsTarget: boolean;
}

/**
 * Builds the report from a parsed `loso.json`.
 * @param levels degradation levels pooled for the fit (each image once per level)
 * @param maxFpr target real-photo FPR for the proposed band, in [0, 1]
 * @throws {Error} when `levels` has no predictions
 */
export function sourceCalibrationReport(loso: LosoJson, levels: string[], maxFpr: number): SourceCalibrationReport {
  const byLevel = new Map<string, HeldOutPrediction[]>();
  for (const l of levels) {
    const p = (loso.predictions[l] ?? []).filter((x) => Number.isFinite(x.probability));
    if (p.length === 0) throw new Error(`no "${l}" predictions in ${loso.name}`);
    // one pooled fit across levels: a source is "held out" across all its levels at once
    byLevel.set(l, p.map((x) => ({ source: x.source, y: x.label === 'synthetic' ? 1 : 0, probability: x.probability })));
  }
  const all = levels.flatMap((l) => byLevel.get(l)!);
  const nested = nestedSourceCalibration(all);
  const nestedByLevel = new Map<string, number[]>();
  let k = 0;
  for (const l of levels) { const n = byLevel.get(l)!.length; nestedByLevel.set(l, nested.nestedProbabilities.slice(k, k + n)); k += n; }

  let band = 0.6, meets = false;
  for (let w = 0; w <= 0.6 + 1e-9; w += 0.02) {
    if (levels.every((l) => operatingPoint(byLevel.get(l)!.map((p) => p.y), nestedByLevel.get(l)!, 0.5, w).fpr <= maxFpr)) { band = Math.round(w * 100) / 100; meets = true; break; }
  }

  const lines: string[] = [];
  lines.push(`# Source-held-out calibration: ${loso.name}`, '');
  lines.push(`Stage 2 (fitted on all ${all.length} out-of-source predictions, levels ${levels.join(', ')}, equal class weights): p₂ = σ(${nested.stage2.a.toFixed(4)}·logit(p₁) + ${nested.stage2.b.toFixed(4)}).`, '');
  lines.push('All numbers below are nested: each source is calibrated by a stage-2 map fitted without it.', '');
  lines.push('| level | n | ROC-AUC | balanced ECE, in-domain p₁ | balanced ECE, source-held-out p₂ | p₂ range (5th–95th pct) |', '|---|---|---|---|---|---|');
  for (const l of levels) {
    const y = byLevel.get(l)!.map((p) => p.y);
    const p1 = byLevel.get(l)!.map((p) => p.probability);
    const p2 = nestedByLevel.get(l)!;
    const s = [...p2].sort((a, b) => a - b);
    lines.push(`| ${l} | ${y.length} | ${rocAuc(y, p1).toFixed(3)} | ${balancedEce(y, p1).toFixed(3)} | ${balancedEce(y, p2).toFixed(3)} | ${s[Math.floor(0.05 * (s.length - 1))]!.toFixed(2)}–${s[Math.floor(0.95 * (s.length - 1))]!.toFixed(2)} |`);
  }
  lines.push('', 'Verdicts at threshold 0.5 on p₂ (FPR = real photos called synthetic; FNR = synthetic called real; coverage = not "unsure"; bAcc = balanced accuracy of the images that got a definite verdict):', '');
  lines.push(`| level | ${BANDS.map((w) => `band ${w}: FPR / FNR / coverage / bAcc`).join(' | ')} |`, `|---|${BANDS.map(() => '---').join('|')}|`);
  for (const l of levels) {
    const y = byLevel.get(l)!.map((p) => p.y);
    lines.push(`| ${l} | ${BANDS.map((w) => { const o = operatingPoint(y, nestedByLevel.get(l)!, 0.5, w); return `${pct(o.fpr)} / ${pct(o.fnr)} / ${pct(o.coverage)} / ${Number.isFinite(o.decidedBalancedAccuracy) ? o.decidedBalancedAccuracy.toFixed(2) : '—'}`; }).join(' | ')} |`);
  }
  lines.push('', meets
    ? `Proposed unsure band: **${band}** (narrowest with real-photo FPR ≤ ${pct(maxFpr)} at every level).`
    : `No band up to 0.6 keeps real-photo FPR ≤ ${pct(maxFpr)} at every level; proposed band 0.6 (widest tried).`);
  const o = levels.map((l) => { const r = operatingPoint(byLevel.get(l)!.map((p) => p.y), nestedByLevel.get(l)!, 0.5, band); return `${l}: FPR ${pct(r.fpr)}, FNR ${pct(r.fnr)}, coverage ${pct(r.coverage)}, balanced accuracy of the decided ${r.decidedBalancedAccuracy.toFixed(3)}`; });
  lines.push('', `At that band — ${o.join('; ')}.`, '');
  if (levels.length > 1) {
    const finite = levels.map((l) => loso.predictions[l]!.filter((x) => Number.isFinite(x.probability)));
    const f1 = confidentFlips(finite.map((ps) => ps.map((x) => [x.path, x.probability] as [string, number])), 0.5, 0.1);
    const f2 = confidentFlips(finite.map((ps, k) => ps.map((x, i) => [x.path, nestedByLevel.get(levels[k]!)![i]!] as [string, number])), 0.5, band);
    lines.push(`Verdict flips across ${levels.join(' / ')} (the same image confidently real at one level and confidently synthetic at another): in-domain p₁ with band 0.1: ${f1.flips} of ${f1.n} (${pct(f1.flips / f1.n)}); source-held-out p₂ with band ${band}: ${f2.flips} of ${f2.n} (${pct(f2.flips / f2.n)}).`, '');
  }
  return { markdown: lines.join('\n'), stage2: nested.stage2, unsureBand: band, bandMeetsTarget: meets };
}

/**
 * Counts images whose verdict is "real" at one degradation level and "synthetic" at another.
 * @param perLevel per level, `[path, probability]` pairs
 * @returns `{ flips, n }` with n = images present at every level
 */
export function confidentFlips(perLevel: Array<Array<[string, number]>>, threshold: number, band: number): { flips: number; n: number } {
  const maps = perLevel.map((xs) => new Map(xs));
  let flips = 0, n = 0;
  for (const path of maps[0]!.keys()) {
    const ps = maps.map((m) => m.get(path));
    if (ps.some((p) => p === undefined)) continue;
    n++;
    const real = ps.some((p) => p! < threshold - band / 2), syn = ps.some((p) => p! >= threshold + band / 2);
    if (real && syn) flips++;
  }
  return { flips, n };
}

/** Runs the CLI. */
export async function main(argv: string[]): Promise<SourceCalibrationReport> {
  const v = parseLooseArgs(argv, {
    loso: { type: 'string' }, levels: { type: 'string', default: 'clean,web,avatar' }, 'max-fpr': { type: 'string', default: '0.15' },
    report: { type: 'string' }, model: { type: 'string' }, write: { type: 'boolean', default: false },
  });
  if (!v.loso) throw new Error('usage: calibrate-loso.ts --loso out/loso/<run>/loso.json [--model <dir> --write] [--report <md>]');
  const loso = JSON.parse(await readFile(String(v.loso), 'utf8')) as LosoJson;
  if (!loso.predictions) throw new Error(`${String(v.loso)} has no predictions: pass the loso.json that training/cli/loso.ts writes (out/loso/<run>/loso.json); models/*/reports/ keep only summaries`);
  const rep = sourceCalibrationReport(loso, parseLevels(String(v.levels)), Number(v['max-fpr']));
  const command = `npx tsx training/cli/calibrate-loso.ts ${shellJoin(argv)}`;
  const md = `${rep.markdown}\nReproduce: \`${command}\`\n`;
  console.log(md);
  if (v.report) { await mkdir(dirname(String(v.report)), { recursive: true }); await writeFile(String(v.report), md); }
  if (v.model && v.write) {
    const file = join(String(v.model), 'manifest.json');
    const m = validateManifest(JSON.parse(await readFile(file, 'utf8')));
    const prov = (m.provenance ?? {}) as Record<string, unknown>;
    // re-running must not stack stage 2 twice: start from the recorded in-domain map when there is one
    const prior = (prov.sourceCalibration as { stage1?: { a: number; b: number } } | undefined)?.stage1;
    const stage1 = prior ?? (m.calibration.type === 'platt' ? { a: m.calibration.a, b: m.calibration.b } : undefined);
    if (!stage1) throw new Error(`${file}: calibration is "${m.calibration.type}"; source-held-out calibration composes with Platt only`);
    const c = composePlatt(stage1, rep.stage2);
    const out = {
      ...m,
      calibration: { type: 'platt' as const, a: c.a, b: c.b },
      threshold: 0.5,
      unsureBand: rep.unsureBand,
      provenance: { ...prov, sourceCalibration: { method: 'stage-2 Platt on leave-one-source-out predictions, equal class weights', loso: loso.name, command, stage1, stage2: rep.stage2, inDomainThreshold: prior ? (prov.sourceCalibration as { inDomainThreshold?: number }).inDomainThreshold : m.threshold } },
    };
    await writeFile(file, JSON.stringify(out, null, 2) + '\n');
    console.error(`wrote ${file}: calibration a=${c.a.toFixed(4)} b=${c.b.toFixed(4)}, threshold 0.5, unsure band ${rep.unsureBand}`);
  }
  return rep;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => { console.error(`calibrate-loso: ${e.message}`); process.exit(1); });
}
