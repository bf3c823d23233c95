/**
 * Registry validation: every entry pinned to a 40-hex commit, ids unique and folder-safe, every field of the
 * right type and value set, patterns compile, and no reserved repository (`reserved.ts`).
 */
import picomatch from 'picomatch';
import { BUILTIN_RESERVED_TEXT, isRepoReserved, parseReserved, sourceRefusal, type ReservedEntry } from './reserved';
import { CATEGORIES, FAMILIES, TRUSTS, type SourceEntry } from './types';

/**
 * @param registry entries to check
 * @param reserved reserved list (default: the compiled-in one)
 * @returns problems, one line each (empty = valid)
 */
export function validateRegistry(registry: SourceEntry[], reserved: Map<string, ReservedEntry> = parseReserved(BUILTIN_RESERVED_TEXT)): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const e of registry) {
    const at = `registry entry "${e.id}"`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(e.id)) out.push(`${at}: id must be lower-case letters, digits and dashes`);
    if (ids.has(e.id)) out.push(`${at}: duplicate id`);
    ids.add(e.id);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(e.repo)) out.push(`${at}: repo "${e.repo}" is not owner/name`);
    if (!/^[0-9a-f]{40}$/.test(e.commit)) out.push(`${at}: commit "${e.commit}" is not 40 lower-case hex digits`);
    if (e.mode !== undefined && e.mode !== 'tree' && e.mode !== 'history') out.push(`${at}: mode must be tree or history`);
    if (typeof e.licence !== 'string' || e.licence.trim() === '') out.push(`${at}: licence missing`);
    if (typeof e.confounds !== 'string' || e.confounds.trim() === '') out.push(`${at}: confounds missing`);
    if (typeof e.census !== 'string' || e.census === '') out.push(`${at}: census row missing`);
    if (e.maxFiles !== undefined && !(Number.isInteger(e.maxFiles) && e.maxFiles > 0)) out.push(`${at}: maxFiles must be a positive integer`);
    if (e.minSide !== undefined && !(Number.isInteger(e.minSide) && e.minSide > 0)) out.push(`${at}: minSide must be a positive integer`);
    if (isRepoReserved(reserved, e.repo)) out.push(`${at}: ${e.repo} is reserved for independent evaluation`);
    const refusal = sourceRefusal(reserved, e.repo, e.commit, e.mode ?? 'tree');
    if (refusal && !isRepoReserved(reserved, e.repo)) out.push(`${at}: ${refusal}`);
    if (!Array.isArray(e.rules) || e.rules.length === 0) out.push(`${at}: no rules`);
    for (const [i, r] of (e.rules ?? []).entries()) {
      const rat = `${at} rule ${i + 1}`;
      try { picomatch(r.pattern); } catch (err) { out.push(`${rat}: bad pattern: ${(err as Error).message}`); }
      if (r.kind === 'exclude') {
        if (!r.reason) out.push(`${rat}: exclusion without a reason`);
        if (r.files !== undefined && !(r.files instanceof Set)) out.push(`${rat}: files must be a Set of paths`);
        continue;
      }
      if (r.kind !== 'include') { out.push(`${rat}: kind must be include or exclude`); continue; }
      if (r.label !== 'real' && r.label !== 'synthetic') out.push(`${rat}: label must be real or synthetic`);
      if (typeof r.trust !== 'function' && !TRUSTS.includes(r.trust)) out.push(`${rat}: trust must be one of ${TRUSTS.join(', ')}`);
      if (typeof r.family === 'string' && !FAMILIES.includes(r.family)) out.push(`${rat}: unknown family "${r.family}"`);
      if (typeof r.category === 'string' && !CATEGORIES.includes(r.category)) out.push(`${rat}: unknown category "${r.category}"`);
      if (typeof r.generator === 'string' && r.generator.trim() === '') out.push(`${rat}: empty generator`);
      if (r.label === 'real' && r.family !== 'real') out.push(`${rat}: real images must have family "real"`);
      if (r.label === 'synthetic' && r.family === 'real') out.push(`${rat}: synthetic images cannot have family "real"`);
      if (r.crop !== undefined && !/^\d+,\d+,\d+,\d+$/.test(r.crop)) out.push(`${rat}: crop must be x,y,width,height`);
      for (const t of r.tiles ?? []) if (!/^\d+,\d+,\d+,\d+$/.test(t)) out.push(`${rat}: tile "${t}" must be x,y,width,height`);
    }
  }
  return out;
}
