/**
 * Local history of checked images: off by default (`Settings.history`, settings v3), kept for at most
 * `HISTORY_RETENTION_DAYS` days (older entries are dropped on every write, on every read and when the
 * background starts), capped at `HISTORY_CAP` entries; the user can turn it off (which clears it) and clear it.
 *
 * The logic is pure functions over an array, newest entry first; persistence goes through the small
 * `KeyValueStore` interface, so everything is unit-testable without browser APIs. In the extension the
 * store wraps `browser.storage.local` (`storageAreaStore`); the background should be the only writer,
 * because `ListStore` serialises writes within one context only.
 */
import type { FusedLabel } from './provenance/fusion';

/** `storage.local` key of the history array. */
export const HISTORY_KEY = 'history';
/** Most entries kept; older ones are dropped first. */
export const HISTORY_CAP = 500;
/** Days an entry is kept; stated on the first-run page and in the options. */
export const HISTORY_RETENTION_DAYS = 7;
/** `HISTORY_RETENTION_DAYS` in milliseconds. */
export const HISTORY_RETENTION_MS = HISTORY_RETENTION_DAYS * 24 * 60 * 60 * 1000;
/** URLs longer than this many characters are shortened before storing (`compactUrl`). */
export const MAX_STORED_URL_CHARS = 2048;

/** The verdict a history entry records: a fused label other than `none` (`./provenance/fusion.ts`). */
export type HistoryLabel = Exclude<FusedLabel, 'none'>;

/** Longest `text` kept per entry, in characters. */
export const MAX_HISTORY_TEXT_CHARS = 300;

/** One checked image. */
export interface HistoryEntry {
  /** Image URL (`compactUrl`: long `data:` URLs are shortened). */
  url: string;
  /** Page the image was on. */
  pageUrl: string;
  /**
   * Calibrated probability of "synthetic", in [0, 1]; absent only for provenance verdicts on images the
   * detector did not run on (too small, too large, unsupported format).
   */
  probability?: number;
  /**
   * The verdict shown (fused with provenance, with the threshold in force at the time): `real` /
   * `synthetic` / `unsure` from the pixels, or `ai-generated` / `ai-generated-metadata` /
   * `camera-original` from the file's provenance.
   */
  label: HistoryLabel;
  /**
   * The badge text shown at the time (`FusedVerdict.short`, worded by `./wording.ts`, e.g.
   * "No AI signs found · AI score 12/100"); ≤ `MAX_HISTORY_TEXT_CHARS`. Absent in older entries of pixel verdicts (the
   * recorder kept it for provenance verdicts only); the popup then rebuilds the wording from `label` and `probability`.
   */
  text?: string;
  /** Model id `name@version` ('' when the detector did not run). */
  model: string;
  /** When it was checked, milliseconds since the Unix epoch. */
  time: number;
}

const PIXEL_LABELS = new Set<string>(['real', 'synthetic', 'unsure']);
const LABELS = new Set<string>([...PIXEL_LABELS, 'ai-generated', 'ai-generated-metadata', 'camera-original']);

/**
 * Shortens a URL for storage: a `data:` URL longer than `max` keeps its header and becomes
 * `data:<mime>;base64,…[<n> chars]`; any other URL longer than `max` is cut to `max − 1` characters + `…`.
 * @param max maximum length in characters (default `MAX_STORED_URL_CHARS`)
 */
export function compactUrl(url: string, max = MAX_STORED_URL_CHARS): string {
  if (url.length <= max) return url;
  if (/^data:/i.test(url)) {
    const comma = url.indexOf(',');
    const head = comma >= 0 && comma < 200 ? url.slice(0, comma + 1) : 'data:';
    return `${head}…[${url.length} chars]`;
  }
  return url.slice(0, max - 1) + '…';
}

/**
 * True when `v` is a well-formed `HistoryEntry`: probability in [0, 1] (required for pixel labels,
 * optional for provenance labels), known label, `text` a string of ≤ `MAX_HISTORY_TEXT_CHARS` when
 * present, finite time ≥ 0.
 */
