import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aiScore, confusionTitle, LABEL_TEXT, pixelDetectorSentence, pixelWording, provenanceShort, rangeText, scoreRanges, scoreText, wordingOf } from './wording';
import { fuseScreened } from './provenance/fusion';
import { NO_PROVENANCE, type ProvenanceResult } from './provenance/types';

const SIGNED_AI: ProvenanceResult = {
  ...NO_PROVENANCE, fields: {}, kind: 'c2pa', claim: 'ai-generated', validation: 'valid', signer: 'OpenAI', generator: 'GPT-4o',
};
const CAMERA_EXIF: ProvenanceResult = { ...NO_PROVENANCE, fields: {}, kind: 'camera', claim: 'camera-capture', validation: 'unsigned', generator: 'Canon EOS 80D' };

/**
 * (probability, threshold, unsure band, provenance) → the badge text (`FusedVerdict.short`). Every row written
 * out by hand: the expected strings are the spec. Rows marked "nudged" are where round(100·p) would cross the
 * boundary the label was decided on, so the shown score moves one point back.
 */
const TABLE: Array<[number, number, number, 'absent' | 'signed-ai' | 'camera-exif', string]> = [
  // the shipped default rule: threshold 0.5, band 0.1 → no AI signs < 45 ≤ unsure < 55 ≤ likely AI
  [0.12, 0.5, 0.1, 'absent', 'No AI signs found · AI score 12/100'],
  [0.44, 0.5, 0.1, 'absent', 'No AI signs found · AI score 44/100'],
  [0.449, 0.5, 0.1, 'absent', 'No AI signs found · AI score 44/100'], // nudged: round(44.9) = 45 is inside the band
  [0.45, 0.5, 0.1, 'absent', 'Unsure · AI score 45/100'],
  [0.52, 0.5, 0.1, 'absent', 'Unsure · AI score 52/100'],
  [0.546, 0.5, 0.1, 'absent', 'Unsure · AI score 54/100'], // nudged: round(54.6) = 55 is "likely AI" territory
  [0.56, 0.5, 0.1, 'absent', 'Likely AI-generated · AI score 56/100'],
  [0.871, 0.5, 0.1, 'absent', 'Likely AI-generated · AI score 87/100'],
  [1, 0.5, 0.1, 'absent', 'Likely AI-generated · AI score 100/100'],
  [0, 0.5, 0.1, 'absent', 'No AI signs found · AI score 0/100'],
  // no band: the plain rule p ≥ t
  [0.497, 0.5, 0, 'absent', 'No AI signs found · AI score 49/100'], // nudged: round(49.7) = 50 ≥ threshold
  [0.5, 0.5, 0, 'absent', 'Likely AI-generated · AI score 50/100'],
  [0.44, 0.5, 0, 'absent', 'No AI signs found · AI score 44/100'],
  // the two contradictions, under the rules they shipped with: 44 is never "real", 46 never "AI-generated" below 0.5
  [0.44, 0.3635, 0, 'absent', 'Likely AI-generated · AI score 44/100'],
  [0.46, 0.5, 0.1, 'absent', 'Unsure · AI score 46/100'],
  // a user threshold with a fractional point: boundaries at 36.35 (t − w/2 = 0.3135 → 31.35 and 41.35 with w = 0.1)
  [0.3139, 0.3635, 0.1, 'absent', 'Unsure · AI score 32/100'], // nudged up: round(31.39) = 31 < 31.35
  [0.4136, 0.3635, 0.1, 'absent', 'Likely AI-generated · AI score 42/100'], // nudged up: round(41.36) = 41 < 41.35
  [0.3134, 0.3635, 0.1, 'absent', 'No AI signs found · AI score 31/100'],
  // provenance decides: its head stays, the number is named as the pixel detector's
  [0.12, 0.5, 0.1, 'signed-ai', 'AI-generated (signed) · pixel AI score 12/100'],
  [0.449, 0.5, 0.1, 'signed-ai', 'AI-generated (signed) · pixel AI score 44/100'],
  [0.871, 0.5, 0.1, 'signed-ai', 'AI-generated (signed) · pixel AI score 87/100'],
  // provenance that never decides (camera EXIF): the pixel wording, with a note in the full text
  [0.12, 0.5, 0.1, 'camera-exif', 'No AI signs found · AI score 12/100'],
  [0.546, 0.5, 0.1, 'camera-exif', 'Unsure · AI score 54/100'],
  [0.871, 0.5, 0.1, 'camera-exif', 'Likely AI-generated · AI score 87/100'],
];

const PROVENANCE = { absent: undefined, 'signed-ai': SIGNED_AI, 'camera-exif': CAMERA_EXIF } as const;

test('wording table: concrete badge text for concrete (p, threshold, band, provenance)', () => {
  for (const [p, threshold, unsureBand, prov, short] of TABLE) {
    const f = fuseScreened({ probability: p, provenance: PROVENANCE[prov] }, { threshold, unsureBand });
    assert.equal(f.short, short, `p ${p}, t ${threshold}, w ${unsureBand}, ${prov}`);
  }
});

