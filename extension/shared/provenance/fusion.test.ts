import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanName, FUSED_COLOURS, fuseScreened, fuseVerdict, isAiAction, MAX_MESSAGE_CHARS, MAX_NAME_CHARS, TONE_OF, type FusedLabel, type FusedTone, type PixelVerdict } from './fusion';
import { NO_PROVENANCE, type ProvenanceResult } from './types';

const prov = (p: Partial<ProvenanceResult>): ProvenanceResult => ({ ...NO_PROVENANCE, fields: {}, ...p });

/** Provenance cases, as the reader reports them (`./types.ts`). */
const CASES: Record<string, ProvenanceResult | undefined> = {
  absent: undefined,
  none: NO_PROVENANCE,
  c2paAiValid: prov({
    kind: 'c2pa', claim: 'ai-generated', validation: 'valid', signer: 'OpenAI', generator: 'GPT-4o',
    actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia', softwareAgent: 'GPT-4o' }],
  }),
  c2paEditedValid: prov({
    kind: 'c2pa', claim: 'ai-edited', validation: 'valid', signer: 'Adobe Inc.',
    actions: [{ action: 'c2pa.edited', digitalSourceType: 'compositeWithTrainedAlgorithmicMedia', softwareAgent: 'Adobe Firefly' }],
  }),
  c2paAiUntrusted: prov({ kind: 'c2pa', claim: 'ai-generated', validation: 'untrusted', signer: 'C2PA Test Signing Cert', softwareAgent: 'make_test_images' }),
  c2paAiInvalid: prov({ kind: 'c2pa', claim: 'ai-generated', validation: 'invalid', signer: 'OpenAI', message: 'assertion.dataHash.mismatch' }),
  c2paCameraValid: prov({ kind: 'c2pa', claim: 'camera-capture', validation: 'valid', signer: 'Leica Camera AG', generator: 'Leica M11-P', actions: [{ action: 'c2pa.created', digitalSourceType: 'digitalCapture' }] }),
  c2paCameraUntrusted: prov({ kind: 'c2pa', claim: 'camera-capture', validation: 'untrusted', signer: 'Self Signed' }),
  c2paEditNoAi: prov({ kind: 'c2pa', claim: 'unknown', validation: 'valid', signer: 'Adobe Inc.', actions: [{ action: 'c2pa.color_adjustments' }] }),
  iptcAi: prov({ kind: 'iptc-xmp', claim: 'ai-generated', validation: 'unsigned', softwareAgent: 'Made with Google AI' }),
  comfy: prov({ kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'ComfyUI', model: 'sd_xl_base_1.0.safetensors' }),
  cameraExif: prov({ kind: 'camera', claim: 'camera-capture', validation: 'unsigned', generator: 'Canon EOS 80D' }),
  software: prov({ kind: 'iptc-xmp', claim: 'unknown', validation: 'unsigned', softwareAgent: 'GIMP 2.10' }),
};

const PIXELS: Record<string, PixelVerdict | undefined> = {
  real: { probability: 0.12, label: 'real' },
  unsure: { probability: 0.52, label: 'unsure' },
  synthetic: { probability: 0.87, label: 'synthetic' },
  absent: undefined,
};

