/** Types for the parts of omggif (MIT, https://github.com/deanm/omggif) the decoder uses. */
declare module 'omggif' {
  export class GifReader {
    constructor(buf: Uint8Array);
    width: number;
    height: number;
    numFrames(): number;
    frameInfo(frame: number): { x: number; y: number; width: number; height: number; disposal: number; has_local_palette: boolean; transparent_index: number | null; delay: number };
    /** Blits frame `frame` (its rectangle, transparent pixels skipped) into RGBA `pixels` of width × height. */
    decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array | Uint8ClampedArray): void;
  }
}
