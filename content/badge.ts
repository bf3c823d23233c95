/**
 * The badge drawn over an image's top-left corner: a host element in the page holding a CLOSED shadow
 * root (page styles and scripts cannot reach it), with a random per-page tag (`HOST_TAG`) and `!important`
 * inline styles (issue 13, item 7). In test builds the host carries `data-synthscreen-*` attributes so
 * tests can read the state without opening the shadow root; release builds write them to a detached
 * element, so the page cannot read verdicts off the host. A verdict badge shows the fused verdict
 * (`fuseScreened`, `extension/shared/provenance/fusion.ts`): the provenance verdict when the file's own
 * bytes decide (e.g. "AI-generated (signed) · pixel AI score 52/100", the pixel score beside it), else the
 * pixel verdict ("Likely AI-generated · AI score 87/100"); all wording comes from
 * `extension/shared/wording.ts`, so the label never contradicts the number.
 *
 * Layout (issue #12): the host is inserted next to its image in the page (so its button follows the image in
 * the tab order), positioned absolutely by a transform computed from the image's visible box
 * (`content/layout.ts`): never outside the visible part of the image, clipped by `overflow` ancestors, moved
 * off or hidden under the page's fixed/sticky elements, and hidden when the image is not visible. Images under
 * `COMPACT_BELOW` px get the compact form, a coloured dot whose full text shows on hover and focus. The scanner
 * drives placement in two phases per frame for all visible badges: `measure` (reads only) then `apply`
 * (writes only, and only what changed).
 *
 * Accessible: no live region per badge (the page has one summary region, `content/summary.ts`); the button's
 * name is the image's name (alt text, else "image N") followed by the full text (the badge's words, then the
 * signer, tool, caveats and the pixel detector's score), plus "Explain this verdict" once it is active, or
 * what a click does for *Permission needed* (it opens the grant flow, `onGrant`).
 *
 * Host attributes: `data-synthscreen-state` (`analysing` | `done` | `error`), `-label` (the pixel
 * detector's label under the rule in force; for a provenance-only verdict the code of why the detector
 * did not run; for errors the error code), `-verdict` (the fused label shown), `-provenance`
 * (`kind/claim/validation`, when provenance was read and found something), `-text` (the visible text),
 * `-probability`, `-error`, `-face` (profile photos: `aligned` | `not-aligned` | `no-face` | `failed`), `-override`
 * (the user's own label for this URL), `-form` (`full` | `compact`), `-shown` (present while the badge is drawn),
 * `-hidden-by` (`definite-only` when the setting hides it) and `-check` (the shown-image check: `match` |
 * `mismatch` | `unconfirmed`; issue 13, item 1).
 * Once there is a verdict the button is enabled: click, Enter or Space opens the explanation view
 * (`onActivate`); a *Permission needed* badge opens the grant flow (`onGrant`); before that (analysing,
 * other errors) it is disabled and out of the tab order. Events from the button do not
 * reach the page (`stopPropagation`), so activating a badge never triggers the page's own click handlers.
 */
import type { FaceEvidence, ImageError, ImageErrorCode } from '../extension/shared/messages';
import { TEST_HOOKS } from '../background/build-flags';
import { FUSED_COLOURS, fuseScreened, type FusedVerdict } from '../extension/shared/provenance/fusion';
import type { ProvenanceResult } from '../extension/shared/provenance/types';
import { verdictFor, type VerdictLabel } from '../extension/shared/verdict';
import type { OverrideLabel } from '../extension/shared/overrides';
import { planBadge, probePoints, subtractCover, visibleRect, type Corner, type Plan, type Rect } from './layout';

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
  ['opacity', '1'], ['visibility', 'hidden'], ['filter', 'none'], ['clip-path', 'none'], ['width', 'auto'], ['height', 'auto'],
  ['margin', '0'], ['padding', '0'], ['border', '0'], ['transform', 'translate(0px, 0px)'],
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
  'not-photo': 'Not a photo – not assessed',
  'served-different': 'Served a different image to the checker',
};

const COLOURS: Record<'analysing' | 'error', string> = {
  analysing: '#3b4a5a',
  error: '#5f6368',
};

