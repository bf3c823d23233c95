import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPLIT_ALL_NOTE, splitWords, unsureLine } from './evaluate';

test('evaluate CLI: the three-outcome summary in the product\'s words', () => {
  assert.equal(unsureLine({ band: 0.1, unsure_rate: 0.8703703703703703, decided_accuracy: 0.9047619047619048, fpr: 0, fnr: 0.030303030303030304 }),
    'with the unsure band 0.1: 87.0% "Unsure", decided accuracy 0.905, real photos called "Likely AI-generated" 0.0%, AI images called "No AI signs found" 3.0%');
  assert.equal(unsureLine({ band: 0, unsure_rate: 0, fpr: null, fnr: 0.5 }),
    'with the unsure band 0: 0.0% "Unsure", decided accuracy —, real photos called "Likely AI-generated" —, AI images called "No AI signs found" 50.0%');
});

test('evaluate CLI: --split all says it includes training images', () => {
  assert.match(SPLIT_ALL_NOTE, /--split all .*INCLUDING the images the model was trained/);
  assert.equal(splitWords('all'), 'all images, incl. training');
  assert.equal(splitWords('test'), 'test split');
});
