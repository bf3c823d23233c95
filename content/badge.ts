/**
 * The badge drawn over an image's top-left corner: a host element in the page holding a CLOSED shadow
 * root (page styles and scripts cannot reach it), with a random per-page tag (`HOST_TAG`) and `!important`
 * inline styles (issue 13, item 7). In test builds the host carries `data-synthscreen-*` attributes so
 * tests can read the state without opening the shadow root; release builds write them to a detached
 * element, so the page cannot read verdicts off the host. A verdict badge shows the fused verdict
 * (`fuseScreened`, `extension/shared/provenance/fusion.ts`): the provenance verdict when the file's own
 * bytes decide (e.g. "AI-generated (signed) · pixel AI score 52/100", the pixel score beside it), else the
 * pixel verdict ("Likely AI-generated · AI score 87/100"); all wording comes from
 * `extension/shared/wording.ts`, so the label never contradicts the number. Accessible: a `role="status"` live region whose
 * `aria-label` is the full text (the badge's words, then the signer, tool, caveats and the pixel
 * detector's score), holding a `<button>` with the short text (its name adds "Explain this verdict" once
 * it is active).
 *
 * Host attributes: `data-synthscreen-state` (`analysing` | `done` | `error`), `-label` (the pixel
 * detector's label under the rule in force; for a provenance-only verdict the code of why the detector
 * did not run; for errors the error code), `-verdict` (the fused label shown), `-provenance`
 * (`kind/claim/validation`, when provenance was read and found something), `-text` (the visible text),
 * `-probability`, `-error`, `-face` (profile photos: `aligned` | `not-aligned` | `no-face` | `failed`). Once there is a verdict the button is enabled: click, Enter or Space opens the explanation view (`onActivate`);
 * before that (analysing, errors) it is disabled and out of the tab order. Events from the button do not
 * reach the page (`stopPropagation`), so activating a badge never triggers the page's own click handlers.
 */
import type { FaceEvidence, ImageError, ImageErrorCode } from '../extension/shared/messages';
import { TEST_HOOKS } from '../background/build-flags';
import { FUSED_COLOURS, fuseScreened, type FusedVerdict } from '../extension/shared/provenance/fusion';
import type { ProvenanceResult } from '../extension/shared/provenance/types';
import { verdictFor, type VerdictLabel } from '../extension/shared/verdict';

/**
 * The badge host's tag name: random per page (issue 13, item 7), so a page cannot register a custom
 * element of a known name and have its constructor run on every badge host (the review's
 * `synthscreen-badge` hook), nor select hosts by a fixed name. `x-` plus 16 random base-36 characters.
 */
export const HOST_TAG = randomTag();

/** A valid custom-element name no page can predict: `x-` + 16 characters of [a-z0-9] from crypto randomness. */
export function randomTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `x-${Array.from(bytes, (b) => (b % 36).toString(36)).join('')}`;
}

/** Inline styles of every host, each `!important` (inline important declarations beat any page stylesheet). */
const HOST_STYLE: ReadonlyArray<[string, string]> = [
  ['position', 'absolute'], ['z-index', '2147483646'], ['left', '0'], ['top', '0'], ['pointer-events', 'none'], ['display', 'block'],
  ['opacity', '1'], ['visibility', 'visible'], ['filter', 'none'], ['clip-path', 'none'], ['width', 'auto'], ['height', 'auto'],
];

export type BadgeState =
  | { kind: 'analysing' }
  /**
   * A verdict: the pixel detector's `probability` in [0, 1] (with `model` and `backend`) when it ran,
   * `pixelError` when it did not, and the image's `provenance` when it was read.
   */
  | { kind: 'verdict'; probability?: number; model?: string; backend?: string; provenance?: ProvenanceResult; pixelError?: ImageError; face?: FaceEvidence }
  | { kind: 'error'; code: ImageErrorCode; message: string };

/** Short text shown for each error state. */
export const ERROR_TEXT: Record<ImageErrorCode, string> = {
  'too-small': 'Too small to check',
  'too-large': 'Too large to check',
  'fetch-failed': 'Could not fetch image',
  timeout: 'Timed out',
  'permission-needed': 'Permission needed',
  'unsupported-format': 'Unsupported format',
  'decode-failed': 'Could not decode image',
  'model-failed': 'Detector unavailable',
  cancelled: 'Not checked',
  'bad-request': 'Not checked (bad request)',
  'low-detail': 'Not enough detail',
  'served-different': 'Served a different image to the checker',
};

const COLOURS: Record<'analysing' | 'error', string> = {
  analysing: '#3b4a5a',
  error: '#5f6368',
};

