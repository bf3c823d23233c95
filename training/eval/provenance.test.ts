import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFixtures } from '../../extension/shared/provenance/fixtures/build';
import { FIXTURE_DIR } from '../../extension/shared/provenance/fixtures/build';
import { fusedOf, productReport, provenanceOfFile, provenanceReport, provenanceTable } from './provenance';

test('provenanceOfFile reads a file with the extension reader; a missing file gives status error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ss-prov-'));
  try {
    const a1111 = builtFixtures().find((f) => f.name === 'built/a1111.png')!;
    await writeFile(join(dir, 'a.png'), a1111.bytes);
    assert.deepEqual(await provenanceOfFile(join(dir, 'a.png')), { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', status: 'ok', generator: 'Stable Diffusion (AUTOMATIC1111)', model: 'sd_xl_base_1.0', softwareAgent: 'AUTOMATIC1111 v1.7.0' });
    assert.deepEqual(await provenanceOfFile(join(FIXTURE_DIR, 'C.jpg')), { kind: 'c2pa', claim: 'ai-generated', validation: 'untrusted', status: 'ok', signer: 'C2PA Test Signing Cert', generator: 'Make Test Images 0.33.1', softwareAgent: 'make_test_images 0.33.1', actions: [{ action: 'c2pa.created', digitalSourceType: 'algorithmicMedia', softwareAgent: 'Make Test Images 0.33.1' }] });
    const missing = await provenanceOfFile(join(dir, 'nope.png'));
    assert.equal(missing.status, 'error');
    assert.match(missing.unverifiedReason ?? '', /^file not readable: ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('provenanceReport counts evidence per true label; invalid C2PA counts as neither AI nor camera', () => {
  const r = provenanceReport([
    { label: 'synthetic', provenance: { kind: 'c2pa', claim: 'ai-generated', validation: 'valid', status: 'ok' } },
    { label: 'synthetic', provenance: { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', status: 'ok' } },
    { label: 'synthetic', provenance: { kind: 'none', claim: 'unknown', validation: 'unsigned', status: 'ok' } },
    { label: 'real', provenance: { kind: 'camera', claim: 'camera-capture', validation: 'unsigned', status: 'ok' } },
    { label: 'real', provenance: { kind: 'c2pa', claim: 'ai-edited', validation: 'invalid', status: 'ok' } },
    { label: 'real' },
  ]);
  assert.equal(r.n, 5);
  assert.deepEqual(r.ai_evidence, { real: 0, synthetic: 2 });
  assert.deepEqual(r.ai_evidence_valid, { real: 0, synthetic: 1 });
  assert.deepEqual(r.camera_evidence, { real: 1, synthetic: 0 });
  assert.deepEqual(r.c2pa_invalid, { real: 1, synthetic: 0 });
  assert.deepEqual(r.by_label.synthetic, { 'c2pa/ai-generated/valid': 1, 'generator-metadata/ai-generated/unsigned': 1, 'none/unknown/unsigned': 1 });
  assert.equal(provenanceTable(r).split('\n')[2], '  synthetic AI evidence 2 (signed valid 1), camera evidence 0, C2PA invalid 0');
});

test('productReport: provenance decides where fusion says so, the pixels elsewhere', () => {
  const valid = { kind: 'c2pa', claim: 'ai-generated', validation: 'valid', status: 'ok', signer: 'X', actions: [{ action: 'c2pa.created', digitalSourceType: 'trainedAlgorithmicMedia' }] } as const;
  const invalid = { kind: 'c2pa', claim: 'ai-generated', validation: 'invalid', status: 'ok' } as const;
  const camera = { kind: 'camera', claim: 'camera-capture', validation: 'unsigned', status: 'ok' } as const;
  assert.deepEqual(fusedOf(0.1, { ...valid, actions: [...valid.actions] }, 0.5, 0.1), { label: 'ai-generated', basis: 'provenance' });
  assert.deepEqual(fusedOf(0.1, invalid, 0.5, 0.1), { label: 'real', basis: 'pixels' });
  assert.deepEqual(fusedOf(0.9, camera, 0.5, 0.1), { label: 'synthetic', basis: 'pixels' }, 'camera EXIF never overrides the pixels');
  const r = productReport([
    { label: 'synthetic', probability: 0.1, provenance: { ...valid, actions: [...valid.actions] } }, // AI by provenance
    { label: 'synthetic', probability: 0.5 }, // unsure
    { label: 'real', probability: 0.9, provenance: camera }, // pixels: AI (false positive)
    { label: 'real', probability: 0.1, provenance: invalid }, // pixels: real
  ], 0.5, 0.1);
  assert.equal(r.unsure_rate, 0.25);
  assert.equal(r.decided_accuracy, 2 / 3);
  assert.equal(r.fpr, 0.5);
  assert.equal(r.fnr, 0);
  assert.deepEqual(r.decided_by_provenance, { real: 0, synthetic: 1 });
  assert.equal(r.valid_ai_claim_recall, 1);
  assert.deepEqual(r.by_label.synthetic, { 'ai-generated': 1, unsure: 1 });
});