test('wording table: every label agrees with its number', () => {
  for (const [p, threshold, unsureBand, prov] of TABLE) {
    const rule = { threshold, unsureBand };
    const f = fuseScreened({ probability: p, provenance: PROVENANCE[prov] }, rule);
    const at = `p ${p}, t ${threshold}, w ${unsureBand}, ${prov}`;
    const n = Number(/AI score (\d+)\/100/.exec(f.short)?.[1]);
    assert.ok(Number.isInteger(n), `${at}: a score is shown`);
    const lo = 100 * (threshold - unsureBand / 2);
    const hi = 100 * (threshold + unsureBand / 2);
    // The pixel words: on the badge for pixel verdicts, in the full sentence for provenance ones.
    const pixelWords = f.basis === 'pixels' ? f.short : /Pixel detector: AI score \d+\/100 \(([^)]+)\)/.exec(f.text)![1]!;
    if (/no AI signs found/i.test(pixelWords)) assert.ok(n < lo && n < 100 * threshold, `${at}: "No AI signs found" with ${n}`);
    if (/likely AI-generated/i.test(pixelWords)) assert.ok(n >= hi && n >= 100 * threshold, `${at}: "Likely AI-generated" with ${n}`);
    if (/unsure/i.test(pixelWords)) assert.ok(n >= lo - 1e-9 && n < hi, `${at}: "Unsure" with ${n}`);
    assert.ok(Math.abs(n - 100 * p) <= 1, `${at}: ${n} is within a point of 100·p`);
    assert.ok(!/\breal\b/i.test(f.short), `${at}: never "real" on the badge`);
    if (f.basis === 'provenance') assert.match(f.short, /· pixel AI score \d+\/100$/, `${at}: the number is named as the pixel detector's`);
  }
});

test('agreement holds on a dense grid of probabilities and rules', () => {
  for (const threshold of [0.05, 0.3, 0.3635, 0.5, 0.62, 0.95]) {
    for (const unsureBand of [0, 0.01, 0.1, 0.25, 0.5]) {
      for (let i = 0; i <= 1000; i++) {
        const p = i / 1000;
        const w = pixelWording(p, { threshold, unsureBand });
        const lo = 100 * (threshold - unsureBand / 2), hi = 100 * (threshold + unsureBand / 2);
        const at = `p ${p}, t ${threshold}, w ${unsureBand}: ${w.short}`;
        if (w.label === 'real') assert.ok(w.score < lo, at);
        if (w.label === 'synthetic') assert.ok(w.score >= hi - 1e-9, at);
        assert.ok(Math.abs(w.score - 100 * p) <= 1 + 1e-9 && w.score >= 0 && w.score <= 100, at);
      }
    }
  }
});

test('aiScore, scoreText and the pieces', () => {
  assert.equal(aiScore(0.871), 87);
  assert.equal(aiScore(0.497), 50); // without a rule: plain rounding
  assert.equal(aiScore(0.497, { threshold: 0.5, unsureBand: 0 }), 49);
  assert.throws(() => aiScore(1.2), RangeError);
  assert.throws(() => aiScore(Number.NaN), RangeError);
  assert.equal(scoreText(7), 'AI score 7/100');
  assert.deepEqual(LABEL_TEXT, { synthetic: 'Likely AI-generated', unsure: 'Unsure', real: 'No AI signs found' });
  assert.equal(wordingOf('unsure', 52).short, 'Unsure · AI score 52/100');
  assert.equal(pixelWording(0.04, { threshold: 0.5, unsureBand: 0.1 }).labelText, 'No AI signs found');
  assert.equal(pixelDetectorSentence({ probability: 0.12, label: 'real' }), 'Pixel detector: AI score 12/100 (no AI signs found).');
  assert.equal(pixelDetectorSentence(undefined, undefined, 'too small to check'), 'Pixel detector: not run (too small to check).');
  assert.equal(provenanceShort('Camera original (signed)', { probability: 0.87 }), 'Camera original (signed) · pixel AI score 87/100');
  assert.equal(provenanceShort('Camera original (signed)', undefined), 'Camera original (signed)');
  assert.equal(confusionTitle({ threshold: 0.5, unsureBand: 0.1 }), 'Verdicts by true label (threshold 0.50, unsure band 0.10)');
});

test('scoreRanges: the AI scores each label covers', () => {
  const words = (t: number, w: number) => scoreRanges({ threshold: t, unsureBand: w }).map((r) => `${r.labelText} ${rangeText(r) || '(none)'}`);
  assert.deepEqual(words(0.5, 0.1), ['No AI signs found 0–44', 'Unsure 45–54', 'Likely AI-generated 55–100']);
  assert.deepEqual(words(0.5, 0), ['No AI signs found 0–49', 'Unsure (none)', 'Likely AI-generated 50–100']);
  assert.deepEqual(words(0.3635, 0.1), ['No AI signs found 0–31', 'Unsure 32–41', 'Likely AI-generated 42–100']);
  assert.deepEqual(words(0.05, 0.5), ['No AI signs found (none)', 'Unsure 0–29', 'Likely AI-generated 30–100']);
  // The ranges agree with what aiScore shows.
  for (const [t, w] of [[0.5, 0.1], [0.3635, 0.1], [0.62, 0.25]] as const) {
    const ranges = scoreRanges({ threshold: t, unsureBand: w });
    for (let i = 0; i <= 1000; i++) {
      const pw = pixelWording(i / 1000, { threshold: t, unsureBand: w });
      const r = ranges.find((x) => x.label === pw.label)!;
      assert.ok(pw.score >= r.from && pw.score <= r.to, `p ${i / 1000}, t ${t}, w ${w}: ${pw.short} outside ${rangeText(r)}`);
    }
  }
});
