import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capPerSource, combineTrainset, developerSetCategory, familyOf, trainsetTsv } from './trainset';
import type { Rec } from './manifest';

function rec(path: string, source: string, label: 'real' | 'synthetic', generator: string, extra: Record<string, string> = {}): Rec {
  return { path, file: `/x/${path}`, label, y: label === 'synthetic' ? 1 : 0, source, generator, group: `path:${path}`, line: 0, extra };
}

test('familyOf: known generators of the developer set and the census map to their families', () => {
  const cases: Array<[string, string]> = [
    ['StyleGAN (v1) FFHQ-1024, truncation psi 0.7', 'gan'],
    ['GigaGAN', 'gan'],
    ['CycleGAN', 'gan'],
    ['DALL-E mini (VQGAN + BART)', 'autoregressive'],
    ['"pixray VQGAN+CLIP (""simulacra"" config)"', 'autoregressive'],
    ['DALL-E 2', 'closed-openai'],
    ['ChatGPT image (GPT 5.1)', 'closed-openai'],
    ['Nano Banana Pro', 'closed-google'],
    ['Gemini 3.1 Flash Image', 'closed-google'],
    ['Midjourney v7', 'closed-midjourney'],
    ['Stable Diffusion 2.1', 'sd-1-2'],
    ['Stable Diffusion (DeepAI text2img API, late 2022)', 'sd-1-2'],
    ['GLID-3-XL (latent diffusion)', 'sd-1-2'],
    ['SDXL 1.0', 'sdxl-sd3'],
    ['FLUX.1-schnell', 'flux'],
    ['Qwen-Image', 'flux'],
    ['Kandinsky 3', 'other-diffusion'],
    ['Disco Diffusion (256px uncond. ADM + CLIP guidance)', 'other-diffusion'],
    ['SAN super-resolution', 'processed'],
    ['Deepfake face swap (FaceForensics++)', 'processed'],
    ['unnamed modern text-to-image generator (city)', 'other-diffusion'],
  ];
  for (const [g, f] of cases) assert.equal(familyOf(g), f, g);
});

test('combineTrainset: prefixes paths and sources, keeps a given family, drops cross-input sha256 duplicates', () => {
  const dev = [rec('a/real/1.jpg', 'a', 'real', 'real', { sha256: 'AA' }), rec('a/synthetic/1.png', 'a', 'synthetic', 'StyleGAN')];
  const asm = [rec('b/real/1.jpg', 'b', 'real', 'real', { sha256: 'aa', category: 'pets' }), rec('b/synthetic/2.jpg', 'b', 'synthetic', 'whatever', { family: 'google', category: 'people' })];
  const rows = combineTrainset([{ name: 'dev', records: dev }, { name: 'asm', records: asm }]);
  assert.deepEqual(rows.map((r) => [r.path, r.source, r.family, r.category]), [
    ['dev/a/real/1.jpg', 'a', 'real', 'unknown'],
    ['dev/a/synthetic/1.png', 'a', 'gan', 'unknown'],
    ['asm/b/synthetic/2.jpg', 'b', 'closed-google', 'people'],
  ]);
  const tsv = trainsetTsv(rows).split('\n');
  assert.equal(tsv[0], 'path\tlabel\tsource\tgenerator\tfamily\tcategory\tcrop\tgroup\tsha256');
  assert.equal(tsv[3], 'asm/b/synthetic/2.jpg\tsynthetic\tb\twhatever\tclosed-google\tpeople\t\tasm:path:b/synthetic/2.jpg\t');
});

test('capPerSource: at most cap rows per (source, label), deterministic, seed-dependent', () => {
  const recs: Rec[] = [];
  for (let i = 0; i < 50; i++) recs.push(rec(`p/${i}`, 'pets', 'real', 'real'));
  for (let i = 0; i < 5; i++) recs.push(rec(`s/${i}`, 'sd', 'synthetic', 'SD 1.5'));
  const rows = combineTrainset([{ name: 'x', records: recs }]);
  const a = capPerSource(rows, 10, 1);
  assert.equal(a.filter((r) => r.source === 'pets').length, 10);
  assert.equal(a.filter((r) => r.source === 'sd').length, 5);
  const twice = combineTrainset([{ name: 'x', records: recs.slice(0, 2) }, { name: 'y', records: recs.slice(2, 3) }]);
  assert.deepEqual(twice.map((r) => r.source), ['x-pets', 'x-pets', 'y-pets']);
  assert.deepEqual(capPerSource(rows, 10, 1).map((r) => r.path), a.map((r) => r.path));
  assert.notDeepEqual(capPerSource(rows, 10, 2).map((r) => r.path), a.map((r) => r.path));
  assert.throws(() => capPerSource(rows, 0), RangeError);
});

test('developerSetCategory: laboratoriet by its folder, other sources by name', () => {
  assert.equal(developerSetCategory('laboratoriet-real-or-ai', 'public/images/city/real/4.jpg'), 'street-city');
  assert.equal(developerSetCategory('laboratoriet-real-or-ai', 'public/images/nature/ai/12.jpg'), 'landscape-nature');
  assert.equal(developerSetCategory('eyes-that-faces'), 'faces');
  assert.equal(developerSetCategory('somewhere-else'), 'unknown');
});
