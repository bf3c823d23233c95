/**
 * Bytes of images that only the page could read (`blob:` / `data:` URLs, sent with `classify-bytes`),
 * kept by their sha256 so the explanation view can explain and show them later: the content hash is the
 * cache key the badge, the popup and the context menu pass along (`?hash=` of `explain.html`).
 *
 * Memory: an LRU of at most `MAX_ENTRIES` images / `MAX_TOTAL_BYTES`. Images up to `MAX_SESSION_BYTES`
 * are mirrored to `storage.session` (base64, under `pageBytes:<hash>`) so a stopped and restarted
 * service worker still resolves them; the session copy is trimmed to the same LRU.
 */

/** The promise-based `storage.session` area (`browser.*` in Firefox, `chrome.*` in Chromium ≥ 102), if any. */
interface SessionArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export const MAX_ENTRIES = 16;
export const MAX_TOTAL_BYTES = 48 * 1024 * 1024;
/** Larger images are kept in memory only (storage.session holds 10 MB in all). */
export const MAX_SESSION_BYTES = 1536 * 1024;
const PREFIX = 'pageBytes:';
const HASH_RE = /^[0-9a-f]{64}$/;

const mem = new Map<string, Uint8Array>();

// Read directly (not through webextension-polyfill) so this module also loads in Node unit tests,
// where there is no session storage and only the memory LRU works.
function session(): SessionArea | undefined {
  const g = globalThis as unknown as { browser?: { storage?: { session?: SessionArea } }; chrome?: { storage?: { session?: SessionArea } } };
  return g.browser?.storage?.session ?? g.chrome?.storage?.session;
}

/** base64 of `bytes` (chunked: no call-stack limits on large inputs). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Inverse of `toBase64`. @throws {DOMException} for invalid base64 */
export function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function evict(): string[] {
  const dropped: string[] = [];
  let total = 0;
  for (const b of mem.values()) total += b.byteLength;
  for (const [k, b] of mem) {
    if (mem.size <= MAX_ENTRIES && total <= MAX_TOTAL_BYTES) break;
    mem.delete(k);
    total -= b.byteLength;
    dropped.push(k);
  }
  return dropped;
}

/**
 * Keeps `bytes` under `contentHash` (most recently used last).
 * @param contentHash sha256 hex (64 lowercase hex digits) of `bytes`, as in `Verdict.contentHash`
 */
export function rememberBytes(contentHash: string, bytes: Uint8Array): void {
  if (!HASH_RE.test(contentHash) || bytes.byteLength === 0) return;
  mem.delete(contentHash);
  mem.set(contentHash, bytes);
  const dropped = evict();
  const s = session();
  if (!s) return;
  if (dropped.length) void s.remove(dropped.map((k) => PREFIX + k)).catch(() => undefined);
  if (bytes.byteLength <= MAX_SESSION_BYTES && mem.has(contentHash)) {
    void s.set({ [PREFIX + contentHash]: toBase64(bytes) }).catch(() => undefined);
  }
}

/**
 * The bytes kept for `contentHash`, from memory or (after a worker restart) `storage.session`.
 * @returns the encoded image, or `undefined` when unknown or evicted
 */
export async function bytesFor(contentHash: string): Promise<Uint8Array | undefined> {
  if (!HASH_RE.test(contentHash)) return undefined;
  const hit = mem.get(contentHash);
  if (hit) {
    mem.delete(contentHash);
    mem.set(contentHash, hit);
    return hit;
  }
  const key = PREFIX + contentHash;
  const got = (await session()?.get(key).catch(() => undefined)) as Record<string, unknown> | undefined;
  const b64 = got?.[key];
  if (typeof b64 !== 'string') return undefined;
  try {
    const bytes = fromBase64(b64);
    mem.set(contentHash, bytes);
    evict();
    return bytes;
  } catch {
    return undefined;
  }
}

/** Forgets everything kept in memory (tests). */
export function clearBytesMemory(): void {
  mem.clear();
}

/** MIME type from the first bytes (magic numbers); `application/octet-stream` when unknown. */
export function sniffMime(b: Uint8Array): string {
  const at = (i: number, ...v: number[]) => v.every((x, j) => b[i + j] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  if (at(4, 0x66, 0x74, 0x79, 0x70) && (at(8, 0x61, 0x76, 0x69, 0x66) || at(8, 0x61, 0x76, 0x69, 0x73))) return 'image/avif';
  if (at(0, 0x42, 0x4d)) return 'image/bmp';
  return 'application/octet-stream';
}
