/**
 * A demo/test image feed: real and synthetic images from ../shared/data (MANIFEST.tsv; the manifest's
 * `crop` is applied by serving a cropped PNG, because e.g. cnndetection frames give the label away),
 * generated images when ../shared is absent, bad inputs, and a local HTTP server on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { parseCropBox } from '../../extension/shared/preprocess';

/** The repository root and the shared data folder (`training/node/paths.ts`; `SYNTHSCREEN_SHARED_DIR` overrides). */
import { REPO_ROOT, SHARED_DIR } from '../../training/node/paths';
export { REPO_ROOT, SHARED_DIR };

export interface FeedImage {
  /** Path on the server, e.g. `/img/real-03.png`. */
  route: string;
  bytes: Buffer;
  contentType: string;
  /** Where the bytes came from (manifest path, folder file or a description). */
  source: string;
  label?: 'real' | 'synthetic';
  /** The state the badge must reach: a verdict, or an error code. */
  expect: 'verdict' | string;
  /** Served with this HTTP status instead of 200 / never answered. */
  status?: number;
  hang?: boolean;
  alt?: string;
}

const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif', '.bmp': 'image/bmp', '.svg': 'image/svg+xml' };

interface Row { path: string; label: string; crop: string; source: string }

function readManifest(): Row[] {
  const text = readFileSync(join(SHARED_DIR, 'data', 'MANIFEST.tsv'), 'utf8');
  const [head, ...lines] = text.trim().split('\n');
  const cols = head!.split('\t');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((l) => l.split('\t')).map((c) => ({ path: c[at('path')]!, label: c[at('label')]!, crop: c[at('crop')] ?? '', source: c[at('path')]!.split('/')[0]! }));
}

/** True when ../shared/data/MANIFEST.tsv exists. */
export function hasSharedData(): boolean {
  return existsSync(join(SHARED_DIR, 'data', 'MANIFEST.tsv'));
}

/**
 * Picks `perLabel` real and `perLabel` synthetic images round-robin over the sources (deterministic),
 * cropping per the manifest.
 * @param offset shifts the pick inside each source (a second, different set)
 */
export async function sharedImages(perLabel: number, offset = 0): Promise<FeedImage[]> {
  const rows = readManifest().sort((a, b) => a.path.localeCompare(b.path));
  const out: FeedImage[] = [];
  for (const label of ['real', 'synthetic'] as const) {
    const groups = new Map<string, Row[]>();
    for (const r of rows) if (r.label === label) groups.set(r.source, [...(groups.get(r.source) ?? []), r]);
    const sources = [...groups.keys()].sort();
    const picked: Row[] = [];
    for (let round = 0; picked.length < perLabel && round < 1000; round++) {
      for (const s of sources) {
        const g = groups.get(s)!;
        const idx = Math.floor(((round + offset * 3) * 7919 + 13) % g.length);
        const r = g[idx]!;
        if (picked.length < perLabel && !picked.includes(r)) picked.push(r);
      }
    }
    for (const [i, r] of picked.entries()) {
      const file = join(SHARED_DIR, 'data', r.path);
      const crop = parseCropBox(r.crop);
      const ext = extname(r.path).toLowerCase();
      let bytes: Buffer = readFileSync(file);
      let contentType = MIME[ext] ?? 'application/octet-stream';
      let routeExt = ext;
      if (crop) {
        bytes = await sharp(bytes).extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height }).png().toBuffer();
        contentType = 'image/png';
        routeExt = '.png';
      }
      out.push({ route: `/img/${label}-${String(i + 1).padStart(2, '0')}-o${offset}${routeExt}`, bytes, contentType, source: r.path, label, expect: 'verdict', alt: `${label} example` });
    }
  }
  return out;
}

/** Images from a folder (demo `--images`): every JPEG/PNG/GIF/WebP/AVIF/BMP file, unlabelled. */
export function folderImages(dir: string): FeedImage[] {
  return readdirSync(dir)
    .filter((f) => MIME[extname(f).toLowerCase()] && extname(f).toLowerCase() !== '.svg')
    .sort()
    .map((f, i) => ({ route: `/img/${i}-${encodeURIComponent(basename(f))}`, bytes: readFileSync(join(dir, f)), contentType: MIME[extname(f).toLowerCase()]!, source: join(dir, f), expect: 'verdict' }));
}

