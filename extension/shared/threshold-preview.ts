/**
 * "With this setting, N of your last 100 checked images would be flagged" (issue #12, options): the effect
 * of a threshold and unsure band on the user's own history, shown before the setting is applied.
 *
 * Pure functions over history entries (`history.ts`, newest first); no browser APIs.
 */
import type { HistoryEntry } from './history';
import { verdictFor } from './verdict';

/** How many of the newest history entries the preview looks at. */
export const PREVIEW_WINDOW = 100;

/** Provenance labels that flag an image whatever the threshold (the file's own bytes say so). */
const PROVENANCE_AI = new Set(['ai-generated', 'ai-generated-metadata']);

/** The preview's counts. */
export interface FlagPreview {
  /** Entries looked at (≤ `PREVIEW_WINDOW`). */
  considered: number;
  /** Of those, flagged as likely AI-generated under the rule. */
  flagged: number;
  /** Of those, unsure under the rule. */
  unsure: number;
}

/**
 * Counts how the newest `window` entries would be labelled under `threshold` and `unsureBand`: an entry with
 * a pixel probability p is flagged when `verdictFor(p, threshold, unsureBand)` is `synthetic` and unsure when
 * it is `unsure`; an entry whose provenance says AI-generated is flagged whatever p; an entry with neither
 * (provenance-only camera verdicts) is never flagged.
 * @param entries history, newest first (`normalizeHistory`)
 * @param threshold decision threshold in [0, 1]
 * @param unsureBand total band width in [0, 1]
 * @throws {RangeError} when `threshold` or `unsureBand` is outside [0, 1] (from `verdictFor`)
 */
export function previewFlagged(entries: readonly HistoryEntry[], threshold: number, unsureBand: number, window = PREVIEW_WINDOW): FlagPreview {
  verdictFor(0.5, threshold, unsureBand); // validates the rule even for an empty history
  const recent = entries.slice(0, Math.max(0, window));
  let flagged = 0, unsure = 0;
  for (const e of recent) {
    if (PROVENANCE_AI.has(e.label)) { flagged++; continue; }
    if (e.probability === undefined) continue;
    const l = verdictFor(e.probability, threshold, unsureBand);
    if (l === 'synthetic') flagged++;
    else if (l === 'unsure') unsure++;
  }
  return { considered: recent.length, flagged, unsure };
}

/**
 * The sentence the options page shows under the threshold.
 * @param history the entries, or `null` when history is off
 */
export function previewSentence(history: readonly HistoryEntry[] | null, threshold: number, unsureBand: number): string {
  if (history === null) return 'History is off, so the effect on your own images cannot be shown. Turn on history below to see it.';
  if (!history.length) return 'No images checked yet: the effect on your own images shows here once some are checked.';
  const p = previewFlagged(history, threshold, unsureBand);
  const last = p.considered === PREVIEW_WINDOW ? `your last ${PREVIEW_WINDOW} checked images` : `the ${p.considered} checked image${p.considered === 1 ? '' : 's'} in your history`;
  return `With this setting, ${p.flagged} of ${last} would be flagged as likely AI-generated${p.unsure ? ` and ${p.unsure} would be unsure` : ''}.`;
}
