/**
 * Evaluation plots as PNG: ROC curve, precision–recall curve and the three-outcome confusion matrix (true
 * real / AI-generated × the product's verdicts "No AI signs found" / "Unsure" / "Likely AI-generated",
 * worded by `extension/shared/wording.ts`). Drawn as SVG strings
 * and rasterised with sharp (librsvg), so no plotting library is needed. Text uses the generic
 * `sans-serif` family; on a machine without fonts the labels may be missing but the geometry is exact.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { rocCurve, prCurve, rocAuc, averagePrecision, type Confusion } from './metrics';
import { verdictFor, type VerdictLabel } from '../../extension/shared/verdict';
import { confusionTitle, LABEL_TEXT } from '../../extension/shared/wording';

/** One curve to draw; x and y in [0, 1]. */
export interface Curve {
  label: string;
  x: number[];
  y: number[];
}

/** Layout of the square plot area in a `SIZE × SIZE` canvas. */
export const PLOT = { size: 480, left: 60, top: 40, side: 380 } as const;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Canvas coordinates of a data point (x, y) ∈ [0, 1]² (y up). */
export function toCanvas(x: number, y: number): [number, number] {
  return [PLOT.left + x * PLOT.side, PLOT.top + (1 - y) * PLOT.side];
}

/**
 * SVG of line curves on a unit square with axes, ticks at 0, 0.2, …, 1, an optional diagonal and a legend.
 * @returns an SVG document string of `PLOT.size` square
 */
