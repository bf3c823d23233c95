/**
 * A bounded set of image URLs already sent for checking, so infinite scroll, re-renders and repeated
 * scans never check the same image twice (QA Q15), while memory stays bounded on endless feeds.
 */
import { normalizeImageUrl } from './urls';

/** Default capacity: 5,000 URLs (≈ 1 MB of keys at 200 characters each). */
export const SEEN_CAPACITY = 5000;

/**
 * Least-recently-used set of normalised image URLs (`normalizeImageUrl`: absolute, no fragment, `data:`
 * hashed). Backed by a `Map`, whose insertion order is the recency order; all operations are O(1).
 * When full, adding evicts the least recently added-or-touched URL.
 */
export class SeenSet {
  private readonly map = new Map<string, true>();

  /**
   * @param capacity maximum number of URLs kept, integer ≥ 1 (default `SEEN_CAPACITY`)
   * @param base base URL for resolving relative URLs (e.g. `document.baseURI`)
   * @throws {RangeError} for a capacity < 1
   */
  constructor(readonly capacity: number = SEEN_CAPACITY, private readonly base?: string) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer ≥ 1, got ${capacity}`);
  }

  /** The key `url` is stored under. */
  key(url: string): string {
    return normalizeImageUrl(url, this.base);
  }

  /** Number of URLs held. */
  get size(): number {
    return this.map.size;
  }

  /** True when `url` was added and not evicted; does not change recency. */
  has(url: string): boolean {
    return this.map.has(this.key(url));
  }

  /**
   * Adds `url` unless present. A URL already present becomes the most recently used.
   * @returns `true` when the URL is new (the caller should check the image), `false` when seen before
   */
  add(url: string): boolean {
    const k = this.key(url);
    if (this.map.has(k)) {
      this.map.delete(k);
      this.map.set(k, true);
      return false;
    }
    this.map.set(k, true);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
    return true;
  }

  /** Forgets `url` (e.g. to re-check after the user asked); returns whether it was present. */
  delete(url: string): boolean {
    return this.map.delete(this.key(url));
  }

  /** Forgets everything (e.g. on `rescan`). */
  clear(): void {
    this.map.clear();
  }
}
