/**
 * Who may send which message (used by `messenger.ts`; no extension APIs here, so it is unit-tested).
 */
import type { Runtime } from 'webextension-polyfill';

/** Request types content scripts may send. */
export const CONTENT_TYPES: ReadonlySet<string> = new Set(['classify', 'classify-bytes', 'report-images', 'get-status', 'open-explain', 'confirm-shown', 'open-grant']);
/** Request types the extension's own pages may send. */
export const PAGE_TYPES: ReadonlySet<string> = new Set(['get-status', 'get-tab-images', 'explain', 'cancel-explain', 'classify', 'explain-progress', 'get-image-bytes', 'get-verdict', 'get-tab-integrity']);

/**
 * Classifies a message sender.
 * @param extensionId this extension's id (`runtime.id`)
 * @param extensionOrigin `runtime.getURL('')`, e.g. `chrome-extension://<id>/`
 * @returns `page` for this extension's pages, `content` for its content scripts in a tab, `null` for
 *   anything else (other extensions, web pages through externally_connectable, unknown senders)
 */
export function senderKind(sender: Pick<Runtime.MessageSender, 'id' | 'url' | 'tab'>, extensionId: string, extensionOrigin: string): 'page' | 'content' | null {
  if (sender.id !== extensionId) return null;
  if (sender.url?.startsWith(extensionOrigin)) return 'page';
  if (sender.tab && sender.tab.id !== undefined) return 'content';
  return null;
}

/** True when a sender of `kind` may send a request of `type`. */
export function allowed(kind: 'page' | 'content' | null, type: string): boolean {
  return kind === 'page' ? PAGE_TYPES.has(type) : kind === 'content' ? CONTENT_TYPES.has(type) : false;
}
