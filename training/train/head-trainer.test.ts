import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { fitHead, headLogit } from './head-trainer';
import { mulberry32 } from '../data/rng';

test('fitHead separates two Gaussian clouds and keeps the best-validation checkpoint', async () => {
  await tf.setBackend('cpu');
  const rng = mulberry32(7);
  const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
  const make = (n: number, shift: number) => Array.from({ length: n }, () => Float32Array.from({ length: 8 }, (_, j) => gauss() + (j < 2 ? shift : 0) + 5));
  const X = [...make(150, 0), ...make(50, 2)];
  const y = [...Array(150).fill(0), ...Array(50).fill(1)];
  const Xv = [...make(40, 0), ...make(40, 2)];
  const yv = [...Array(40).fill(0), ...Array(40).fill(1)];
  const h = await fitHead(X, y, Xv, yv, { epochs: 20, units: 16, dropout: 0.1, lr: 0.01, seed: 3 });
  try {
    assert.ok(h.bestEpoch >= 1 && h.bestEpoch <= 20);
    // Standardisation statistics are those of the training vectors (feature 7: N(5, 1)).
    assert.ok(Math.abs(h.mean[7]! - 5) < 0.2, `mean ${h.mean[7]}`);
    const zPos = headLogit(h, Float32Array.from({ length: 8 }, (_, j) => (j < 2 ? 7 : 5)));
    const zNeg = headLogit(h, Float32Array.from({ length: 8 }, () => 5));
    assert.ok(zPos > 0.5 && zNeg < -0.5, `logits ${zPos} / ${zNeg}`);
    // Class-balanced: the validation loss is well under ln 2 although classes are 3:1 in training.
    assert.ok(h.bestValLoss < 0.45, `val loss ${h.bestValLoss}`);
  } finally {
    h.model.dispose();
  }
  await assert.rejects(() => fitHead([new Float32Array(2)], [0], [], []), RangeError);
});
