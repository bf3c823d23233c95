/**
 * ISO-BMFF container walk for AVIF and HEIF (ISO/IEC 14496-12 box headers: u32 size, fourcc, u64 `largesize`
 * when size is 1, to the end when 0). C2PA manifests live in a top-level `uuid` box with UUID
 * D8FEC3D6-1B0E-483C-9297-5828877EC481 (C2PA 2.1 §A.3.4). EXIF and XMP are HEIF items (ISO/IEC 23008-12
 * §6.5 and annex A): `meta` → `iinf`/`infe` names each item's type (`Exif`, or `mime` with content type
 * `application/rdf+xml` for XMP), `iloc` says where its bytes are (file offsets, or `idat`); an Exif item
 * starts with a u32 offset to the TIFF header.
 */
import type { ContainerScan } from './container';
import { ascii, u16be, u32be } from './container';
import type { ParseBudget } from './limits';

const C2PA_UUID = [0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81];
/** Boxes whose children are boxes (walked up to `maxDepth`); `meta` is a full box (4 bytes of version/flags first). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'dinf', 'meta', 'iprp', 'ipco', 'udta', 'moof', 'traf']);
const MAX_ITEMS = 1024;
const MAX_EXTENTS = 16;

interface Box { type: string; start: number; body: number; end: number }
interface MetaParts { infe: Map<number, { type: string; contentType?: string }>; iloc?: Box; idat?: Box }

/** Fills `scan` from the boxes of an AVIF/HEIF file. */
export function scanBmff(b: Uint8Array, scan: ContainerScan, budget: ParseBudget): void {
  const metas: MetaParts[] = [];
  walk(b, 0, b.length, 0, scan, budget, metas);
  for (const m of metas) items(b, m, scan, budget);
}

/** One box header at `o` within `[o, to)`, or undefined (and a problem noted) when it does not fit. */
function boxAt(b: Uint8Array, o: number, to: number, scan: ContainerScan): Box | undefined {
  let size = u32be(b, o);
  const type = ascii(b, o + 4, 4);
  let header = 8;
  if (size === 1) {
    if (o + 16 > to) { scan.problems.push(`BMFF: ${type} largesize truncated`); return undefined; }
    size = u32be(b, o + 8) * 2 ** 32 + u32be(b, o + 12);
    header = 16;
  } else if (size === 0) size = to - o;
  if (size < header || size > to - o) {
    scan.problems.push(`BMFF: ${type} at byte ${o} claims ${size} bytes, outside its parent`);
    return undefined;
  }
  return { type, start: o, body: o + header, end: o + size };
}

function walk(b: Uint8Array, from: number, to: number, depth: number, scan: ContainerScan, budget: ParseBudget, metas: MetaParts[]): void {
  if (depth > budget.limits.maxDepth) { budget.hit(`boxes nested deeper than ${budget.limits.maxDepth}`); return; }
  let o = from;
  while (o + 8 <= to) {
    if (!budget.chunk()) return;
    const box = boxAt(b, o, to, scan);
    if (!box) return;
    if (box.type === 'uuid' && box.body + 16 <= box.end && C2PA_UUID.every((x, i) => b[box.body + i] === x)) scan.c2pa = true;
    if (box.type === 'meta') metas.push(metaParts(b, box, scan, budget));
    if (CONTAINERS.has(box.type)) walk(b, box.body + (box.type === 'meta' ? 4 : 0), box.end, depth + 1, scan, budget, metas);
    o = box.end;
  }
}

/** The `iinf` entries and the `iloc` / `idat` boxes of one `meta` box. */
function metaParts(b: Uint8Array, meta: Box, scan: ContainerScan, budget: ParseBudget): MetaParts {
  const parts: MetaParts = { infe: new Map() };
  let o = meta.body + 4;
  while (o + 8 <= meta.end && budget.chunk()) {
    const box = boxAt(b, o, meta.end, scan);
    if (!box) break;
    if (box.type === 'iloc') parts.iloc = box;
    else if (box.type === 'idat') parts.idat = box;
    else if (box.type === 'iinf') {
      const version = b[box.body]!;
      let p = box.body + 4 + (version === 0 ? 2 : 4);
      while (p + 8 <= box.end && parts.infe.size < MAX_ITEMS && budget.chunk()) {
        const infe = boxAt(b, p, box.end, scan);
        if (!infe) break;
        if (infe.type === 'infe' && b[infe.body]! >= 2) {
          const v = b[infe.body]!;
          let q = infe.body + 4;
          const id = v === 2 ? u16be(b, q) : u32be(b, q);
          q += (v === 2 ? 2 : 4) + 2; // item_ID, item_protection_index
          const type = ascii(b, q, 4);
          q += 4;
          const nameEnd = b.indexOf(0, q);
          let contentType: string | undefined;
          if (type === 'mime' && nameEnd >= 0 && nameEnd < infe.end) {
            const ctEnd = b.indexOf(0, nameEnd + 1);
            if (ctEnd > nameEnd && ctEnd < infe.end) contentType = ascii(b, nameEnd + 1, ctEnd - nameEnd - 1);
          }
          parts.infe.set(id, { type, contentType });
        }
        p = infe.end;
      }
    }
    o = box.end;
  }
  return parts;
}

