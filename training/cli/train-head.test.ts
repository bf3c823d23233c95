/**
 * train-head: backbone + head exported as one model must give the head's logit on the backbone's features
 * (standardisation folded into the first dense layer). Needs ../shared/weights (skips without it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildShippedModel } from './train-head';
import { fitHead, headLogit } from '../train/head-trainer';
import { loadMobileNetV2Features, mobileNetV2Path, MOBILENET_V2_PREPROCESS } from '../models/mobilenet-v2';
import { preprocess, type RgbaImage } from '../../extension/shared/preprocess';
import { mulberry32 } from '../data/rng';

const SKIP = mobileNetV2Path() === null && '../shared/weights (Coral MobileNetV2) not found; skipping the shipped-model folding test';

function testImage(seed: number, w = 260, h = 240): RgbaImage {
  const rng = mulberry32(seed);
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 4;
    data[o] = (x * 3 + rng() * 40) & 255; data[o + 1] = (y * 2 + rng() * 40) & 255; data[o + 2] = ((x ^ y) + rng() * 40) & 255; data[o + 3] = 255;
  }
  return { width: w, height: h, data: data as unknown as Uint8ClampedArray };
}

test('buildShippedModel reproduces headLogit(backbone features) with the standardisation folded in', { skip: SKIP }, async () => {
  await tf.setBackend('cpu');
  const backbone = await loadMobileNetV2Features(tf, { layer: 'concat' });
  const imgs = [testImage(1), testImage(2), testImage(3), testImage(4)];
  const inputs = imgs.map((im) => preprocess(im, MOBILENET_V2_PREPROCESS));
  const batch = tf.tensor4d(Float32Array.from(inputs.flatMap((x) => Array.from(x))), [4, 224, 224, 3]);
  const feats = (backbone.predict(batch) as tf.Tensor).arraySync() as number[][];
  const X = feats.map((f) => Float32Array.from(f));
  // A head fitted on these four vectors (labels 0,1,0,1), so its weights and statistics are not trivial.
  const head = await fitHead(X, [0, 1, 0, 1], [], [], { epochs: 3, units: 8, dropout: 0, seed: 5 });
  const shipped = await buildShippedModel(head);
  const z = (shipped.predict(batch) as tf.Tensor).dataSync();
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(z[i]! - headLogit(head, X[i]!)) < 1e-3, `image ${i}: ${z[i]} vs ${headLogit(head, X[i]!)}`);
  assert.equal(shipped.inputs[0]!.shape.join(','), ',224,224,3');
  assert.ok(shipped.getLayer('mnv2_61_conv_2d'), 'the explained conv layer is kept');
  tf.dispose([batch]); shipped.dispose(); head.model.dispose(); backbone.dispose();
});
