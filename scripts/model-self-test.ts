/**
 * `npm run model:self-test [-- <model folder>]` (default models/default): computes the backend
 * self-test record (`extension/shared/self-test.ts`) with tfjs's cpu backend in Node — the reference —
 * and writes `<model folder>/self-test.json`. The build packages it next to the model; the service worker
 * checks its active backend against it at start-up. Rerun after retraining (a stale record is ignored).
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initTf } from '../training/node/backend';
import { loadDetectorFromDir } from '../training/node/model-dir';
import { filesKey, SELF_TEST_TOLERANCE, selfTestInput, type SelfTestRecord } from '../extension/shared/self-test';

const dir = resolve(process.argv[2] ?? 'models/default');
const { tf } = await initTf({ want: 'training', quiet: true, forcePure: true });
await tf.setBackend('cpu');
const detector = await loadDetectorFromDir(tf, dir);
const seed = 20261204;
const [logit] = await detector.logits([selfTestInput(detector.manifest.preprocess, seed)]);
const rec: SelfTestRecord = { model: detector.id, filesSha256: filesKey(detector.manifest.files), seed, logit: logit!, tolerance: SELF_TEST_TOLERANCE, reference: `tfjs ${tf.getBackend()} (Node)` };
await writeFile(join(dir, 'self-test.json'), JSON.stringify(rec, null, 2) + '\n');
console.log(JSON.stringify(rec));
detector.dispose();