export function isHistoryEntry(v: unknown): v is HistoryEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const p = e.probability;
  const probabilityOk = p === undefined
    ? typeof e.label === 'string' && !PIXEL_LABELS.has(e.label)
    : typeof p === 'number' && Number.isFinite(p) && p >= 0 && p <= 1;
  return (
    typeof e.url === 'string' && e.url.length > 0 &&
    typeof e.pageUrl === 'string' &&
    probabilityOk &&
    typeof e.label === 'string' && LABELS.has(e.label) &&
    (e.text === undefined || (typeof e.text === 'string' && e.text.length <= MAX_HISTORY_TEXT_CHARS)) &&
    typeof e.model === 'string' &&
    typeof e.time === 'number' && Number.isFinite(e.time) && e.time >= 0
  );
}

/**
 * Validates a stored value: keeps well-formed entries (only the known fields), newest first, one per URL
 * (the newest), at most `cap`. Never throws; anything unreadable becomes `[]`.
 */
export function normalizeHistory(stored: unknown, cap = HISTORY_CAP): HistoryEntry[] {
  if (!Array.isArray(stored)) return [];
  const valid = stored.filter(isHistoryEntry).map((e): HistoryEntry => ({
    url: e.url, pageUrl: e.pageUrl,
    ...(e.probability !== undefined ? { probability: e.probability } : {}),
    label: e.label,
    ...(e.text !== undefined ? { text: e.text } : {}),
    model: e.model, time: e.time,
  }));
  valid.sort((a, b) => b.time - a.time);
  const seen = new Set<string>();
  const out: HistoryEntry[] = [];
  for (const e of valid) {
    if (seen.has(e.url)) continue;
    seen.add(e.url);
    out.push(e);
    if (out.length >= cap) break;
  }
  return out;
}

/**
 * Adds `entry` at the front (URL compacted); an older entry for the same URL is removed; the list is cut
 * to `cap`. Pure: returns a new array.
 * @throws {TypeError} when `entry` is malformed
 */
export function addHistoryEntry(list: readonly HistoryEntry[], entry: HistoryEntry, cap = HISTORY_CAP): HistoryEntry[] {
  const e: HistoryEntry = { ...entry, url: compactUrl(entry.url), pageUrl: compactUrl(entry.pageUrl) };
  if (e.text !== undefined && e.text.length > MAX_HISTORY_TEXT_CHARS) e.text = `${e.text.slice(0, MAX_HISTORY_TEXT_CHARS - 1)}…`;
  if (!isHistoryEntry(e)) throw new TypeError(`malformed history entry for ${String(entry.url).slice(0, 80)}`);
  return [e, ...list.filter((x) => x.url !== e.url)].slice(0, Math.max(0, cap));
}

/**
 * The entries checked within the retention window: keeps `e.time ≥ now − maxAgeMs` (an entry exactly
 * `maxAgeMs` old is kept; entries dated in the future, from a clock set back, are kept). Pure; order kept.
 * @param now current time, ms since the Unix epoch
 * @param maxAgeMs retention in ms (default `HISTORY_RETENTION_MS`, 7 days); ≤ 0 keeps nothing older than `now`
 */
export function pruneHistory(list: readonly HistoryEntry[], now: number, maxAgeMs = HISTORY_RETENTION_MS): HistoryEntry[] {
  const cutoff = now - Math.max(0, maxAgeMs);
  return list.filter((e) => e.time >= cutoff);
}

/** The list without the entry for `url`. Pure. */
export function removeHistoryEntry(list: readonly HistoryEntry[], url: string): HistoryEntry[] {
  const key = compactUrl(url);
  return list.filter((x) => x.url !== key);
}

/** Minimal async key-value storage (the shape of `browser.storage.local`, one key at a time). */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** The subset of a WebExtension `StorageArea` that `storageAreaStore` uses. */
export interface StorageAreaLike {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string): Promise<void>;
}

