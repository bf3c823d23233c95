/**
 * Container walking: finds the metadata carriers in an image file without decoding pixels, and returns them
 * as a `ContainerScan` (raw bytes / strings, bounded by a `ParseBudget`). One walker per container family:
 * JPEG (`./container-jpeg.ts`), PNG (`./container-png.ts`), WebP/RIFF (`./container-riff.ts`) and
 * ISO-BMFF for AVIF/HEIF (`./container-bmff.ts`). Parsing what the carriers say is left to `./metadata.ts`
 * (EXIF/XMP/IPTC), `./generators.ts` (generator text) and `./c2pa.ts` (C2PA manifests).
 */
import type { ParseBudget } from './limits';
import { scanJpeg } from './container-jpeg';
import { scanPng } from './container-png';
import { scanRiff } from './container-riff';
import { scanBmff } from './container-bmff';

/** Formats the walkers understand; `other` = none of them (the file is not scanned). */
export type ContainerFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'heif' | 'other';

/** One text carrier: a PNG `tEXt`/`zTXt`/`iTXt` chunk or a JPEG `COM` segment (keyword `Comment`). */
export interface TextChunk {
  /** `tEXt`, `zTXt`, `iTXt` or `COM`. */
  chunk: 'tEXt' | 'zTXt' | 'iTXt' | 'COM';
  /** PNG keyword (Latin-1, 1–79 characters), `Comment` for JPEG COM. */
  keyword: string;
  /** The text, decompressed and decoded (Latin-1 for tEXt/zTXt, UTF-8 for iTXt and COM). */
  text: string;
}

/** What a container holds, as raw carriers. Every array is bounded by the budget. */
export interface ContainerScan {
  format: ContainerFormat;
  /** A C2PA manifest store (JUMBF) is embedded: JPEG APP11 `JP` boxes labelled `c2pa`, PNG `caBX`, RIFF `C2PA`, BMFF `uuid` D8FEC3D6-…. */
  c2pa: boolean;
  /** EXIF payloads, each a TIFF structure (starts with `II*\0` or `MM\0*`). */
  exif: Uint8Array[];
  /** XMP packets (UTF-8 bytes), standard and (JPEG) extended XMP joined. */
  xmp: Uint8Array[];
  /** Photoshop image resource blocks (JPEG APP13 after `Photoshop 3.0\0`), which carry IPTC-IIM. */
  photoshopIrb: Uint8Array[];
  /** Text chunks and comments. */
  texts: TextChunk[];
  /** Structural problems found while walking (truncated chunk, bad length, …); parsing continued where it could. */
  problems: string[];
}

/** An empty scan for `format`. */
export function emptyScan(format: ContainerFormat): ContainerScan {
  return { format, c2pa: false, exif: [], xmp: [], photoshopIrb: [], texts: [], problems: [] };
}

/** The container family from the first bytes (magic numbers: JPEG SOI, PNG signature, RIFF/WEBP, ISO-BMFF `ftyp` brands). */
export function sniffContainer(b: Uint8Array): ContainerFormat {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brands = [ascii(b, 8, 4)];
    const size = Math.min(u32be(b, 0), b.length, 256);
    for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(b, o, 4));
    if (brands.some((x) => x === 'avif' || x === 'avis')) return 'avif';
    if (brands.some((x) => ['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'hevc', 'hevx'].includes(x))) return 'heif';
  }
  return 'other';
}

/** The MIME type c2pa-rs expects for `format`. */
export function mimeOf(format: ContainerFormat): string | undefined {
  return { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', heif: 'image/heif', other: undefined }[format];
}

/**
 * Walks the container of `bytes` and collects its metadata carriers.
 * @param bytes the whole encoded file (only the first `budget.limits.maxBytes` are looked at)
 * @returns the scan; never throws (structural problems are listed in `problems`)
 */
export async function scanContainer(bytes: Uint8Array, budget: ParseBudget): Promise<ContainerScan> {
  const format = sniffContainer(bytes);
  let b = bytes;
  if (b.length > budget.limits.maxBytes) {
    budget.hit(`file larger than ${budget.limits.maxBytes} bytes: only its start was read`);
    b = b.subarray(0, budget.limits.maxBytes);
  }
  const scan = emptyScan(format);
  try {
    if (format === 'jpeg') scanJpeg(b, scan, budget);
    else if (format === 'png') await scanPng(b, scan, budget);
    else if (format === 'webp') scanRiff(b, scan, budget);
    else if (format === 'avif' || format === 'heif') scanBmff(b, scan, budget);
  } catch (e) {
    scan.problems.push(`container walk failed: ${String((e as Error)?.message ?? e)}`);
  }
  return scan;
}

export const u16be = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const u32be = (b: Uint8Array, o: number): number => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
export const u32le = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + ((b[o + 3]! << 24) >>> 0);
/** `n` bytes at `o` as Latin-1 ('' when out of range). */
export function ascii(b: Uint8Array, o: number, n: number): string {
  if (o < 0 || o + n > b.length) return '';
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[o + i]!);
  return s;
}
/** True when `b` has the bytes of ASCII `s` at `o`. */
export function startsWith(b: Uint8Array, o: number, s: string): boolean {
  if (o + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}
/** Latin-1 decoding of bytes (each byte one code point; PNG tEXt/zTXt keywords and text). */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return s;
}
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
/** UTF-8 decoding (invalid sequences become U+FFFD). */
export function utf8(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}
