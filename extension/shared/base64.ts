/**
 * Base64 (RFC 4648 §4, standard alphabet, padded) for byte payloads in extension messages: Chrome's
 * messaging is JSON-like, and a `number[]` costs ~8 bytes of heap per image byte plus its JSON text (six
 * 11.5 MB `blob:` images took a tab to 673 MB, issue 13 item 10); base64 costs 4/3 bytes per byte.
 */

/** Chunk for `String.fromCharCode` (below the engines' argument-count limits). */
const CHUNK = 0x8000;

/**
 * Encodes bytes as base64.
 * @param bytes any length
 * @returns the padded base64 text, `4·⌈n/3⌉` characters
 */
export function bytesToBase64(bytes: Uint8Array | ArrayBuffer): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const native = (u8 as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === 'function') return native.call(u8);
  const parts: string[] = [];
  for (let i = 0; i < u8.length; i += CHUNK) parts.push(String.fromCharCode(...u8.subarray(i, i + CHUNK)));
  return btoa(parts.join(''));
}

/** True for padded standard base64 text (length a multiple of 4). */
export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

/**
 * Decodes base64 text.
 * @throws {SyntaxError} when `s` is not padded standard base64
 */
export function base64ToBytes(s: string): Uint8Array {
  if (!isBase64(s)) throw new SyntaxError('not base64');
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Bytes a base64 text of `chars` characters holds at most. */
export const base64Capacity = (chars: number): number => Math.floor(chars / 4) * 3;