/** (pixel × provenance) → [label, tone, short, text]. Every cell written out: the expected values are the spec. */
const TABLE: Array<[string, string, FusedLabel, FusedTone, string, string]> = [
  // nothing found: the pixel verdict, worded by ../wording.ts
  ['real', 'absent', 'real', 'real', 'No AI signs found · AI score 12/100', 'No AI signs found · AI score 12/100'],
  ['unsure', 'none', 'unsure', 'unsure', 'Unsure · AI score 52/100', 'Unsure · AI score 52/100'],
  ['synthetic', 'none', 'synthetic', 'synthetic', 'Likely AI-generated · AI score 87/100', 'Likely AI-generated · AI score 87/100'],
  ['absent', 'none', 'none', 'none', '', ''],
  // rule 1: valid signed AI claim wins over any pixel verdict
  ['real', 'c2paAiValid', 'ai-generated', 'prov-ai', 'AI-generated (signed) · pixel AI score 12/100',
    'AI-generated (signed): Content Credentials signed by OpenAI, made with GPT-4o. Pixel detector: AI score 12/100 (no AI signs found).'],
  ['synthetic', 'c2paAiValid', 'ai-generated', 'prov-ai', 'AI-generated (signed) · pixel AI score 87/100',
    'AI-generated (signed): Content Credentials signed by OpenAI, made with GPT-4o. Pixel detector: AI score 87/100 (likely AI-generated).'],
  ['absent', 'c2paAiValid', 'ai-generated', 'prov-ai', 'AI-generated (signed)',
    'AI-generated (signed): Content Credentials signed by OpenAI, made with GPT-4o. Pixel detector: not run (too small to check).'],
  ['real', 'c2paEditedValid', 'ai-generated', 'prov-ai', 'AI-edited (signed) · pixel AI score 12/100',
    'AI-edited (signed): Content Credentials signed by Adobe Inc., edited with Adobe Firefly. Pixel detector: AI score 12/100 (no AI signs found).'],
  // rule 2: untrusted signer = a declaration
  ['real', 'c2paAiUntrusted', 'ai-generated-metadata', 'prov-ai-metadata', 'AI-generated (unverified signer) · pixel AI score 12/100',
    'AI-generated (unverified signer): Content Credentials signed by C2PA Test Signing Cert, signer not on the trust list, made with make_test_images. Pixel detector: AI score 12/100 (no AI signs found).'],
  // rule 3: unsigned AI metadata
  ['real', 'iptcAi', 'ai-generated-metadata', 'prov-ai-metadata', 'AI-generated (metadata) · pixel AI score 12/100',
    'AI-generated (metadata): its metadata says so (Made with Google AI). Metadata can be forged or stripped. Pixel detector: AI score 12/100 (no AI signs found).'],
  ['unsure', 'comfy', 'ai-generated-metadata', 'prov-ai-metadata', 'AI-generated (metadata) · pixel AI score 52/100',
    'AI-generated (metadata): its metadata says so (ComfyUI, model sd_xl_base_1.0.safetensors). Metadata can be forged or stripped. Pixel detector: AI score 52/100 (unsure).'],
  ['absent', 'comfy', 'ai-generated-metadata', 'prov-ai-metadata', 'AI-generated (metadata)',
    'AI-generated (metadata): its metadata says so (ComfyUI, model sd_xl_base_1.0.safetensors). Metadata can be forged or stripped. Pixel detector: not run (too small to check).'],
  // rule 4: signed camera original
  ['synthetic', 'c2paCameraValid', 'camera-original', 'prov-camera', 'Camera original (signed) · pixel AI score 87/100',
    'Camera original (signed): Content Credentials signed by Leica Camera AG (Leica M11-P), no AI action. Pixel detector: AI score 87/100 (likely AI-generated).'],
  // rule 5: invalid signature → pixels, and say so
  ['unsure', 'c2paAiInvalid', 'unsure', 'unsure', 'Unsure · AI score 52/100 · credentials invalid',
    'Unsure · AI score 52/100. Content Credentials invalid: file altered after signing. Validation: assertion.dataHash.mismatch'],
  ['absent', 'c2paAiInvalid', 'none', 'none', '', ''],
  // rule 6: camera metadata never overrides the pixels
  ['synthetic', 'cameraExif', 'synthetic', 'synthetic', 'Likely AI-generated · AI score 87/100',
    'Likely AI-generated · AI score 87/100. Camera metadata: Canon EOS 80D. Metadata can be copied from a real photo, so it does not change the verdict.'],
  ['absent', 'cameraExif', 'none', 'none', '', ''],
  ['real', 'c2paCameraUntrusted', 'real', 'real', 'No AI signs found · AI score 12/100',
    'No AI signs found · AI score 12/100. Camera metadata (signed by Self Signed, not on the trust list). Metadata can be copied from a real photo, so it does not change the verdict.'],
  // rule 7: other metadata → pixels with a note
  ['unsure', 'c2paEditNoAi', 'unsure', 'unsure', 'Unsure · AI score 52/100', 'Unsure · AI score 52/100. Content Credentials signed by Adobe Inc.: no AI claim.'],
  ['real', 'software', 'real', 'real', 'No AI signs found · AI score 12/100', 'No AI signs found · AI score 12/100. Metadata names the software GIMP 2.10; it says nothing about AI.'],
];

