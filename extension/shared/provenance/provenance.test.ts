import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { readProvenance, type ProvenanceResult } from './index';
import { configureProvenanceForNode } from './node';
import { allFixtures, fixtureTrustAnchors, type Fixture } from './fixtures/catalogue';
import { iTXt, jpegSegment, jpegWith, pngChunk, pngWith, stripMetadata, tEXt, xmpApp1, xmpPacket, fixtureBytes } from './fixtures/build';
import { a1111Settings, comfyModel } from './generators';
import { decodeUserComment } from './metadata';

before(() => configureProvenanceForNode());

type Expect = Pick<ProvenanceResult, 'kind' | 'claim' | 'validation'> & { signer?: string; generator?: string; model?: string; softwareAgent?: string; status?: ProvenanceResult['status'] };
const TEST_SIGNER = 'C2PA Test Signing Cert';

/** What the module must report for every fixture (exact values). */
const EXPECTED: Record<string, Expect> = {
  'C.jpg': { kind: 'c2pa', claim: 'ai-generated', validation: 'untrusted', signer: TEST_SIGNER, generator: 'Make Test Images 0.33.1', softwareAgent: 'make_test_images 0.33.1' },
  'C.jpg (c2pa-test-roots)': { kind: 'c2pa', claim: 'ai-generated', validation: 'valid', signer: TEST_SIGNER, generator: 'Make Test Images 0.33.1', softwareAgent: 'make_test_images 0.33.1' },
  'CA.jpg': { kind: 'c2pa', claim: 'unknown', validation: 'untrusted', signer: TEST_SIGNER, softwareAgent: 'make_test_images 0.33.1' },
  'CA.jpg (c2pa-test-roots)': { kind: 'c2pa', claim: 'unknown', validation: 'valid', signer: TEST_SIGNER, softwareAgent: 'make_test_images 0.33.1' },
  'C_with_CAWG_data.jpg (c2pa-test-roots)': { kind: 'c2pa', claim: 'camera-capture', validation: 'valid', signer: TEST_SIGNER, softwareAgent: 'c2pa cawg test 0.58.0' },
  'XCA.jpg (c2pa-test-roots)': { kind: 'c2pa', claim: 'unknown', validation: 'invalid', signer: TEST_SIGNER, softwareAgent: 'make_test_images 0.33.1' },
  'E-sig-CA.jpg (c2pa-test-roots)': { kind: 'c2pa', claim: 'unknown', validation: 'invalid', signer: TEST_SIGNER, softwareAgent: 'make_test_images 0.33.1' },
  'no_manifest.jpg': { kind: 'none', claim: 'unknown', validation: 'unsigned', softwareAgent: 'Adobe Photoshop 24.1 (20221029.m.1946 73a94a1)  (Macintosh)' },
  'IMG_0003.jpg': { kind: 'camera', claim: 'camera-capture', validation: 'unsigned', generator: 'Canon EOS REBEL T3', softwareAgent: 'Adobe Lightroom 5.3 (Macintosh)' },
  'test_xmp.webp': { kind: 'none', claim: 'unknown', validation: 'unsigned', softwareAgent: 'Adobe Photoshop 24.0 (Macintosh)' },
  'sample1.webp': { kind: 'none', claim: 'unknown', validation: 'unsigned' },
  'libpng-test.png': { kind: 'none', claim: 'unknown', validation: 'unsigned' },
  'camera-exif.avif': { kind: 'camera', claim: 'camera-capture', validation: 'unsigned', generator: 'SONY ILCE-7M4', softwareAgent: 'ILCE-7M4 v2.00' },
  'iptc-trained.avif': { kind: 'iptc-xmp', claim: 'ai-generated', validation: 'unsigned', generator: 'Adobe Firefly', softwareAgent: 'Adobe Firefly' },
  'built/a1111.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Stable Diffusion (AUTOMATIC1111)', model: 'sd_xl_base_1.0', softwareAgent: 'AUTOMATIC1111 v1.7.0' },
  'built/a1111-stripped.png': { kind: 'none', claim: 'unknown', validation: 'unsigned' },
  'built/a1111-ztxt.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Stable Diffusion (AUTOMATIC1111)', model: 'sd_xl_base_1.0', softwareAgent: 'AUTOMATIC1111 v1.7.0' },
  'built/a1111-usercomment.jpg': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Stable Diffusion (AUTOMATIC1111)', model: 'sd_xl_base_1.0', softwareAgent: 'AUTOMATIC1111 v1.7.0' },
  'built/sdnext.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Stable Diffusion (SD.Next)', model: 'juggernautXL_v9', softwareAgent: 'SD.Next 2f5b7b5' },
  'built/forge.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Stable Diffusion (Forge)', model: 'flux1-dev-bnb-nf4-v2', softwareAgent: 'Forge f2.0.1v1.10.1-previous-313-g8a042934' },
  'built/comfyui.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'ComfyUI', model: 'v1-5-pruned-emaonly.safetensors' },
  'built/comfyui-stripped.png': { kind: 'none', claim: 'unknown', validation: 'unsigned' },
  'built/novelai.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'NovelAI', model: 'NovelAI Diffusion V4.5 4BDE2A90', softwareAgent: 'NovelAI' },
  'built/invokeai.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'InvokeAI', model: 'Juggernaut XL v9', softwareAgent: 'InvokeAI 4.2.4' },
  'built/fooocus.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Fooocus', model: 'juggernautXL_v8Rundiffusion.safetensors', softwareAgent: 'Fooocus v2.5.5' },
  'built/midjourney.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Midjourney', model: 'Midjourney v6.1' },
  'built/drawthings.png': { kind: 'generator-metadata', claim: 'ai-generated', validation: 'unsigned', generator: 'Draw Things', model: 'sd_xl_base_1.0_f16.ckpt', softwareAgent: 'Draw Things' },
  'built/iptc-trained.jpg': { kind: 'iptc-xmp', claim: 'ai-generated', validation: 'unsigned', generator: 'Google Imagen', softwareAgent: 'Imagen' },
  'built/iptc-trained-stripped.jpg': { kind: 'none', claim: 'unknown', validation: 'unsigned' },
  'built/iptc-composite.webp': { kind: 'iptc-xmp', claim: 'ai-edited', validation: 'unsigned', softwareAgent: 'Adobe Photoshop 25.0' },
  'built/iptc-capture.jpg': { kind: 'iptc-xmp', claim: 'camera-capture', validation: 'unsigned', generator: 'Google Pixel 8 Pro' },
  'built/google-credit.jpg': { kind: 'iptc-xmp', claim: 'ai-generated', validation: 'unsigned' },
  'built/camera-exif.webp': { kind: 'camera', claim: 'camera-capture', validation: 'unsigned', generator: 'NIKON Z 6_2', softwareAgent: 'Ver.01.10' },
  'built/png-cabx-broken.png': { kind: 'c2pa', claim: 'unknown', validation: 'invalid' },
  'built/C-stripped.jpg': { kind: 'none', claim: 'unknown', validation: 'unsigned' },
  'built/IMG_0003-stripped.jpg': { kind: 'none', claim: 'unknown', validation: 'unsigned' },
};

