/**
 * Face finder bench (`npm run bench`, lines `bench: 'faces'`): median ms per avatar of
 * `FaceDetector.detect` (letterbox, BlazeFace, decoding; not image decoding) on wasm, in Node and in
 * Chromium's extension service worker (`__synthscreenTest.timeFaces`, test build), for square avatars of
 * 64, 128, 256 and 400 px. The bench image has no face, so every zoom pass of the manifest runs: the worst
 * case. In Node, the FFHQ portrait of `../shared/data` (when present) is timed too (one pass: a face is found).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initTf } from '../training/node/backend';
import { decodeFile } from '../training/node/decode';
import { REPO_ROOT, SHARED_DIR } from '../training/node/paths';
import { loadFaceDetector } from '../extension/shared/face/model';
import { syntheticImage } from '../extension/shared/bench-image';
import { resizeRgba, type RgbaImage } from '../extension/shared/preprocess';

export const FACE_BENCH_SIDES = [64, 128, 256, 400];

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times the face finder in Node on tfjs wasm.
 * @param runs timed runs per size (after one warm-up)
 * @returns one record per image kind and size
 */
export async function benchFacesNode(runs = 15): Promise<Array<Record<string, unknown>>> {
  const dir = join(REPO_ROOT, 'models', 'face');
  if (!existsSync(join(dir, 'manifest.json'))) return [{ bench: 'faces', skipped: 'models/face/manifest.json missing' }];
  const { tf, backend } = await initTf({ want: 'inference', backend: 'wasm', quiet: true });
  const det = await loadFaceDetector(tf, JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), async (p) => new Uint8Array(readFileSync(join(dir, p))));
  const ffhqPath = join(SHARED_DIR, 'data', 'eyes-that-faces', 'real', 'eyes-that-faces-real-0001.jpg');
  const ffhq = existsSync(ffhqPath) ? await decodeFile(ffhqPath) : undefined;
  const out: Array<Record<string, unknown>> = [];
  for (const side of FACE_BENCH_SIDES) {
    const kinds: Array<[string, RgbaImage]> = [['no-face (all zoom passes)', syntheticImage(side, side, 1)]];
    if (ffhq) kinds.push(['FFHQ portrait (face found in the first pass)', resizeRgba(ffhq, side, side)]);
    for (const [image, img] of kinds) {
      await det.detect(img);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await det.detect(img);
        times.push(performance.now() - t0);
      }
      out.push({ bench: 'faces', where: 'node', backend, model: det.id, image, side, runs, msPerAvatarMedian: +median(times).toFixed(2) });
    }
  }
  det.dispose();
  return out;
}