test('fuseVerdict: table of pixel verdict × provenance case', () => {
  for (const [px, pc, label, tone, short, text] of TABLE) {
    const f = fuseVerdict(PIXELS[px], CASES[pc], { pixelAbsentReason: 'too small to check' });
    const at = `${px} × ${pc}`;
    assert.equal(f.label, label, `${at}: label`);
    assert.equal(f.tone, tone, `${at}: tone`);
    assert.equal(f.short, short, `${at}: short`);
    assert.equal(f.text, text, `${at}: text`);
    assert.equal(f.basis, label === 'none' ? 'none' : ['real', 'unsure', 'synthetic'].includes(label) ? 'pixels' : 'provenance', `${at}: basis`);
    assert.deepEqual(f.pixel, PIXELS[px], `${at}: pixel kept beside`);
    assert.ok(FUSED_COLOURS[f.tone].startsWith('#'));
  }
});

test('fuseVerdict: every signed valid AI claim beats every pixel label', () => {
  for (const px of ['real', 'unsure', 'synthetic'] as const) {
    assert.equal(fuseVerdict(PIXELS[px], CASES.c2paAiValid).label, 'ai-generated');
    assert.equal(fuseVerdict(PIXELS[px], CASES.c2paCameraValid).label, 'camera-original');
    // The invalid and camera-EXIF cases leave the pixel label as it was.
    assert.equal(fuseVerdict(PIXELS[px], CASES.c2paAiInvalid).label, px);
    assert.equal(fuseVerdict(PIXELS[px], CASES.cameraExif).label, px);
  }
});

test('fuseVerdict: notes carry the caveats', () => {
  assert.deepEqual(fuseVerdict(PIXELS.real, CASES.comfy).notes, ['Metadata can be forged or stripped.']);
  assert.deepEqual(fuseVerdict(PIXELS.real, CASES.c2paAiUntrusted).notes, ['Signer C2PA Test Signing Cert not on the trust list.']);
  assert.deepEqual(fuseVerdict(PIXELS.real, CASES.c2paAiInvalid).notes, [
    'Content Credentials invalid: file altered after signing.', 'Validation: assertion.dataHash.mismatch',
  ]);
  assert.deepEqual(fuseVerdict(PIXELS.real, CASES.c2paAiValid).notes, []);
  const limited = fuseVerdict(PIXELS.real, { ...CASES.comfy!, status: 'limited', message: '10,000 text chunks: read the first 1,000' });
  assert.deepEqual(limited.notes, ['Provenance reading was cut short: 10,000 text chunks: read the first 1,000; what was read is shown.', 'Metadata can be forged or stripped.']);
});

test('fuseVerdict: a camera-capture claim whose actions name an AI source type is AI-edited', () => {
  const f = fuseVerdict(PIXELS.real, prov({
    kind: 'c2pa', claim: 'camera-capture', validation: 'valid', signer: 'Samsung',
    actions: [{ action: 'c2pa.created', digitalSourceType: 'digitalCapture' }, { action: 'c2pa.edited', digitalSourceType: 'compositeWithTrainedAlgorithmicMedia', softwareAgent: 'Galaxy AI' }],
  }));
  assert.equal(f.label, 'ai-generated');
  assert.equal(f.short, 'AI-edited (signed) · pixel AI score 12/100');
  assert.equal(f.text, 'AI-edited (signed): Content Credentials signed by Samsung, edited with Galaxy AI. Pixel detector: AI score 12/100 (no AI signs found).');
});

test('fuseVerdict: hostile names are cleaned and cut', () => {
  const long = 'A'.repeat(500);
  const f = fuseVerdict(PIXELS.unsure, prov({ kind: 'c2pa', claim: 'ai-generated', validation: 'valid', signer: 'Evil\u202e\u0000Corp\nInc', generator: long }));
  assert.equal(f.text, `AI-generated (signed): Content Credentials signed by Evil Corp Inc, made with ${'A'.repeat(MAX_NAME_CHARS - 1)}…. Pixel detector: AI score 52/100 (unsure).`);
  assert.equal(cleanName('  \u0007 '), undefined);
  assert.equal(cleanName(undefined), undefined);
});

