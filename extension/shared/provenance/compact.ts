/**
 * Size bounds for provenance results that are stored or sent in bulk (the worker's `storage.session`
 * mirror, the tab image lists the content script reports): the raw `fields` are cut to a character
 * budget; everything the verdict and its fusion need (kind, claim, validation, signer, generator, model,
 * software, actions, status) is kept. The full result stays in the worker's memory cache for the
 * explanation view's "raw fields".
 */
import type { ProvenanceResult } from './types';

/** Characters of raw fields kept per result by default (keys and values together). */
export const COMPACT_FIELD_CHARS = 2048;
/** Longest value kept per raw field, in characters. */
export const COMPACT_VALUE_CHARS = 300;
/** Key of the entry that says how many raw fields were left out. */
export const TRIMMED_KEY = '(not kept)';

/**
 * A copy of `p` whose raw `fields` fit in `maxChars` characters: fields are kept in their order, each value
 * cut to `COMPACT_VALUE_CHARS` (with `…`), until the budget is spent; when some are left out an entry
 * `TRIMMED_KEY` says how many. Other properties are kept as they are (actions are capped at 16).
 * @param maxChars budget for keys + values, ≥ 0 (0 keeps no raw field)
 * @returns `p` itself when nothing had to be cut
 */
export function compactProvenance(p: ProvenanceResult, maxChars = COMPACT_FIELD_CHARS): ProvenanceResult {
  const entries = Object.entries(p.fields ?? {});
  const out: Record<string, string> = {};
  let used = 0;
  let kept = 0;
  let cut = false;
  for (const [k, v] of entries) {
    const value = v.length > COMPACT_VALUE_CHARS ? `${v.slice(0, COMPACT_VALUE_CHARS - 1)}…` : v;
    if (used + k.length + value.length > maxChars) break;
    if (value !== v) cut = true;
    out[k] = value;
    used += k.length + value.length;
    kept++;
  }
  const actions = p.actions && p.actions.length > 16 ? p.actions.slice(0, 16) : p.actions;
  if (kept === entries.length && !cut && actions === p.actions) return p;
  if (kept < entries.length) out[TRIMMED_KEY] = `${entries.length - kept} more raw field${entries.length - kept === 1 ? '' : 's'} not kept here`;
  return { ...p, fields: out, ...(actions ? { actions } : {}) };
}
