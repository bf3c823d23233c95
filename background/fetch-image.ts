/**
 * Fetches image bytes in the service worker with the extension's host permissions (never by reading
 * canvas pixels in the page), with a timeout and a size cap.
 */
import browser from 'webextension-polyfill';
import type { ImageErrorCode } from '../extension/shared/messages';
import { originPattern } from '../extension/shared/permissions';
import { testGrantCovers } from './grants';

/** Default time allowed for one image to arrive, in milliseconds. */
export const FETCH_TIMEOUT_MS = 15_000;
/** Largest encoded file accepted, in bytes (64 MiB). */
export const MAX_FETCH_BYTES = 64 * 1024 * 1024;

export class FetchImageError extends Error {
  override name = 'FetchImageError';
  constructor(readonly code: ImageErrorCode, message: string) {
    super(message);
  }
}

/**
 * Whether the extension may fetch `url` (host permission for its origin). `data:` needs none.
 * Required host permissions cover only the social sites' image CDNs; other origins need an optional
 * grant (`extension/shared/permissions.ts`). Chromium would let the worker fetch any site the `<all_urls>`
 * content script runs on, so this explicit check is what makes a missing grant visible
 * (`permission-needed`) instead of silently fetching. Firefox MV3 also lets users withhold host permissions.
 */
export async function hasHostPermission(url: string): Promise<boolean> {
  const u = new URL(url);
  if (u.protocol === 'data:') return true;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  try {
    if (await browser.permissions.contains({ origins: [originPattern(url)!] })) return true;
  } catch {
    return true; // the API is missing: let fetch decide
  }
  return testGrantCovers(url);
}

/**
 * Fetches the bytes of an image URL.
 * @param url absolute `http:`, `https:` or `data:` URL
 * @param timeoutMs total time for headers and body
 * @returns the body bytes and the response's Content-Type
 * @throws {FetchImageError} `permission-needed` without host permission, `timeout` after `timeoutMs`,
 *   `fetch-failed` for network errors, HTTP status ≥ 400, or bodies above `MAX_FETCH_BYTES`
 */
export async function fetchImageBytes(url: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<{ bytes: Uint8Array; contentType: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchImageError('fetch-failed', `not a URL: ${url.slice(0, 100)}`);
  }
  if (!['http:', 'https:', 'data:'].includes(parsed.protocol)) throw new FetchImageError('fetch-failed', `cannot fetch ${parsed.protocol} URLs`);
  if (!(await hasHostPermission(url))) throw new FetchImageError('permission-needed', `no permission for ${parsed.origin}`);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { signal: ctrl.signal, credentials: 'omit', cache: 'force-cache', redirect: 'follow' });
    if (res.status >= 400) throw new FetchImageError('fetch-failed', `HTTP ${res.status}`);
    const len = Number(res.headers.get('content-length') ?? '0');
    if (len > MAX_FETCH_BYTES) throw new FetchImageError('too-large', `${len} bytes is above the ${MAX_FETCH_BYTES} byte limit`);
    const buf = await res.arrayBuffer();
    if (buf.byteLength > MAX_FETCH_BYTES) throw new FetchImageError('too-large', `${buf.byteLength} bytes is above the limit`);
    return { bytes: new Uint8Array(buf), contentType: res.headers.get('content-type') ?? '' };
  } catch (e) {
    if (e instanceof FetchImageError) throw e;
    if (ctrl.signal.aborted) throw new FetchImageError('timeout', `no complete response within ${Math.round(timeoutMs / 1000)} s`);
    throw new FetchImageError('fetch-failed', (e as Error).message || 'network error');
  } finally {
    clearTimeout(timer);
  }
}
