/**
 * C2PA status interpretation: credential-only failures (expired or untrusted signer certificates, as on the
 * ChatGPT and Google images of 2025 galleries) are `untrusted`, not `invalid`; an active manifest that only
 * opened an AI-generated ingredient inherits its claim.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimWithIngredients, isCredentialFailure } from './c2pa';

test('isCredentialFailure: certificate and time-stamp codes only', () => {
  for (const c of ['signingCredential.untrusted', 'signingCredential.expired', 'signingCredential.ocsp.revoked', 'timeStamp.mismatch', 'cawg.identity.untrusted']) assert.equal(isCredentialFailure(c), true, c);
  for (const c of ['assertion.dataHash.mismatch', 'claimSignature.mismatch', 'assertion.bmffHash.mismatch', 'signingCredential.invalid', 'manifest.unreadable']) assert.equal(isCredentialFailure(c), false, c);
});

test('claimWithIngredients: an opened AI-generated ingredient makes the image ai-generated; own claims win', () => {
  const store = {
    manifests: {
      'urn:parent': { assertions: [{ label: 'c2pa.actions', data: { actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia' }] } }] },
      'urn:active': { ingredients: [{ active_manifest: 'urn:parent', relationship: 'parentOf' }], assertions: [{ label: 'c2pa.actions', data: { actions: [{ action: 'c2pa.opened' }] } }] },
      'urn:camera': { assertions: [{ label: 'c2pa.actions', data: { actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }] } }] },
    },
  };
  const m = store.manifests as Record<string, Record<string, unknown>>;
  assert.equal(claimWithIngredients('unknown', m['urn:active']!, store), 'ai-generated');
  assert.equal(claimWithIngredients('camera-capture', m['urn:active']!, store), 'camera-capture');
  assert.equal(claimWithIngredients('unknown', { ingredients: [{ active_manifest: 'urn:camera' }] }, store), 'unknown');
  assert.equal(claimWithIngredients('unknown', { ingredients: [{ active_manifest: 'urn:missing' }] }, store), 'unknown');
});
