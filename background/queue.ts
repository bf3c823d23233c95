/**
 * A bounded priority queue that batches work: items wait in three lanes (`profile` > `normal` >
 * `explain`), and the single consumer takes up to `maxBatch` items of the highest non-empty lane at a
 * time and runs them together (one tfjs call per batch).
 *
 * Gathering (issue 13, item 11): items of a burst arrive one by one as their fetch and decode finish, and
 * a consumer that starts at the first one runs batches of 1 for ever (the review measured 200 batches for
 * 200 images). With `gatherMs` > 0 the idle consumer waits up to that long after the first waiting item,
 * or until `maxBatch` items wait, before taking each batch. A lone image is delayed by at most `gatherMs`.
 */
import { QUEUE_FULL, type Priority } from '../extension/shared/messages';

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
  /** Wakes a gathering consumer early (a full batch is waiting). */
  private wake: (() => void) | undefined;
  /** Sizes of the batches run so far (for tests and the bench): `sizes[k]` = batches of k items. */
  readonly batchSizes: number[] = [];

  /**
   * @param runBatch runs one batch; must return one output per input, in order
   * @param maxBatch largest batch (≥ 1)
   * @param capacity most waiting items over all lanes; `push` beyond it rejects with `queue-full`
   * @param gatherMs how long an idle consumer waits for a batch to fill, in milliseconds (0: never)
   */
  constructor(
    private readonly runBatch: (inputs: I[]) => Promise<O[]>,
    readonly maxBatch = 8,
    readonly capacity = 512,
    readonly gatherMs = 0,
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
    if (this.length >= this.capacity) return Promise.reject(new QueueError(`${QUEUE_FULL} (${this.capacity} waiting)`, 'queue-full'));
    return new Promise<O>((resolve, reject) => {
      this.lanes.get(priority)!.push({ input, resolve, reject, key });
      if (this.wake && this.length >= this.maxBatch) this.wake();
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

  /** Waits until `maxBatch` items wait or `gatherMs` passed. */
  private gather(): Promise<void> {
    if (this.gatherMs <= 0 || this.length === 0 || this.length >= this.maxBatch) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.wake = undefined; resolve(); }, this.gatherMs);
      this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        await this.gather();
        const batch = this.take();
        if (batch.length === 0) break;
        this.batchSizes[batch.length] = (this.batchSizes[batch.length] ?? 0) + 1;
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
