/**
 * SLIC superpixels (Achanta, Shaji, Smith, Lucchi, Fua & Süsstrunk 2012, "SLIC Superpixels Compared to
 * State-of-the-Art Superpixel Methods", IEEE TPAMI 34(11)), in pure TypeScript for LIME's interpretable
 * features.
 *
 * Algorithm: convert sRGB to CIELAB (D65); seed k centres on a regular grid of step S = √(N/k), each moved
 * to the lowest-gradient position of its 3×3 neighbourhood; iterate local k-means where each centre only
 * searches a 2S × 2S window and the distance is D = √(d_lab² + (d_xy / S)² · m²) (m = compactness); then
 * enforce connectivity (components smaller than N/k/4 join an adjacent segment) and relabel 0..n−1.
 */
import type { RgbaImage } from '../preprocess';

export interface SlicOptions {
  /** Desired number of superpixels k ≥ 1 (the result may differ a little). Default 50. */
  segments?: number;
  /** Compactness m (CIELAB units per grid step): larger → squarer segments. Default 10. */
  compactness?: number;
  /** k-means iterations. Default 10. */
  iterations?: number;
}

export interface SlicResult {
  /** Segment label per pixel, row-major `width*height`, values 0..count−1, every segment 4-connected. */
  labels: Int32Array;
  count: number;
  width: number;
  height: number;
}

function srgbToLinear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

const LIN = Float64Array.from({ length: 256 }, (_, i) => srgbToLinear(i));

/**
 * Converts one 8-bit sRGB colour to CIELAB (D65 white, 2° observer).
 * @returns [L ∈ [0, 100], a, b] (roughly [−128, 128])
 */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = LIN[r & 255]!, G = LIN[g & 255]!, B = LIN[b & 255]!;
  const X = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const Y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const Z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const fx = f(X), fy = f(Y), fz = f(Z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/**
 * Segments an RGBA image into superpixels (alpha is ignored).
 * @param img straight RGBA, any size ≥ 1×1
 * @returns a label map with `count` ≥ 1 connected segments
 * @throws {RangeError} for a malformed image or options out of range
 */
export function slic(img: RgbaImage, opts: SlicOptions = {}): SlicResult {
  const { width: W, height: H, data } = img;
  if (!(W >= 1 && H >= 1) || data.length !== W * H * 4) throw new RangeError('slic: malformed image');
  const k = Math.max(1, Math.round(opts.segments ?? 50));
  const m = opts.compactness ?? 10;
  const iters = opts.iterations ?? 10;
  if (!(m > 0) || !(iters >= 1)) throw new RangeError('slic: compactness must be > 0 and iterations ≥ 1');
  const N = W * H;
  const L = new Float64Array(N), A = new Float64Array(N), B = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const [l, a, b] = rgbToLab(data[i * 4]!, data[i * 4 + 1]!, data[i * 4 + 2]!);
    L[i] = l; A[i] = a; B[i] = b;
  }
  const S = Math.max(1, Math.sqrt(N / k));
  // Grid seeds.
  const nx = Math.max(1, Math.round(W / S)), ny = Math.max(1, Math.round(H / S));
  const stepX = W / nx, stepY = H / ny;
  const cl: number[] = [], ca: number[] = [], cb: number[] = [], cx: number[] = [], cy: number[] = [];
  const grad = (x: number, y: number): number => {
    const at = (xx: number, yy: number) => Math.min(H - 1, Math.max(0, yy)) * W + Math.min(W - 1, Math.max(0, xx));
    const i1 = at(x + 1, y), i2 = at(x - 1, y), i3 = at(x, y + 1), i4 = at(x, y - 1);
    return (L[i1]! - L[i2]!) ** 2 + (A[i1]! - A[i2]!) ** 2 + (B[i1]! - B[i2]!) ** 2
      + (L[i3]! - L[i4]!) ** 2 + (A[i3]! - A[i4]!) ** 2 + (B[i3]! - B[i4]!) ** 2;
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let x = Math.min(W - 1, Math.floor((i + 0.5) * stepX)), y = Math.min(H - 1, Math.floor((j + 0.5) * stepY));
      if (W >= 3 && H >= 3) {
        let best = grad(x, y), bx = x, by = y;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
          const g = grad(xx, yy);
          if (g < best) { best = g; bx = xx; by = yy; }
        }
        x = bx; y = by;
      }
      const p = y * W + x;
      cl.push(L[p]!); ca.push(A[p]!); cb.push(B[p]!); cx.push(x); cy.push(y);
    }
  }
  const K = cl.length;
  const labels = new Int32Array(N).fill(-1);
  const dist = new Float64Array(N);
  const invS2 = (m * m) / (S * S);
  const win = Math.ceil(S); // search window half-size → 2S × 2S
  for (let it = 0; it < iters; it++) {
    dist.fill(Infinity);
    for (let c = 0; c < K; c++) {
      const x0 = Math.max(0, Math.floor(cx[c]! - win)), x1 = Math.min(W - 1, Math.ceil(cx[c]! + win));
      const y0 = Math.max(0, Math.floor(cy[c]! - win)), y1 = Math.min(H - 1, Math.ceil(cy[c]! + win));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const p = y * W + x;
          const dl = L[p]! - cl[c]!, da = A[p]! - ca[c]!, db = B[p]! - cb[c]!;
          const dx = x - cx[c]!, dy = y - cy[c]!;
          const d = dl * dl + da * da + db * db + (dx * dx + dy * dy) * invS2;
          if (d < dist[p]!) { dist[p] = d; labels[p] = c; }
        }
      }
    }
    // Update centres (pixels no window reached keep label −1 and are fixed below).
    const sum = new Float64Array(K * 6);
    for (let p = 0; p < N; p++) {
      const c = labels[p]!;
      if (c < 0) continue;
      const o = c * 6;
      sum[o]! += L[p]!; sum[o + 1]! += A[p]!; sum[o + 2]! += B[p]!;
      sum[o + 3]! += p % W; sum[o + 4]! += Math.floor(p / W); sum[o + 5]! += 1;
    }
    for (let c = 0; c < K; c++) {
      const o = c * 6, n = sum[o + 5]!;
      if (n === 0) continue;
      cl[c] = sum[o]! / n; ca[c] = sum[o + 1]! / n; cb[c] = sum[o + 2]! / n; cx[c] = sum[o + 3]! / n; cy[c] = sum[o + 4]! / n;
    }
  }
  // Any pixel left unassigned (only possible with tiny windows) takes the nearest centre in xy.
  for (let p = 0; p < N; p++) {
    if (labels[p]! >= 0) continue;
    const x = p % W, y = Math.floor(p / W);
    let best = 0, bd = Infinity;
    for (let c = 0; c < K; c++) { const d = (x - cx[c]!) ** 2 + (y - cy[c]!) ** 2; if (d < bd) { bd = d; best = c; } }
    labels[p] = best;
  }
  return enforceConnectivity(labels, W, H, Math.max(1, Math.floor(N / K / 4)));
}