/** Seeded smooth-noise RGB image (deterministic), encoded as PNG. */
export async function noiseImage(seed: number, width = 96, height = 96): Promise<Buffer> {
  let a = seed >>> 0;
  const r = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const px = Buffer.alloc(width * height * 3);
  const fx = 1 + r() * 6, fy = 1 + r() * 6, ph = r() * 6;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const o = (y * width + x) * 3;
    px[o] = 128 + 100 * Math.sin((x / width) * fx * 6.28 + ph) + (r() - 0.5) * 40;
    px[o + 1] = 128 + 100 * Math.cos((y / height) * fy * 6.28 + ph) + (r() - 0.5) * 40;
    px[o + 2] = (x * y + seed * 31) % 256;
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Stand-ins when ../shared is absent: `n` generated images per label (labels are nominal). */
export async function generatedImages(perLabel: number): Promise<FeedImage[]> {
  const out: FeedImage[] = [];
  for (const label of ['real', 'synthetic'] as const) {
    for (let i = 0; i < perLabel; i++) {
      const seed = (label === 'real' ? 1000 : 2000) + i;
      out.push({ route: `/img/gen-${label}-${i}.png`, bytes: await noiseImage(seed, 160 + (i % 3) * 40, 128 + (i % 2) * 64), contentType: 'image/png', source: `generated seed ${seed}`, label, expect: 'verdict' });
    }
  }
  return out;
}

/**
 * Bad and unusual inputs, each with the badge state it must reach.
 * @param base a real image (encoded) to derive the WebP / AVIF / animated / truncated variants from
 */
export async function badInputs(base: Buffer): Promise<FeedImage[]> {
  const jpeg = await sharp(base).resize(256, 256, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
  const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
  const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } }).gif().toBuffer();
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#39f"/><circle cx="100" cy="100" r="60" fill="#fc3"/></svg>');
  const frame = await sharp(base).resize(128, 128, { fit: 'cover' }).removeAlpha().raw().toBuffer();
  const frames = Buffer.concat([frame, Buffer.from(frame.map((v) => 255 - v)), Buffer.from(frame.map((v) => v >> 1))]);
  const animated = await sharp(frames, { raw: { width: 128, height: 384, channels: 3, pageHeight: 128 } }).gif({ loop: 0, delay: [200, 200, 200] }).toBuffer();
  const webp = await sharp(base).resize(200, 150, { fit: 'cover' }).webp({ quality: 85 }).toBuffer();
  const avif = await sharp(base).resize(200, 150, { fit: 'cover' }).avif({ quality: 70 }).toBuffer();
  const huge = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).png().toBuffer());
  huge.writeUInt32BE(30000, 16);
  huge.writeUInt32BE(30000, 20);
  return [
    { route: '/bad/truncated.jpg', bytes: truncated, contentType: 'image/jpeg', source: 'truncated JPEG (60 %)', expect: 'decode-failed' },
    { route: '/bad/pixel.gif', bytes: tiny, contentType: 'image/gif', source: '1x1 GIF', expect: 'too-small' },
    { route: '/bad/vector.svg', bytes: svg, contentType: 'image/svg+xml', source: 'SVG', expect: 'unsupported-format' },
    { route: '/odd/animated.gif', bytes: animated, contentType: 'image/gif', source: 'animated GIF, 3 frames', expect: 'verdict' },
    { route: '/odd/image.webp', bytes: webp, contentType: 'image/webp', source: 'WebP', expect: 'verdict' },
    { route: '/odd/image.avif', bytes: avif, contentType: 'image/avif', source: 'AVIF', expect: 'verdict' },
    { route: '/bad/huge.png', bytes: huge, contentType: 'image/png', source: 'PNG whose IHDR claims 30000x30000', expect: 'too-large' },
    { route: '/bad/missing.jpg', bytes: Buffer.alloc(0), contentType: 'text/plain', source: 'HTTP 404', expect: 'fetch-failed', status: 404 },
    { route: '/bad/never.jpg', bytes: Buffer.alloc(0), contentType: 'image/jpeg', source: 'server never answers', expect: 'timeout', hang: true },
  ];
}

/** The feed page: a column of posts, each with one image. */
export function feedHtml(images: Array<{ src: string; alt?: string; caption?: string }>, title = 'SynthScreen demo feed'): string {
  const posts = images.map((im, i) => `<article class="post"><p class="who">Post ${i + 1}</p><img src="${im.src}" alt="${im.alt ?? ''}" width="320"><p class="cap">${im.caption ?? ''}</p></article>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>
body{font:14px system-ui,sans-serif;background:#f0f2f5;margin:0}
main{display:grid;grid-template-columns:repeat(4,340px);gap:12px;justify-content:center;padding:16px}
.post{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px #0002}
.post img{display:block;max-width:320px;min-height:20px}
.who{margin:0 0 6px;font-weight:600}.cap{margin:6px 0 0;color:#555;font-size:12px;word-break:break-all}
</style></head><body><main>
${posts}
</main></body></html>`;
}

export interface FeedServer {
  origin: string;
  /** Adds or replaces a route. */
  add(img: FeedImage): void;
  setPage(path: string, html: string): void;
  /** Requests received per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `images` and HTML pages on 127.0.0.1 at a random port. Hanging routes never answer. */
export async function startFeedServer(images: FeedImage[]): Promise<FeedServer> {
  const routes = new Map(images.map((i) => [i.route, i]));
  const pages = new Map<string, string>();
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const page = pages.get(path);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    const img = routes.get(path);
    if (!img) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    if (img.hang) return; // hold the request: never answer
    res.writeHead(img.status ?? 200, { 'content-type': img.contentType, 'content-length': img.bytes.length, 'cache-control': 'max-age=3600' });
    res.end(img.bytes);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    add: (img) => routes.set(img.route, img),
    setPage: (path, html) => pages.set(path, html),
    hits,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
