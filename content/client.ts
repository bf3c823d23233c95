/**
 * Content script → background requests that survive the service worker being stopped: a request whose
 * channel closes (worker stopped, updated, or not yet started) is sent again with back-off; the
 * background de-duplicates by URL and answers from its caches, so a re-send costs no extra work.
 */
import browser from 'webextension-polyfill';
import type { ContentToBackground, ReplyMap, Result } from '../extension/shared/messages';

/** One attempt waits at most this long before re-sending (the background joins the running request). */
const ATTEMPT_TIMEOUT_MS = 45_000;
const MAX_ATTEMPTS = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a message and returns its `Result`, re-sending after disconnects.
 * @returns the background's reply; after `MAX_ATTEMPTS` failed attempts an error `Result` of code
 *   `cancelled` (never throws)
 */
export async function send<M extends ContentToBackground>(msg: M): Promise<Result<ReplyMap[M['type']]>> {
  let last = '';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer in time')), ATTEMPT_TIMEOUT_MS);
      });
      const reply = (await Promise.race([browser.runtime.sendMessage(msg), timeout]).finally(() => clearTimeout(timer))) as
        | Result<ReplyMap[M['type']]>
        | undefined;
      if (reply && typeof reply === 'object' && 'ok' in reply) return reply;
      last = 'empty reply';
    } catch (e) {
      last = (e as Error)?.message ?? String(e);
      if (/context invalidated/i.test(last)) break; // the extension was reloaded: this script is orphaned
    }
    await sleep(Math.min(4000, 250 * 2 ** attempt));
  }
  return { ok: false, error: { code: 'cancelled', message: `background unreachable (${last})` } };
}
