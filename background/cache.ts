/**
 * Small LRU caches: verdicts by URL and by content sha256. The URL cache is mirrored to
 * `storage.session` so that a restarted service worker still answers re-sent requests without work.
 */

/** A Map with least-recently-used eviction at `capacity` entries. */
export class LruCache<V> {
  private map = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }

  /** Entries from least to most recently used. */
  entries(): Array<[string, V]> {
    return [...this.map.entries()];
  }
}

/** A counting semaphore: at most `n` holders at once. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private active = 0;
  constructor(readonly n: number) {}

  /** Runs `fn` when a slot is free. @returns what `fn` returns */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
