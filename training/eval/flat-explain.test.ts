/**
 * Issue 13, item 12 ("explanations on flat images"): on a uniform grey image the shipped detector's
 * Grad-CAM, LayerCAM and Ablation-CAM returned 0.68–1.0 everywhere, drawn as a warm overlay "where the
 * score was raised". With the spread threshold of `finishMap` (`MIN_SPREAD_FRACTION`) every method says
 * "no localised evidence" (`empty`) on uniform grey, black and white images; a map with one hot cell
 * is still localised. Skips when models/default is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initTf } from '../node/backend';
import { loadDetectorFromDir } from '../node/model-dir';
import { REPO_ROOT } from '../node/paths';
import { ensureGradientKernels } from '../../extension/shared/tf/wasm-grads';
import { explainImage, finishMap } from '../../extension/shared/explain/index';
import type { RgbaImage } from '../../extension/shared/preprocess';

const MODEL = join(REPO_ROOT, 'models', 'default');
const skip = existsSync(join(MODEL, 'manifest.json')) ? undefined : 'models/default is absent';

const flat = (v: number, size = 300): RgbaImage => ({ width: size, height: size, data: new Uint8Array(size * size * 4).fill(v).map((x, i) => (i % 4 === 3 ? 255 : x)) });

test('item 12: finishMap reports a near-uniform map as empty (spread threshold), a localised one not', () => {
  assert.equal(finishMap([0.68, 1, 0.9, 0.75], 1).empty, true);
  assert.equal(finishMap([0.1, 1, 0.2, 0.05], 1).empty, false);
  const hot = new Array(64).fill(0.2); hot[9] = 1;
  assert.equal(finishMap(hot, 1).empty, false);
});

test('item 12: the shipped detector gives "no localised evidence" on flat grey, black and white images', { skip, timeout: 300_000 }, async () => {
  const { tf } = await initTf({ want: 'inference', quiet: true });
  ensureGradientKernels(tf.getBackend());
  const detector = await loadDetectorFromDir(tf, MODEL);
  try {
    for (const [name, v] of [['grey', 128], ['black', 0], ['white', 255]] as const) {
      for (const method of ['gradcam', 'layercam', 'ablationcam'] as const) {
        const r = await explainImage(tf, detector, flat(v), { method });
        assert.equal(r.empty, true, `${name}/${method}: map ${Math.min(...r.map).toFixed(2)}..${Math.max(...r.map).toFixed(2)}`);
        assert.ok(r.map.every((x) => x === 0));
      }
    }
  } finally {
    detector.dispose();
  }
});
