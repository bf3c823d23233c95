import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeEvalPlots, toCanvas, cellColor, curvesSvg, svgToPng, PLOT, confusion3At, confusion3Svg } from './plots';

async function pixel(file: string | Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const o = (Math.round(y) * info.width + Math.round(x)) * 3;
  return [data[o]!, data[o + 1]!, data[o + 2]!];
}

test('curves are drawn where the data says', async () => {
  // A single curve through (0,0) → (0,1) → (1,1): the left edge and the top edge of the plot area.
  const png = await svgToPng(curvesSvg([{ label: 'x', x: [0, 0, 1], y: [0, 1, 1] }], { title: '', xLabel: '', yLabel: '' }));
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.width, meta.height], [PLOT.size, PLOT.size]);
  const [mx, my] = toCanvas(0.5, 1);
  assert.deepEqual(await pixel(png, mx, my), [0x1f, 0x77, 0xb4]); // curve colour on the top edge
  const [cx, cy] = toCanvas(0.5, 0.5);
  assert.deepEqual(await pixel(png, cx, cy), [255, 255, 255]); // empty plot interior
});

test('writeEvalPlots writes three PNGs; confusion cells shaded by row rate', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ss-plots-'));
  try {
    const files = await writeEvalPlots(dir, [0, 0, 0, 0, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.9, 0.8, 0.7, 0.6, 0.4], 0.5, { prefix: 'clean-' });
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), ['clean-roc.png', 'clean-pr.png', 'clean-confusion.png']);
    // true real row: 3 of 4 "No AI signs found" → 75 % cell colour, sampled away from the text (x0 170, y0 110, cell 125)
    const want = cellColor(0.75);
    assert.deepEqual(await pixel(join(dir, 'clean-confusion.png'), 170 + 10, 110 + 10), want);
    assert.deepEqual(await pixel(join(dir, 'clean-confusion.png'), 170 + 125 + 10, 110 + 10), cellColor(0), 'no Unsure without a band');
    const single = await writeEvalPlots(join(dir, 'b'), [0, 0], [0.1, 0.9], 0.5);
    assert.equal(single.length, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('three-outcome confusion: counts under the unsure band, columns in the product\'s words', async () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 1];
  const probs = [0.1, 0.2, 0.3, 0.9, 0.8, 0.7, 0.6, 0.4];
  assert.deepEqual(confusion3At(labels, probs, 0.5), { real: [3, 0, 1], synthetic: [1, 0, 3] });
  // band 0.2: [0.4, 0.6) is Unsure → 0.4 moves to Unsure, 0.6 stays AI
  assert.deepEqual(confusion3At(labels, probs, 0.5, 0.2), { real: [3, 0, 1], synthetic: [0, 1, 3] });
  assert.throws(() => confusion3At([0], [0.1, 0.2], 0.5), RangeError);
  const svg = confusion3Svg(confusion3At(labels, probs, 0.5, 0.2), 'Verdicts by true label (threshold 0.50, unsure band 0.20)', '(m@1, clean)');
  for (const s of ['No AI signs found', 'Unsure', 'Likely AI-generated', 'true real photo', 'true AI-generated', 'Verdicts by true label (threshold 0.50, unsure band 0.20)', '(m@1, clean)']) {
    assert.ok(svg.includes(`>${s}<`), s);
  }
  const png = await svgToPng(svg);
  // true AI row (y0 + cell): Unsure 1 of 4 → 25 %, Likely AI-generated 3 of 4 → 75 %
  assert.deepEqual(await pixel(png, 170 + 125 + 10, 110 + 125 + 10), cellColor(0.25));
  assert.deepEqual(await pixel(png, 170 + 250 + 10, 110 + 125 + 10), cellColor(0.75));
});
