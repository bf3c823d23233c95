/**
 * Image preprocessing shared by the extension (service worker) and `training/` (Node).
 *
 * Both sides decode an image to straight (non-premultiplied) 8-bit RGBA with their own decoder
 * (`createImageBitmap` + `OffscreenCanvas` in the browser, `sharp` in Node) and then call only the
 * functions below, so crop, resize and normalisation are bit-identical on both sides. The parity test
 * (`e2e/parity.e2e.test.ts`) checks the whole chain.
 *
 * Conventions: images are row-major RGBA `Uint8Array | Uint8ClampedArray` of length `width*height*4`;
 * model inputs are row-major HWC `Float32Array` of length `size*size*3`, the layout of a tfjs tensor of
 * shape `[size, size, 3]`, dtype float32.
 */

/** Straight 8-bit RGBA pixels, row-major, `data.length === width * height * 4`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** A rectangle in source pixels: `x, y` top-left corner, `width, height` > 0. */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How an image is brought to the model's square input.
 * - `resize`: squash the whole image to `size × size` (aspect ratio not kept).
 * - `shorter-side-center-crop`: resize so the shorter side is `size`, then cut the centre square.
 * - `center-crop`: cut the centre `size × size` square at native resolution (no resampling, which keeps
 *   the pixel-level generation traces that forensic detectors read); images smaller than `size` on a
 *   side are first upscaled so that side is `size`.
 */
export type Geometry = 'resize' | 'shorter-side-center-crop' | 'center-crop';

/**
 * How 8-bit values `v ∈ [0, 255]` become model inputs.
 * - `zero-one`: v / 255 ∈ [0, 1]
 * - `minus-one-one`: v / 127.5 − 1 ∈ [−1, 1]
 * - `raw`: v ∈ [0, 255] (the model normalises itself, as Keras' EfficientNet does)
 * - `{ mean, std }`: (v − mean[c]) / std[c], per channel, in 8-bit units (e.g. Caffe/ResNet means)
 */
export type Normalization = 'zero-one' | 'minus-one-one' | 'raw' | { mean: [number, number, number]; std: [number, number, number] };

/** Everything needed to turn decoded pixels into one model input. Stored in each model's manifest. */
export interface PreprocessSpec {
  /** Side of the square model input in pixels (e.g. 256). */
  inputSize: number;
  geometry: Geometry;
  normalization: Normalization;
  /** Channel order of the model input; default `rgb`. ResNet50 (Keras/Caffe) wants `bgr`. */
  channelOrder?: 'rgb' | 'bgr';
}

/** Largest image (in pixels, width × height) that either side agrees to decode: 40 megapixels. */
export const MAX_DECODE_PIXELS = 40_000_000;
/** Images whose shorter side is below this many pixels are not screened ("too small"). */
export const MIN_SIDE_PIXELS = 64;

function assertImage(img: RgbaImage): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
    throw new RangeError(`invalid image size ${img.width}x${img.height}`);
  }
  if (img.data.length !== img.width * img.height * 4) {
    throw new RangeError(`RGBA buffer has ${img.data.length} bytes, expected ${img.width * img.height * 4}`);
  }
}

/**
 * Parses a crop box written as `"x,y,width,height"` (the `crop` column of a manifest TSV).
 * @returns the box, or `undefined` for an empty string.
 * @throws {SyntaxError} when the text is not four non-negative integers with width, height > 0.
 */
export function parseCropBox(text: string | undefined): CropBox | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new SyntaxError(`crop must be "x,y,width,height" in whole pixels, got "${text}"`);
  }
  const [x, y, width, height] = parts.map(Number) as [number, number, number, number];
  if (width <= 0 || height <= 0) throw new SyntaxError(`crop width and height must be > 0, got "${text}"`);
  return { x, y, width, height };
}

/**
 * Cuts `box` out of `img`. The box is intersected with the image bounds first.
 * @returns a new RGBA image of the intersected size.
 * @throws {RangeError} when the box lies entirely outside the image or the image is malformed.
 */
export function cropRgba(img: RgbaImage, box: CropBox): RgbaImage {
  assertImage(img);
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(img.width, Math.floor(box.x + box.width));
  const y1 = Math.min(img.height, Math.floor(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) {
    throw new RangeError(`crop ${box.x},${box.y},${box.width},${box.height} is outside the ${img.width}x${img.height} image`);
  }
  const w = x1 - x0;
  const h = y1 - y0;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * img.width + x0) * 4;
    out.set(img.data.subarray(src, src + w * 4), y * w * 4);
  }
  return { width: w, height: h, data: out };
}

/** Precomputed 1-D resampling weights: for output index i, taps start at `start[i]`, `count[i]` long. */
interface Kernel1D {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array; // flattened, `maxTaps` per output index
  maxTaps: number;
}