let fixtures: Fixture[];
before(async () => { fixtures = await allFixtures(); });

test('every fixture reads as expected: kind, claim, validation, signer, generator, model, softwareAgent, status', async () => {
  assert.deepEqual(fixtures.map((f) => f.name).sort(), Object.keys(EXPECTED).sort(), 'the expectations cover exactly the fixtures');
  for (const f of fixtures) {
    const r = await readProvenance(f.bytes, { trustAnchors: fixtureTrustAnchors(f.trust) });
    const e = EXPECTED[f.name]!;
    const got = { kind: r.kind, claim: r.claim, validation: r.validation, signer: r.signer, generator: r.generator, model: r.model, softwareAgent: r.softwareAgent, status: r.status };
    assert.deepEqual(got, { signer: undefined, generator: undefined, model: undefined, softwareAgent: undefined, status: 'ok', ...e }, f.name);
  }
});

test('C2PA details: actions, failure codes, raw fields', async () => {
  const anchors = fixtureTrustAnchors('c2pa-test-roots');
  const c = await readProvenance(fixtureBytes('C.jpg'), { trustAnchors: anchors });
  assert.deepEqual(c.actions, [{ action: 'c2pa.created', digitalSourceType: 'algorithmicMedia', softwareAgent: 'Make Test Images 0.33.1' }]);
  assert.equal(c.fields['C2PA validation_state'], 'Trusted');
  assert.equal(c.fields['C2PA signer common name'], 'C2PA Signer');
  const x = await readProvenance(fixtureBytes('XCA.jpg'), { trustAnchors: anchors });
  assert.match(x.message ?? '', /assertion\.dataHash\.mismatch/);
  const e = await readProvenance(fixtureBytes('E-sig-CA.jpg'), { trustAnchors: anchors });
  assert.match(e.message ?? '', /claimSignature\.mismatch/);
  const u = await readProvenance(fixtureBytes('C.jpg'));
  assert.equal(u.fields['C2PA failures'], 'signingCredential.untrusted', 'the bundled C2PA trust list does not hold the c2pa-rs test root');
  const cam = await readProvenance(fixtureBytes('IMG_0003.jpg'));
  assert.equal(cam.fields['EXIF Make'], 'Canon');
  assert.equal(cam.fields['EXIF DateTimeOriginal'], '2011-07-30T15:41:25.000Z');
});

