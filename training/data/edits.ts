/**
 * Film-like edits for the regression measurement of issue 13, item 9 ("added grain plus a colour tint turns
 * 20/20 AI images into Likely real"): `filmEdit` adds Gaussian grain and a warm colour tint, then re-encodes
 * as JPEG, as a phone "film" filter or an editing app's grain slider does. The review kept its own exact
 * edit back for independent checks; this is the project's own, fixed and deterministic (seeded), so the
 * number in the model card can be re-measured (`npm run bench -- --only-edits`, `scripts/bench-edits.ts`).
 */
import type { RgbaImage } from '../../extension/shared/preprocess';
import { jpegRoundTrip } from './degrade';
import { gaussian, mulberry32 } from './rng';

/** The edit's parameters. */
export interface FilmEditOptions {
  /** Standard deviation of the added grain, 8-bit levels, one draw per pixel shared by R, G, B (luma grain) plus `chromaStd` per channel. */
  grainStd: number;
  /** Extra per-channel grain std (colour noise), 8-bit levels. */
  chromaStd: number;
  /** Per-channel gain and offset of the tint: `out = in · gain + offset` (R, G, B). */
  gain: [number, number, number];
  offset: [number, number, number];
  /** JPEG quality of the final re-encode (1..100), or 0 for none. */
  jpegQuality: number;
}

/** The edit measured in the model card: luma grain σ 8, colour grain σ 2, a warm tint, JPEG q85. */
export const FILM_EDIT: FilmEditOptions = { grainStd: 8, chromaStd: 2, gain: [1.06, 1.0, 0.9], offset: [8, 2, 0], jpegQuality: 85 };

/**
 * Grain and tint only (no JPEG), deterministic for a seed: for each pixel one luma draw `g ~ N(0, 1)` and
 * three chroma draws `c_k ~ N(0, 1)` (mulberry32 + Box–Muller, `rng.ts`), in that order, row-major; then
 * `out_k = round(clamp(in_k · gain_k + offset_k + grainStd · g + chromaStd · c_k, 0, 255))`. Alpha is kept.
 * @param img straight RGBA
 * @param seed uint32 seed of the grain
 * @returns a new RGBA image of the same size
 */
export function grainAndTint(img: RgbaImage, seed: number, opts: Pick<FilmEditOptions, 'grainStd' | 'chromaStd' | 'gain' | 'offset'> = FILM_EDIT): RgbaImage {
  const rng = mulberry32(seed >>> 0);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i += 4) {
    const g = gaussian(rng);
    for (let k = 0; k < 3; k++) {
      const c = gaussian(rng);
      const v = img.data[i + k]! * opts.gain[k]! + opts.offset[k]! + opts.grainStd * g + opts.chromaStd * c;
      out[i + k] = Math.round(Math.min(255, Math.max(0, v)));
    }
    out[i + 3] = img.data[i + 3]!;
  }
  return { width: img.width, height: img.height, data: out };
}

/**
 * The full film-like edit: `grainAndTint`, then a JPEG round trip at `opts.jpegQuality` (sharp).
 * @returns RGBA (alpha 255 after the JPEG stage)
 */
export async function filmEdit(img: RgbaImage, seed: number, opts: FilmEditOptions = FILM_EDIT): Promise<RgbaImage> {
  const edited = grainAndTint(img, seed, opts);
  return opts.jpegQuality > 0 ? jpegRoundTrip(edited, opts.jpegQuality) : edited;
}