export function curvesSvg(curves: Curve[], opts: { title: string; xLabel: string; yLabel: string; diagonal?: boolean }): string {
  const { size, left, top, side } = PLOT;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`,
    `<rect width="${size}" height="${size}" fill="#ffffff"/>`,
    `<rect x="${left}" y="${top}" width="${side}" height="${side}" fill="none" stroke="#000000" stroke-width="1"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    const [x] = toCanvas(v, 0);
    const [, y] = toCanvas(0, v);
    parts.push(`<line x1="${x}" y1="${top + side}" x2="${x}" y2="${top + side + 5}" stroke="#000"/>`);
    parts.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#000"/>`);
    parts.push(`<text x="${x}" y="${top + side + 18}" font-size="11" font-family="sans-serif" text-anchor="middle">${v.toFixed(1)}</text>`);
    parts.push(`<text x="${left - 8}" y="${y + 4}" font-size="11" font-family="sans-serif" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  if (opts.diagonal) {
    const [x0, y0] = toCanvas(0, 0), [x1, y1] = toCanvas(1, 1);
    parts.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y1}" stroke="#999999" stroke-dasharray="4 4"/>`);
  }
  curves.forEach((c, k) => {
    const pts = c.x.map((x, i) => toCanvas(x, c.y[i]!).map((v) => v.toFixed(2)).join(',')).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="2"/>`);
    const ly = top + side - 12 - (curves.length - 1 - k) * 16;
    parts.push(`<line x1="${left + side - 170}" y1="${ly - 4}" x2="${left + side - 150}" y2="${ly - 4}" stroke="${COLORS[k % COLORS.length]}" stroke-width="2"/>`);
    parts.push(`<text x="${left + side - 145}" y="${ly}" font-size="11" font-family="sans-serif">${esc(c.label)}</text>`);
  });
  parts.push(`<text x="${size / 2}" y="24" font-size="14" font-family="sans-serif" text-anchor="middle">${esc(opts.title)}</text>`);
  parts.push(`<text x="${left + side / 2}" y="${size - 8}" font-size="12" font-family="sans-serif" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push(`<text x="16" y="${top + side / 2}" font-size="12" font-family="sans-serif" text-anchor="middle" transform="rotate(-90 16 ${top + side / 2})">${esc(opts.yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Cell fill for a fraction f ∈ [0, 1]: white (0) to #08306b (1), linear in RGB. */
export function cellColor(f: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, f));
  return [Math.round(255 + (8 - 255) * t), Math.round(255 + (48 - 255) * t), Math.round(255 + (107 - 255) * t)];
}

/**
 * SVG of a 2×2 confusion matrix (rows = true real/synthetic, columns = predicted real/synthetic), cells
 * shaded by the row-normalised rate, labelled with count and percentage of the row.
 */
export function confusionSvg(c: Confusion, title: string): string {
  const size = 400, x0 = 120, y0 = 80, cell = 130;
  const rows: Array<[string, number, number]> = [['real', c.tn, c.fp], ['synthetic', c.fn, c.tp]];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`,
    `<rect width="${size}" height="${size}" fill="#ffffff"/>`,
    `<text x="${size / 2}" y="24" font-size="14" font-family="sans-serif" text-anchor="middle">${esc(title)}</text>`,
    `<text x="${x0 + cell}" y="${y0 - 30}" font-size="12" font-family="sans-serif" text-anchor="middle">predicted</text>`,
  ];
  ['real', 'synthetic'].forEach((p, j) => parts.push(`<text x="${x0 + cell * j + cell / 2}" y="${y0 - 8}" font-size="12" font-family="sans-serif" text-anchor="middle">${p}</text>`));
  rows.forEach(([name, a, b], i) => {
    const tot = a + b;
    parts.push(`<text x="${x0 - 8}" y="${y0 + cell * i + cell / 2 + 4}" font-size="12" font-family="sans-serif" text-anchor="end">true ${name}</text>`);
    [a, b].forEach((v, j) => {
      const f = tot > 0 ? v / tot : 0;
      const [r, g, bl] = cellColor(f);
      const x = x0 + cell * j, y = y0 + cell * i;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${r},${g},${bl})" stroke="#000"/>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" font-size="16" font-family="sans-serif" text-anchor="middle" fill="${f > 0.5 ? '#ffffff' : '#000000'}">${v}</text>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 18}" font-size="11" font-family="sans-serif" text-anchor="middle" fill="${f > 0.5 ? '#ffffff' : '#000000'}">${(f * 100).toFixed(1)} %</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Counts of verdicts per true class, columns in the order of `VERDICT_COLUMNS` (real, unsure, synthetic). */
export interface Confusion3 {
  /** True real images: [No AI signs found, Unsure, Likely AI-generated]. */
  real: [number, number, number];
  /** True AI-generated images, same columns. */
  synthetic: [number, number, number];
}

/** The verdict columns of the three-outcome matrix, left to right. */
export const VERDICT_COLUMNS: readonly VerdictLabel[] = ['real', 'unsure', 'synthetic'];

/**
 * Three-outcome confusion counts under the product's rule (`verdictFor`).
 * @param labels 0 = real, 1 = synthetic
 * @param probs calibrated probabilities in [0, 1], same length
 * @param threshold decision threshold, [0, 1]; `unsureBand` total band width, [0, 1]
 * @throws {RangeError} when lengths differ or a value is outside [0, 1]
 */
export function confusion3At(labels: ArrayLike<number>, probs: ArrayLike<number>, threshold: number, unsureBand = 0): Confusion3 {
  if (labels.length !== probs.length) throw new RangeError(`labels (${labels.length}) and probs (${probs.length}) differ in length`);
  const c: Confusion3 = { real: [0, 0, 0], synthetic: [0, 0, 0] };
  for (let i = 0; i < labels.length; i++) {
    const col = VERDICT_COLUMNS.indexOf(verdictFor(probs[i]!, threshold, unsureBand));
    (labels[i] === 1 ? c.synthetic : c.real)[col]!++;
  }
  return c;
}

/**
 * SVG of the three-outcome confusion matrix: rows = true real photo / true AI-generated, columns = the
 * verdicts the user reads; cells shaded by the row-normalised rate, labelled with count and row percentage.
 * @param title first title line (e.g. `confusionTitle(rule)`); `subtitle` second line (model, level), may be ''
 */
export function confusion3Svg(c: Confusion3, title: string, subtitle = ''): string {
  const w = 560, h = 390, x0 = 170, y0 = 110, cell = 125;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text x="${w / 2}" y="24" font-size="14" font-family="sans-serif" text-anchor="middle">${esc(title)}</text>`,
    subtitle ? `<text x="${w / 2}" y="44" font-size="12" font-family="sans-serif" text-anchor="middle">${esc(subtitle)}</text>` : '',
    `<text x="${x0 + 1.5 * cell}" y="${y0 - 34}" font-size="12" font-family="sans-serif" text-anchor="middle">verdict shown</text>`,
  ];
  VERDICT_COLUMNS.forEach((v, j) => parts.push(`<text x="${x0 + cell * j + cell / 2}" y="${y0 - 10}" font-size="11" font-family="sans-serif" text-anchor="middle">${esc(LABEL_TEXT[v])}</text>`));
  const rows: Array<[string, number[]]> = [['true real photo', c.real], ['true AI-generated', c.synthetic]];
  rows.forEach(([name, counts], i) => {
    const tot = counts.reduce((a, b) => a + b, 0);
    parts.push(`<text x="${x0 - 8}" y="${y0 + cell * i + cell / 2 + 4}" font-size="12" font-family="sans-serif" text-anchor="end">${name}</text>`);
    counts.forEach((v, j) => {
      const f = tot > 0 ? v / tot : 0;
      const [r, g, bl] = cellColor(f);
      const x = x0 + cell * j, y = y0 + cell * i;
      const ink = f > 0.5 ? '#ffffff' : '#000000';
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${r},${g},${bl})" stroke="#000"/>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" font-size="16" font-family="sans-serif" text-anchor="middle" fill="${ink}">${v}</text>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 18}" font-size="11" font-family="sans-serif" text-anchor="middle" fill="${ink}">${(f * 100).toFixed(1)} %</text>`);
    });
  });
  parts.push('</svg>');
  return parts.filter(Boolean).join('\n');
}

