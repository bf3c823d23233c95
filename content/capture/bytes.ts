/**
 * Reading image bytes inside the page for URLs the background cannot fetch (QA Q14): a `blob:` URL only
 * resolves in the context that created it, and `data:` URLs are decoded directly (no network, no CSP).
 * The result goes to the background with a `classify-bytes` message; Chrome's extension messaging is
 * JSON-like and turns an `ArrayBuffer` into `{}` (Q02), so use `toMessageBytes` (base64) before sending.
 */

import { bytesToBase64 } from '../../extension/shared/base64';

/** Largest payload read in the page: 32 MiB (larger images are refused, not truncated). */
export const MAX_PAGE_BYTES = 32 * 1024 * 1024;

/**
 * Decodes a `data:` URL (RFC 2397): base64 when `;base64` is present, otherwise percent-encoded text.
 * @returns the bytes and the declared MIME type (`text/plain` when absent)
 * @throws {SyntaxError} for a malformed URL or bad base64
 */
export function decodeDataUrl(url: string): { bytes: Uint8Array; mime: string } {
  const m = /^data:([^,]*?),([\s\S]*)$/i.exec(url.trim());
  if (!m) throw new SyntaxError('not a data: URL');
  const meta = m[1]!;
  const payload = m[2]!;
  const isBase64 = /;base64$/i.test(meta);
  const mime = (isBase64 ? meta.slice(0, -7) : meta).split(';')[0]!.trim().toLowerCase() || 'text/plain';
  if (isBase64) {
    const clean = decodeURIComponent(payload).replace(/[\s]/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw new SyntaxError('data: URL has invalid base64');
    const bin = atob(clean.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return { bytes, mime };
  }
  return { bytes: new TextEncoder().encode(decodeURIComponent(payload)), mime };
}

/**
 * Reads the bytes behind a `blob:` or `data:` URL from the page context.
 * @param url a `blob:` or `data:` URL
 * @param maxBytes refuse larger payloads (default `MAX_PAGE_BYTES`)
 * @returns the bytes (a fresh `ArrayBuffer`)
 * @throws {TypeError} for other schemes or a failed `fetch` of a revoked/unknown blob;
 *   {RangeError} when larger than `maxBytes`; {SyntaxError} for a malformed `data:` URL
 */
export async function readBlobOrDataUrl(url: string, maxBytes = MAX_PAGE_BYTES): Promise<ArrayBuffer> {
  const u = url.trim();
  if (/^data:/i.test(u)) {
    const { bytes } = decodeDataUrl(u);
    if (bytes.byteLength > maxBytes) throw new RangeError(`data: URL holds ${bytes.byteLength} bytes, limit ${maxBytes}`);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  if (!/^blob:/i.test(u)) throw new TypeError(`readBlobOrDataUrl only reads blob: and data: URLs, got ${u.slice(0, 40)}`);
  const res = await fetch(u);
  if (!res.ok) throw new TypeError(`blob: URL could not be read (HTTP ${res.status})`);
  const blob = await res.blob();
  if (blob.size > maxBytes) throw new RangeError(`blob holds ${blob.size} bytes, limit ${maxBytes}`);
  return blob.arrayBuffer();
}

/**
 * Bytes in a form that survives Chrome's JSON-like extension messaging (Q02) at 4/3 bytes per byte:
 * base64 text, the `classify-bytes.bytes` payload (a `number[]` took ~8 heap bytes per byte, issue 13 item 10).
 * @returns padded standard base64
 */
export function toMessageBytes(buf: ArrayBuffer | Uint8Array): string {
  return bytesToBase64(buf);
}
