/**
 * Notices a page removing or hiding SynthScreen's badges (issue 13, item 7) and undoes it: a
 * MutationObserver watches each badge host's attributes and the element it was attached to (child list);
 * a host taken out of that element is put back, a host whose `style` attribute is not what the badge
 * wrote gets its own styles back, a `hidden` attribute is removed. Every 2 s the computed style of each host
 * is also checked (display, visibility, opacity: an ancestor or a trick the observer cannot see). Each
 * event counts once in `counts` (`removed`, `hidden`), which the scanner reports to the background with
 * its image list; the popup then says the page interfered (its verdict list comes from the background,
 * not from the page). Restores per badge are capped (`MAX_RESTORES` per check period), so a page that
 * fights back cannot lock the two observers into an endless loop.
 */
import type { Interference } from '../extension/shared/messages';

/** What the guard needs of a badge (`Badge` in `badge.ts`). */
export interface Guarded {
  host: HTMLElement;
  /** The element the badge stands for: when it left the document too, the page replaced content, not the badge. */
  anchor?: Element;
  readonly styleTampered: boolean;
  restoreStyle(): void;
  /** Puts a removed host back where it belongs (next to its image); without it the host is appended to its old parent. */
  reattach?(): void;
}

const CHECK_MS = 2000;
/** Most restores of one badge per check period. */
const MAX_RESTORES = 5;

export class BadgeGuard {
  readonly counts: Interference = { removed: 0, hidden: 0 };
  private readonly parents = new WeakMap<HTMLElement, Node>();
  private readonly restores = new WeakMap<HTMLElement, number>();
  /** Hosts currently counted as hidden by computed style (counted once until visible again). */
  private readonly seenHidden = new WeakSet<HTMLElement>();
  private readonly observer: MutationObserver;
  private timer?: ReturnType<typeof setInterval>;

  /**
   * @param badges the badges in use now (hosts of badges no longer listed are ignored: the scanner removed them)
   * @param onInterference called after each batch of events that changed `counts`
   * @param paused true while the extension itself hides badges (the shown-image capture)
   */
  constructor(private readonly badges: () => Guarded[], private readonly onInterference: () => void, private readonly paused: () => boolean = () => false) {
    this.observer = new MutationObserver(() => this.check(false));
  }

  /** Starts watching a badge host (call right after attaching it). */
  watch(b: Guarded): void {
    const parent = b.host.parentNode;
    if (!parent) return;
    this.parents.set(b.host, parent);
    this.observer.observe(b.host, { attributes: true });
    this.observer.observe(parent, { childList: true });
    this.timer ??= setInterval(() => this.check(true), CHECK_MS);
  }

  /**
   * Looks at every badge: puts back removed hosts, restores tampered styles, notes hosts hidden by
   * computed style.
   * @param periodic also read computed styles and reset the restore budgets
   */
  check(periodic: boolean): void {
    const before = this.counts.removed + this.counts.hidden;
    for (const b of this.badges()) {
      const h = b.host;
      const parent = this.parents.get(h);
      if (!parent) continue;
      if (periodic) this.restores.delete(h);
      const budget = this.restores.get(h) ?? 0;
      if (h.parentNode !== parent) {
        if (b.anchor && !b.anchor.isConnected) continue; // the image went too: the scanner untracks it
        if (!parent.isConnected) {
          // The page replaced the whole container (e.g. a new <body>): move along, not an attack on badges.
          const next = document.body ?? document.documentElement;
          this.parents.set(h, next);
          next.appendChild(h);
          this.observer.observe(next, { childList: true });
          continue;
        }
        this.counts.removed++;
        if (budget < MAX_RESTORES) {
          this.restores.set(h, budget + 1);
          if (b.reattach) b.reattach();
          else parent.appendChild(h);
          const now = h.parentNode;
          if (now && now !== parent) {
            this.parents.set(h, now);
            this.observer.observe(now, { childList: true });
          }
        }
        continue;
      }
      if (this.paused()) continue;
      if (b.styleTampered || h.hasAttribute('hidden')) {
        this.counts.hidden++;
        if (budget < MAX_RESTORES) {
          this.restores.set(h, budget + 1);
          h.removeAttribute('hidden');
          b.restoreStyle();
        }
        continue;
      }
      if (periodic) {
        const cs = getComputedStyle(h);
        const ownHidden = h.style.getPropertyValue('visibility') === 'hidden';
        const hidden = cs.display === 'none' || (!ownHidden && cs.visibility !== 'visible') || Number(cs.opacity) < 0.99;
        if (hidden && !this.seenHidden.has(h)) { this.seenHidden.add(h); this.counts.hidden++; }
        else if (!hidden) this.seenHidden.delete(h);
      }
    }
    this.observer.takeRecords(); // our own restores above are not the page's
    if (this.counts.removed + this.counts.hidden !== before) this.onInterference();
  }

  stop(): void {
    this.observer.disconnect();
    if (this.timer) clearInterval(this.timer);
  }
}
