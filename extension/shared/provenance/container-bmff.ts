/**
 * ISO-BMFF container walk for AVIF and HEIF (ISO/IEC 14496-12 box headers: u32 size, fourcc, u64
 * `largesize` when size is 1, to the end when 0). C2PA manifests live in a top-level `uuid` box with UUID
 * D8FEC3D6-1B0E-483C-9297-5828877EC481 (C2PA 2.1 §A.3.4). EXIF and XMP are items located through
 * `meta`/`iinf`/`iloc`; that walk is exifr's (its HEIC/AVIF file parser), so this walker hands it the file.
 */
import type { ContainerScan } from './container';
import { ascii, u32be } from './container';
import type { ParseBudget } from './limits';

const C2PA_UUID = [0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81];
/** Boxes whose children are boxes (walked up to `maxDepth`); `meta` is a full box (4 bytes of version/flags first). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'dinf', 'meta', 'iprp', 'ipco', 'udta', 'moof', 'traf']);

/** Fills `scan` from the boxes of an AVIF/HEIF file. */
export function scanBmff(b: Uint8Array, scan: ContainerScan, budget: ParseBudget): void {
  walk(b, 0, b.length, 0, scan, budget);
  scan.exifrWholeFile = b;
}

function walk(b: Uint8Array, from: number, to: number, depth: number, scan: ContainerScan, budget: ParseBudget): void {
  if (depth > budget.limits.maxDepth) { budget.hit(`boxes nested deeper than ${budget.limits.maxDepth}`); return; }
  let o = from;
  while (o + 8 <= to) {
    if (!budget.chunk()) return;
    let size = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    let header = 8;
    if (size === 1) {
      if (o + 16 > to) { scan.problems.push(`BMFF: ${type} largesize truncated`); return; }
      const hi = u32be(b, o + 8);
      const lo = u32be(b, o + 12);
      size = hi * 2 ** 32 + lo;
      header = 16;
    } else if (size === 0) size = to - o;
    if (size < header || size > to - o) {
      scan.problems.push(`BMFF: ${type} at byte ${o} claims ${size} bytes, outside its parent`);
      return;
    }
    if (type === 'uuid' && o + header + 16 <= to && C2PA_UUID.every((x, i) => b[o + header + i] === x)) scan.c2pa = true;
    if (CONTAINERS.has(type)) walk(b, o + header + (type === 'meta' ? 4 : 0), o + size, depth + 1, scan, budget);
    o += size;
  }
}
