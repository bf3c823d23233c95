import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configureProvenance, readProvenance } from './index';
import { configureProvenanceForNode } from './node';
import { fixtureBytes } from './fixtures/build';

test('a verifier that cannot be loaded gives "C2PA present, not verified" (unsigned, never untrusted), and a later read retries', async () => {
  configureProvenance({ c2paWasm: async () => { throw new Error('blocked by CSP'); } });
  const r = await readProvenance(fixtureBytes('C.jpg'));
  assert.equal(r.kind, 'c2pa');
  assert.equal(r.validation, 'unsigned');
  assert.equal(r.claim, 'unknown');
  assert.equal(r.unverifiedReason, 'the C2PA verifier could not be loaded: blocked by CSP');
  assert.equal(r.fields['C2PA manifest'], 'present, not verified (the C2PA verifier could not be loaded: blocked by CSP)');
  configureProvenanceForNode();
  const again = await readProvenance(fixtureBytes('C.jpg'));
  assert.equal(again.validation, 'untrusted');
  assert.equal(again.claim, 'ai-generated');
});
