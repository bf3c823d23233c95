import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeEvalPlots, toCanvas, cellColor, curvesSvg, svgToPng, PLOT } from './plots';

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
    // true real row: 3 of 4 predicted real → 75 % cell colour, sampled away from the text
    const want = cellColor(0.75);
    assert.deepEqual(await pixel(join(dir, 'clean-confusion.png'), 120 + 10, 80 + 10), want);
    const single = await writeEvalPlots(join(dir, 'b'), [0, 0], [0.1, 0.9], 0.5);
    assert.equal(single.length, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