const STYLE = `
:host { all: initial; }
.b { font: 600 12px/1.2 system-ui, sans-serif; color: #fff; padding: 3px 7px; border-radius: 10px; border: 0;
     margin: 0; box-shadow: 0 1px 3px rgba(0,0,0,.4); white-space: nowrap; pointer-events: auto; cursor: pointer;
     max-width: 340px; overflow: hidden; text-overflow: ellipsis; display: inline-block; text-align: left; }
.b:disabled { color: #fff; cursor: default; }
.b:focus-visible { outline: 2px solid #fff; outline-offset: 1px; box-shadow: 0 0 0 4px #0b57d0; }
`;

/** One badge attached to one image. */
export class Badge {
  readonly host: HTMLElement;
  /**
   * Where the `data-synthscreen-*` state attributes go: the host in test builds (e2e tests read them), a
   * detached element in release builds, so the page cannot read verdicts off the host (item 7).
   */
  private readonly meta: HTMLElement;
  /** The host styles this badge wants (property → value, each `!important`). */
  private readonly styles = new Map<string, string>(HOST_STYLE);
  /** The `style` attribute those styles serialise to (the interference guard compares the host's with it). */
  private ownStyle = '';
  private readonly el: HTMLButtonElement;
  /** The `role="status"` live region around the button; its `aria-label` is the badge text. */
  private readonly live: HTMLSpanElement;
  private state: BadgeState = { kind: 'analysing' };
  private threshold = 0.5;
  private band = 0;

