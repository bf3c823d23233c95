/**
 * WebP (RIFF) container walk (RFC 9649 §2.7 extended format: `EXIF`, `XMP ` chunks; C2PA 2.1 §A.3.6 `C2PA`
 * chunk). Chunks are fourcc, u32le size, data, padded to an even length.
 */
import type { ContainerScan } from './container';
import { ascii, startsWith, u32le } from './container';
import type { ParseBudget } from './limits';

/** Fills `scan` from the top-level RIFF chunks of a WebP file. */
export function scanRiff(b: Uint8Array, scan: ContainerScan, budget: ParseBudget): void {
  const riffEnd = Math.min(b.length, 8 + u32le(b, 4));
  let o = 12;
  while (o + 8 <= riffEnd) {
    if (!budget.chunk()) return;
    const fourcc = ascii(b, o, 4);
    const size = u32le(b, o + 4);
    const start = o + 8;
    if (size > b.length - start) {
      scan.problems.push(`WebP: ${fourcc} at byte ${o} claims ${size} bytes, past the end of the file`);
      return;
    }
    const data = b.subarray(start, start + size);
    if (fourcc === 'C2PA') scan.c2pa = true;
    else if (fourcc === 'EXIF') {
      // Some writers keep the JPEG APP1 'Exif\0\0' prefix; the chunk should start with the TIFF header.
      const tiff = startsWith(data, 0, 'Exif\0') ? data.subarray(6) : data;
      const n = budget.take(tiff.length, 'EXIF chunk');
      if (n > 0) scan.exif.push(tiff.subarray(0, n));
    } else if (fourcc === 'XMP ') {
      const n = budget.take(data.length, 'XMP chunk');
      if (n > 0) scan.xmp.push(data.subarray(0, n));
    }
    o = start + size + (size & 1);
  }
}
