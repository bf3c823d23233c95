/** Reading badges from a page (the shadow roots are closed; in test builds hosts carry `data-synthscreen-*`; their tag is random per page). */
import type { Page } from 'puppeteer-core';

export interface BadgeInfo {
  url: string;
  state: string;
  label: string;
  probability?: number;
  error?: string;
  ariaLabel?: string;
  /** The fused verdict shown (`data-synthscreen-verdict`), when there is one. */
  verdict?: string;
  /** `kind/claim/validation` of the provenance found (`data-synthscreen-provenance`). */
  provenance?: string;
  /** The visible badge text (`data-synthscreen-text`). */
  text?: string;
  /** Face evidence of a profile photo (`data-synthscreen-face`): `aligned` | `not-aligned` | `no-face` | `failed`. */
  face?: string;
}

/** Every badge host on the page, in document order. */
export async function readBadges(page: Page): Promise<BadgeInfo[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-synthscreen-url]')).map((h) => ({
      url: h.getAttribute('data-synthscreen-url') ?? '',
      state: h.getAttribute('data-synthscreen-state') ?? '',
      label: h.getAttribute('data-synthscreen-label') ?? '',
      probability: h.hasAttribute('data-synthscreen-probability') ? Number(h.getAttribute('data-synthscreen-probability')) : undefined,
      error: h.getAttribute('data-synthscreen-error') ?? undefined,
      verdict: h.getAttribute('data-synthscreen-verdict') ?? undefined,
      provenance: h.getAttribute('data-synthscreen-provenance') ?? undefined,
      text: h.getAttribute('data-synthscreen-text') ?? undefined,
      face: h.getAttribute('data-synthscreen-face') ?? undefined,
    })),
  );
}

/** The URLs of the page's `<img>` elements (resolved `currentSrc || src`). */
export async function imageUrls(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.images).map((i) => i.currentSrc || i.src));
}

/**
 * Waits until every image has a badge and no badge is still analysing.
 * @returns the badges and the milliseconds waited
 * @throws after `timeoutMs` with the states seen last
 */
export async function waitForAllBadges(page: Page, timeoutMs = 120_000): Promise<{ badges: BadgeInfo[]; ms: number }> {
  const t0 = Date.now();
  let last: BadgeInfo[] = [];
  while (Date.now() - t0 < timeoutMs) {
    last = await readBadges(page).catch(() => last);
    const n = await page.evaluate(() => document.images.length).catch(() => -1);
    if (n > 0 && last.length >= n && last.every((b) => b.state !== 'analysing')) return { badges: last, ms: Date.now() - t0 };
    await new Promise((r) => setTimeout(r, 200));
  }
  const pending = last.filter((b) => b.state === 'analysing').map((b) => b.url);
  throw new Error(`badges not final after ${timeoutMs} ms: ${last.length} badges, still analysing: ${pending.join(', ')}`);
}

/**
 * Evaluates `expression` in the extension's content-script (isolated) world of `page`, as a compromised
 * or buggy content script would run (it has `chrome.runtime` / `chrome.storage` like the real one).
 * @returns the value (by JSON), `{ thrown }` when it threw
 * @throws when the page has no content-script world of `extensionId`
 */
export async function inContentWorld(page: Page, extensionId: string, expression: string): Promise<unknown> {
  const s = await page.createCDPSession();
  try {
    const contexts: Array<{ id: number; origin: string; name: string }> = [];
    s.on('Runtime.executionContextCreated', (e: { context: { id: number; origin: string; name: string } }) => contexts.push(e.context));
    await s.send('Runtime.enable'); // replays the existing contexts as events
    await new Promise((r) => setTimeout(r, 300));
    const c = contexts.find((x) => x.origin.startsWith(`chrome-extension://${extensionId}`));
    if (!c) throw new Error('no content-script world in this page');
    const r = (await s.send('Runtime.evaluate', { expression, contextId: c.id, awaitPromise: true, returnByValue: true })) as {
      result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) return { thrown: (r.exceptionDetails.exception?.description ?? r.exceptionDetails.text).slice(0, 300) };
    return r.result.value;
  } finally {
    await s.detach().catch(() => undefined);
  }
}
