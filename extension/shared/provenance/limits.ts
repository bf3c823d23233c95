/**
 * Bounds on provenance parsing: every walker and parser checks a `ParseBudget` so that hostile files (a 10 MB
 * XMP packet, a JUMBF box that claims 4 GB, boxes nested thousands deep, a PNG with 10,000 text chunks) cost
 * a bounded amount of time and memory. When a bound cuts parsing short the budget records why, and the result
 * reports `status: 'limited'` with what was read so far.
 */

/** Caps on what one `readProvenance` call reads. All are upper bounds; defaults in `DEFAULT_LIMITS`. */
export interface ProvenanceLimits {
  /** Bytes of the file that are looked at; the rest is ignored (`limited`). Default 64 MiB. */
  maxBytes: number;
  /** Metadata chunks / segments / boxes visited per container (all kinds together). Default 20,000. */
  maxChunks: number;
  /** PNG text chunks and JPEG comments kept (the rest are skipped). Default 256. */
  maxTextChunks: number;
  /** Bytes of one text chunk, comment or XMP packet that are kept (before and after decompression). Default 16 MiB. */
  maxSegmentBytes: number;
  /** Total bytes of extracted metadata (text, XMP, EXIF). Default 32 MiB. */
  maxTotalMetadataBytes: number;
  /** Box nesting depth walked in ISO-BMFF containers. Default 8. */
  maxDepth: number;
  /** Wall-clock budget for container walking and metadata parsing, ms (C2PA verification runs after it, in wasm). Default 500 ms. */
  timeBudgetMs: number;
}

export const DEFAULT_LIMITS: Readonly<ProvenanceLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxChunks: 20_000,
  maxTextChunks: 256,
  maxSegmentBytes: 16 * 1024 * 1024,
  maxTotalMetadataBytes: 32 * 1024 * 1024,
  maxDepth: 8,
  timeBudgetMs: 500,
});

/** Running account of what one read has spent; `limited` lists the bounds that were hit (human-readable). */
export class ParseBudget {
  readonly limits: ProvenanceLimits;
  readonly limited: string[] = [];
  private readonly deadline: number;
  private chunks = 0;
  private texts = 0;
  private metadataBytes = 0;

  constructor(limits: Partial<ProvenanceLimits> = {}, now: () => number = () => performance.now()) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.now = now;
    this.deadline = now() + this.limits.timeBudgetMs;
  }

  private readonly now: () => number;

  /** Records a bound that was hit (once per distinct reason). */
  hit(reason: string): void {
    if (!this.limited.includes(reason)) this.limited.push(reason);
  }

  /** True while the time budget lasts; records the hit otherwise. */
  inTime(): boolean {
    if (this.now() <= this.deadline) return true;
    this.hit(`time budget of ${this.limits.timeBudgetMs} ms spent`);
    return false;
  }

  /** Counts one visited chunk / segment / box; false (and recorded) once `maxChunks` or the time budget is spent. */
  chunk(): boolean {
    if (++this.chunks > this.limits.maxChunks) {
      this.hit(`more than ${this.limits.maxChunks} chunks`);
      return false;
    }
    return (this.chunks & 63) !== 0 || this.inTime();
  }

  /** Counts one kept text chunk / comment; false (and recorded) past `maxTextChunks`. */
  text(): boolean {
    if (++this.texts > this.limits.maxTextChunks) {
      this.hit(`more than ${this.limits.maxTextChunks} text chunks`);
      return false;
    }
    return true;
  }

  /**
   * Accounts `n` bytes of extracted metadata. @returns how many of them may be kept (0..n): capped by
   * `maxSegmentBytes` per segment and `maxTotalMetadataBytes` overall, recording the hit when it cuts.
   */
  take(n: number, what: string): number {
    let keep = Math.min(n, this.limits.maxSegmentBytes);
    if (keep < n) this.hit(`${what} larger than ${this.limits.maxSegmentBytes} bytes`);
    const left = Math.max(0, this.limits.maxTotalMetadataBytes - this.metadataBytes);
    if (keep > left) {
      keep = left;
      this.hit(`more than ${this.limits.maxTotalMetadataBytes} bytes of metadata`);
    }
    this.metadataBytes += keep;
    return keep;
  }
}
