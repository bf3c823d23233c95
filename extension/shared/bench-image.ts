/**
 * A deterministic synthetic photo-like RGBA image for benches and scoring checks that must be the same in
 * Node and in the extension's service worker (no decoder involved): smooth colour fields plus per-pixel
 * texture from mulberry32, opaque.
 */
import type { RgbaImage } from './preprocess';
import { mulberry32 } from './rng';

/**
 * @param width, height size in pixels, integers ≥ 1
 * @param seed seed of the texture noise
 * @returns opaque straight RGBA, values in [0, 255]
 */
export function syntheticImage(width: number, height: number, seed = 1): RgbaImage {
  const r = mulberry32(seed);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const p = (y * width + x) * 4;
    const n = (r() - 0.5) * 24;
    data[p] = Math.max(0, Math.min(255, Math.round(128 + 90 * Math.sin(x / 37) * Math.cos(y / 53) + n)));
    data[p + 1] = Math.max(0, Math.min(255, Math.round(120 + 70 * Math.sin((x + y) / 71) + n)));
    data[p + 2] = Math.max(0, Math.min(255, Math.round(110 + 60 * Math.cos(y / 29) + n)));
    data[p + 3] = 255;
  }
  return { width, height, data };
}
