/**
 * Issue 12: measures the "not a photo" screen (`extension/shared/not-photo.ts`).
 *   npx tsx training/cli/not-photo.ts --out training/eval/not-photo [--per-kind 20] [--per-source 60]
 * Non-photos: `training/data/not-photo-set.ts` (rendered SVG), clean and web re-encoded (JPEG q75).
 * Photo-like: real and AI images of ../shared/data/MANIFEST.tsv (up to `--per-source` per source, evenly
 * spaced in path order), clean and JPEG q75. Thresholds are fitted on the FIT half (non-photos with even
 * index; photo sources in FIT_SOURCES) as the highest non-photo recall with zero photo refusals, then
 * reported on the other half with both the fitted rule and the committed `NOT_PHOTO_RULE`.
 * Writes `report.md`, `report.json` and `manifest.tsv` (ids, seeds, sizes of the generated set).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { notPhotoFeatures, NOT_PHOTO_RULE, type NotPhotoFeatures } from '../../extension/shared/not-photo';
import { nonPhotoSet, renderNonPhoto } from '../data/not-photo-set';
import { jpegRoundTrip } from '../data/degrade';

/** Photo sources used to fit thresholds; the rest are held out. */
export const FIT_SOURCES = ['bsds500', 'cnndetection-ranking', 'imagen-2022-t2i', 'sun-hays80'];