/** Wraps a WebExtension storage area, e.g. `storageAreaStore(browser.storage.local)`. */
export function storageAreaStore(area: StorageAreaLike): KeyValueStore {
  return {
    get: async (key) => (await area.get(key))[key],
    set: (key, value) => area.set({ [key]: value }),
    remove: (key) => area.remove(key),
  };
}

/** An in-memory `KeyValueStore` (tests; a fallback where storage is unavailable). Values are JSON-copied. */
export function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore {
  const m = new Map<string, string>(Object.entries(initial).map(([k, v]) => [k, JSON.stringify(v)]));
  return {
    get: async (key) => (m.has(key) ? JSON.parse(m.get(key)!) : undefined),
    set: async (key, value) => void m.set(key, JSON.stringify(value)),
    remove: async (key) => void m.delete(key),
  };
}

/**
 * A persisted capped list under one storage key: read-validate-modify-write, with writes serialised
 * (a second `update` waits for the first), so concurrent adds in one context are not lost.
 */
export class ListStore<T> {
  private chain: Promise<unknown> = Promise.resolve();

  /**
   * @param store backing storage
   * @param key storage key
   * @param normalize validates a stored value into a list (never throws)
   */
  constructor(
    private readonly store: KeyValueStore,
    readonly key: string,
    private readonly normalize: (stored: unknown) => T[],
  ) {}

  /** The stored list, validated. */
  async list(): Promise<T[]> {
    await this.chain.catch(() => undefined);
    return this.normalize(await this.store.get(this.key));
  }

  /**
   * Applies a pure update and stores the result.
   * @returns the stored list
   */
  update(fn: (list: T[]) => T[]): Promise<T[]> {
    const run = async (): Promise<T[]> => {
      const next = fn(this.normalize(await this.store.get(this.key)));
      await this.store.set(this.key, next);
      return next;
    };
    const p = this.chain.catch(() => undefined).then(run);
    this.chain = p;
    return p;
  }

  /** Deletes the list. */
  clear(): Promise<void> {
    const p = this.chain.catch(() => undefined).then(() => this.store.remove(this.key));
    this.chain = p;
    return p;
  }
}

/**
 * The history, persisted, with the retention applied (`pruneHistory`). Check `Settings.history` before
 * `add`; call `clear` when the user turns it off.
 */
export class HistoryStore {
  private readonly inner: ListStore<HistoryEntry>;
  private readonly retentionMs: number;
  private readonly now: () => number;

  /**
   * @param cap most entries kept
   * @param opts.retentionMs how long an entry is kept (default `HISTORY_RETENTION_MS`)
   * @param opts.now clock, ms since the epoch (default `Date.now`; tests pass a fixed one)
   */
  constructor(store: KeyValueStore, readonly cap = HISTORY_CAP, opts: { retentionMs?: number; now?: () => number } = {}) {
    this.inner = new ListStore(store, HISTORY_KEY, (s) => normalizeHistory(s, cap));
    this.retentionMs = opts.retentionMs ?? HISTORY_RETENTION_MS;
    this.now = opts.now ?? Date.now;
  }

  /** Entries within the retention window, newest first. */
  async list(): Promise<HistoryEntry[]> {
    return pruneHistory(await this.inner.list(), this.now(), this.retentionMs);
  }

  /** Records one check (see `addHistoryEntry`) and drops expired entries. @returns the new list */
  add(entry: HistoryEntry): Promise<HistoryEntry[]> {
    return this.inner.update((l) => pruneHistory(addHistoryEntry(l, entry, this.cap), this.now(), this.retentionMs));
  }

  /** Drops expired entries from storage (the background calls it when it starts). @returns the kept list */
  prune(): Promise<HistoryEntry[]> {
    return this.inner.update((l) => pruneHistory(l, this.now(), this.retentionMs));
  }

  /** Forgets one URL. @returns the new list */
  remove(url: string): Promise<HistoryEntry[]> {
    return this.inner.update((l) => removeHistoryEntry(l, url));
  }

  /** Deletes the whole history. */
  clear(): Promise<void> {
    return this.inner.clear();
  }
}
