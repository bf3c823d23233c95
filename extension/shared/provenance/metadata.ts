/**
 * EXIF, XMP and IPTC read with exifr (the kept parser): the carriers found by `./container.ts` are handed to
 * exifr (TIFF structures for EXIF, XMP packets through `exifr.sidecar`, Photoshop IRBs wrapped in a minimal
 * JPEG for IPTC-IIM) and the answer is flattened into the few facts provenance needs plus raw fields.
 *
 * Vocabularies: IPTC Photo Metadata 2023.2 `Iptc4xmpExt:DigitalSourceType` (NewsCodes digitalsourcetype,
 * http://cv.iptc.org/newscodes/digitalsourcetype/), EXIF 2.32 tags 0x010F Make, 0x0110 Model, 0x0131
 * Software, 0x010E ImageDescription, 0x9286 UserComment, XMP `xmp:CreatorTool`, `photoshop:Credit`,
 * IIM 2:110 Credit.
 */
import exifr from 'exifr';
import type { ContainerScan } from './container';
import { latin1, utf8 } from './container';
import type { ParseBudget } from './limits';

/** The facts read from EXIF / XMP / IPTC. All strings are trimmed and at most 2,000 characters. */
export interface MetadataFacts {
  /** `Iptc4xmpExt:DigitalSourceType` (XMP) as written, usually a NewsCodes URI. */
  digitalSourceType?: string;
  /** Credit line: XMP `photoshop:Credit` or IIM Credit, e.g. "Made with Google AI". */
  credit?: string;
  /** EXIF Software. */
  software?: string;
  /** XMP `xmp:CreatorTool`. */
  creatorTool?: string;
  /** EXIF Make / Model (camera maker and model). */
  make?: string;
  model?: string;
  /** EXIF ImageDescription or XMP `dc:description`. */
  description?: string;
  /** EXIF UserComment (decoded per its 8-byte character-code prefix) or XMP `exif:UserComment`. */
  userComment?: string;
  /** Raw fields for "show raw fields", keyed like `EXIF Make`, `XMP Iptc4xmpExt:DigitalSourceType`, `IPTC Credit`. */
  fields: Record<string, string>;
  /** Parser problems (exifr errors); reading went on with the other carriers. */
  problems: string[];
}

const MAX_FIELD = 2000;

/** Any exifr value as a display string: arrays joined with "; ", language alternatives by their value. */
export function toText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return decodeXmlEntities(v).trim().slice(0, MAX_FIELD) || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return decodeUserComment(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (Array.isArray(v)) return v.map(toText).filter(Boolean).join('; ').slice(0, MAX_FIELD) || undefined;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('value' in o) return toText(o.value);
    try { return JSON.stringify(v).slice(0, MAX_FIELD); } catch { return undefined; }
  }
  return undefined;
}

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
/** XML character and entity references (exifr's XMP parser leaves them in attribute values). */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|quot|amp|lt|gt|apos);/gi, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/**
 * EXIF UserComment (EXIF 2.32 §4.6.5, tag 0x9286): an 8-byte character code (`ASCII\0\0\0`, `UNICODE\0`,
 * `JIS\0\0\0\0\0`, or 8 NULs = undefined) then the text. UNICODE is UTF-16; its byte order is not fixed
 * in practice (AUTOMATIC1111 via piexif writes big-endian), so it is guessed from where the NULs fall.
 */
export function decodeUserComment(b: Uint8Array): string | undefined {
  if (b.length <= 8) return undefined;
  const code = latin1(b.subarray(0, 8)).replace(/\0+$/, '');
  const body = b.subarray(8);
  let s: string;
  if (code === 'UNICODE') {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i + 1 < Math.min(body.length, 512); i += 2) { if (body[i] === 0) evenNul++; if (body[i + 1] === 0) oddNul++; }
    s = new TextDecoder(evenNul >= oddNul ? 'utf-16be' : 'utf-16le').decode(body);
  } else s = code === 'ASCII' ? latin1(body) : utf8(body);
  s = s.replace(/\0+$/, '').trim();
  return s ? s.slice(0, 64 * 1024) : undefined;
}

/**
 * Reads EXIF/XMP/IPTC from the carriers of `scan` with exifr.
 * @returns the facts (empty when there are no carriers); never throws
 */
