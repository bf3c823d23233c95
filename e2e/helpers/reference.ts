/**
 * Node reference for the e2e checks: the same model files scored with `loadDetector` on tfjs wasm (the
 * browser's fastest backend here too), the same bytes decoded with sharp (`training/node/decode.ts`)
 * and the same `preprocess.ts`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDetector, inputsForImage, type Detector } from '../../extension/shared/detector';
import { initTf } from '../../training/node/backend';
import { decodeImage } from '../../training/node/decode';

export interface Reference {
  detector: Detector;
  /** Probability for encoded bytes, or the decode error message. */
  probability(bytes: Buffer): Promise<number>;
  /** The first model input (HWC float32) for encoded bytes. */
  input(bytes: Buffer): Promise<Float32Array>;
}

/** Loads the model folder `dir` in Node. */
export async function loadReference(dir: string): Promise<Reference> {
  const { tf } = await initTf({ want: 'inference', quiet: true, forcePure: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  const detector = await loadDetector(tf, manifest, async (p) => new Uint8Array(await readFile(join(dir, p))));
  return {
    detector,
    async probability(bytes) {
      const image = await decodeImage(bytes);
      const [s] = await detector.score([{ image }]);
      return s!.probability;
    },
    async input(bytes) {
      return inputsForImage(await decodeImage(bytes), detector.manifest)[0]!;
    },
  };
}