const STYLE = `
:host { all: initial; }
.b { font: 600 12px/14px system-ui, sans-serif; color: #fff; padding: 3px 7px; border-radius: 10px; border: 0;
     margin: 0; box-shadow: 0 1px 3px rgba(0,0,0,.4); white-space: nowrap; pointer-events: auto; cursor: pointer;
     max-width: 340px; height: 20px; box-sizing: border-box; overflow: hidden; text-overflow: ellipsis; display: block; text-align: left; }
.b:disabled { color: #fff; cursor: default; }
.b:focus-visible { outline: 2px solid #fff; outline-offset: 1px; box-shadow: 0 0 0 4px #0b57d0; }
.b.c { padding: 0; border-radius: 50%; box-shadow: 0 0 0 2px #fff, 0 1px 3px rgba(0,0,0,.5); }
.b.c .t { display: none; }
.tip { display: none; position: absolute; left: 0; top: calc(100% + 4px); font: 600 12px/1.3 system-ui, sans-serif; color: #fff;
       background: #202124; padding: 4px 8px; border-radius: 6px; white-space: normal; width: max-content; max-width: 260px;
       box-shadow: 0 1px 3px rgba(0,0,0,.4); pointer-events: none; }
.b.c:hover + .tip, .b.c:focus-visible + .tip { display: block; }
`;

export type { OverrideLabel };
/** What a badge says for the user's own label ("I know this is real / AI-generated"), shown instead of the detector's verdict. */
export const OVERRIDE_TEXT: Record<OverrideLabel, string> = { real: 'You marked this real', synthetic: 'You marked this AI-generated' };

/** How badges are drawn (`Settings.definiteOnly`, `Settings.badgePosition`). */
export interface BadgeDisplay { definiteOnly: boolean; corner: Corner }

/** What `Badge.measure` read and decided for one frame (applied by `Badge.apply`). */
export interface Placement { plan: Plan; x: number; y: number }

/** Width of the full pill for `text`: the text's width in the badge font plus padding (canvas metrics, no layout). */
let measureCtx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();
export function pillWidth(text: string): number {
  const known = widths.get(text);
  if (known !== undefined) return known;
  if (measureCtx === undefined) {
    try {
      measureCtx = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1).getContext('2d') : document.createElement('canvas').getContext('2d');
      if (measureCtx) measureCtx.font = '600 12px system-ui, sans-serif';
    } catch {
      measureCtx = null;
    }
  }
  const w = Math.ceil(measureCtx ? measureCtx.measureText(text).width : text.length * 7) + 16; // 7 px padding each side, 2 px for rounding
  if (widths.size < 500) widths.set(text, w);
  return w;
}

/**
 * Where a badge host goes in the page: right after its image, so that its button follows the image in the
 * tab order — after the outermost shadow host for images inside shadow trees (the hosts stay in the light
 * DOM, where tests and the page can find them), after a `<picture>`, after a link or button around the image
 * (no button nested in interactive content), and at the end of `<body>` where none of that applies.
 * @returns the element to insert the host after, or `null` for "append to body"
 */
