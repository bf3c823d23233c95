/**
 * User settings: one schema with defaults, validation and ordered migrations, stored in
 * `storage.sync` under the key `settings`. Unknown or out-of-range values are replaced by defaults field
 * by field, so a bad value never loses the other settings.
 */
import type { ExplainMethod } from './messages';

export const SETTINGS_KEY = 'settings';
export const SETTINGS_VERSION = 4;

/** Where badges sit over their image. */
export type BadgePosition = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export const BADGE_POSITIONS: readonly BadgePosition[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface Settings {
  version: number;
  /** Decision threshold on the calibrated probability, [0.05, 0.95]; `null` = the model's own. */
  threshold: number | null;
  /** Total width of the "unsure" band around the threshold, [0, 0.5]; `null` = the model's own. */
  unsureBand: number | null;
  /** Scan pages automatically. */
  autoScan: boolean;
  /** Hostnames where auto-scan is off even when `autoScan` is on. */
  disabledSites: string[];
  /** Badge profile photos on the supported social sites (adapter ids). */
  profileSites: string[];
  backend: BackendPreference;
  explainMethod: ExplainMethod;
  /** LIME perturbation samples, [50, 2000]. */
  limeSamples: number;
  /**
   * Keep a local history of checked images (for `HISTORY_RETENTION_DAYS` days, `./history.ts`). Off by
   * default since v3; an existing user's stored choice is kept (see the v2 → v3 migration).
   */
  history: boolean;
  /**
   * Draw badges only for definite verdicts (likely AI-generated, no AI signs found, provenance verdicts, the
   * user's own labels) and for *Permission needed*; unsure verdicts, pending checks and other errors are
   * listed in the popup only. On by default for new installs while most verdicts are *Unsure*.
   */
  definiteOnly: boolean;
  /** The corner of the image a badge sits in. */
  badgePosition: BadgePosition;
  /** Blur and grey out images flagged AI-generated until clicked (off by default). */
  blurFlagged: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  version: SETTINGS_VERSION,
  threshold: null,
  unsureBand: null,
  autoScan: true,
  disabledSites: [],
  profileSites: ['x', 'facebook', 'instagram', 'linkedin', 'reddit', 'mastodon', 'bluesky'],
  backend: 'auto',
  explainMethod: 'gradcam',
  limeSamples: 500,
  history: false,
  definiteOnly: true,
  badgePosition: 'top-left',
  blurFlagged: false,
});

type Raw = Record<string, unknown>;

/**
 * Ordered migrations: `MIGRATIONS[i]` turns version i+1 into version i+2.
 * v1 → v2: `sensitivity` (0..100, higher = more "synthetic") became `threshold` = 1 − sensitivity/100.
 * v2 → v3: the history default changed from on to off (issue #12: history off by default, 7-day retention).
 *   Only the default changes: a stored settings object is an existing user's, so a boolean `history` in it
 *   is kept as it is (on stays on, off stays off), and one saved without the field (v1 objects, or v2 written
 *   by hand) gets `true`, the default it was living with. Nothing stored at all (a new install, or a user
 *   who never saved an option: the two cannot be told apart) gets the new default, off.
 * v3 → v4: new display options. Someone who saved settings before them has been seeing every badge, so
 * `definiteOnly` starts off for them (nothing they relied on disappears silently); new installs (nothing
 * stored) get the default, on. `badgePosition` (top-left, where badges always were) and `blurFlagged` (off)
 * take their defaults.
 */
const MIGRATIONS: Array<(s: Raw) => Raw> = [
  (s) => {
    const out: Raw = { ...s, version: 2 };
    if (typeof s.sensitivity === 'number') out.threshold = 1 - s.sensitivity / 100;
    delete out.sensitivity;
    return out;
  },
  (s) => ({ ...s, version: 3, history: typeof s.history === 'boolean' ? s.history : true }),
  (s) => ({ ...s, version: 4, definiteOnly: typeof s.definiteOnly === 'boolean' ? s.definiteOnly : false }),
];

function num(v: unknown, lo: number, hi: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : undefined;
}

/**
 * Migrates and validates a stored value. Never throws: anything unreadable becomes the default.
 * @returns a complete, valid `Settings` at `SETTINGS_VERSION`.
 */
