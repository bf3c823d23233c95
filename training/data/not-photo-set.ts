/**
 * Issue 12: a deterministic labelled set of non-photographs, rendered from SVG strings with sharp (no
 * binaries committed). Kinds: bar/line/pie charts, UI-screenshot-like layouts (panels, buttons, text),
 * flat illustrations (shapes, linear gradients) and line art. Same seed → same SVG → same pixels
 * (for one sharp/librsvg version).
 */
import sharp from 'sharp';
import { mulberry32, randInt, type Rng } from './rng';

export type NonPhotoKind = 'bar' | 'line' | 'pie' | 'screenshot' | 'illustration' | 'lineart';
export const NON_PHOTO_KINDS: readonly NonPhotoKind[] = ['bar', 'line', 'pie', 'screenshot', 'illustration', 'lineart'];

export interface NonPhotoItem { id: string; kind: NonPhotoKind; seed: number; width: number; height: number; svg: string }

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[randInt(rng, 0, xs.length - 1)]!;

function text(x: number, y: number, s: string, size: number, fill = '#222'): string {
  return `<text x="${x}" y="${y}" font-family="sans-serif" font-size="${size}" fill="${fill}">${s}</text>`;
}

function svgFor(kind: NonPhotoKind, rng: Rng, w: number, h: number): string {
  const bg = pick(rng, ['#ffffff', '#ffffff', '#f7f7f7', '#fdfdf5', '#1e1e1e']);
  const ink = bg === '#1e1e1e' ? '#eeeeee' : '#222222';
  let body = '';
  if (kind === 'bar') {
    const n = randInt(rng, 3, 10), bw = (w - 80) / n;
    body += `<line x1="40" y1="${h - 30}" x2="${w - 10}" y2="${h - 30}" stroke="${ink}" stroke-width="2"/>`;
    for (let i = 0; i < n; i++) {
      const bh = randInt(rng, 20, h - 70);
      body += `<rect x="${50 + i * bw}" y="${h - 30 - bh}" width="${bw * 0.7}" height="${bh}" fill="${pick(rng, PALETTE)}"/>`;
      body += text(50 + i * bw, h - 12, `Q${i + 1}`, 11, ink);
    }
    body += text(50, 20, 'Revenue by quarter', 14, ink);
  } else if (kind === 'line') {
    for (let g = 0; g < 5; g++) body += `<line x1="40" y1="${30 + g * (h - 60) / 4}" x2="${w - 10}" y2="${30 + g * (h - 60) / 4}" stroke="#cccccc" stroke-width="1"/>`;
    const series = randInt(rng, 1, 4);
    for (let s = 0; s < series; s++) {
      const pts: string[] = [];
      for (let x = 40; x <= w - 10; x += randInt(rng, 10, 40)) pts.push(`${x},${randInt(rng, 30, h - 30)}`);
      body += `<polyline points="${pts.join(' ')}" fill="none" stroke="${pick(rng, PALETTE)}" stroke-width="${randInt(rng, 2, 4)}"/>`;
    }
    body += text(45, 20, 'Daily active users', 13, ink);
  } else if (kind === 'pie') {
    const cx = w / 2, cy = h / 2, r = Math.min(w, h) * 0.38;
    let a = 0;
    const n = randInt(rng, 3, 7);
    for (let i = 0; i < n; i++) {
      const da = i === n - 1 ? 2 * Math.PI - a : (2 * Math.PI - a) * (0.2 + 0.4 * rng());
      const x1 = cx + r * Math.cos(a), y1 = cy + r * Math.sin(a), x2 = cx + r * Math.cos(a + da), y2 = cy + r * Math.sin(a + da);
      body += `<path d="M${cx},${cy} L${x1},${y1} A${r},${r} 0 ${da > Math.PI ? 1 : 0} 1 ${x2},${y2} Z" fill="${PALETTE[i % PALETTE.length]}" stroke="${bg}" stroke-width="2"/>`;
      a += da;
    }
  } else if (kind === 'screenshot') {
    body += `<rect width="${w}" height="40" fill="${pick(rng, ['#3b5998', '#24292e', '#0a66c2', '#ffffff'])}"/>`;
    body += text(12, 26, 'Dashboard   Settings   Help', 14, '#ffffff');
    body += `<rect x="0" y="40" width="${Math.round(w * 0.22)}" height="${h - 40}" fill="#eef0f3"/>`;
    for (let i = 0; i < 6; i++) body += text(10, 70 + i * 26, `Menu item ${i + 1}`, 12, '#333');
    const x0 = Math.round(w * 0.22) + 16;
    for (let i = 0; i < randInt(rng, 4, 9); i++) body += text(x0, 70 + i * 20, 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.', 12, ink);
    for (let i = 0; i < randInt(rng, 1, 3); i++) body += `<rect x="${x0 + i * 110}" y="${h - 60}" width="96" height="30" rx="6" fill="${pick(rng, PALETTE)}"/>` + text(x0 + i * 110 + 20, h - 40, 'Submit', 13, '#fff');
  } else if (kind === 'illustration') {
    body += `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${pick(rng, PALETTE)}"/><stop offset="1" stop-color="${pick(rng, PALETTE)}"/></linearGradient></defs>`;
    body += `<rect width="${w}" height="${Math.round(h * 0.6)}" fill="url(#g)"/>`;
    body += `<rect y="${Math.round(h * 0.6)}" width="${w}" height="${h}" fill="${pick(rng, PALETTE)}"/>`;
    for (let i = 0; i < randInt(rng, 3, 8); i++) {
      body += rng() < 0.5
        ? `<circle cx="${randInt(rng, 0, w)}" cy="${randInt(rng, 0, h)}" r="${randInt(rng, 10, 60)}" fill="${pick(rng, PALETTE)}"/>`
        : `<polygon points="${randInt(rng, 0, w)},${randInt(rng, 0, h)} ${randInt(rng, 0, w)},${randInt(rng, 0, h)} ${randInt(rng, 0, w)},${randInt(rng, 0, h)}" fill="${pick(rng, PALETTE)}"/>`;
    }
  } else {
    for (let i = 0; i < randInt(rng, 8, 25); i++) {
      body += `<path d="M${randInt(rng, 0, w)},${randInt(rng, 0, h)} Q${randInt(rng, 0, w)},${randInt(rng, 0, h)} ${randInt(rng, 0, w)},${randInt(rng, 0, h)}" fill="none" stroke="${ink}" stroke-width="${randInt(rng, 1, 4)}"/>`;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="${bg}"/>${body}</svg>`;
}

/**
 * The set: `perKind` items of each kind (ids `kind-000`…), sizes 256–800 px per side.
 * @param perKind items per kind (≥ 1)
 * @param seed base seed (default 12, the issue number)
 */
export function nonPhotoSet(perKind = 20, seed = 12): NonPhotoItem[] {
  const out: NonPhotoItem[] = [];
  for (const [k, kind] of NON_PHOTO_KINDS.entries()) {
    for (let i = 0; i < perKind; i++) {
      const s = seed * 1_000_003 + k * 10_007 + i;
      const rng = mulberry32(s);
      const width = randInt(rng, 256, 800), height = randInt(rng, 256, 800);
      out.push({ id: `${kind}-${String(i).padStart(3, '0')}`, kind, seed: s, width, height, svg: svgFor(kind, rng, width, height) });
    }
  }
  return out;
}

/** Renders one item to straight RGBA with sharp (librsvg). */
export async function renderNonPhoto(item: NonPhotoItem): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { data, info } = await sharp(Buffer.from(item.svg)).ensureAlpha().flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}