/** Reads an unsigned big-endian integer of `n` bytes (0, 4 or 8). */
function uint(b: Uint8Array, o: number, n: number): number {
  if (n === 0) return 0;
  if (n === 4) return u32be(b, o);
  if (n === 8) return u32be(b, o) * 2 ** 32 + u32be(b, o + 4);
  return n === 2 ? u16be(b, o) : Number.NaN;
}

/** Collects the Exif and XMP items listed in `iloc` (file-offset and `idat` constructions). */
function items(b: Uint8Array, m: MetaParts, scan: ContainerScan, budget: ParseBudget): void {
  const want = new Map([...m.infe].filter(([, e]) => e.type === 'Exif' || (e.type === 'mime' && e.contentType === 'application/rdf+xml')));
  if (!m.iloc || want.size === 0) return;
  const il = m.iloc;
  const v = b[il.body]!;
  let o = il.body + 4;
  const offsetSize = b[o]! >> 4, lengthSize = b[o]! & 15, baseOffsetSize = b[o + 1]! >> 4, indexSize = v >= 1 ? b[o + 1]! & 15 : 0;
  o += 2;
  const count = v < 2 ? u16be(b, o) : u32be(b, o);
  o += v < 2 ? 2 : 4;
  for (let i = 0; i < Math.min(count, MAX_ITEMS) && o < il.end && budget.chunk(); i++) {
    const id = v < 2 ? u16be(b, o) : u32be(b, o);
    o += v < 2 ? 2 : 4;
    let method = 0;
    if (v >= 1) { method = u16be(b, o) & 15; o += 2; }
    o += 2; // data_reference_index
    const base = uint(b, o, baseOffsetSize);
    o += baseOffsetSize;
    const extents = u16be(b, o);
    o += 2;
    const pieces: Uint8Array[] = [];
    for (let e = 0; e < extents; e++) {
      if (v >= 1 && indexSize > 0) o += indexSize;
      const off = uint(b, o, offsetSize);
      o += offsetSize;
      const len = uint(b, o, lengthSize);
      o += lengthSize;
      if (e >= MAX_EXTENTS || !want.has(id)) continue;
      const origin = method === 1 && m.idat ? m.idat.body : 0;
      const end = method === 1 && m.idat ? m.idat.end : b.length;
      const start = origin + base + off;
      if (!Number.isFinite(start) || !Number.isFinite(len) || method > 1 || start > end || len > end - start) {
        scan.problems.push(`BMFF: item ${id} extent outside the file`);
        continue;
      }
      pieces.push(b.subarray(start, start + (len || end - start)));
    }
    if (o > il.end) { scan.problems.push('BMFF: iloc truncated'); return; }
    const item = want.get(id);
    if (!item || pieces.length === 0) continue;
    const total = pieces.reduce((n, p) => n + p.length, 0);
    const keep = budget.take(total, item.type === 'Exif' ? 'Exif item' : 'XMP item');
    const data = new Uint8Array(keep);
    let at = 0;
    for (const p of pieces) { if (at >= keep) break; data.set(p.subarray(0, keep - at), at); at += Math.min(p.length, keep - at); }
    if (item.type === 'Exif') {
      // exif_tiff_header_offset (u32), then the TIFF header (some writers put 'Exif\0\0' before it).
      if (data.length < 8) continue;
      let t = 4 + u32be(data, 0);
      if (ascii(data, t, 4) === 'Exif') t += 6;
      if (t < data.length) scan.exif.push(data.subarray(t));
    } else scan.xmp.push(data);
  }
}