/**
 * Relabels 4-connected components 0..n−1 in scan order; a component smaller than `minSize` is merged into
 * the segment of the previously labelled neighbour (Achanta et al.'s post-processing step).
 */
export function enforceConnectivity(labels: Int32Array, W: number, H: number, minSize: number): SlicResult {
  const N = W * H;
  const out = new Int32Array(N).fill(-1);
  const queue = new Int32Array(N);
  let next = 0;
  const sizes: number[] = [];
  for (let start = 0; start < N; start++) {
    if (out[start]! >= 0) continue;
    const lab = labels[start]!;
    // Adjacent already-labelled segment (left or up) to merge into if this component is small.
    let adjacent = -1;
    const sx = start % W, sy = Math.floor(start / W);
    if (sx > 0) adjacent = out[start - 1]!;
    else if (sy > 0) adjacent = out[start - W]!;
    let head = 0, tail = 0;
    queue[tail++] = start;
    out[start] = next;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % W, y = Math.floor(p / W);
      const nb = [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1];
      for (const q of nb) {
        if (q >= 0 && out[q]! < 0 && labels[q] === lab) { out[q] = next; queue[tail++] = q; }
      }
    }
    if (tail < minSize && adjacent >= 0) {
      for (let i = 0; i < tail; i++) out[queue[i]!] = adjacent;
      sizes[adjacent]! += tail;
    } else {
      sizes.push(tail);
      next++;
    }
  }
  return { labels: out, count: next, width: W, height: H };
}
