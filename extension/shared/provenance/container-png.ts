/**
 * PNG container walk (PNG 3rd ed. §11.3.3 tEXt/zTXt/iTXt, §11.3.2 eXIf; XMP Part 3 §1.1.4 iTXt keyword
 * `XML:com.adobe.xmp`; C2PA 2.1 §A.3.3 `caBX`). Compressed text is inflated with the platform's
 * `DecompressionStream('deflate')` (zlib format), capped by the budget.
 */
import type { ContainerScan } from './container';
import { ascii, latin1, u32be, utf8 } from './container';
import type { ParseBudget } from './limits';

/** Fills `scan` from the PNG chunks (all of them up to IEND: text chunks may follow IDAT). */
export async function scanPng(b: Uint8Array, scan: ContainerScan, budget: ParseBudget): Promise<void> {
  let o = 8;
  while (o + 8 <= b.length) {
    if (!budget.chunk()) return;
    const len = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    const start = o + 8;
    if (len > b.length - start) {
      scan.problems.push(`PNG: ${type || 'chunk'} at byte ${o} claims ${len} bytes, past the end of the file`);
      return;
    }
    const data = b.subarray(start, start + len);
    if (type === 'IEND') break;
    if (type === 'caBX') scan.c2pa = true;
    else if (type === 'eXIf') {
      const n = budget.take(data.length, 'eXIf chunk');
      if (n > 0) scan.exif.push(data.subarray(0, n));
    } else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      await textChunk(type, data, scan, budget);
    }
    o = start + len + 4; // + CRC
  }
}

async function textChunk(type: 'tEXt' | 'zTXt' | 'iTXt', data: Uint8Array, scan: ContainerScan, budget: ParseBudget): Promise<void> {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) { scan.problems.push(`PNG: ${type} without a keyword`); return; }
  const keyword = latin1(data.subarray(0, nul));
  const isXmp = type === 'iTXt' && keyword === 'XML:com.adobe.xmp';
  if (!isXmp && !budget.text()) return;
  let text: Uint8Array | undefined;
  if (type === 'tEXt') {
    text = data.subarray(nul + 1, nul + 1 + budget.take(data.length - nul - 1, 'tEXt chunk'));
  } else if (type === 'zTXt') {
    text = await inflate(data.subarray(nul + 2), budget, `zTXt ${keyword}`);
  } else {
    const compressed = data[nul + 1] === 1;
    const lang = data.indexOf(0, nul + 3);
    const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
    if (translated < 0) { scan.problems.push(`PNG: iTXt ${keyword} truncated`); return; }
    const raw = data.subarray(translated + 1);
    text = compressed ? await inflate(raw, budget, `iTXt ${keyword}`) : raw.subarray(0, budget.take(raw.length, `iTXt ${keyword}`));
  }
  if (!text) { scan.problems.push(`PNG: ${type} ${keyword} could not be inflated`); return; }
  if (isXmp) scan.xmp.push(text);
  else scan.texts.push({ chunk: type, keyword, text: type === 'iTXt' ? utf8(text) : latin1(text) });
}

/**
 * Inflates zlib data, keeping at most what the budget allows (a decompression bomb stops at the cap).
 * @returns the bytes, or undefined when the stream is corrupt or the platform has no DecompressionStream
 */
export async function inflate(z: Uint8Array, budget: ParseBudget, what: string): Promise<Uint8Array | undefined> {
  if (typeof DecompressionStream === 'undefined') return undefined;
  const cap = budget.limits.maxSegmentBytes;
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    const stream = new Blob([z as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
      if (size >= cap) {
        budget.hit(`${what} larger than ${cap} bytes`);
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch {
    if (size === 0) return undefined; // keep what was inflated before a corrupt tail
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  const keep = budget.take(out.length, what);
  return out.subarray(0, keep);
}