/**
 * Antialiased bilinear (triangle filter) weights, the scheme of Pillow's `Image.resize(BILINEAR)`:
 * the filter support widens with the downscale factor so that every source pixel contributes.
 */
function triangleKernel(inSize: number, outSize: number): Kernel1D {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle support is 1 at scale 1
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    let total = 0;
    let n = 0;
    for (let j = lo; j < hi && n < maxTaps; j++, n++) {
      const t = Math.abs((j + 0.5 - center) / filterScale);
      const w = t < 1 ? 1 - t : 0;
      weights[i * maxTaps + n] = w;
      total += w;
    }
    if (total === 0) {
      // Degenerate (can only happen at the border): nearest source pixel.
      weights[i * maxTaps] = 1;
      start[i] = Math.min(inSize - 1, Math.max(0, Math.floor(center)));
      count[i] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[i * maxTaps + k]! /= total;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

/**
 * Resizes RGBA pixels with an antialiased bilinear (triangle) filter, separably: rows, then columns.
 * Pixels are first composited over black (RGB × alpha / 255) so that transparent pixels, whose colour
 * browsers do not keep, cannot differ between decoders; the result is opaque.
 * @param img source image
 * @param outWidth, outHeight target size in pixels, integers ≥ 1
 * @returns new RGBA image, alpha 255, values rounded to the nearest integer
 * @throws {RangeError} for a malformed image or a target size < 1
 */
export function resizeRgba(img: RgbaImage, outWidth: number, outHeight: number): RgbaImage {
  assertImage(img);
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth < 1 || outHeight < 1) {
    throw new RangeError(`invalid target size ${outWidth}x${outHeight}`);
  }
  const { width: w, height: h, data } = img;
  const kx = triangleKernel(w, outWidth);
  const ky = triangleKernel(h, outHeight);
  // Horizontal pass into float RGB (over black).
  const tmp = new Float32Array(outWidth * h * 3);
  for (let y = 0; y < h; y++) {
    const row = y * w * 4;
    for (let i = 0; i < outWidth; i++) {
      let r = 0, g = 0, b = 0;
      const s = kx.start[i]!, n = kx.count[i]!, base = i * kx.maxTaps;
      for (let k = 0; k < n; k++) {
        const p = row + (s + k) * 4;
        const a = data[p + 3]! / 255;
        const wgt = kx.weights[base + k]!;
        r += data[p]! * a * wgt;
        g += data[p + 1]! * a * wgt;
        b += data[p + 2]! * a * wgt;
      }
      const o = (y * outWidth + i) * 3;
      tmp[o] = r; tmp[o + 1] = g; tmp[o + 2] = b;
    }
  }
  // Vertical pass.
  const out = new Uint8Array(outWidth * outHeight * 4);
  for (let j = 0; j < outHeight; j++) {
    const s = ky.start[j]!, n = ky.count[j]!, base = j * ky.maxTaps;
    for (let i = 0; i < outWidth; i++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const p = ((s + k) * outWidth + i) * 3;
        const wgt = ky.weights[base + k]!;
        r += tmp[p]! * wgt;
        g += tmp[p + 1]! * wgt;
        b += tmp[p + 2]! * wgt;
      }
      const o = (j * outWidth + i) * 4;
      out[o] = clamp255(r);
      out[o + 1] = clamp255(g);
      out[o + 2] = clamp255(b);
      out[o + 3] = 255;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

function clamp255(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * Where the model's square input comes from in the source image, in source pixels, for `geometry`.
 * The explanation module uses it to map heatmaps back onto the image the user sees.
 * @returns the source rectangle (may be the whole image) that is scaled to `size × size`.
 */
export function inputRegion(width: number, height: number, size: number, geometry: Geometry): CropBox {
  if (geometry === 'resize') return { x: 0, y: 0, width, height };
  if (geometry === 'shorter-side-center-crop' || Math.min(width, height) < size) {
    const side = Math.min(width, height);
    return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), width: side, height: side };
  }
  return { x: Math.floor((width - size) / 2), y: Math.floor((height - size) / 2), width: size, height: size };
}

/**
 * Brings decoded pixels to the model's square input (geometry only, no normalisation).
 * @param img decoded RGBA
 * @param spec the model's preprocessing spec
 * @param crop optional box cut first (the `crop` column of a manifest), in source pixels
 * @returns RGBA of exactly `spec.inputSize × spec.inputSize`
 * @throws {RangeError} for malformed images or crops outside the image
 */
export function toInputPixels(img: RgbaImage, spec: PreprocessSpec, crop?: CropBox): RgbaImage {
  let src = crop ? cropRgba(img, crop) : img;
  assertImage(src);
  const size = spec.inputSize;
  const region = inputRegion(src.width, src.height, size, spec.geometry);
  if (region.x !== 0 || region.y !== 0 || region.width !== src.width || region.height !== src.height) {
    src = cropRgba(src, region);
  }
  // Also at identity size: resizeRgba composites over black, which keeps both decoders consistent.
  return resizeRgba(src, size, size);
}

/**
 * Per-channel affine map of a `Normalization`: model input = v · mul[c] + add[c] for an 8-bit value v.
 * @returns three multipliers and three offsets (float64)
 */
function normalizationCoefficients(norm: Normalization): { mul: number[]; add: number[] } {
  if (norm === 'zero-one') return { mul: [1 / 255, 1 / 255, 1 / 255], add: [0, 0, 0] };
  if (norm === 'minus-one-one') return { mul: [1 / 127.5, 1 / 127.5, 1 / 127.5], add: [-1, -1, -1] };
  if (norm === 'raw') return { mul: [1, 1, 1], add: [0, 0, 0] };
  return { mul: norm.std.map((s) => 1 / s), add: norm.mean.map((m, c) => -m / norm.std[c]!) };
}

/**
 * Converts square RGBA pixels to a normalised HWC float input.
 * @returns Float32Array of length `size*size*3` (tensor shape `[size, size, 3]`, float32), values in the
 *   range given by `normalization`.
 * @throws {RangeError} when `img` is not `spec.inputSize` square.
 */
export function normalizePixels(img: RgbaImage, spec: PreprocessSpec): Float32Array {
  assertImage(img);
  if (img.width !== spec.inputSize || img.height !== spec.inputSize) {
    throw new RangeError(`expected ${spec.inputSize}x${spec.inputSize} pixels, got ${img.width}x${img.height}`);
  }
  const n = img.width * img.height;
  const out = new Float32Array(n * 3);
  const bgr = spec.channelOrder === 'bgr';
  const { mul, add } = normalizationCoefficients(spec.normalization);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const srcC = bgr ? 2 - c : c;
      out[i * 3 + c] = img.data[i * 4 + srcC]! * mul[c]! + add[c]!;
    }
  }
  return out;
}

