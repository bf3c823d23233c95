/**
 * A cheap frequency baseline: the azimuthally averaged power spectrum of a high-pass residual
 * (Durall et al., "Watch your up-convolution", CVPR 2020; Dzanic et al. 2020), fed to L2 logistic
 * regression. Trained on the same label-blind augmented regions as the patch CNN (`patch-cache.ts`),
 * scored on the held-out image's native-resolution centre crop — a comparison point for `npr-patch-cnn`
 * in leave-one-source-out:
 *
 *   nice npx tsx training/cli/loso.ts --manifest ../shared/data/MANIFEST.tsv \
 *     --trainer training/train/spectrum.ts#makeTrainer --p-native=0.5 --out out/loso/spectrum
 */
import type { TrainerFactory } from '../cli/loso';
import { imageScorer, fitLogistic, linearLogit, type TrainFn } from '../eval/loso';
import { loadRecords, type Rec } from '../data/manifest';
import { buildPatchCache, defaultCacheFile, regionOffset } from './patch-cache';
import { fitPlatt } from './calibration';
import { sigmoid } from '../../extension/shared/verdict';
import { inputRegion, cropRgba, type RgbaImage } from '../../extension/shared/preprocess';
import { balancedLogLoss } from '../eval/loso';

/** In-place radix-2 complex FFT of length n (power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { [re[i], re[j]] = [re[j]!, re[i]!]; [im[i], im[j]] = [im[j]!, im[i]!]; }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k), wi = Math.sin(ang * k);
        const a = i + k, b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi, xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr; im[b] = im[a]! - xi;
        re[a]! += xr; im[a]! += xi;
      }
    }
  }
}

/**
 * Log radial power spectrum of the Laplacian residual of the luma of an `s × s` RGB (HWC, 0..255)
 * square, s a power of two.
 * @returns Float32Array of `bins` values: log of the mean power in equal-width radius bins from 0 to
 *   s/2 (azimuthal average), minus their mean
 */
export function radialSpectrum(rgb: ArrayLike<number>, s: number, bins = 32): Float32Array {
  const y = new Float64Array(s * s);
  for (let i = 0; i < s * s; i++) y[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  const re = new Float64Array(s * s), im = new Float64Array(s * s);
  for (let r = 0; r < s; r++) for (let c = 0; c < s; c++) {
    const at = (rr: number, cc: number) => y[Math.min(s - 1, Math.max(0, rr)) * s + Math.min(s - 1, Math.max(0, cc))]!;
    re[r * s + c] = 4 * at(r, c) - at(r - 1, c) - at(r + 1, c) - at(r, c - 1) - at(r, c + 1);
  }
  const rr = new Float64Array(s), ri = new Float64Array(s);
  for (let r = 0; r < s; r++) { rr.set(re.subarray(r * s, (r + 1) * s)); ri.fill(0); fft(rr, ri); re.set(rr, r * s); im.set(ri, r * s); }
  for (let c = 0; c < s; c++) {
    for (let r = 0; r < s; r++) { rr[r] = re[r * s + c]!; ri[r] = im[r * s + c]!; }
    fft(rr, ri);
    for (let r = 0; r < s; r++) { re[r * s + c] = rr[r]!; im[r * s + c] = ri[r]!; }
  }
  const sum = new Float64Array(bins), cnt = new Float64Array(bins);
  for (let u = 0; u < s; u++) for (let v = 0; v < s; v++) {
    const fu = u <= s / 2 ? u : u - s, fv = v <= s / 2 ? v : v - s;
    const rad = Math.sqrt(fu * fu + fv * fv);
    const b = Math.min(bins - 1, Math.floor((rad / (s / 2)) * bins));
    if (rad > s / 2) continue;
    sum[b]! += re[u * s + v]! ** 2 + im[u * s + v]! ** 2;
    cnt[b]! += 1;
  }
  const out = new Float32Array(bins);
  for (let b = 0; b < bins; b++) out[b] = Math.log(1e-6 + (cnt[b]! ? sum[b]! / cnt[b]! : 0));
  // remove overall energy (contrast), keep the spectral shape
  const m = out.reduce((a, v) => a + v, 0) / bins;
  for (let b = 0; b < bins; b++) out[b]! -= m;
  return out;
}

/** `TrainerFactory` for the LOSO harness (options `--p-native=`, `--cache=`). */
export const makeTrainer: TrainerFactory = async ({ args }) => {
  const records = await loadRecords(String(args.manifest), args.root as string | undefined);
  const pNative = Number(args['p-native'] ?? 0);
  const cache = await buildPatchCache(records, String(args.cache ?? defaultCacheFile(pNative)), { region: 128, variants: 6, seed: 1, pNative });
  const R = cache.region;
  const feats = new Map<string, Float32Array[]>();
  for (const r of records) {
    const i = cache.index.get(r.path)!;
    feats.set(r.path, Array.from({ length: cache.variants }, (_, v) => radialSpectrum(cache.data.subarray(regionOffset(cache, i, v), regionOffset(cache, i, v) + R * R * 3), R)));
  }
  const fn: TrainFn<Rec> = async (train, val) => {
    const X = train.flatMap((r) => feats.get(r.path)!), y = train.flatMap((r) => feats.get(r.path)!.map(() => r.y));
    const mean = (r: Rec, m: ReturnType<typeof fitLogistic>) => feats.get(r.path)!.reduce((a, x) => a + linearLogit(m, x), 0) / cache.variants;
    let best: { m: ReturnType<typeof fitLogistic>; loss: number } | undefined;
    for (const l2 of [1e-3, 1e-2, 1e-1, 1]) {
      const m = fitLogistic(X, y, { l2, iters: 300 });
      const loss = balancedLogLoss(val.map((r) => r.y), val.map((r) => mean(r, m)));
      if (!best || loss < best.loss) best = { m, loss };
    }
    const zv = val.map((r) => mean(r, best!.m));
    const platt = fitPlatt(zv, val.map((r) => r.y));
    return imageScorer(async (images: RgbaImage[]) => images.map((img) => {
      const box = inputRegion(img.width, img.height, R, 'center-crop');
      const c = cropRgba(img, box);
      if (c.width < R || c.height < R) return { probability: NaN };
      const rgb = new Float32Array(R * R * 3);
      for (let k = 0; k < R * R; k++) { rgb[k * 3] = c.data[k * 4]!; rgb[k * 3 + 1] = c.data[k * 4 + 1]!; rgb[k * 3 + 2] = c.data[k * 4 + 2]!; }
      const z = linearLogit(best!.m, radialSpectrum(rgb, R));
      return { logit: z, probability: sigmoid(platt.a * z + platt.b) };
    }));
  };
  return fn;
};
