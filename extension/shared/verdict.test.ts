import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logit, sigmoid, verdictFor } from './verdict';

test('verdictFor applies threshold and unsure band', () => {
  assert.equal(verdictFor(0.7, 0.5, 0.2), 'synthetic');
  assert.equal(verdictFor(0.6, 0.5, 0.2), 'synthetic'); // boundary t + w/2 is synthetic
  assert.equal(verdictFor(0.59, 0.5, 0.2), 'unsure');
  assert.equal(verdictFor(0.4, 0.5, 0.2), 'unsure');
  assert.equal(verdictFor(0.39, 0.5, 0.2), 'real');
  assert.equal(verdictFor(0.5, 0.5), 'synthetic');
  assert.equal(verdictFor(0.49, 0.5), 'real');
  assert.throws(() => verdictFor(Number.NaN, 0.5), RangeError);
  assert.throws(() => verdictFor(0.5, 1.5), RangeError);
});

test('sigmoid and logit are inverse and stable', () => {
  assert.equal(sigmoid(0), 0.5);
  assert.ok(Math.abs(sigmoid(2) - 0.8807970779778823) < 1e-15);
  assert.equal(sigmoid(-1000), 0);
  assert.equal(sigmoid(1000), 1);
  assert.ok(Math.abs(logit(sigmoid(1.5)) - 1.5) < 1e-12);
  assert.ok(Number.isFinite(logit(0)) && Number.isFinite(logit(1)));
});