/**
 * The whole chain: optional crop → geometry → normalisation.
 * @returns Float32Array, shape `[spec.inputSize, spec.inputSize, 3]` row-major, float32.
 * @throws {RangeError} as `toInputPixels` and `normalizePixels`.
 */
export function preprocess(img: RgbaImage, spec: PreprocessSpec, crop?: CropBox): Float32Array {
  return normalizePixels(toInputPixels(img, spec, crop), spec);
}

/**
 * A native-resolution region as a normalised model input, in one pass: the same values, bit for bit, as
 * `normalizePixels(resizeRgba(cropRgba(img, box), box.width, box.height), spec)` (an identity-size
 * `resizeRgba` only composites over black: `round(fround(v · alpha / 255))`), without the intermediate
 * images. Used for the tiles and whole-image passes of patch models (`tiling.ts`).
 * @param box integer rectangle inside the image (not clipped)
 * @returns Float32Array of `box.width · box.height · 3` (HWC, shape `[box.height, box.width, 3]`)
 * @throws {RangeError} for a malformed image or a box not inside it
 */
export function normalizeRegion(img: RgbaImage, box: CropBox, spec: Pick<PreprocessSpec, 'normalization' | 'channelOrder'>): Float32Array {
  assertImage(img);
  const { x, y, width: w, height: h } = box;
  if (![x, y, w, h].every(Number.isInteger) || x < 0 || y < 0 || w < 1 || h < 1 || x + w > img.width || y + h > img.height) {
    throw new RangeError(`region ${x},${y},${w},${h} is not inside the ${img.width}x${img.height} image`);
  }
  const { mul, add } = normalizationCoefficients(spec.normalization);
  const [m0, m1, m2] = mul as [number, number, number];
  const [a0, a1, a2] = add as [number, number, number];
  const bgr = spec.channelOrder === 'bgr';
  const d = img.data;
  const out = new Float32Array(w * h * 3);
  let o = 0;
  for (let j = 0; j < h; j++) {
    let p = ((y + j) * img.width + x) * 4;
    for (let i = 0; i < w; i++, p += 4, o += 3) {
      const alpha = d[p + 3]!;
      let r = d[p]!, g = d[p + 1]!, b = d[p + 2]!;
      if (alpha !== 255) {
        const a = alpha / 255;
        r = clamp255(Math.fround(r * a)); g = clamp255(Math.fround(g * a)); b = clamp255(Math.fround(b * a));
      }
      if (bgr) { const t = r; r = b; b = t; }
      out[o] = r * m0 + a0;
      out[o + 1] = g * m1 + a1;
      out[o + 2] = b * m2 + a2;
    }
  }
  return out;
}
