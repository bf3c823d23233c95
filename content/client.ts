/**
 * Content script → background requests that survive the service worker being stopped: a request whose
 * channel closes (worker stopped, updated, or not yet started) is sent again with back-off; the
 * background de-duplicates by URL and answers from its caches, so a re-send costs no extra work.
 */
import browser from 'webextension-polyfill';
import { isAskAgain, type ContentToBackground, type ReplyMap, type Result } from '../extension/shared/messages';
import { TEST_HOOKS } from '../background/build-flags';

/** One attempt waits at most this long before re-sending (the background joins the running request). */
const ATTEMPT_TIMEOUT_MS = 45_000;
/** Attempts that fail without a live background (no receiver, closed port, empty replies) before giving up. */
const MAX_ATTEMPTS = 8;
/** Longest wait of one attempt after back-off (an unanswered attempt doubles the next one's wait). */
const MAX_ATTEMPT_TIMEOUT_MS = 120_000;
/** Safety bound on waiting for a busy background (issue 13, item 2: never reached in the 3,000-image feed). */
const MAX_WAIT_MS = 60 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let attemptTimeout: Promise<number> | undefined;
/** The per-attempt timeout; test builds may shorten it with `storage.local.testClientTimeoutMs`. */
function attemptTimeoutMs(): Promise<number> {
  if (!TEST_HOOKS) return Promise.resolve(ATTEMPT_TIMEOUT_MS);
  attemptTimeout ??= browser.storage.local.get('testClientTimeoutMs').then(
    (s) => (typeof s.testClientTimeoutMs === 'number' && s.testClientTimeoutMs > 0 ? s.testClientTimeoutMs : ATTEMPT_TIMEOUT_MS),
    () => ATTEMPT_TIMEOUT_MS,
  );
  return attemptTimeout;
}

/** Races a message against a timeout. @throws on timeout ("no answer in time") or a messaging error */
async function ask<T>(msg: unknown, timeoutMs: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), timeoutMs);
  });
  return (await Promise.race([browser.runtime.sendMessage(msg), timeout]).finally(() => clearTimeout(timer))) as T | undefined;
}

/**
 * Sends a message and returns its `Result`, re-sending after disconnects. Every image ends with a final
 * answer (issue 13, item 2): an attempt that gets no answer in time means the background is alive but
 * busy (a stopped worker makes `sendMessage` fail at once with a closed port or no receiver, and a message
 * restarts it), so the request is asked again — the background joins the running request by URL, so this
 * costs no extra work — for as long as it takes (up to `MAX_WAIT_MS`). Each unanswered attempt doubles the
 * next one's wait (up to `MAX_ATTEMPT_TIMEOUT_MS`), so a thousand waiting images do not flood a busy worker
 * with re-asks. Only attempts that fail without a live background count towards `MAX_ATTEMPTS`.
 * @returns the background's reply; after `MAX_ATTEMPTS` failed attempts (or `MAX_WAIT_MS`) an error
 *   `Result` of code `cancelled` (never throws)
 */
export async function send<M extends ContentToBackground>(msg: M): Promise<Result<ReplyMap[M['type']]>> {
  let last = '';
  let failures = 0;
  const t0 = Date.now();
  let timeoutMs = await attemptTimeoutMs();
  while (failures < MAX_ATTEMPTS && Date.now() - t0 < MAX_WAIT_MS) {
    try {
      const reply = await ask<Result<ReplyMap[M['type']]>>(msg, timeoutMs);
      if (reply && typeof reply === 'object' && 'ok' in reply) {
        // "Queue full" and "still working" (the background's reply deadline) are not final while it lives.
        if (!isAskAgain(reply)) return reply;
        await sleep(2000);
        continue;
      }
      last = 'empty reply';
    } catch (e) {
      last = (e as Error)?.message ?? String(e);
      if (/context invalidated/i.test(last)) break; // the extension was reloaded: this script is orphaned
      if (/no answer in time/.test(last)) { // busy, not gone: ask again, waiting longer
        timeoutMs = Math.min(MAX_ATTEMPT_TIMEOUT_MS, timeoutMs * 2);
        continue;
      }
    }
    failures++;
    await sleep(Math.min(4000, 250 * 2 ** failures));
  }
  return { ok: false, error: { code: 'cancelled', message: `background unreachable (${last})` } };
}