test('a manifest that is present but not verified is kind c2pa, unsigned, with the reason (never untrusted)', async () => {
  const r = await readProvenance(fixtureBytes('C.jpg'), { verifyC2pa: false });
  assert.equal(r.kind, 'c2pa');
  assert.equal(r.validation, 'unsigned');
  assert.equal(r.claim, 'unknown');
  assert.equal(r.unverifiedReason, 'C2PA verification switched off for this read');
  assert.match(r.message ?? '', /^C2PA manifest present, not verified/);
  // Remote manifest (XMP dcterms:provenance URL, nothing embedded): not fetched.
  const remote = jpegWith(stripMetadata(fixtureBytes('IMG_0003.jpg')), xmpApp1(xmpPacket({ 'xmp:CreatorTool': 'Adobe Photoshop 21.1' }).replace('rdf:about=""', 'rdf:about="" xmlns:dcterms="http://purl.org/dc/terms/" dcterms:provenance="https://cai-manifests.adobe.com/manifests/adobe-urn-uuid-5f37e182"')));
  const rr = await readProvenance(remote);
  assert.equal(rr.kind, 'c2pa');
  assert.equal(rr.validation, 'unsigned');
  assert.match(rr.unverifiedReason ?? '', /stored remotely .*not fetched/);
});

test('generator parsers: A1111 settings with quoted values, ComfyUI loaders, UNICODE UserComment', () => {
  const s = a1111Settings('p\nSteps: 20, Sampler: Euler a, Lora hashes: "a: 1, b: 2", Model: my model, Version: v1.9.4')!;
  assert.equal(s.get('Lora hashes'), 'a: 1, b: 2');
  assert.equal(s.get('Model'), 'my model');
  assert.equal(s.get('Steps'), '20');
  assert.equal(comfyModel({ 1: { class_type: 'UNETLoader', inputs: { unet_name: 'flux1-dev.safetensors' } } }), 'flux1-dev.safetensors');
  assert.equal(comfyModel({ 1: { class_type: 'KSampler', inputs: { model_name: 'x' } } }), undefined);
  const next = a1111Settings('p\nSteps: 20, Sampler: Euler a, App: SD.Next, Version: 2f5b7b5, Model: juggernautXL')!;
  assert.equal(next.get('App'), 'SD.Next');
  const le = new Uint8Array([...new TextEncoder().encode('UNICODE\0'), 0x68, 0, 0x69, 0]);
  assert.equal(decodeUserComment(le), 'hi');
  assert.equal(decodeUserComment(new Uint8Array([...new TextEncoder().encode('ASCII\0\0\0'), 0x6f, 0x6b])), 'ok');
});

test('format without a walker (GIF) and garbage give kind none with a clear message, never a throw', async () => {
  const gif = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).gif().toBuffer());
  const g = await readProvenance(gif);
  assert.equal(g.kind, 'none');
  assert.equal(g.message, 'format not scanned for provenance');
  for (const b of [new Uint8Array(0), Uint8Array.of(0xff, 0xd8), Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0)]) {
    const r = await readProvenance(b);
    assert.equal(r.kind, 'none');
  }
});

// ---- bounds ----
const be32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
function cat(...p: Uint8Array[]): Uint8Array { const o = new Uint8Array(p.reduce((n, x) => n + x.length, 0)); let i = 0; for (const x of p) { o.set(x, i); i += x.length; } return o; }

