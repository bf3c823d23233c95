/**
 * JPEG container walk (ITU T.81 §B.1.1.2 marker segments; EXIF 2.32 §4.5.4 APP1; XMP Part 3 §1.1.3 APP1
 * standard and extended XMP; C2PA 2.1 §A.3.1 APP11 JUMBF; Photoshop APP13 image resources). Metadata sits
 * between SOI and the first SOS; the walk stops there.
 */
import type { ContainerScan } from './container';
import { ascii, startsWith, u16be, u32be, utf8 } from './container';
import type { ParseBudget } from './limits';

const XMP_STD = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXT = 'http://ns.adobe.com/xmp/extension/\0';
const MAX_EXTENDED_XMP_PARTS = 4;

/** Fills `scan` from the JPEG marker segments before the first SOS. */
export function scanJpeg(b: Uint8Array, scan: ContainerScan, budget: ParseBudget): void {
  let o = 2;
  // Extended XMP: GUID → { total length, parts (offset → bytes) }.
  const ext = new Map<string, { total: number; got: number; buf: Uint8Array | null }>();
  while (o + 4 <= b.length) {
    if (!budget.chunk()) return;
    if (b[o] !== 0xff) { scan.problems.push(`JPEG: no marker at byte ${o}`); return; }
    const marker = b[o + 1]!;
    if (marker === 0xff) { o++; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { o += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) break; // EOI / SOS: no metadata follows in conforming files
    const len = u16be(b, o + 2);
    if (len < 2) { scan.problems.push(`JPEG: segment length ${len} at byte ${o}`); return; }
    const start = o + 4;
    const end = o + 2 + len;
    if (end > b.length) scan.problems.push(`JPEG: segment at byte ${o} runs past the end of the file`);
    const seg = b.subarray(start, Math.min(end, b.length));
    if (marker === 0xe1 && startsWith(seg, 0, 'Exif\0')) {
      const n = budget.take(seg.length - 6, 'EXIF segment');
      if (n > 0) scan.exif.push(seg.subarray(6, 6 + n));
    } else if (marker === 0xe1 && startsWith(seg, 0, XMP_STD)) {
      const n = budget.take(seg.length - XMP_STD.length, 'XMP packet');
      if (n > 0) scan.xmp.push(seg.subarray(XMP_STD.length, XMP_STD.length + n));
    } else if (marker === 0xe1 && startsWith(seg, 0, XMP_EXT) && seg.length >= XMP_EXT.length + 40) {
      // GUID (32 ASCII hex), full length (u32), offset (u32), then this part's bytes.
      const guid = ascii(seg, XMP_EXT.length, 32);
      const total = u32be(seg, XMP_EXT.length + 32);
      const offset = u32be(seg, XMP_EXT.length + 36);
      const part = seg.subarray(XMP_EXT.length + 40);
      let e = ext.get(guid);
      if (!e) {
        if (ext.size >= MAX_EXTENDED_XMP_PARTS) { budget.hit('too many extended XMP packets'); o = end; continue; }
        const keep = budget.take(total, 'extended XMP packet');
        e = { total, got: 0, buf: keep === total ? new Uint8Array(total) : null };
        ext.set(guid, e);
      }
      if (e.buf && offset + part.length <= e.total) {
        e.buf.set(part, offset);
        e.got += part.length;
      }
    } else if (marker === 0xeb && startsWith(seg, 0, 'JP')) {
      // C2PA: JPEG-XT style APP11 with common identifier 'JP', instance (u16), sequence (u32), then the
      // JUMBF superbox ('jumb' with a 'jumd' description labelled 'c2pa').
      const head = utf8(seg.subarray(0, Math.min(seg.length, 96)));
      if (head.includes('jumb') && (head.includes('c2pa') || scan.c2pa)) scan.c2pa = true;
    } else if (marker === 0xed && startsWith(seg, 0, 'Photoshop 3.0\0')) {
      const n = budget.take(seg.length - 14, 'Photoshop APP13 segment');
      if (n > 0) scan.photoshopIrb.push(seg.subarray(14, 14 + n));
    } else if (marker === 0xfe) {
      if (budget.text()) {
        const n = budget.take(seg.length, 'JPEG comment');
        scan.texts.push({ chunk: 'COM', keyword: 'Comment', text: utf8(seg.subarray(0, n)) });
      }
    }
    o = end;
  }
  for (const e of ext.values()) {
    if (e.buf && e.got >= e.total) scan.xmp.push(e.buf);
    else if (e.buf) scan.problems.push('JPEG: extended XMP incomplete');
  }
}
