import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactProvenance, COMPACT_VALUE_CHARS, TRIMMED_KEY } from './compact';
import { NO_PROVENANCE, type ProvenanceResult } from './types';

const base: ProvenanceResult = { ...NO_PROVENANCE, kind: 'generator-metadata', claim: 'ai-generated', generator: 'ComfyUI', fields: {} };

test('compactProvenance keeps small results as they are', () => {
  const p = { ...base, fields: { 'PNG tEXt prompt': '{"3":{}}' } };
  assert.equal(compactProvenance(p), p);
});

test('compactProvenance cuts long values and leaves out fields past the budget', () => {
  const fields: Record<string, string> = {};
  for (let i = 0; i < 64; i++) fields[`k${i}`] = 'v'.repeat(2000);
  const c = compactProvenance({ ...base, fields }, 1000);
  // Each kept field costs 2 or 3 key characters + 300 value characters: 3 fit in 1000.
  assert.deepEqual(Object.keys(c.fields), ['k0', 'k1', 'k2', TRIMMED_KEY]);
  assert.equal(c.fields.k0!.length, COMPACT_VALUE_CHARS);
  assert.ok(c.fields.k0!.endsWith('…'));
  assert.equal(c.fields[TRIMMED_KEY], '61 more raw fields not kept here');
  assert.equal(c.generator, 'ComfyUI');
  assert.equal(c.claim, 'ai-generated');
  assert.equal(Object.keys(compactProvenance({ ...base, fields }, 0).fields).join(), TRIMMED_KEY);
});

test('compactProvenance caps actions at 16', () => {
  const actions = Array.from({ length: 40 }, (_, i) => ({ action: `c2pa.edited.${i}` }));
  assert.equal(compactProvenance({ ...base, actions }).actions!.length, 16);
});
