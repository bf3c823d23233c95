/**
 * Builds small ISO-BMFF (HEIF/AVIF) files box by box for tests: a `ftyp`, optional padding, a `meta`
 * with `hdlr`/`pitm`/`iprp`(`ipco`: `ispe`, optional `irot`; `ipma`) and an `mdat`. No decodable AV1
 * payload: the point is where the header's size sits (issue 13, item 5: an `ispe` beyond 64 KiB).
 */

/** One box: 32-bit size + 4-character type + body (`fullBox` prepends version 0 / flags 0). */
export function box(type: string, body: Uint8Array = new Uint8Array(0), fullBox = false, largeSize = false): Uint8Array {
  const payload = fullBox ? concat(new Uint8Array(4), body) : body;
  const header = largeSize ? 16 : 8;
  const out = new Uint8Array(header + payload.length);
  const dv = new DataView(out.buffer);
  if (largeSize) {
    dv.setUint32(0, 1);
    dv.setUint32(8, 0);
    dv.setUint32(12, out.length);
  } else dv.setUint32(0, out.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(payload, header);
  return out;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

const u32 = (...v: number[]) => { const b = new Uint8Array(4 * v.length); const dv = new DataView(b.buffer); v.forEach((x, i) => dv.setUint32(4 * i, x)); return b; };
const str = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * An AVIF-branded (or HEIC-branded) file whose primary item is `width × height`.
 * @param opts.padding bytes of a `free` box between `ftyp` and `meta` (pushes `ispe` past a byte window)
 * @param opts.metaAfterMdat put `meta` after `mdat`
 * @param opts.irot anticlockwise quarter turns (0..3) of an `irot` property
 * @param opts.brand `avif` (default) or `heic`
 * @param opts.largeSizeMeta write `meta` with a 64-bit `largesize`
 */
export function isoBmffImage(width: number, height: number, opts: { padding?: number; metaAfterMdat?: boolean; irot?: number; brand?: 'avif' | 'heic'; largeSizeMeta?: boolean } = {}): Uint8Array {
  const brand = opts.brand ?? 'avif';
  const ftyp = box('ftyp', concat(str(brand), u32(0), str(brand), str('mif1'), str('miaf')));
  const props = [box('ispe', u32(width, height), true), ...(opts.irot !== undefined ? [box('irot', Uint8Array.of(opts.irot & 3))] : [])];
  const ipco = box('ipco', concat(...props));
  // ipma: 1 entry, item 1, n associations, each 1 byte (essential bit + index).
  const ipma = box('ipma', concat(u32(1), Uint8Array.of(0, 1, props.length), ...props.map((_, i) => Uint8Array.of(0x80 | (i + 1)))), true);
  const meta = box('meta', concat(
    box('hdlr', concat(u32(0), str('pict'), u32(0, 0, 0), Uint8Array.of(0)), true),
    box('pitm', Uint8Array.of(0, 1), true),
    box('iprp', concat(ipco, ipma)),
  ), true, opts.largeSizeMeta);
  const mdat = box('mdat', new Uint8Array(64));
  const free = opts.padding ? box('free', new Uint8Array(opts.padding)) : new Uint8Array(0);
  return opts.metaAfterMdat ? concat(ftyp, free, mdat, meta) : concat(ftyp, free, meta, mdat);
}
