/**
 * Change watching that reaches into open shadow roots (QA Q16): a document-level MutationObserver does not
 * see mutations inside shadow trees, and there is no event for `attachShadow`. `observeDeep` observes the
 * root and every open shadow root under it, and starts observing each new open root that arrives with
 * added nodes (custom elements attach their root in the constructor or `connectedCallback`, i.e. before
 * the observer's callback runs). A root attached later without any DOM mutation is only found by
 * `rescan()` (call it on a timer or on scroll if a site does that). Closed roots are unreachable.
 */
import { walkOpenShadowRoots } from './dom';

/** Attributes whose change can change the image an element shows. */
export const IMAGE_ATTRIBUTES = ['src', 'srcset', 'style', 'href', 'data-src', 'data-srcset', 'data-delayed-url', 'data-original'] as const;

/** Handle returned by `observeDeep`. */
export interface DeepObserver {
  /** Stops observing everything. */
  disconnect(): void;
  /** Walks the tree again and starts observing open shadow roots not observed yet; returns how many. */
  rescan(): number;
  /** Number of roots observed (the root itself plus open shadow roots). */
  readonly rootCount: number;
}

/** Options for `observeDeep`. */
export interface ObserveDeepOptions {
  /** Attribute names to watch (default `IMAGE_ATTRIBUTES`). */
  attributes?: readonly string[];
  /** Called (batched) with the roots of removed subtrees (elements only), e.g. to drop their badges. */
  onRemoved?: (removed: Element[]) => void;
}

/**
 * Observes `root` and all open shadow roots below it.
 * @param onChange called (batched, once per MutationObserver callback) with the elements to re-scan: the
 *   roots of added subtrees (elements only) and elements whose image attributes changed; each element
 *   once per batch, in record order. Re-scan each with e.g. `findProfilePhotos(el, adapter)` or
 *   `queryAllDeep(el, 'img')`, which also match the element itself.
 */
export function observeDeep(
  root: Document | Element | ShadowRoot,
  onChange: (changed: Element[]) => void,
  opts: ObserveDeepOptions = {},
): DeepObserver {
  const attributes = opts.attributes ?? IMAGE_ATTRIBUTES;
  const observed = new WeakSet<Node>();
  let count = 0;
  const options: MutationObserverInit = { childList: true, subtree: true, attributes: true, attributeFilter: [...attributes] };
  const watch = (node: Document | Element | ShadowRoot): number => {
    if (observed.has(node)) return 0;
    observed.add(node);
    mo.observe(node, options);
    count++;
    return 1;
  };
  const watchShadowsUnder = (node: Element | Document | ShadowRoot): number => {
    let added = 0;
    walkOpenShadowRoots(node, (sr) => {
      added += watch(sr);
    });
    return added;
  };
  const mo = new MutationObserver((records) => {
    const changed: Element[] = [];
    const removed: Element[] = [];
    const seen = new Set<Element>();
    const push = (el: Element): void => {
      if (!seen.has(el)) {
        seen.add(el);
        changed.push(el);
      }
    };
    for (const r of records) {
      if (r.type === 'childList') {
        for (const n of Array.from(r.addedNodes)) {
          if (n.nodeType !== 1) continue;
          watchShadowsUnder(n as Element);
          push(n as Element);
        }
        if (opts.onRemoved) for (const n of Array.from(r.removedNodes)) if (n.nodeType === 1) removed.push(n as Element);
      } else if (r.type === 'attributes' && r.target.nodeType === 1) {
        push(r.target as Element);
      }
    }
    if (removed.length > 0) opts.onRemoved?.(removed);
    if (changed.length > 0) onChange(changed);
  });
  watch(root);
  watchShadowsUnder(root);
  return {
    disconnect: () => mo.disconnect(),
    rescan: () => watchShadowsUnder(root),
    get rootCount() {
      return count;
    },
  };
}