type Rule = { minFlatBlocks: number; minTopColours: number; maxGradientPairs: number };
type Row = { id: string; group: string; photo: boolean; fit: boolean; variant: 'clean' | 'web'; f: NotPhotoFeatures };
const refuses = (r: Rule, f: NotPhotoFeatures) => f.flatBlocks >= r.minFlatBlocks && f.topColours >= r.minTopColours && f.gradientPairs <= r.maxGradientPairs;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'training/eval/not-photo' }, 'per-kind': { type: 'string', default: '20' }, 'per-source': { type: 'string', default: '60' }, data: { type: 'string', default: '../shared/data' } } });
  const out = values.out!, data = values.data!;
  mkdirSync(out, { recursive: true });
  const rows: Row[] = [];
  const set = nonPhotoSet(Number(values['per-kind']));
  for (const [i, item] of set.entries()) {
    const img = await renderNonPhoto(item);
    rows.push({ id: item.id, group: item.kind, photo: false, fit: i % 2 === 0, variant: 'clean', f: notPhotoFeatures(img) });
    rows.push({ id: item.id, group: item.kind, photo: false, fit: i % 2 === 0, variant: 'web', f: notPhotoFeatures(await jpegRoundTrip(img, 75)) });
  }
  writeFileSync(join(out, 'manifest.tsv'), 'id\tkind\tseed\twidth\theight\n' + set.map((s) => `${s.id}\t${s.kind}\t${s.seed}\t${s.width}\t${s.height}`).join('\n') + '\n');
  if (!existsSync(join(data, 'MANIFEST.tsv'))) throw new Error(`${data}/MANIFEST.tsv absent: photo-like images are needed`);
  const bySource = new Map<string, string[]>();
  for (const line of readFileSync(join(data, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const p = line.split('\t')[0]!; const s = p.split('/')[0]!;
    bySource.set(s, [...(bySource.get(s) ?? []), p]);
  }
  const per = Number(values['per-source']);
  for (const [source, paths] of [...bySource].sort()) {
    paths.sort();
    const take = paths.length <= per ? paths : Array.from({ length: per }, (_, k) => paths[Math.floor((k * paths.length) / per)]!);
    for (const p of take) {
      const { data: d, info } = await sharp(join(data, p)).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const img = { width: info.width, height: info.height, data: new Uint8Array(d) };
      const fit = FIT_SOURCES.includes(source);
      rows.push({ id: p, group: source, photo: true, fit, variant: 'clean', f: notPhotoFeatures(img) });
      rows.push({ id: p, group: source, photo: true, fit, variant: 'web', f: notPhotoFeatures(await jpegRoundTrip(img, 75)) });
    }
  }
  // Fit: grid search, zero fit-half photo refusals, then highest fit-half non-photo recall; ties → strictest.
  let best: { rule: Rule; recall: number } | undefined;
  const grid = (a: number, b: number, s: number) => Array.from({ length: Math.round((b - a) / s) + 1 }, (_, k) => +(a + k * s).toFixed(3));
  for (const minFlatBlocks of grid(0.1, 0.9, 0.05)) for (const minTopColours of grid(0.2, 0.95, 0.05)) for (const maxGradientPairs of grid(0.3, 0.01, -0.01)) {
    const rule = { minFlatBlocks, minTopColours, maxGradientPairs };
    const fitRows = rows.filter((r) => r.fit);
    if (fitRows.some((r) => r.photo && refuses(rule, r.f))) continue;
    const np = fitRows.filter((r) => !r.photo);
    const recall = np.filter((r) => refuses(rule, r.f)).length / np.length;
    if (!best || recall >= best.recall - 1e-9) best = { rule, recall }; // ties: the later (stricter) rule
  }
  const report = (rule: Rule, half: 'fit' | 'held-out') => {
    const rs = rows.filter((r) => (half === 'fit') === r.fit);
    const groups: Record<string, { n: number; refused: number }> = {};
    for (const r of rs) {
      const key = `${r.photo ? 'photo' : 'non-photo'}:${r.group}:${r.variant}`;
      const g = (groups[key] ??= { n: 0, refused: 0 });
      g.n++; if (refuses(rule, r.f)) g.refused++;
    }
    const c = (photo: boolean, refused: boolean) => rs.filter((r) => r.photo === photo && refuses(rule, r.f) === refused).length;
    return { confusion: { photoKept: c(true, false), photoRefused: c(true, true), nonPhotoRefused: c(false, true), nonPhotoMissed: c(false, false) }, groups };
  };
  const result = {
    command: 'npx tsx training/cli/not-photo.ts --out training/eval/not-photo',
    counts: { nonPhotos: set.length, photoLike: rows.filter((r) => r.photo && r.variant === 'clean').length },
    fitSources: FIT_SOURCES, fitted: best,
    committedRule: NOT_PHOTO_RULE,
    committed: { fit: report(NOT_PHOTO_RULE, 'fit'), heldOut: report(NOT_PHOTO_RULE, 'held-out') },
    fittedRule: best ? { fit: report(best.rule, 'fit'), heldOut: report(best.rule, 'held-out') } : undefined,
  };
  writeFileSync(join(out, 'report.json'), JSON.stringify(result, null, 1) + '\n');
  const table = (r: ReturnType<typeof report>) => ['| group (variant) | n | refused | rate |', '|---|---|---|---|',
    ...Object.entries(r.groups).sort().map(([k, g]) => `| ${k} | ${g.n} | ${g.refused} | ${(100 * g.refused / g.n).toFixed(1)} % |`)].join('\n');
  const md = [`# Not-a-photo screen (issue 12)`, '', `Command: \`${result.command}\``, '',
    `Non-photos: ${set.length} rendered (training/data/not-photo-set.ts, manifest.tsv), each clean and JPEG q75 ("web").`,
    `Photo-like: ${result.counts.photoLike} real + AI images from ../shared/data (≤ ${per} per source), each clean and JPEG q75.`,
    `Fit half: non-photos with even index; photo sources ${FIT_SOURCES.join(', ')}. Held-out: the rest.`, '',
    `## Committed rule ${JSON.stringify(NOT_PHOTO_RULE)}`, '', `Held-out confusion: ${JSON.stringify(result.committed.heldOut.confusion)}`, '', table(result.committed.heldOut), '',
    `Fit-half confusion: ${JSON.stringify(result.committed.fit.confusion)}`, '',
    `## Fitted rule (zero fit-half photo refusals, max recall): ${JSON.stringify(best?.rule)} (fit recall ${best ? (100 * best.recall).toFixed(1) : '–'} %)`, '',
    result.fittedRule ? `Held-out confusion: ${JSON.stringify(result.fittedRule.heldOut.confusion)}\n\n${table(result.fittedRule.heldOut)}` : 'no rule refuses no photo', ''].join('\n');
  writeFileSync(join(out, 'report.md'), md);
  process.stdout.write(md);
}

main().catch((e) => { console.error(e); process.exit(1); });