test('isAiAction reads URIs and last segments, case-insensitively', () => {
  assert.equal(isAiAction({ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia' }), true);
  assert.equal(isAiAction({ action: 'c2pa.created', digitalSourceType: 'algorithmicmedia' }), true);
  assert.equal(isAiAction({ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }), false);
  assert.equal(isAiAction({ action: 'c2pa.edited' }), false);
});

test('fuseScreened applies the rule in force and names why the detector did not run', () => {
  const rule = { threshold: 0.5, unsureBand: 0.1 };
  assert.equal(fuseScreened({ probability: 0.52 }, rule).short, 'Unsure · AI score 52/100');
  assert.equal(fuseScreened({ probability: 0.56 }, rule).short, 'Likely AI-generated · AI score 56/100');
  assert.equal(fuseScreened({ probability: 0.56 }, { threshold: 0.5, unsureBand: 0.2 }).label, 'unsure');
  const f = fuseScreened({ provenance: CASES.comfy, pixelError: { code: 'too-large', message: '9000x9000' } }, rule);
  assert.equal(f.text, 'AI-generated (metadata): its metadata says so (ComfyUI, model sd_xl_base_1.0.safetensors). Metadata can be forged or stripped. Pixel detector: not run (too large to check).');
  assert.equal(fuseScreened({ pixelError: { code: 'too-small', message: '' } }, rule).label, 'none');
  assert.throws(() => fuseScreened({ probability: 1.5 }, rule), RangeError);
});

test('fuseVerdict: text is the short head followed by the detail', () => {
  for (const [px, pc] of TABLE.map((r) => [r[0], r[1]] as const)) {
    const f = fuseVerdict(PIXELS[px], CASES[pc], { pixelAbsentReason: 'too small to check' });
    if (f.basis === 'provenance') assert.equal(f.text, `${f.short.split(' · ')[0]}: ${f.detail}`, `${px} × ${pc}`);
    else if (f.basis === 'pixels') assert.equal(f.detail, f.notes.join(' '));
    else assert.equal(f.detail, '');
  }
  assert.equal(fuseVerdict(PIXELS.real, CASES.comfy).detail,
    'its metadata says so (ComfyUI, model sd_xl_base_1.0.safetensors). Metadata can be forged or stripped. Pixel detector: AI score 12/100 (no AI signs found).');
});

test('TONE_OF agrees with every fused verdict', () => {
  for (const [px, pc] of TABLE.map((r) => [r[0], r[1]] as const)) {
    const f = fuseVerdict(PIXELS[px], CASES[pc]);
    assert.equal(TONE_OF[f.label], f.tone, `${px} × ${pc}`);
  }
});

test('fuseVerdict: a manifest that could not be verified is a note; unsigned AI metadata beside it still counts', () => {
  const reason = 'the manifest is stored remotely (https://cai-manifests.adobe.com/x) and is not fetched (no network)';
  const bare = prov({ kind: 'c2pa', claim: 'unknown', validation: 'unsigned', unverifiedReason: reason, softwareAgent: 'Adobe Photoshop 25.0' });
  const f = fuseVerdict(PIXELS.unsure, bare);
  assert.equal(f.label, 'unsure');
  assert.equal(f.short, 'Unsure · AI score 52/100');
  assert.deepEqual(f.notes, [`Content Credentials present but not verified here (${reason}).`]);
  assert.equal(fuseVerdict(PIXELS.unsure, { ...bare, unverifiedReason: 'x'.repeat(1000) }).notes[0]!.length, 'Content Credentials present but not verified here ().'.length + MAX_MESSAGE_CHARS);
  const withIptc = fuseVerdict(PIXELS.real, { ...bare, claim: 'ai-generated' });
  assert.equal(withIptc.label, 'ai-generated-metadata');
  assert.equal(withIptc.short, 'AI-generated (metadata) · pixel AI score 12/100');
  assert.equal(withIptc.notes.length, 2);
});
