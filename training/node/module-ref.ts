/**
 * Resolves `path/to/module.ts#exportName` references given on the command line (trainers, extractors).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Imports `ref` = `<module path>#<export name>` (path relative to the working directory; default export
 * when `#…` is absent).
 * @throws {Error} when the module or export is missing
 */
export async function importRef<T>(ref: string): Promise<T> {
  const [file, name = 'default'] = ref.split('#');
  if (!file) throw new Error(`bad module reference "${ref}" (want path/to/module.ts#exportName)`);
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  if (!(name in mod)) throw new Error(`${file} has no export "${name}" (exports: ${Object.keys(mod).join(', ')})`);
  return mod[name] as T;
}
