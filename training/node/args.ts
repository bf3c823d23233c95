/**
 * Command-line parsing that passes unknown options through to plug-in modules (trainers, extractors).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type ArgValues = Record<string, string | boolean | undefined>;

/**
 * `util.parseArgs` for the known `options`, plus every unknown `--name value` / `--name=value` as a
 * string and a bare unknown `--flag` (followed by another option or nothing) as `true`.
 * @throws {TypeError} for a known string option without a value, or a stray positional argument
 */
export function parseLooseArgs(argv: string[], options: NonNullable<ParseArgsConfig['options']>): ArgValues {
  const { values, tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const out: ArgValues = { ...(values as ArgValues) };
  const toks = tokens ?? [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'positional') throw new TypeError(`unexpected argument "${t.value}"`);
    if (t.kind !== 'option' || t.name in options) continue;
    if (t.value !== undefined) { out[t.name] = t.value; continue; }
    const next = toks[i + 1];
    if (next && next.kind === 'positional') { out[t.name] = next.value; i++; }
    else out[t.name] = true;
  }
  for (const [k, o] of Object.entries(options)) {
    if (o.type === 'string' && out[k] === true) throw new TypeError(`--${k} needs a value`);
  }
  return out;
}