test('a 40 MP PNG with a 10 MB XMP packet is read (limited to the bound), not hung', async () => {
  const base = fixtureBytes('libpng-test.png');
  const ihdr = base.slice(0, 33);
  ihdr.set(be32(8000), 16); ihdr.set(be32(5000), 20); // 40 MP declared
  const xmp = xmpPacket({ 'Iptc4xmpExt:DigitalSourceType': 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia', 'dc:description': 'x'.repeat(10 * 1024 * 1024) });
  const png = cat(base.subarray(0, 8), pngChunk('IHDR', ihdr.subarray(16, 29)), iTXt('XML:com.adobe.xmp', xmp), base.subarray(33));
  const r = await readProvenance(png);
  assert.equal(r.kind, 'iptc-xmp');
  assert.equal(r.claim, 'ai-generated');
  assert.equal(r.status, 'ok', '10 MB is under the 16 MiB segment bound');
  const capped = await readProvenance(png, { limits: { maxSegmentBytes: 1024 * 1024 } });
  assert.equal(capped.status, 'limited');
  assert.match(capped.message ?? '', /iTXt XML:com\.adobe\.xmp larger than 1048576 bytes/);
});

test('a PNG with 10,000 text chunks keeps 256 and says limited', async () => {
  const chunks = Array.from({ length: 10_000 }, (_, i) => tEXt(`k${i}`, 'v'));
  const r = await readProvenance(pngWith(fixtureBytes('libpng-test.png'), ...chunks, tEXt('parameters', 'x\nSteps: 20, Sampler: Euler, Model: m')));
  assert.equal(r.status, 'limited');
  assert.match(r.message ?? '', /more than 256 text chunks/);
  assert.equal(r.kind, 'none', 'the generator chunk after the bound is not read');
});

test('a JUMBF box that claims 4 GB and a BMFF box that claims 4 GB are reported, not allocated', async () => {
  // JPEG APP11 JUMBF whose superbox claims 0xFFFFFFFF bytes.
  const app11 = jpegSegment(0xeb, cat(ascii('JP'), Uint8Array.of(0, 1, 0, 0, 0, 1), be32(0xffffffff), ascii('jumb'), be32(0x1d), ascii('jumd'), ascii('c2pa'), new Uint8Array(32)));
  const j = await readProvenance(jpegWith(stripMetadata(fixtureBytes('IMG_0003.jpg')), app11));
  assert.equal(j.kind, 'c2pa');
  assert.equal(j.validation, 'invalid');
  // AVIF: ftyp + a uuid box with largesize 2^32.
  const ftyp = cat(be32(20), ascii('ftypavif'), be32(0), ascii('mif1'));
  const big = cat(be32(1), ascii('uuid'), be32(1), be32(0), new Uint8Array(16));
  const a = await readProvenance(cat(ftyp, big));
  assert.equal(a.kind, 'none');
  assert.equal(a.status, 'error');
  assert.match(a.message ?? '', /uuid at byte 20 claims 4294967296 bytes/);
});

test('boxes nested 10,000 deep stop at the depth bound', async () => {
  const depth = 10_000;
  const parts: Uint8Array[] = [cat(be32(20), ascii('ftypavif'), be32(0), ascii('mif1'))];
  const total = depth * 8;
  for (let i = 0; i < depth; i++) parts.push(cat(be32(total - i * 8), ascii('moov')));
  const r = await readProvenance(cat(...parts));
  assert.equal(r.status, 'limited');
  assert.match(r.message ?? '', /nested deeper than 8/);
});

test('a hostile zTXt (decompression bomb) is inflated only up to the bound', async () => {
  const { deflateSync } = await import('node:zlib');
  const bomb = deflateSync(new Uint8Array(64 * 1024 * 1024)); // 64 MiB of zeros, ~65 KB compressed
  const r = await readProvenance(pngWith(fixtureBytes('libpng-test.png'), pngChunk('zTXt', cat(ascii('Comment'), Uint8Array.of(0, 0), bomb))), { limits: { maxSegmentBytes: 1024 * 1024 } });
  assert.equal(r.status, 'limited');
  assert.match(r.message ?? '', /zTXt Comment larger than 1048576 bytes/);
});

test('a spent time budget stops the walk with status limited', async () => {
  const chunks = Array.from({ length: 200 }, (_, i) => tEXt(`k${i}`, 'v'));
  const r = await readProvenance(pngWith(fixtureBytes('libpng-test.png'), ...chunks), { limits: { timeBudgetMs: 0 } });
  assert.equal(r.status, 'limited');
  assert.match(r.message ?? '', /time budget of 0 ms spent/);
});

test('JPEG extended XMP (two APP1 parts joined by GUID) is read', async () => {
  const ext = xmpPacket({ 'Iptc4xmpExt:DigitalSourceType': 'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia', 'dc:description': 'y'.repeat(100_000) });
  const full = new TextEncoder().encode(ext);
  const guid = 'A'.repeat(32);
  const head = new TextEncoder().encode('http://ns.adobe.com/xmp/extension/\0' + guid);
  const half = Math.ceil(full.length / 2);
  const part = (off: number, bytes: Uint8Array) => jpegSegment(0xe1, cat(head, be32(full.length), be32(off), bytes));
  const jpeg = jpegWith(stripMetadata(fixtureBytes('IMG_0003.jpg')), xmpApp1(xmpPacket({ 'xmp:CreatorTool': 'Adobe Photoshop 25.0' })), part(0, full.subarray(0, half)), part(half, full.subarray(half)));
  const r = await readProvenance(jpeg);
  assert.deepEqual([r.kind, r.claim, r.softwareAgent, r.status], ['iptc-xmp', 'ai-edited', 'Adobe Photoshop 25.0', 'ok']);
});