export function normalizeSettings(stored: unknown): Settings {
  // Nothing stored (or garbage): the current defaults, with no migration (a new install).
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return { ...DEFAULT_SETTINGS, disabledSites: [], profileSites: [...DEFAULT_SETTINGS.profileSites] };
  let s: Raw = { ...(stored as Raw) };
  let v = typeof s.version === 'number' && Number.isInteger(s.version) ? s.version : 1;
  if (v > SETTINGS_VERSION) v = SETTINGS_VERSION; // from a newer build: keep what validates
  while (v < SETTINGS_VERSION) {
    s = MIGRATIONS[v - 1]!(s);
    v++;
  }
  const d = DEFAULT_SETTINGS;
  const strings = (x: unknown, fallback: string[]) =>
    Array.isArray(x) && x.every((e) => typeof e === 'string') ? [...new Set(x as string[])] : [...fallback];
  const methods: ExplainMethod[] = ['gradcam', 'ablationcam', 'layercam', 'scorecam', 'lime'];
  const backends: BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];
  return {
    version: SETTINGS_VERSION,
    threshold: s.threshold === null ? null : num(s.threshold, 0.05, 0.95) ?? d.threshold,
    unsureBand: s.unsureBand === null ? null : num(s.unsureBand, 0, 0.5) ?? d.unsureBand,
    autoScan: typeof s.autoScan === 'boolean' ? s.autoScan : d.autoScan,
    disabledSites: strings(s.disabledSites, d.disabledSites).map(normalizeHostname).filter((h): h is string => !!h)
      .filter((h, i, a) => a.indexOf(h) === i),
    profileSites: strings(s.profileSites, d.profileSites),
    backend: backends.includes(s.backend as BackendPreference) ? (s.backend as BackendPreference) : d.backend,
    explainMethod: methods.includes(s.explainMethod as ExplainMethod) ? (s.explainMethod as ExplainMethod) : d.explainMethod,
    limeSamples: Math.round(num(s.limeSamples, 50, 2000) ?? d.limeSamples),
    history: typeof s.history === 'boolean' ? s.history : d.history,
    definiteOnly: typeof s.definiteOnly === 'boolean' ? s.definiteOnly : d.definiteOnly,
    badgePosition: BADGE_POSITIONS.includes(s.badgePosition as BadgePosition) ? (s.badgePosition as BadgePosition) : d.badgePosition,
    blurFlagged: typeof s.blurFlagged === 'boolean' ? s.blurFlagged : d.blurFlagged,
  };
}

/**
 * Whether checking is paused on `hostname` (auto-scan off, or the site in `disabledSites`, e.g. from the
 * popup's "Pause on this site" switch).
 */
export function isPausedOn(s: Settings, hostname: string): boolean {
  const h = normalizeHostname(hostname);
  return !s.autoScan || (!!h && s.disabledSites.includes(h));
}

/**
 * Settings with checking paused (`paused`) or resumed on `hostname`: adds it to, or removes it from,
 * `disabledSites`. Other fields are unchanged; an unusable hostname changes nothing.
 */
export function withSitePaused(s: Settings, hostname: string, paused: boolean): Settings {
  const h = normalizeHostname(hostname);
  if (!h) return s;
  const rest = s.disabledSites.filter((x) => x !== h);
  return { ...s, disabledSites: paused ? [...rest, h] : rest };
}

/**
 * A hostname as stored in `disabledSites`: lower case, without scheme, port, path or a trailing dot;
 * accepts a pasted URL. `undefined` when nothing host-like is left.
 * @example normalizeHostname('https://WWW.Example.com:8080/a?b') === 'www.example.com'
 */
export function normalizeHostname(input: string): string | undefined {
  let h = input.trim().toLowerCase();
  if (!h) return undefined;
  try {
    h = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(h) ? h : `http://${h}`).hostname;
  } catch {
    return undefined;
  }
  h = h.replace(/\.$/, '');
  return /^[a-z0-9.-]+$/.test(h) && !h.startsWith('.') && h.length <= 253 ? h : undefined;
}

/** The threshold and band in force: the user's when set, else the model's. */
export function effectiveThreshold(s: Settings, model: { threshold: number; unsureBand: number }): { threshold: number; unsureBand: number } {
  return { threshold: s.threshold ?? model.threshold, unsureBand: s.unsureBand ?? model.unsureBand };
}
