/**
 * Loads a model folder from disk with `loadDetector` (sha256-verified).
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve, normalize, sep, dirname } from 'node:path';
import { loadDetector, type Detector, type Tf } from '../../extension/shared/detector';

/**
 * Resolves a model location to its `manifest.json`: a folder holding `manifest.json`; a path to a
 * manifest file itself; or a small text file holding the name of a sibling model folder (so
 * `models/default` may be a folder, a symlink, or a pointer file such as `synthscreen-npr-patch`).
 * @throws {Error} when no manifest is found (pointer chains deeper than 4 are refused)
 */
export async function resolveManifestPath(modelPath: string, depth = 0): Promise<string> {
  const p = resolve(modelPath);
  const st = await stat(p).catch(() => undefined);
  if (!st) throw new Error(`model "${modelPath}" not found`);
  if (st.isFile()) {
    const text = (await readFile(p, 'utf8')).trim();
    if (text.startsWith('{')) return p;
    if (depth >= 4 || text === '' || text.includes('\n')) throw new Error(`"${modelPath}" is neither a manifest nor a model-folder pointer`);
    return resolveManifestPath(join(dirname(p), text), depth + 1);
  }
  const m = join(p, 'manifest.json');
  if (await stat(m).then((s) => s.isFile(), () => false)) return m;
  throw new Error(`model folder "${modelPath}" has no manifest.json`);
}

/**
 * Reads, verifies and loads a detector from disk.
 * @param tf tfjs namespace with a backend set (see `initTf`)
 * @param modelPath folder or `manifest.json` path
 * @throws as `loadDetector`; {Error} for paths escaping the model folder
 */
export async function loadDetectorFromDir(tf: Tf, modelPath: string): Promise<Detector> {
  const manifestPath = await resolveManifestPath(modelPath);
  const dir = dirname(manifestPath);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as unknown;
  return loadDetector(tf, manifest, async (rel) => {
    const full = normalize(join(dir, rel));
    if (!full.startsWith(dir + sep)) throw new Error(`model file "${rel}" escapes the model folder`);
    return new Uint8Array(await readFile(full));
  });
}
