/**
 * Fuzz test of the provenance reader: 1,200 deterministic mutations (seed 20261204) of the fixtures — bit
 * flips, truncations, and length fields overwritten with lies (0, 1, 0xFFFFFFFF, ±small) at chunk/segment/box
 * headers — each read once. Checks: no throw, each read under 1 s, a result of the contract's shape, and a
 * mutated C2PA-signed file is never reported `valid` (read with the test roots that make the original valid).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readProvenance } from './index';
import { configureProvenanceForNode } from './node';
import { allFixtures, fixtureTrustAnchors, type Fixture } from './fixtures/catalogue';
import { mulberry32, type Rng } from '../rng';

/** Uniform integer in [lo, hi). */
const randInt = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo));

before(() => configureProvenanceForNode());

/** Offsets of length fields: JPEG segment lengths, PNG chunk lengths, RIFF chunk sizes, BMFF box sizes (first 64). */
function lengthFieldOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  if (b[0] === 0xff && b[1] === 0xd8) {
    let o = 2;
    while (o + 4 <= b.length && b[o] === 0xff && out.length < 64) { const m = b[o + 1]!; if (m === 0xda) break; out.push(o + 2); o += 2 + ((b[o + 2]! << 8) | b[o + 3]!); }
  } else if (b[0] === 0x89) {
    let o = 8;
    while (o + 8 <= b.length && out.length < 64) { out.push(o); o += 12 + ((b[o]! << 24 >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!); }
  } else if (b[0] === 0x52) {
    let o = 12;
    while (o + 8 <= b.length && out.length < 64) { out.push(o + 4); const s = b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16) | (b[o + 7]! << 24); o += 8 + s + (s & 1); }
  }
  return out;
}

type Mutation = { what: string; bytes: Uint8Array };

function mutate(src: Uint8Array, rng: Rng): Mutation {
  const b = src.slice();
  const kind = randInt(rng, 0, 3);
  if (kind === 0) {
    const n = randInt(rng, 1, 9);
    for (let i = 0; i < n; i++) { const at = randInt(rng, 0, b.length); b[at]! ^= 1 << randInt(rng, 0, 8); }
    return { what: `${n} bit flips`, bytes: b };
  }
  if (kind === 1) {
    const at = randInt(rng, 0, b.length);
    return { what: `truncated at ${at}`, bytes: b.subarray(0, at) };
  }
  const offs = lengthFieldOffsets(b);
  const at = offs.length ? offs[randInt(rng, 0, offs.length)]! : randInt(rng, 0, Math.max(1, b.length - 4));
  const lies = [0, 1, 0xffffffff, 0x7fffffff, 0xffff, 2, 8];
  const lie = rng() < 0.5 ? lies[randInt(rng, 0, lies.length)]! : randInt(rng, 0, 1 << 20);
  const isJpeg = b[0] === 0xff;
  if (isJpeg) { b[at] = (lie >>> 8) & 0xff; b[at + 1] = lie & 0xff; }
  else if (b[0] === 0x52) { b[at] = lie & 0xff; b[at + 1] = (lie >>> 8) & 0xff; b[at + 2] = (lie >>> 16) & 0xff; b[at + 3] = lie >>> 24; }
  else { b[at] = lie >>> 24; b[at + 1] = (lie >>> 16) & 0xff; b[at + 2] = (lie >>> 8) & 0xff; b[at + 3] = lie & 0xff; }
  return { what: `length lie ${lie} at ${at}`, bytes: b };
}

test('1,200 mutated fixtures: no throw, no read over 1 s, never valid for a mutated signed file', async () => {
  const rng = mulberry32(20261204);
  const fixtures: Fixture[] = await allFixtures();
  const signed = fixtures.filter((f) => f.trust === 'c2pa-test-roots');
  const others = fixtures.filter((f) => !f.trust);
  const anchors = fixtureTrustAnchors('c2pa-test-roots');
  // Load the wasm verifier and read each signed original once first: the one-time compile of the code paths
  // they reach (V8 compiles wasm functions lazily, on first call) is not a hang of any read.
  for (const f of signed) await readProvenance(f.bytes, { trustAnchors: anchors });
  let n = 0;
  let slowest = 0;
  let slowestWhat = '';
  const counts: Record<string, number> = {};
  // Signed files cost a wasm verification each (~40 ms): 240 of them, 960 others.
  for (let i = 0; i < 1200; i++) {
    const fromSigned = i % 5 === 0;
    const f = fromSigned ? signed[randInt(rng, 0, signed.length)]! : others[randInt(rng, 0, others.length)]!;
    const m = mutate(f.bytes, rng);
    const t0 = performance.now();
    const r = await readProvenance(m.bytes, { trustAnchors: fromSigned ? anchors : undefined });
    const ms = performance.now() - t0;
    if (ms > slowest) { slowest = ms; slowestWhat = `${f.name}, ${m.what}`; }
    assert.ok(ms < 1000, `${f.name}, ${m.what}: ${ms.toFixed(0)} ms`);
    assert.ok(['c2pa', 'iptc-xmp', 'generator-metadata', 'camera', 'none'].includes(r.kind), `${f.name}, ${m.what}: kind ${r.kind}`);
    assert.ok(['ok', 'limited', 'error'].includes(r.status));
    assert.ok(Object.keys(r.fields).length <= 64 && Object.values(r.fields).every((v) => typeof v === 'string' && v.length <= 2000));
    if (fromSigned) {
      const same = m.bytes.length === f.bytes.length && m.bytes.every((x, j) => x === f.bytes[j]);
      if (!same) assert.notEqual(r.validation, 'valid', `${f.name}, ${m.what}: a mutated signed file read valid`);
    }
    counts[`${r.kind}/${r.validation}`] = (counts[`${r.kind}/${r.validation}`] ?? 0) + 1;
    n++;
  }
  assert.equal(n, 1200);
  // Mutations of the signed files must mostly still be recognised as C2PA (the reader did not give up early).
  assert.ok((counts['c2pa/invalid'] ?? 0) >= 100, JSON.stringify(counts));
  console.log(`# fuzz: slowest read ${slowest.toFixed(0)} ms (${slowestWhat}); outcomes ${JSON.stringify(counts)}`);
});
