/**
 * Face evidence in the service worker: loads the packaged face model (`face-model/manifest.json`, copied
 * from `models/face/` by the build, every file sha256-verified by `loadFaceDetector`) with
 * `tf.loadGraphModel` on the backend the detector chose, and turns a decoded profile photo into a
 * `FaceEvidence` item (`extension/shared/face/evidence.ts`). Never throws: a missing or broken face model,
 * or a backend error, gives `status: 'failed'` and the verdict falls back to provenance and pixels.
 */
import browser from 'webextension-polyfill';
import type { FaceEvidence } from '../extension/shared/messages';
import type { RgbaImage } from '../extension/shared/preprocess';
import { loadFaceDetector, type FaceDetector } from '../extension/shared/face/model';
import { faceEvidenceOf, faceFailure } from '../extension/shared/face/evidence';
import { tf } from './tf-backend';

let loaded: { backend: string; detector: Promise<FaceDetector> } | undefined;
/** Id shown when the model never loaded. */
const UNKNOWN_MODEL = 'face-model';

async function readPackaged(path: string): Promise<Uint8Array> {
  const res = await fetch(browser.runtime.getURL(`face-model/${path}`));
  if (!res.ok) throw new Error(`face model file ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The face detector on the active tfjs backend, loaded on first use and again after a backend change
 * (the detector's failover switches backends; a graph model's weights live on one backend).
 * @throws when `face-model/manifest.json` is missing or a file does not verify
 */
export function getFaceDetector(): Promise<FaceDetector> {
  const backend = tf.getBackend();
  if (loaded && loaded.backend === backend) return loaded.detector;
  const old = loaded;
  const detector = (async () => {
    if (old) await old.detector.then((d) => d.dispose(), () => undefined);
    const res = await fetch(browser.runtime.getURL('face-model/manifest.json')).catch(() => undefined);
    if (!res || !res.ok) throw new Error('no face model is packaged (face-model/manifest.json missing)');
    return loadFaceDetector(tf, await res.json(), readPackaged);
  })();
  loaded = { backend, detector };
  detector.catch(() => { if (loaded?.detector === detector) loaded = undefined; }); // try again next time
  return detector;
}

/**
 * Face evidence for one decoded image (profile photos).
 * @param image decoded RGBA
 * @returns the evidence item; `status: 'failed'` with a message when the face finder could not run
 */
export async function faceEvidenceFor(image: RgbaImage): Promise<FaceEvidence> {
  let det: FaceDetector;
  try {
    det = await getFaceDetector();
  } catch (e) {
    return faceFailure(UNKNOWN_MODEL, `face model unavailable: ${(e as Error)?.message ?? String(e)}`);
  }
  try {
    return faceEvidenceOf(det.id, await det.detect(image), det.manifest.alignment);
  } catch (e) {
    return faceFailure(det.id, `face finder failed: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Drops the loaded face model (tests, reloads). */
export function disposeFaceDetector(): void {
  const old = loaded;
  loaded = undefined;
  void old?.detector.then((d) => d.dispose(), () => undefined);
}