export function insertionPoint(anchor: Element): Element | null {
  let el: Element = anchor;
  for (let root = el.getRootNode(); root instanceof ShadowRoot; root = el.getRootNode()) el = root.host;
  if (el instanceof SVGElement) {
    let svg: SVGElement = el;
    while (svg.ownerSVGElement) svg = svg.ownerSVGElement;
    el = svg;
  }
  const interactive = el.parentElement?.closest('a[href], button, label, summary, [role="button"], [role="link"]');
  if (interactive && interactive !== document.body) el = interactive;
  else if (el.parentElement?.tagName === 'PICTURE') el = el.parentElement;
  const parent = el.parentElement;
  if (!parent || el === document.body || el === document.documentElement) return null;
  if (/^(SELECT|OPTION|TEXTAREA|IFRAME|CANVAS|VIDEO|AUDIO|OBJECT|HEAD|TABLE|TBODY|THEAD|TR|UL|OL)$/.test(parent.tagName)) return null;
  return el;
}

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
  private readonly textEl: HTMLSpanElement;
  private readonly tip: HTMLSpanElement;
  private state: BadgeState = { kind: 'analysing' };
  private threshold = 0.5;
  private band = 0;
  private display: BadgeDisplay = { definiteOnly: false, corner: 'top-left' };
  private override: OverrideLabel | undefined;
  /** The image's accessible name (alt text, else "image N"). */
  private name: string;
  /** The visible text (for the pill's width). */
  private text = '';
  /** Whether the image is in view (IntersectionObserver, scanner). */
  private inView = false;
  /** What was last written: the translation, form, width limit and visibility. */
  private applied = { x: 0, y: 0, compact: false, maxWidth: -1, shown: false, size: -2 };

  /**
   * @param url the image URL the badge stands for
   * @param onActivate called when the user clicks the badge or presses Enter / Space on it while it shows
   *   a verdict (opens the explanation view)
   * @param opts.name the image's accessible name (alt text, else "image N")
   * @param opts.onGrant called when the user activates a *Permission needed* badge (opens the grant flow)
   */
  constructor(readonly url: string, private readonly onActivate?: (badge: Badge) => void, opts: { name?: string; onGrant?: (badge: Badge) => void } = {}) {
    this.name = opts.name ?? 'image';
    this.host = document.createElement(HOST_TAG);
    this.meta = TEST_HOOKS ? this.host : document.createElement('span');
    this.applyStyles();
    const root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.el = document.createElement('button');
    this.el.type = 'button';
    this.el.className = 'b';
    this.el.disabled = true;
    this.textEl = document.createElement('span');
    this.textEl.className = 't';
    this.el.append(this.textEl);
    this.tip = document.createElement('span');
    this.tip.className = 'tip';
    this.tip.setAttribute('aria-hidden', 'true');
    root.append(style, this.el, this.tip);
    const stop = (e: Event) => e.stopPropagation();
    for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'dblclick', 'keydown', 'keyup', 'contextmenu']) this.el.addEventListener(type, stop);
    this.el.addEventListener('click', (e) => {
      e.stopPropagation();
      e.preventDefault();
      if (this.meta.hasAttribute('data-synthscreen-grantable')) opts.onGrant?.(this);
      else if (this.state.kind === 'verdict') this.onActivate?.(this);
    });
    this.onGrant = opts.onGrant;
    this.meta.setAttribute('data-synthscreen-url', url);
    this.render();
  }

  private readonly onGrant?: (badge: Badge) => void;

  /** Sets the image's accessible name (alt text, else "image N"). */
  setName(name: string): void {
    if (name === this.name) return;
    this.name = name;
    this.render();
  }

  /** Sets how the badge is drawn (definite verdicts only; which corner). */
  setDisplay(display: BadgeDisplay): void {
    this.display = { ...display };
    this.render();
  }

  /** Sets (or clears) the user's own label for this image, shown instead of the detector's verdict. */
  setOverride(label: OverrideLabel | undefined): void {
    if (label === this.override) return;
    this.override = label;
    this.render();
  }

  /** True when the current settings let this badge be drawn (definite verdicts only hides the rest). */
  get wanted(): boolean {
    return !this.meta.hasAttribute('data-synthscreen-hidden-by');
  }

  /** The form the badge shows now (`full` | `compact`). */
  get form(): 'full' | 'compact' {
    return this.applied.compact ? 'compact' : 'full';
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
    if (this.override && s.kind === 'verdict') {
      text = full = OVERRIDE_TEXT[this.override];
      colour = FUSED_COLOURS[this.override];
      h.setAttribute('data-synthscreen-state', 'done');
      h.setAttribute('data-synthscreen-label', this.label ?? s.pixelError?.code ?? 'none');
      h.setAttribute('data-synthscreen-verdict', fused?.label ?? 'none');
      if (s.probability !== undefined) h.setAttribute('data-synthscreen-probability', s.probability.toFixed(6));
      else h.removeAttribute('data-synthscreen-probability');
      h.removeAttribute('data-synthscreen-error');
      this.el.title = `${full}${fused && fused.label !== 'none' ? ` (SynthScreen said: ${fused.text})` : ''}`;
    } else if (s.kind === 'verdict' && fused && fused.label !== 'none') {
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
    if (this.override) h.setAttribute('data-synthscreen-override', this.override);
    else h.removeAttribute('data-synthscreen-override');
    this.text = text;
    this.textEl.textContent = text;
    this.tip.textContent = full;
    this.el.style.background = colour;
    const active = h.getAttribute('data-synthscreen-state') === 'done' && !!this.onActivate;
    const grantable = s.kind === 'error' && s.code === 'permission-needed' && !!this.onGrant;
    const end = /[.!?]$/.test(full) ? '' : '.';
    const action = active ? ' Explain this verdict' : grantable ? ' Activate to allow SynthScreen to check images on this site' : '';
    this.el.setAttribute('aria-label', `${this.name}: ${full}${action ? `${end}${action}` : ''}`);
    this.el.disabled = !active && !grantable;
    h.toggleAttribute('data-synthscreen-explainable', active);
    h.toggleAttribute('data-synthscreen-grantable', grantable);
    if (grantable) this.el.title = `${text}: click to allow SynthScreen to check images on this site`;
    // Definite verdicts only: unsure and pending verdicts and errors that ask nothing of the user are not drawn.
    const definite = !!this.override || grantable
      || (h.getAttribute('data-synthscreen-state') === 'done' && !!fused && fused.label !== 'unsure' && fused.label !== 'none');
    if (this.display.definiteOnly && !definite) {
      h.setAttribute('data-synthscreen-hidden-by', 'definite-only');
      this.hide();
    } else h.removeAttribute('data-synthscreen-hidden-by');
    this.applied.maxWidth = -1; // the text may have changed: rewrite the width limit on the next placement
  }

  /**
   * Records the shown-image check on the host (`data-synthscreen-check`: `match` | `mismatch` |
   * `unconfirmed`; issue 13, item 1). A mismatch also needs `set` with the `served-different` error.
   */
  setShown(status: 'match' | 'mismatch' | 'unconfirmed'): void {
    this.meta.setAttribute('data-synthscreen-check', status);
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

  /** The image came into view or left it (IntersectionObserver). */
  setInView(inView: boolean): void {
    this.inView = inView;
  }

  get isInView(): boolean {
    return this.inView;
  }

  /**
   * Read phase of placement (no writes): the image's box, its visible part (viewport, clipping ancestors,
   * covering fixed/sticky elements) and the plan (`planBadge`), as a translation of the host.
   * @param anchor the element the badge sits on
   * @param clips the anchor's clipping ancestors (elements with `overflow` other than visible)
   * @param viewport the viewport rectangle (client area, without scroll bars); `null` for an image out of view:
   *   then the badge is placed in its corner as clipped by its ancestors only (off screen, where screen
   *   readers and the tab order still find it), or hidden when an ancestor clips the image away
   * @param cover finds the fixed/sticky element drawn over a viewport point above `anchor` (`coverAt`)
   * @param fallback the box used when `anchor` has none (a site adapter's avatar container around a hidden image)
   */
  measure(anchor: Element, clips: readonly Element[], viewport: Rect | null, cover: (anchor: Element, x: number, y: number) => Rect | null, fallback?: Element): Placement {
    if (!this.wanted || !anchor.isConnected || !this.host.isConnected) return { plan: { show: false }, x: this.applied.x, y: this.applied.y };
    let image = rectOf(anchor.getBoundingClientRect());
    if ((image.right <= image.left || image.bottom <= image.top) && fallback?.isConnected) image = rectOf(fallback.getBoundingClientRect());
    const clipRects = clips.map((c) => rectOf(c.getBoundingClientRect()));
    let visible = image.right > image.left && image.bottom > image.top
      ? (viewport ? visibleRect(image, viewport, clipRects) : visibleRect(image, image, clipRects)) : null;
    const full = pillWidth(this.text);
    let plan = planBadge(image, visible, this.display.corner, full);
    // Fixed or sticky elements drawn over the spot: move the badge beside them (twice at most), else hide it.
    for (let round = 0; viewport && round < 3 && plan.show && visible; round++) {
      let covered: Rect | null = null;
      for (const [x, y] of probePoints(plan.rect)) {
        covered = cover(anchor, x, y);
        if (covered) break;
      }
      if (!covered) break;
      visible = round < 2 ? subtractCover(visible, covered) : null;
      plan = planBadge(image, visible, this.display.corner, full);
    }
    if (!plan.show) return { plan, x: this.applied.x, y: this.applied.y };
    // The host's origin: where it is now minus the translation it has (works for any containing block).
    const hr = this.host.getBoundingClientRect();
    const ox = hr.left - this.applied.x, oy = hr.top - this.applied.y;
    return { plan, x: Math.round(plan.rect.left - ox), y: Math.round(plan.rect.top - oy) };
  }

  /** Write phase of placement: applies a `measure` result, writing only what changed. */
  apply(p: Placement): void {
    const a = this.applied;
    const h = this.meta;
    if (!p.plan.show) {
      this.hide();
      return;
    }
    const { compact } = p.plan;
    const size = compact ? p.plan.rect.right - p.plan.rect.left : -1;
    if (compact !== a.compact || size !== a.size) {
      this.el.classList.toggle('c', compact);
      this.el.style.width = compact ? `${size}px` : '';
      this.el.style.height = compact ? `${size}px` : '';
      h.setAttribute('data-synthscreen-form', compact ? 'compact' : 'full');
      a.compact = compact;
      a.size = size;
      a.maxWidth = -1;
    }
    const w = Math.floor(p.plan.rect.right - p.plan.rect.left);
    if (!compact && w !== a.maxWidth) {
      // Exactly the planned width (the text's measured width, or the room left; cut with an ellipsis), so that
      // a pill in a right-hand corner ends where it was planned to.
      this.el.style.width = `${w}px`;
      this.el.style.maxWidth = `${w}px`;
      a.maxWidth = w;
    }
    if (p.x !== a.x || p.y !== a.y) {
      this.setStyle('transform', `translate(${p.x}px, ${p.y}px)`);
      a.x = p.x;
      a.y = p.y;
    }
    if (!a.shown) {
      this.setStyle('visibility', 'visible');
      h.setAttribute('data-synthscreen-shown', '');
      a.shown = true;
    }
  }

  /** Stops drawing the badge (it stays in the page with its attributes; not focusable while hidden). */
  hide(): void {
    if (!this.applied.shown) return;
    this.setStyle('visibility', 'hidden');
    this.meta.removeAttribute('data-synthscreen-shown');
    this.applied.shown = false;
  }

  /**
   * Puts the host into the page next to `anchor` (`insertionPoint`), or back there after the page removed it.
   * The translation restarts from the new containing block's origin.
   */
  attach(anchor: Element): void {
    const after = insertionPoint(anchor);
    if (after?.parentNode) after.parentNode.insertBefore(this.host, after.nextSibling);
    else (document.body ?? document.documentElement).appendChild(this.host);
    this.applied.x = this.applied.y = 0;
    this.setStyle('transform', 'translate(0px, 0px)');
  }

  remove(): void {
    this.host.remove();
  }
}

/** A DOMRect as a plain `Rect`. */
export function rectOf(r: DOMRectReadOnly): Rect {
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
}

/**
 * Hit-tests viewport point (x, y) for a fixed or sticky element drawn over `anchor` there (a page header,
 * footer or side bar): walks `elementsFromPoint` from the top until `anchor` (or an element holding it) is
 * reached; an element above it counts when it, or an ancestor that does not hold `anchor`, is `position:
 * fixed` or `sticky`. Ordinary overlays (transparent link layers over photos) do not count. Badge hosts are
 * skipped.
 * @param positions per-frame cache of computed `position` values
 * @returns the covering element's rectangle, or `null`
 */
export function coverAt(anchor: Element, x: number, y: number, positions: Map<Element, string>): Rect | null {
  const root = anchor.getRootNode() as Document | ShadowRoot;
  const stack = (root.elementsFromPoint ?? document.elementsFromPoint).call(root, x, y);
  for (const el of stack) {
    if (el.localName === HOST_TAG) continue;
    if (el === anchor || anchor.contains(el) || el.contains(anchor)) return null;
    for (let e: Element | null = el; e && e !== document.documentElement && e !== document.body; e = e.parentElement) {
      if (e.contains(anchor)) break;
      let pos = positions.get(e);
      if (pos === undefined) {
        pos = getComputedStyle(e).position;
        positions.set(e, pos);
      }
      if (pos === 'fixed' || pos === 'sticky') return rectOf(e.getBoundingClientRect());
    }
  }
  return null;
}

/**
 * The clipping ancestors of `el` up to (not including) `<body>`: elements whose `overflow` is not visible, and
 * shadow hosts are crossed. Read once per image (computed styles), on its first placement.
 */
export function clippingAncestors(el: Element): Element[] {
  const out: Element[] = [];
  let e: Element | null = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null);
  while (e && e !== document.body && e !== document.documentElement) {
    const cs = getComputedStyle(e);
    if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible' || /paint|strict|content/.test(cs.contain)) out.push(e);
    if (cs.position === 'fixed') break; // fixed: the rest of the chain scrolls away under it
    e = e.parentElement ?? ((e.getRootNode() as ShadowRoot).host ?? null);
  }
  return out;
}
