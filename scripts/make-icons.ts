/**
 * `npx tsx scripts/make-icons.ts [--check]`: renders the toolbar/store icon `extension/icons/icon.svg` to
 * `extension/icons/icon-{16,32,48,128}.png` with sharp (librsvg), the sizes `manifest.json` names in
 * `icons` and `action.default_icon`. Deterministic: the same SVG and sharp version give the same bytes
 * (no timestamps or text chunks are written), so the PNGs are committed and `--check` fails (exit 1) when
 * a committed PNG differs from what the SVG renders to.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** Icon sizes in px (Chromium and Firefox toolbar 16/32, extensions page 48, store/install 128). */
export const ICON_SIZES = [16, 32, 48, 128] as const;

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'extension', 'icons');

/**
 * Renders the SVG at `size` × `size` px.
 * @param svg the SVG source (square viewBox)
 * @param size output side in px
 * @returns PNG bytes (RGBA, zlib level 9, no metadata)
 */
export async function renderIcon(svg: Buffer, size: number): Promise<Buffer> {
  // density so librsvg rasterises at (at least) the target size before the resize: crisp small icons.
  const density = Math.max(72, Math.ceil((72 * size) / 128) * 4);
  return sharp(svg, { density }).resize(size, size, { kernel: 'lanczos3' }).png({ compressionLevel: 9, adaptiveFiltering: false, palette: false }).toBuffer();
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const svg = readFileSync(join(dir, 'icon.svg'));
  let stale = 0;
  for (const size of ICON_SIZES) {
    const png = await renderIcon(svg, size);
    const file = join(dir, `icon-${size}.png`);
    if (check) {
      const same = existsSync(file) && readFileSync(file).equals(png);
      if (!same) { stale++; console.error(`${file}: differs from icon.svg (run npx tsx scripts/make-icons.ts)`); }
    } else {
      writeFileSync(file, png);
      console.log(`${file}: ${png.length} bytes`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
