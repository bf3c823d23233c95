/**
 * The page's one screen-reader summary (issue #12): a single polite live region per page instead of one per
 * badge, e.g. "SynthScreen checked 24 images: 3 flagged as likely AI-generated, 18 unsure, 2 with no AI signs
 * found, 1 not checked." It is updated at most once per `SUMMARY_DEBOUNCE_MS` and only when the text changes,
 * so a long feed is not read out image by image.
 *
 * The region lives in a closed shadow root of a `synthscreen-summary` host at the end of `<body>`, visually
 * hidden (clipped to 1 px) but in the accessibility tree; the host carries the text in `data-synthscreen-summary`.
 */

/** Counts of the page's checked images by outcome. */
export interface SummaryCounts {
  /** Images with a final outcome (verdict or error). */
  checked: number;
  /** Flagged as (likely) AI-generated: pixel verdict, provenance or the user's own label. */
  ai: number;
  unsure: number;
  /** No AI signs found (pixel "real", camera provenance, or the user's own label). */
  notAi: number;
  /** Errors (not checked: too small, no permission, could not fetch …). */
  notChecked: number;
  /** Still being checked. */
  pending: number;
}

export const SUMMARY_TAG = 'synthscreen-summary';
export const SUMMARY_DEBOUNCE_MS = 1500;

/**
 * The summary sentence for `c`.
 * @returns e.g. "SynthScreen checked 3 images: 1 flagged as likely AI-generated, 2 unsure." — parts with a zero
 *   count are left out; "SynthScreen is checking 2 images." before any outcome
 */
export function summaryText(c: SummaryCounts): string {
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  if (c.checked === 0) return c.pending ? `SynthScreen is checking ${n(c.pending, 'image')}.` : 'SynthScreen found no images to check yet.';
  const parts = [
    c.ai ? `${c.ai} flagged as likely AI-generated` : '',
    c.unsure ? `${c.unsure} unsure` : '',
    c.notAi ? `${c.notAi} with no AI signs found` : '',
    c.notChecked ? `${c.notChecked} not checked` : '',
  ].filter(Boolean);
  const more = c.pending ? ` ${c.pending} still being checked.` : '';
  return `SynthScreen checked ${n(c.checked, 'image')}: ${parts.join(', ')}.${more}`;
}

/** The page's live region. */
export class PageSummary {
  readonly host: HTMLElement;
  private readonly region: HTMLDivElement;
  private timer?: ReturnType<typeof setTimeout>;
  private last = '';

  /** @param counts returns the current counts when the debounced update runs */
  constructor(private readonly counts: () => SummaryCounts) {
    this.host = document.createElement(SUMMARY_TAG);
    this.host.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;left:0;top:0;margin:0;padding:0;border:0;';
    const root = this.host.attachShadow({ mode: 'closed' });
    this.region = document.createElement('div');
    this.region.setAttribute('role', 'status');
    this.region.setAttribute('aria-live', 'polite');
    this.region.setAttribute('aria-atomic', 'true');
    root.append(this.region);
  }

  /** Asks for an update (debounced); attaches the host to the page on first use. */
  queue(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, SUMMARY_DEBOUNCE_MS);
  }

  /** Writes the text now (when it changed). */
  flush(): void {
    if (!this.host.isConnected) (document.body ?? document.documentElement).appendChild(this.host);
    const text = summaryText(this.counts());
    if (text === this.last) return;
    this.last = text;
    this.region.textContent = text;
    this.host.setAttribute('data-synthscreen-summary', text);
  }

  remove(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.host.remove();
  }
}
