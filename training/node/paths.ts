/**
 * Where the project and its companion folder live, for Node code (training, tests, e2e helpers).
 * - `REPO_ROOT`: the repository root (this file's `../..`), absolute.
 * - `SHARED_DIR`: the shared data/weights folder, `../shared` relative to the root; the environment
 *   variable `SYNTHSCREEN_SHARED_DIR` (absolute, or relative to the root) overrides it, e.g. to test its
 *   absence. Read once at import.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHARED_DIR = resolve(REPO_ROOT, process.env.SYNTHSCREEN_SHARED_DIR ?? join('..', 'shared'));
