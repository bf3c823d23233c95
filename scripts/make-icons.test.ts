import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ICON_SIZES, renderIcon } from './make-icons';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Record<string, unknown> & {
  icons: Record<string, string>; action: { default_icon: Record<string, string> }; description: string; homepage_url: string;
};

test('manifest icons and action.default_icon name the 16/32/48/128 PNGs, each of its size and rendered from icon.svg', async () => {
  const want = Object.fromEntries(ICON_SIZES.map((s) => [String(s), `icons/icon-${s}.png`]));
  assert.deepEqual(manifest.icons, want);
  assert.deepEqual(manifest.action.default_icon, want);
  const svg = readFileSync(join(root, 'extension', 'icons', 'icon.svg'));
  for (const s of ICON_SIZES) {
    const file = join(root, 'extension', 'icons', `icon-${s}.png`);
    const meta = await sharp(file).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', s, s], file);
    assert.ok(readFileSync(file).equals(await renderIcon(svg, s)), `icon-${s}.png is stale: run npx tsx scripts/make-icons.ts`);
  }
});

test('store metadata: a short description in the product\'s words and a homepage URL', () => {
  assert.ok(manifest.description.length <= 132, `Chrome Web Store limit: ${manifest.description.length} chars`);
  assert.match(manifest.description, /Likely AI-generated, Unsure or No AI signs found/);
  assert.ok(!/likely real/i.test(manifest.description));
  assert.equal(new URL(manifest.homepage_url).protocol, 'https:');
});