  /**
   * @param url the image URL the badge stands for
   * @param onActivate called when the user clicks the badge or presses Enter / Space on it while it shows
   *   a verdict (opens the explanation view)
   */
  constructor(readonly url: string, private readonly onActivate?: (badge: Badge) => void) {
    this.host = document.createElement(HOST_TAG);
    this.meta = TEST_HOOKS ? this.host : document.createElement('span');
    this.applyStyles();
    const root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    const live = document.createElement('span');
    live.setAttribute('role', 'status');
    this.live = live;
    this.el = document.createElement('button');
    this.el.type = 'button';
    this.el.className = 'b';
    this.el.disabled = true;
    live.append(this.el);
    root.append(style, live);
    const stop = (e: Event) => e.stopPropagation();
    for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'dblclick', 'keydown', 'keyup', 'contextmenu']) this.el.addEventListener(type, stop);
    this.el.addEventListener('click', (e) => {
      e.stopPropagation();
      e.preventDefault();
      if (this.state.kind === 'verdict') this.onActivate?.(this);
    });
    this.meta.setAttribute('data-synthscreen-url', url);
    this.render();
  }

  /** Sets the decision rule (threshold and unsure band, both in [0, 1]) and re-labels a verdict. */
  setRule(threshold: number, band: number): void {
    this.threshold = threshold;
    this.band = band;
    this.render();
  }

  set(state: BadgeState): void {
    this.state = state;
    this.render();
  }

  get current(): BadgeState {
    return this.state;
  }

  /** The pixel detector's label under the current rule, or undefined when there is no pixel verdict. */
  get label(): VerdictLabel | undefined {
    const s = this.state;
    return s.kind === 'verdict' && s.probability !== undefined ? verdictFor(s.probability, this.threshold, this.band) : undefined;
  }

  /** The fused verdict shown (pixels and provenance, under the current rule), or undefined when there is no verdict. */
  get fused(): FusedVerdict | undefined {
    const s = this.state;
    return s.kind === 'verdict' ? fuseScreened(s, { threshold: this.threshold, unsureBand: this.band }) : undefined;
  }

  private render(): void {
    const s = this.state;
    const h = this.meta;
    let text: string;
    let full: string;
    let colour: string;
    const p = s.kind === 'verdict' ? s.provenance : undefined;
    const fused = this.fused;
    if (s.kind === 'verdict' && fused && fused.label !== 'none') {
      text = fused.short;
      full = fused.text;
      colour = FUSED_COLOURS[fused.tone];
      h.setAttribute('data-synthscreen-state', 'done');
      h.setAttribute('data-synthscreen-label', this.label ?? s.pixelError?.code ?? 'none');
      h.setAttribute('data-synthscreen-verdict', fused.label);
      if (s.probability !== undefined) h.setAttribute('data-synthscreen-probability', s.probability.toFixed(6));
      else h.removeAttribute('data-synthscreen-probability');
      h.removeAttribute('data-synthscreen-error');
      const detector = s.model ? ` (model ${s.model}, ${s.backend})` : '';
      this.el.title = `${full}${detector} ${this.onActivate ? 'Click or press Enter to see why.' : ''}`.trim();
    } else if (s.kind === 'verdict') {
      // Neither pixels nor provenance gave a verdict (the background answers an error then; defensive).
      const code = s.pixelError?.code ?? 'model-failed';
      text = full = ERROR_TEXT[code] ?? code;
      colour = COLOURS.error;
      h.setAttribute('data-synthscreen-state', 'error');
      h.setAttribute('data-synthscreen-label', code);
      h.setAttribute('data-synthscreen-error', code);
      h.removeAttribute('data-synthscreen-verdict');
      h.removeAttribute('data-synthscreen-probability');
      this.el.title = `${text}: ${s.pixelError?.message ?? ''}`;
    } else if (s.kind === 'error') {
      text = full = ERROR_TEXT[s.code] ?? s.code;
      colour = COLOURS.error;
      h.setAttribute('data-synthscreen-state', 'error');
      h.setAttribute('data-synthscreen-label', s.code);
      h.setAttribute('data-synthscreen-error', s.code);
      h.removeAttribute('data-synthscreen-verdict');
      h.removeAttribute('data-synthscreen-probability');
      this.el.title = `${text}: ${s.message}`;
    } else {
      text = full = 'Analysing…';
      colour = COLOURS.analysing;
      h.setAttribute('data-synthscreen-state', 'analysing');
      h.setAttribute('data-synthscreen-label', 'analysing');
      h.removeAttribute('data-synthscreen-verdict');
      h.removeAttribute('data-synthscreen-probability');
      h.removeAttribute('data-synthscreen-error');
      this.el.title = 'SynthScreen is checking this image';
    }
    if (p && p.kind !== 'none') h.setAttribute('data-synthscreen-provenance', `${p.kind}/${p.claim}/${p.validation}`);
    else h.removeAttribute('data-synthscreen-provenance');
    const face = s.kind === 'verdict' ? s.face : undefined;
    if (face) h.setAttribute('data-synthscreen-face', face.status !== 'face' ? face.status : face.alignment?.aligned ? 'aligned' : 'not-aligned');
    else h.removeAttribute('data-synthscreen-face');
    h.setAttribute('data-synthscreen-text', text);
    this.el.textContent = text;
    this.el.style.background = colour;
    const active = h.getAttribute('data-synthscreen-state') === 'done' && !!this.onActivate;
    this.live.setAttribute('aria-label', full);
    this.el.setAttribute('aria-label', active ? `${full}${/[.!?]$/.test(full) ? '' : '.'} Explain this verdict` : full);
    this.el.disabled = !active;
    h.toggleAttribute('data-synthscreen-explainable', active);
  }

  /**
   * Records the shown-image check on the host (`data-synthscreen-shown`: `match` | `mismatch` |
   * `unconfirmed`; issue 13, item 1). A mismatch also needs `set` with the `served-different` error.
   */
  setShown(status: 'match' | 'mismatch' | 'unconfirmed'): void {
    this.meta.setAttribute('data-synthscreen-shown', status);
  }

  /** Moves the host over the image's top-left corner (document coordinates); hides it for unrendered images. */
  place(img: Element): void {
    const r = img.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) {
      this.setStyle('visibility', 'hidden');
      return;
    }
    this.setStyle('visibility', 'visible');
    this.setStyle('transform', `translate(${Math.round(r.left + window.scrollX + 4)}px, ${Math.round(r.top + window.scrollY + 4)}px)`);
  }

  /**
   * Sets one host style (`!important`). The wanted styles are serialised on a detached element, so a
   * change the page made to the host is never taken for our own.
   */
  setStyle(prop: string, value: string): void {
    this.styles.set(prop, value);
    this.applyStyles();
  }

  private applyStyles(): void {
    const scratch = document.createElement('span');
    for (const [k, v] of this.styles) scratch.style.setProperty(k, v, 'important');
    this.ownStyle = scratch.getAttribute('style') ?? '';
    if (this.host.getAttribute('style') !== this.ownStyle) this.host.setAttribute('style', this.ownStyle);
  }

  /**
   * True when the host's `style` attribute is no longer what this badge wrote (the page changed it).
   * `restore` puts this badge's own styles back.
   */
  get styleTampered(): boolean {
    return (this.host.getAttribute('style') ?? '') !== this.ownStyle;
  }

  restoreStyle(): void {
    this.host.setAttribute('style', this.ownStyle);
  }

  remove(): void {
    this.host.remove();
  }
}
