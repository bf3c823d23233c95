/**
 * The badge drawn over an image's top-left corner: a host element in the page holding a CLOSED shadow
 * root (page styles and scripts cannot reach it). The host carries `data-synthscreen-*` attributes so
 * tests can read the state without opening the shadow root. Accessible: `role="status"` and an
 * `aria-label` with the full text (e.g. "Likely AI-generated, 87 %").
 */
import type { ImageErrorCode } from '../extension/shared/messages';
import { verdictFor, verdictText, type VerdictLabel } from '../extension/shared/verdict';

export const HOST_TAG = 'synthscreen-badge';

export type BadgeState =
  | { kind: 'analysing' }
  | { kind: 'verdict'; probability: number; model: string; backend: string }
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
};

const COLOURS: Record<VerdictLabel | 'analysing' | 'error', string> = {
  synthetic: '#b3261e',
  real: '#1b6e3a',
  unsure: '#8a5a00',
  analysing: '#3b4a5a',
  error: '#5f6368',
};

const STYLE = `
:host { all: initial; }
.b { font: 600 12px/1.2 system-ui, sans-serif; color: #fff; padding: 3px 7px; border-radius: 10px;
     box-shadow: 0 1px 3px rgba(0,0,0,.4); white-space: nowrap; pointer-events: auto; cursor: default;
     max-width: 240px; overflow: hidden; text-overflow: ellipsis; display: inline-block; }
`;

/** One badge attached to one image. */
export class Badge {
  readonly host: HTMLElement;
  private readonly el: HTMLSpanElement;
  private state: BadgeState = { kind: 'analysing' };
  private threshold = 0.5;
  private band = 0;

  constructor(readonly url: string) {
    this.host = document.createElement(HOST_TAG);
    this.host.style.cssText = 'position:absolute;z-index:2147483646;left:0;top:0;pointer-events:none;display:block;';
    const root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.el = document.createElement('span');
    this.el.className = 'b';
    this.el.setAttribute('role', 'status');
    root.append(style, this.el);
    this.host.setAttribute('data-synthscreen-url', url);
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

  /** The verdict label under the current rule, or undefined when there is no verdict. */
  get label(): VerdictLabel | undefined {
    return this.state.kind === 'verdict' ? verdictFor(this.state.probability, this.threshold, this.band) : undefined;
  }

  private render(): void {
    const s = this.state;
    const h = this.host;
    let text: string;
    let colour: string;
    if (s.kind === 'verdict') {
      const label = this.label!;
      text = verdictText(label, s.probability);
      colour = COLOURS[label];
      h.setAttribute('data-synthscreen-state', 'done');
      h.setAttribute('data-synthscreen-label', label);
      h.setAttribute('data-synthscreen-probability', s.probability.toFixed(6));
      h.removeAttribute('data-synthscreen-error');
      this.el.title = `${text} (model ${s.model}, ${s.backend})`;
    } else if (s.kind === 'error') {
      text = ERROR_TEXT[s.code] ?? s.code;
      colour = COLOURS.error;
      h.setAttribute('data-synthscreen-state', 'error');
      h.setAttribute('data-synthscreen-label', s.code);
      h.setAttribute('data-synthscreen-error', s.code);
      h.removeAttribute('data-synthscreen-probability');
      this.el.title = `${text}: ${s.message}`;
    } else {
      text = 'Analysing…';
      colour = COLOURS.analysing;
      h.setAttribute('data-synthscreen-state', 'analysing');
      h.setAttribute('data-synthscreen-label', 'analysing');
      h.removeAttribute('data-synthscreen-probability');
      h.removeAttribute('data-synthscreen-error');
      this.el.title = 'SynthScreen is checking this image';
    }
    this.el.textContent = text;
    this.el.style.background = colour;
    this.el.setAttribute('aria-label', text);
  }

  /** Moves the host over the image's top-left corner (document coordinates); hides it for unrendered images. */
  place(img: Element): void {
    const r = img.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) {
      this.host.style.visibility = 'hidden';
      return;
    }
    this.host.style.visibility = 'visible';
    this.host.style.transform = `translate(${Math.round(r.left + window.scrollX + 4)}px, ${Math.round(r.top + window.scrollY + 4)}px)`;
  }

  remove(): void {
    this.host.remove();
  }
}
