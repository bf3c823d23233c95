/**
 * The user's own labels for images ("I know this is real" / "I know this is AI-generated", issue #12): stored
 * per image URL in `storage.local` under `OVERRIDES_KEY`, on this device only; badges show them instead of
 * the detector's verdict (`content/badge.ts`), and the popup offers to set and undo them.
 *
 * Pure functions (no browser APIs): `normalizeOverrides` validates whatever is stored, `withOverride` returns
 * the updated record.
 */
import { MAX_STORED_URL_CHARS } from './history';

export const OVERRIDES_KEY = 'overrides';
/** Most labels kept; the oldest are dropped first. */
export const OVERRIDES_CAP = 1000;

export type OverrideLabel = 'real' | 'synthetic';

/** One stored label: what the user says the image is, and when (ms since the Unix epoch). */
export interface Override { label: OverrideLabel; time: number }

/**
 * Validates a stored value: keeps entries whose key is a URL of at most `MAX_STORED_URL_CHARS` characters and
 * whose value is `{ label: 'real' | 'synthetic', time: finite number }`; at most `cap`, newest kept.
 * @returns a fresh record (never throws)
 */
export function normalizeOverrides(stored: unknown, cap = OVERRIDES_CAP): Record<string, Override> {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return {};
  const ok = Object.entries(stored as Record<string, unknown>).filter(([url, v]) => url.length > 0 && url.length <= MAX_STORED_URL_CHARS
    && !!v && typeof v === 'object' && ((v as Override).label === 'real' || (v as Override).label === 'synthetic')
    && typeof (v as Override).time === 'number' && Number.isFinite((v as Override).time)) as Array<[string, Override]>;
  ok.sort((a, b) => b[1].time - a[1].time);
  return Object.fromEntries(ok.slice(0, cap).map(([u, v]) => [u, { label: v.label, time: v.time }]));
}

/**
 * The record with `url` set to `label` (or removed when `label` is undefined); the oldest entries beyond `cap` dropped.
 * @throws {RangeError} when `url` is empty or longer than `MAX_STORED_URL_CHARS`
 */
export function withOverride(all: Record<string, Override>, url: string, label: OverrideLabel | undefined, time = Date.now(), cap = OVERRIDES_CAP): Record<string, Override> {
  if (!url || url.length > MAX_STORED_URL_CHARS) throw new RangeError(`override URL must be 1…${MAX_STORED_URL_CHARS} characters`);
  const next = { ...all };
  delete next[url];
  if (label) next[url] = { label, time };
  return normalizeOverrides(next, cap);
}

/** The labels as a map (for the content script). */
export function overrideMap(all: Record<string, Override>): Map<string, OverrideLabel> {
  return new Map(Object.entries(all).map(([u, v]) => [u, v.label]));
}
