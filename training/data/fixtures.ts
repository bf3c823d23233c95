/**
 * Test fixtures: small synthetic images written with sharp into a temporary folder plus a manifest TSV,
 * so data/eval tests run where `../shared` is absent.
 */
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RgbaImage } from '../../extension/shared/preprocess';
import { encodeImage } from '../node/decode';
import { mulberry32, type Rng } from './rng';

/** One fixture image to write. */
export interface FixtureSpec {
  /** Path relative to the fixture root, e.g. `srcA/real/a-0.png`; extension picks the format. */
  path: string;
  label: 'real' | 'synthetic';
  generator?: string;
  width?: number;
  height?: number;
  /** JPEG quality for `.jpg`/`.jpeg` paths (default 90). */
  quality?: number;
  /** Raw bytes to write instead of an image (e.g. a broken file). */
  bytes?: Uint8Array;
  crop?: string;
  /** Extra TSV columns. */
  extra?: Record<string, string>;
}

/**
 * A deterministic test image: smooth colour gradient ("real") or the gradient plus a checkerboard of
 * period 2 px, a crude stand-in for upsampling artifacts ("synthetic").
 * @returns RGBA, alpha 255
 */
export function makeImage(width: number, height: number, kind: 'real' | 'synthetic', rng: Rng = mulberry32(1)): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  const phase = rng() * 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const chk = kind === 'synthetic' ? (((x + y) & 1) === 0 ? 40 : -40) : 0;
      data[o] = clamp((x / width) * 200 + 20 + chk);
      data[o + 1] = clamp((y / height) * 200 + 20 + chk);
      data[o + 2] = clamp(phase + chk * 0.5);
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** Result of `writeFixtureSet`. */
export interface FixtureSet {
  root: string;
  manifestPath: string;
  /** Deletes the temp folder. */
  cleanup(): Promise<void>;
}

/**
 * Writes images and a manifest TSV (`path label generator source_repo crop` + extra columns) into a new
 * temp folder.
 * @param specs images to write
 * @param opts.seed RNG seed for image content
 * @returns the folder, the TSV path (`<root>/MANIFEST.tsv`) and a cleanup function
 */
export async function writeFixtureSet(specs: FixtureSpec[], opts: { seed?: number } = {}): Promise<FixtureSet> {
  const root = await mkdtemp(join(tmpdir(), 'synthscreen-fx-'));
  const rng = mulberry32(opts.seed ?? 123);
  const extraCols = [...new Set(specs.flatMap((s) => Object.keys(s.extra ?? {})))];
  const rows = [['path', 'label', 'generator', 'source_repo', 'crop', ...extraCols].join('\t')];
  for (const s of specs) {
    const file = join(root, s.path);
    await mkdir(dirname(file), { recursive: true });
    if (s.bytes) {
      await writeFile(file, s.bytes);
    } else {
      const img = makeImage(s.width ?? 64, s.height ?? 64, s.label, rng);
      const fmt = /\.jpe?g$/i.test(s.path) ? 'jpeg' : 'png';
      await writeFile(file, await encodeImage(img, fmt, s.quality ?? 90));
    }
    rows.push([s.path, s.label, s.generator ?? (s.label === 'real' ? 'real' : 'fixture-gan'), 'fixture/repo', s.crop ?? '', ...extraCols.map((c) => s.extra?.[c] ?? '')].join('\t'));
  }
  const manifestPath = join(root, 'MANIFEST.tsv');
  await writeFile(manifestPath, rows.join('\n') + '\n');
  return { root, manifestPath, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * A standard small set: `sources` folders × `perClass` real PNGs and synthetic JPEGs, 64×64 (or `size`).
 */
export function standardSpecs(sources = ['srcA', 'srcB', 'srcC'], perClass = 4, size = 64): FixtureSpec[] {
  const out: FixtureSpec[] = [];
  for (const src of sources) {
    for (let i = 0; i < perClass; i++) {
      out.push({ path: `${src}/real/${src}-real-${i}.png`, label: 'real', width: size, height: size });
      out.push({ path: `${src}/synthetic/${src}-synthetic-${i}.jpg`, label: 'synthetic', generator: `gen-${src}`, width: size, height: size });
    }
  }
  return out;
}

/** `../shared` resolved from the repository root (this file's `../../..`). */
export const SHARED_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared");

/** The reason to skip a test that needs `../shared/data`, or `false` when it is present. */
export function sharedDataSkip(): string | false {
  return existsSync(join(SHARED_DIR, 'data', 'MANIFEST.tsv'))
    ? false
    : `../shared/data/MANIFEST.tsv not found (expected next to the repo root); skipping test that needs the developer set`;
}
