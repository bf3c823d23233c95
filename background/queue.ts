/**
 * A bounded priority queue that batches work: items wait in three lanes (`profile` > `normal` >
 * `explain`), and the single consumer takes up to `maxBatch` items of the highest non-empty lane at a
 * time and runs them together (one tfjs call per batch).
 */
import type { Priority } from '../extension/shared/messages';

const LANES: Priority[] = ['profile', 'normal', 'explain'];

/** Thrown to the caller of `push` when the queue is full or the item was cancelled. */
export class QueueError extends Error {
  override name = 'QueueError';
  constructor(message: string, readonly code: 'queue-full' | 'cancelled') {
    super(message);
  }
}

interface Entry<I, O> {
  input: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
  key?: string;
}

export class BatchQueue<I, O> {
  private lanes = new Map<Priority, Array<Entry<I, O>>>(LANES.map((p) => [p, []]));
  private running = false;

  /**
   * @param runBatch runs one batch; must return one output per input, in order
   * @param maxBatch largest batch (≥ 1)
   * @param capacity most waiting items over all lanes; `push` beyond it rejects with `queue-full`
   */
  constructor(
    private readonly runBatch: (inputs: I[]) => Promise<O[]>,
    readonly maxBatch = 8,
    readonly capacity = 512,
  ) {}

  /** Number of waiting items (not counting the batch being run). */
  get length(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.length;
    return n;
  }

  /**
   * Adds one item.
   * @param key optional id for `cancel`
   * @returns the item's output once its batch has run
   * @throws {QueueError} `queue-full` at capacity, `cancelled` when cancelled; errors of `runBatch`
   */
  push(input: I, priority: Priority, key?: string): Promise<O> {
    if (this.length >= this.capacity) return Promise.reject(new QueueError(`queue full (${this.capacity} waiting)`, 'queue-full'));
    return new Promise<O>((resolve, reject) => {
      this.lanes.get(priority)!.push({ input, resolve, reject, key });
      queueMicrotask(() => void this.drain());
    });
  }

  /** Removes waiting items with this key; their promises reject with `cancelled`. @returns how many. */
  cancel(key: string): number {
    let n = 0;
    for (const [p, lane] of this.lanes) {
      const keep = lane.filter((e) => {
        if (e.key !== key) return true;
        e.reject(new QueueError('cancelled', 'cancelled'));
        n++;
        return false;
      });
      this.lanes.set(p, keep);
    }
    return n;
  }

  private take(): Array<Entry<I, O>> {
    for (const p of LANES) {
      const lane = this.lanes.get(p)!;
      if (lane.length > 0) return lane.splice(0, this.maxBatch);
    }
    return [];
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let batch = this.take(); batch.length > 0; batch = this.take()) {
        try {
          const out = await this.runBatch(batch.map((e) => e.input));
          batch.forEach((e, i) => e.resolve(out[i]!));
        } catch (e) {
          batch.forEach((entry) => entry.reject(e));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