/** Rasterises an SVG string to PNG bytes at its own size (72 dpi). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 }).png().toBuffer();
}

/**
 * Writes `roc.png`, `pr.png` and `confusion.png` (prefixed with `prefix`) into `dir`.
 * ROC and PR need both classes; they are skipped (not written) otherwise. The confusion matrix has the
 * three outcomes the user reads (`confusion3Svg`), under `threshold` and `opts.unsureBand` (default 0, then
 * the Unsure column is empty).
 * @param labels 0 = real, 1 = synthetic; `probs` in [0, 1]; `threshold` for the confusion matrix
 * @param opts.title appended to the ROC/PR titles and the confusion matrix's second line, e.g. "(model, clean)"
 * @returns the paths written
 */
export async function writeEvalPlots(dir: string, labels: number[], probs: number[], threshold: number, opts: { prefix?: string; title?: string; unsureBand?: number } = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const pre = opts.prefix ?? '';
  const title = opts.title ?? '';
  const out: string[] = [];
  const write = async (name: string, svg: string) => {
    const p = join(dir, pre + name);
    await writeFile(p, await svgToPng(svg));
    out.push(p);
  };
  const hasBoth = labels.includes(0) && labels.includes(1);
  if (hasBoth) {
    const r = rocCurve(labels, probs);
    await write('roc.png', curvesSvg([{ label: `AUC ${rocAuc(labels, probs).toFixed(3)}`, x: r.fpr, y: r.tpr }], { title: `ROC ${title}`.trim(), xLabel: 'false positive rate (real called synthetic)', yLabel: 'true positive rate', diagonal: true }));
    const p = prCurve(labels, probs);
    await write('pr.png', curvesSvg([{ label: `AP ${averagePrecision(labels, probs).toFixed(3)}`, x: p.recall, y: p.precision }], { title: `Precision-recall ${title}`.trim(), xLabel: 'recall (synthetic)', yLabel: 'precision' }));
  }
  const band = opts.unsureBand ?? 0;
  await write('confusion.png', confusion3Svg(confusion3At(labels, probs, threshold, band), confusionTitle({ threshold, unsureBand: band }), title));
  return out;
}
