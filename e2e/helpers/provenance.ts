/**
 * The provenance feed for the e2e tests: images whose own bytes carry provenance, the same images with their
 * metadata stripped, and what the badge must show for each (computed in Node by the same reader and the same
 * fusion as the extension).
 *
 * - `c2pa-ai.jpg`: `C.jpg` of prov-core's fixtures (c2pa-rs test file, MIT OR Apache-2.0, see
 *   `extension/shared/provenance/fixtures/SOURCES.md`): a C2PA manifest whose `c2pa.created` action names
 *   `algorithmicMedia`, signed by the c2pa-rs test signer (valid when the c2pa-rs test roots are trusted);
 * - `c2pa-ai-stripped.jpg`: its pixels re-encoded by sharp (no APP11 / JUMBF, no EXIF, no XMP);
 * - `comfyui.png`: a seeded noise image with a `tEXt` chunk `prompt` holding a ComfyUI API graph (written
 *   here; the graph imitates what ComfyUI's SaveImage node writes);
 * - `comfyui-stripped.png`: the same PNG without the chunk;
 * - `camera.jpg`: `IMG_0003.jpg` of the fixtures (Canon EXIF only): camera metadata is a note, never the verdict;
 * - `c2pa-altered.jpg`: `XCA.jpg` of the fixtures (pixels changed after signing): "credentials invalid", pixels decide;
 * - `comfyui-huge.png`: an 8×8 PNG whose IHDR claims 30000×30000 with the ComfyUI chunk: the pixel path
 *   refuses it (too large) and the provenance gives the verdict alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { pngWith, tEXt } from '../../extension/shared/provenance/fixtures/build';
import { readProvenance } from '../../extension/shared/provenance/index';
import { configureProvenanceForNode } from '../../extension/shared/provenance/node';
import { fuseVerdict, type FusedLabel } from '../../extension/shared/provenance/fusion';
import type { ProvenanceResult } from '../../extension/shared/provenance/types';
import { verdictFor } from '../../extension/shared/verdict';
import { noiseImage, REPO_ROOT, type FeedImage } from './feed';

export const FIXTURE_DIR = join(REPO_ROOT, 'extension', 'shared', 'provenance', 'fixtures');
/** The c2pa-rs test roots (PEM): trusted in these tests so that `C.jpg` reads `valid`. */
export const TEST_ROOTS_PEM = readFileSync(join(FIXTURE_DIR, 'c2pa-test-roots.pem'), 'utf8');

/** A ComfyUI API-format graph, as ComfyUI's SaveImage writes it into the PNG `prompt` text chunk. */
export const COMFY_GRAPH = {
  '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'juggernautXL_v9.safetensors' } },
  '2': { class_type: 'CLIPTextEncode', inputs: { text: 'a lighthouse on a cliff at dusk, film photo', clip: ['1', 1] } },
  '3': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry, text', clip: ['1', 1] } },
  '4': { class_type: 'EmptyLatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
  '5': { class_type: 'KSampler', inputs: { seed: 90210, steps: 30, cfg: 6.5, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 1, model: ['1', 0], positive: ['2', 0], negative: ['3', 0], latent_image: ['4', 0] } },
  '6': { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['1', 2] } },
  '7': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['6', 0] } },
};

/** One image of the provenance feed and what its badge must show. */
export interface ProvenanceImage extends FeedImage {
  /** Short name used in messages. */
  name: string;
  /** The fused label the badge must reach whatever the pixels say; `pixels` = one of real / synthetic / unsure. */
  want: Exclude<FusedLabel, 'real' | 'synthetic' | 'unsure' | 'none'> | 'pixels';
  /** `kind/claim/validation` the badge must carry, or `undefined` when nothing may be found. */
  wantProvenance?: string;
}

/** A PNG whose IHDR claims `w`×`h` (the image data stays 8×8). */
async function lyingPng(w: number, h: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a6' } }).png().toBuffer());
  png.writeUInt32BE(w, 16);
  png.writeUInt32BE(h, 20);
  return png;
}

/** The provenance feed's images (routes under `/prov/`). */
export async function provenanceImages(): Promise<ProvenanceImage[]> {
  const c = readFileSync(join(FIXTURE_DIR, 'C.jpg'));
  const comfyBase = await noiseImage(4242, 320, 240);
  const prompt = tEXt('prompt', JSON.stringify(COMFY_GRAPH));
  const comfy = Buffer.from(pngWith(new Uint8Array(comfyBase), prompt));
  const huge = Buffer.from(pngWith(new Uint8Array(await lyingPng(30000, 30000)), prompt));
  const img = (name: string, bytes: Buffer, contentType: string, want: ProvenanceImage['want'], wantProvenance?: string): ProvenanceImage =>
    ({ name, route: `/prov/${name}`, bytes, contentType, source: name, expect: 'verdict', want, wantProvenance });
  return [
    img('c2pa-ai.jpg', c, 'image/jpeg', 'ai-generated', 'c2pa/ai-generated/valid'),
    img('c2pa-ai-stripped.jpg', await sharp(c).jpeg({ quality: 92 }).toBuffer(), 'image/jpeg', 'pixels'),
    img('comfyui.png', comfy, 'image/png', 'ai-generated-metadata', 'generator-metadata/ai-generated/unsigned'),
    img('comfyui-stripped.png', comfyBase, 'image/png', 'pixels'),
    img('camera.jpg', readFileSync(join(FIXTURE_DIR, 'IMG_0003.jpg')), 'image/jpeg', 'pixels', 'camera/camera-capture/unsigned'),
    img('c2pa-altered.jpg', readFileSync(join(FIXTURE_DIR, 'XCA.jpg')), 'image/jpeg', 'pixels', 'c2pa/unknown/invalid'),
    img('comfyui-huge.png', huge, 'image/png', 'ai-generated-metadata', 'generator-metadata/ai-generated/unsigned'),
  ];
}

/** What Node's reader says about `bytes`, with the c2pa-rs test roots trusted (as the tests set the extension). */
export async function nodeProvenance(bytes: Uint8Array): Promise<ProvenanceResult> {
  configureProvenanceForNode();
  return readProvenance(bytes, { trustAnchors: TEST_ROOTS_PEM });
}

/**
 * The badge text the extension must show for an image: Node's provenance fused with the badge's probability
 * under the rule in force (threshold and band), exactly as `content/badge.ts` does.
 * @param probability the badge's probability in [0, 1], or `undefined` when the detector did not run
 */
export function expectedBadge(p: ProvenanceResult, probability: number | undefined, rule: { threshold: number; unsureBand: number }, pixelAbsentReason?: string): { label: FusedLabel; short: string; text: string } {
  const pixel = probability === undefined ? undefined : { probability, label: verdictFor(probability, rule.threshold, rule.unsureBand) };
  const f = fuseVerdict(pixel, p.kind === 'none' && p.status === 'ok' ? undefined : p, { pixelAbsentReason, rule });
  return { label: f.label, short: f.short, text: f.text };
}
