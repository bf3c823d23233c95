/**
 * Routes messages to handlers. No business logic: it checks who is asking, validates the shape with
 * `isMessage` and the type's own validator (`validateRequest`, answering `bad-request` on a mismatch),
 * dispatches by `type` and always answers a `Result`.
 *
 * Allowed senders: this extension's content scripts (a `sender.tab` and a page URL outside the
 * extension) for `ContentToBackground`, and this extension's own pages (URL under
 * `runtime.getURL('')`) for `PageToBackground`. Everything else gets `permission-needed`.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { err, isMessage, type ContentToBackground, type PageToBackground, type Result } from '../extension/shared/messages';
import { validateRequest } from '../extension/shared/message-schema';
import { allowed, senderKind } from './sender';

export type Handlers = {
  [K in ContentToBackground['type'] | PageToBackground['type']]: (
    msg: Extract<ContentToBackground | PageToBackground, { type: K }>,
    ctx: { tabId?: number; frameId?: number; url?: string; fromPage: boolean },
  ) => Promise<Result<unknown>>;
};

/**
 * Installs the `runtime.onMessage` listener (call at the worker's top level).
 * @param handlers one async handler per request type
 */
export function installMessenger(handlers: Handlers): void {
  const origin = browser.runtime.getURL('');
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (!isMessage(message)) return undefined; // not ours (e.g. a reply channel of another listener)
    const kind = senderKind(sender, browser.runtime.id, origin);
    if (!allowed(kind, message.type)) {
      return Promise.resolve(err('permission-needed', `message "${message.type}" not accepted from this sender`));
    }
    const valid = validateRequest(message);
    if (!valid.ok) return Promise.resolve(err('bad-request', valid.reason));
    const handler = handlers[message.type as keyof Handlers] as (m: unknown, c: { tabId?: number; frameId?: number; url?: string; fromPage: boolean }) => Promise<Result<unknown>>;
    // A handler that throws synchronously still answers a Result.
    return Promise.resolve()
      .then(() => handler(message, { tabId: sender.tab?.id, frameId: sender.frameId, url: sender.url, fromPage: kind === 'page' }))
      .catch((e: unknown) => err('model-failed', (e as Error)?.message ?? String(e)));
  });
}