export async function readMetadata(scan: ContainerScan, budget: ParseBudget): Promise<MetadataFacts> {
  const facts: MetadataFacts = { fields: {}, problems: [] };
  const setField = (k: string, v: unknown) => {
    const t = toText(v);
    if (t !== undefined && !(k in facts.fields)) facts.fields[k] = t.slice(0, MAX_FIELD);
  };

  // XMP namespace → values, from every packet.
  const namespaces: Array<[string, Record<string, unknown>]> = [];
  // EXIF (TIFF IFD0 + Exif IFD).
  const tiffs: Array<Record<string, unknown>> = [];
  for (const tiff of scan.exif) {
    if (!budget.inTime()) break;
    try {
      const r = (await exifr.parse(tiff, { tiff: true, ifd0: true, exif: true, ifd1: false, gps: false, interop: false, xmp: false, iptc: false, icc: false, jfif: false, ihdr: false, makerNote: false, userComment: true, translateValues: false, reviveValues: true, mergeOutput: true, silentErrors: true } as never)) as Record<string, unknown> | undefined;
      if (r) tiffs.push(r);
    } catch (e) { facts.problems.push(`EXIF: ${String((e as Error)?.message ?? e)}`); }
  }
  for (const t of tiffs) {
    facts.make ??= toText(t.Make);
    facts.model ??= toText(t.Model);
    facts.software ??= toText(t.Software);
    facts.description ??= toText(t.ImageDescription);
    facts.userComment ??= toText(t.UserComment ?? t.userComment);
    for (const k of ['Make', 'Model', 'Software', 'ImageDescription', 'Artist', 'DateTimeOriginal', 'LensModel']) setField(`EXIF ${k}`, t[k]);
    setField('EXIF UserComment', t.UserComment ?? t.userComment);
  }

  // XMP packets.
  for (const packet of scan.xmp) {
    if (!budget.inTime()) break;
    try {
      const r = (await exifr.sidecar(packet, { mergeOutput: false, silentErrors: true } as never, 'xmp')) as Record<string, Record<string, unknown>> | undefined;
      if (r) for (const [ns, vals] of Object.entries(r)) if (ns !== 'xmlns' && vals && typeof vals === 'object') namespaces.push([ns, vals]);
    } catch (e) { facts.problems.push(`XMP: ${String((e as Error)?.message ?? e)}`); }
  }
  for (const [ns, vals] of namespaces) {
    const get = (k: string) => toText(vals[k]);
    if (ns === 'Iptc4xmpExt') facts.digitalSourceType ??= get('DigitalSourceType');
    if (ns === 'photoshop') facts.credit ??= get('Credit');
    if (ns === 'xmp') facts.creatorTool ??= get('CreatorTool');
    if (ns === 'tiff') { facts.make ??= get('Make'); facts.model ??= get('Model'); facts.software ??= get('Software'); }
    if (ns === 'exif') facts.userComment ??= get('UserComment');
    if (ns === 'dc') facts.description ??= get('description');
    for (const k of Object.keys(vals)) {
      if (Object.keys(facts.fields).length >= 48) break;
      if (INTERESTING_XMP.has(`${ns}:${k}`)) setField(`XMP ${ns}:${k}`, vals[k]);
    }
  }

  // IPTC-IIM inside Photoshop image resources.
  for (const irb of scan.photoshopIrb) {
    if (!budget.inTime()) break;
    try {
      const r = (await exifr.parse(miniJpegWithApp13(irb), { tiff: false, xmp: false, icc: false, jfif: false, iptc: true, mergeOutput: false, silentErrors: true } as never)) as { iptc?: Record<string, unknown> } | undefined;
      const iptc = r?.iptc ?? (r as Record<string, unknown> | undefined);
      if (iptc) {
        facts.credit ??= toText((iptc as Record<string, unknown>).Credit);
        for (const k of ['Credit', 'Source', 'Byline', 'Caption', 'OriginatingProgram']) setField(`IPTC ${k}`, (iptc as Record<string, unknown>)[k]);
      }
    } catch (e) { facts.problems.push(`IPTC: ${String((e as Error)?.message ?? e)}`); }
  }
  return facts;
}

const INTERESTING_XMP = new Set([
  'Iptc4xmpExt:DigitalSourceType', 'Iptc4xmpExt:DigitalSourceFileType', 'photoshop:Credit', 'xmp:CreatorTool', 'tiff:Make', 'tiff:Model', 'tiff:Software',
  'exif:UserComment', 'dc:description', 'dc:creator', 'dc:rights', 'plus:DataMining', 'dcterms:provenance', 'photoshop:Source',
]);

/** SOI, one APP13 segment holding `irb`, EOI: lets exifr's JPEG parser read the IPTC-IIM inside. */
function miniJpegWithApp13(irb: Uint8Array): Uint8Array {
  const body = irb.subarray(0, Math.min(irb.length, 65533 - 14));
  const len = body.length + 14 + 2;
  const out = new Uint8Array(4 + len + 2);
  out.set([0xff, 0xd8, 0xff, 0xed, len >> 8, len & 0xff]);
  out.set(new TextEncoder().encode('Photoshop 3.0\0'), 6);
  out.set(body, 20);
  out.set([0xff, 0xd9], 20 + body.length);
  return out;
}
