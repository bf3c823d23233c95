/**
 * Content script → background requests that survive the service worker being stopped: a request whose
 * channel closes (worker stopped, updated, or not yet started) is sent again with back-off; the
 * background de-duplicates by URL and answers from its caches, so a re-send costs no extra work.
 */
import browser from 'webextension-polyfill';
import type { ContentToBackground, ReplyMap, Result } from '../extension/shared/messages';
import { TEST_HOOKS } from '../background/build-flags';

/** One attempt waits at most this long before re-sending (the background joins the running request). */
const ATTEMPT_TIMEOUT_MS = 45_000;
/** Attempts that fail without a live background (no receiver, empty replies) before giving up. */
const MAX_ATTEMPTS = 8;
/** How long a liveness probe (`get-status`) may take. */
const PROBE_TIMEOUT_MS = 5_000;
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

/** True when the background answers `get-status` (alive, possibly busy with a long queue). */
async function backgroundAlive(): Promise<boolean> {
  const r = await ask<Result<unknown>>({ type: 'get-status' }, PROBE_TIMEOUT_MS).catch(() => undefined);
  return !!r && typeof r === 'object' && r.ok === true;
}

/**
 * Sends a message and returns its `Result`, re-sending after disconnects. Every image ends with a final
 * answer (issue 13, item 2): while the background is alive but busy (an attempt times out and a
 * `get-status` probe answers), the request is asked again — the background joins the running request by
 * URL, so this costs no extra work — for as long as it takes (up to `MAX_WAIT_MS`). Only attempts that
 * fail without a live background count towards `MAX_ATTEMPTS`.
 * @returns the background's reply; after `MAX_ATTEMPTS` failed attempts an error `Result` of code
 *   `cancelled` (never throws)
 */
export async function send<M extends ContentToBackground>(msg: M): Promise<Result<ReplyMap[M['type']]>> {
  let last = '';
  let failures = 0;
  const t0 = Date.now();
  const timeoutMs = await attemptTimeoutMs();
  while (failures < MAX_ATTEMPTS && Date.now() - t0 < MAX_WAIT_MS) {
    try {
      const reply = await ask<Result<ReplyMap[M['type']]>>(msg, timeoutMs);
      if (reply && typeof reply === 'object' && 'ok' in reply) {
        // A full queue answers `cancelled` ("queue full"): not final while the background lives.
        const full = !reply.ok && reply.error.code === 'cancelled' && /queue full/i.test(reply.error.message);
        if (!full) return reply;
        await sleep(2000);
        continue;
      }
      last = 'empty reply';
    } catch (e) {
      last = (e as Error)?.message ?? String(e);
      if (/context invalidated/i.test(last)) break; // the extension was reloaded: this script is orphaned
      if (/no answer in time/.test(last) && (await backgroundAlive())) continue; // busy, not gone: ask again
    }
    failures++;
    await sleep(Math.min(4000, 250 * 2 ** failures));
  }
  return { ok: false, error: { code: 'cancelled', message: `background unreachable (${last})` } };
}
