/**
 * CMYK (and YCCK) JPEGs decoded the same way on both sides (issue 13, item 10): browsers and libvips
 * convert CMYK to RGB differently (Chromium's decoder vs libvips' fallback CMYK ICC profile: 13.9 levels
 * apart on average in the review, Δp up to 0.10), so neither is used for these files. Both the service
 * worker (`background/decode.ts`) and the Node decoder (`training/node/decode.ts`) decode them with the
 * same pure-JavaScript decoder, jpeg-js (its CMYK → RGB formula, Adobe inversion and YCCK transform),
 * then apply the EXIF orientation here. Embedded ICC profiles are ignored on both sides.
 */
import { decode as decodeJpeg } from 'jpeg-js';
import type { RgbaImage } from './preprocess';
import { MAX_SOURCE_PIXELS } from './format-policy';

/**
 * Applies an EXIF orientation (1..8, TIFF tag 0x0112) to an RGBA image.
 * @param img straight RGBA, `width × height`
 * @param orientation 1 = as stored; 2 mirror; 3 rotate 180°; 4 flip; 5 transpose; 6 rotate 90° clockwise;
 *   7 transverse; 8 rotate 90° anticlockwise (the display transform, as browsers and sharp's `rotate()` apply it)
 * @returns a new image (5..8 swap width and height); the same object for 1 or unknown values
 */
export function orient(img: RgbaImage, orientation: number | undefined): RgbaImage {
  const o = orientation ?? 1;
  if (o < 2 || o > 8) return img;
  const { width: w, height: h, data } = img;
  const swap = o >= 5;
  const W = swap ? h : w, H = swap ? w : h;
  const out = new Uint8Array(W * H * 4);
  const src32 = new Uint32Array(data.buffer, data.byteOffset, w * h);
  const dst32 = new Uint32Array(out.buffer);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sx: number, sy: number;
      switch (o) {
        case 2: sx = w - 1 - x; sy = y; break;
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;
        case 4: sx = x; sy = h - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = h - 1 - x; break;
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;
        default: sx = w - 1 - y; sy = x; break; // 8
      }
      dst32[y * W + x] = src32[sy * w + sx]!;
    }
  }
  return { width: W, height: H, data: out };
}

/**
 * Decodes a 4-component JPEG (CMYK or YCCK) to straight RGBA with jpeg-js, orientation applied.
 * @param bytes the JPEG file
 * @param orientation EXIF orientation from the header (`sniffImageHeader`), 1..8
 * @returns RGBA, alpha 255, displayed size
 * @throws Error from jpeg-js for corrupt data, or above `MAX_SOURCE_PIXELS` / 1 GiB of decoder memory
 */
export function decodeCmykJpeg(bytes: Uint8Array, orientation?: number): RgbaImage {
  // The data must be 4-byte aligned for the Uint32 view in `orient`.
  const raw = decodeJpeg(bytes, {
    useTArray: true, formatAsRGBA: true, tolerantDecoding: false,
    maxResolutionInMP: MAX_SOURCE_PIXELS / 1e6, maxMemoryUsageInMB: 1024,
  });
  const data = raw.data.byteOffset % 4 === 0 ? raw.data : raw.data.slice();
  return orient({ width: raw.width, height: raw.height, data }, orientation);
}
