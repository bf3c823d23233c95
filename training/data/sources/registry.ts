/**
 * The source registry: every public repository the training set draws from, pinned to a commit, with path
 * rules (label, generator, family, content category, trust, crop) and exclusions. Row ids (A1…, B1…, C, D)
 * refer to `shared/research/data-census.md` (2026-12-04). Repositories reserved for independent evaluation
 * (`reserved.ts`) never appear here; `sources.test.ts` checks that.
 *
 * Trust (census "Method notes"): high = generator named by its authors / in the generating code / per-file
 * metadata, or a known real dataset / camera EXIF; medium = curator's folder or gallery label; low =
 * unlabelled or ambiguous.
 */
import { familyOfModel } from './generators';
import { GRID_FILES } from './grid-files';
import { SONGGUOXS_NANO_BANANA_PRO, SONGGUOXS_Z_IMAGE_TURBO } from './songguoxs-models';
import type { Category, Family, SourceEntry } from './types';

const IMG = '{jpg,jpeg,png,webp,JPG,JPEG,PNG,WEBP}';

/** The file name without folders and extension. */
export function stem(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.[^.]+$/, '');
}

/** Group key from a regex capture of the path (paired real/AI images, photo series); numbers lose leading zeros. */
function groupBy(re: RegExp, prefix: string): (p: string) => string | undefined {
  return (p) => {
    const m = re.exec(p);
    return m ? `${prefix}:${m[1]!.replace(/^0+(?=\d)/, '')}` : undefined;
  };
}

/** dcsan/imagen file prefix → model (from the repo's `data/configs.py`, `image_prefix`). */
const DCSAN_PREFIX: Record<string, [string, Family]> = {
  ldif: ['Latent Diffusion (CompVis LDM text2im, 256px)', 'sd-1-2'],
  glid3: ['GLID-3-XL (latent diffusion)', 'sd-1-2'],
  dmin: ['DALL-E mini (VQGAN + BART)', 'autoregressive'],
  disco: ['Disco Diffusion (256px uncond. ADM + CLIP guidance)', 'other-diffusion'],
  mdif: ['Majesty Diffusion', 'sd-1-2'],
  simu: ['pixray VQGAN+CLIP ("simulacra" config)', 'gan'],
};

const SDNEXT_EDIT_OR_VIDEO = /edit|wan2|wan-ai|chronoedit|vace|kontext|step1x|blipdiffusion|fibo-edit|vibe-image|cosmos/i;

/** Category of a necenzurat "view" image from its scene name. */
function necenzuratView(p: string): Category {
  return /fruit/.test(p) ? 'landscape-nature' : /Christmas/.test(p) ? 'indoor' : 'street-city';
}

/** Category of a Pixmind gallery folder. */
function pixmindCategory(p: string): Category | undefined {
  const m = /images\/([^/]+)\//.exec(p);
  const f = m?.[1] ?? '';
  if (/architecture/.test(f)) return 'street-city';
  if (/portrait|people|fashion/.test(f)) return 'people';
  if (/food/.test(f)) return 'food';
  if (/nature|landscape/.test(f)) return 'landscape-nature';
  if (/text|typography|logo|poster/.test(f)) return 'text-graphics';
  if (/product/.test(f)) return 'objects';
  if (/photography|cinematic/.test(f)) return 'mixed';
  return 'art-illustration';
}

export const REGISTRY: SourceEntry[] = [
  // ───────────────────────────── A: sources with AI-generated images ─────────────────────────────
  {
    id: 'sdnext-reference', census: 'A6', repo: 'vladmandic/sdnext', commit: '058a7f0cf326f39c0135c6257d7b7e61073e51fd', mode: 'history',
    licence: 'Apache-2.0 (repo LICENSE)',
    confounds: 'Every file 512x512 JPEG of similar quality: re-encode the real class the same way. History mode: every preview a catalogue entry ever had (1-3 per model; re-encodes of one preview removed as near duplicates); some entries are quantised variants of one model. Many previews carry the model name as text in the image; one is a "blocked by safety filter" placeholder; grid previews are left out.',
    rules: [
      {
        kind: 'exclude', reason: 'grid of several outputs (seam detection, then looked at, 2026-12-04); OmniGen\'s also holds real inputs',
        pattern: 'models/Reference/{PixArt-alpha--PixArt-XL-2-1024-MS,Shitao--OmniGen-v1,Tencent-Hunyuan--HunyuanDiT-v1.2-Distilled,XCLiu--instaflow_0_9B_from_sd_1_5,hunyuanvideo-community--HunyuanImage-2.1-Diffusers,playgroundai--playground-v2-1024px-aesthetic,playgroundai--playground-v2-256px-base,playgroundai--playground-v2-512px-base,sdxl_turbo,stabilityai--stable-diffusion-2-1-base,stabilityai--stable-video-diffusion-img2vid-xt}.jpg',
      },
      {
        kind: 'include', pattern: `models/Reference/*.${IMG}`, label: 'synthetic', trust: 'medium',
        // Edit, video and subject-driven models are left out: their preview may contain a real input.
        generator: (p) => (SDNEXT_EDIT_OR_VIDEO.test(stem(p)) ? undefined : `SD.Next reference preview: ${stem(p)}`),
        family: (p) => familyOfModel(stem(p)), category: 'mixed',
        note: 'catalogue preview rendered with the named model (file name = catalogue entry)',
      },
    ],
  },
  {
    id: 'sdfd-faces', census: 'A7', repo: 'gebaltso/SDFD', commit: '3b44460b184a5c2a05e96ceeed7baf0acf84c9d8',
    licence: 'none stated (FG 2024 paper, research use)',
    confounds: 'Faces only, all 768x768 JPEG; real faces elsewhere are 200 px (UTKFace): resize both classes the same way.',
    rules: [
      { kind: 'include', pattern: `allImages/*.${IMG}`, label: 'synthetic', generator: 'Stable Diffusion 2.1 (SDFD)', family: 'sd-1-2', category: 'faces', trust: 'high' },
      { kind: 'exclude', pattern: 'examplesSDFD.png', reason: 'figure (grid of examples)' },
    ],
  },
  {
    id: 'gigagan-page', census: 'A9', repo: 'mingukkang/GigaGAN', commit: 'b2d371642f3745744c09efc1539654bd797f28e7',
    licence: 'none stated (authors\' project page)',
    confounds: 'Text-to-image thumbnails are 294 px; upsampler outputs are 4K (inputs are tiny real photos of unclear origin, not used).',
    rules: [
      { kind: 'exclude', pattern: 'static/images/{D_,G_}architecture*', reason: 'architecture diagram' },
      { kind: 'exclude', pattern: 'static/images/{Text2img*,thumbnail*,interpolation_*,style_swapping*,prompt_mixing*}', reason: 'figure or collage' },
      { kind: 'exclude', pattern: 'static/images/*_input.*', reason: 'upsampler input (low-res real photo of unclear origin)' },
      { kind: 'exclude', pattern: 'static/images/caption*_.png', reason: 'caption figure' },
      { kind: 'exclude', pattern: 'static/images/caption{0,1,2}.png', reason: 'caption figure' },
      { kind: 'include', pattern: 'static/images/*_output.jpg', label: 'synthetic', generator: 'GigaGAN (upsampler, 4K)', family: 'gan', category: 'mixed', trust: 'high' },
      { kind: 'include', pattern: 'static/images/upscale_*', label: 'synthetic', generator: 'GigaGAN (upsampler, 4K)', family: 'gan', category: 'mixed', trust: 'high' },
      {
        kind: 'include', pattern: `static/images/*.${IMG}`, label: 'synthetic', generator: 'GigaGAN (text-to-image)', family: 'gan', trust: 'high',
        category: (p) => (/alps|sea|galaxy|spring|earth|sunflower/.test(p) ? 'landscape-nature' : /bread|cake|pancake/.test(p) ? 'food' : /castle|mansion/.test(p) ? 'street-city' : /animal|iguana|kitten|dog|horse|turtle|elephant/.test(p) ? 'pets-animals' : /newton|caption|boy|guy|painter/.test(p) ? 'people' : 'objects'),
      },
    ],
  },
  {
    id: 'kauandugi-university', census: 'A10', repo: 'Kauandugi/Bias-ai-university-visuals', commit: '4d9dd198dbf0a6fb0527fbbee841e756f183b81f',
    licence: 'CC0 1.0',
    confounds: 'PNG 1536x1024 or 1024², ~1.6 MB, while real photos are usually JPEG: re-encode both classes. The 16 Gemini PNGs are absent (>4 MiB).',
    rules: [
      { kind: 'include', pattern: `data/images/*/DALL-E/**/*.${IMG}`, label: 'synthetic', generator: 'ChatGPT image (GPT-5.1 era, "DALL-E" in the study CSV)', family: 'closed-openai', category: 'people', trust: 'high' },
      { kind: 'include', pattern: `data/images/*/Midjourney/**/*.${IMG}`, label: 'synthetic', generator: 'Midjourney v7', family: 'closed-midjourney', category: 'people', trust: 'high' },
      { kind: 'include', pattern: `data/images/*/Whisk/**/*.${IMG}`, label: 'synthetic', generator: 'Google Whisk', family: 'closed-google', category: 'people', trust: 'high' },
      { kind: 'include', pattern: `data/images/*/Gemini*/**/*.${IMG}`, label: 'synthetic', generator: 'Gemini 2.5 Flash Image (Nano Banana)', family: 'closed-google', category: 'people', trust: 'high' },
      { kind: 'exclude', pattern: 'data/boxplots/**', reason: 'chart' },
    ],
  },
  {
    id: 'byronomc-news', census: 'A5', repo: 'ByronOMC/ai-vs-real-images-arcade', commit: '140a08aac456e4c6a1270f82e2f0cc7063ee065d', mode: 'history',
    licence: 'none stated; the real photos are Reuters news photos (copyrighted)',
    confounds: 'Content-paired: each AI image was generated from the caption of the real photo with the same index. All AI files are 1408x768 JPEG data in .png names; reals are ~1200x800 JPEG: crop/resize both classes.',
    rules: [
      { kind: 'include', pattern: 'data/news/AI_*.png', label: 'synthetic', generator: 'Gemini 3.1 Flash Image (gemini-3.1-flash-image-preview)', family: 'closed-google', category: 'mixed', trust: 'high', group: groupBy(/AI_(\d+)/, 'byronomc') },
      { kind: 'include', pattern: 'data/news/REAL_*.{jpg,jpeg,png}', label: 'real', generator: 'real: Reuters news photos (2026)', family: 'real', category: 'mixed', trust: 'high', group: groupBy(/REAL_(\d+)/, 'byronomc') },
      { kind: 'include', pattern: 'data/news/*_real.{jpg,jpeg}', label: 'real', generator: 'real: Reuters news photos (2026)', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'aidi-listings', census: 'A8', repo: 'steventmartinez/AIDI_testing', commit: 'c3cc4c9c60a3429f3a56f21675a19bbc8ef4f3fb',
    licence: 'none stated (research study stimuli)',
    confounds: 'Both classes 1024² or 2048² square crops; faces PNG in both classes, places JPEG in both: balanced by design. Source of the real photos not stated.',
    rules: [
      { kind: 'include', pattern: `stimuli/AI/ai_faces_*/*.${IMG}`, label: 'synthetic', generator: 'unnamed text-to-image (AIDI study, 2025)', family: 'unknown', category: 'faces', trust: 'medium', group: groupBy(/(faces_\w+?_\d+)/, 'aidi') },
      { kind: 'include', pattern: `stimuli/AI/ai_places_*/*.${IMG}`, label: 'synthetic', generator: 'unnamed text-to-image (AIDI study, 2025)', family: 'unknown', category: 'indoor', trust: 'medium' },
      { kind: 'include', pattern: `stimuli/Human/human_faces_*/*.${IMG}`, label: 'real', generator: 'real: AIDI study host photos', family: 'real', category: 'faces', trust: 'medium' },
      { kind: 'include', pattern: `stimuli/Human/human_places_*/*.${IMG}`, label: 'real', generator: 'real: AIDI study listing photos', family: 'real', category: 'indoor', trust: 'medium' },
    ],
  },
  {
    id: 'shashank-occupations', census: 'A11', repo: 'Shashank-Singh-05/Occupational-Bias-in-Generative-AI-Image-Models', commit: 'd4c085e30c4397893e93407fc022d11f8a2cbef6',
    licence: 'none stated',
    confounds: 'Generator not recorded per file (the script defaults to FLUX.1-schnell; an SDXL path exists). Occupational portraits; mixed sizes.',
    rules: [
      { kind: 'include', pattern: `bias_audit_results/**/*.${IMG}`, label: 'synthetic', generator: 'FLUX.1-schnell or SDXL 1.0 (not recorded per file)', family: 'unknown', category: 'people', trust: 'low' },
    ],
  },
  {
    id: 'dalle2-preview', census: 'A13', repo: 'openai/dalle-2-preview', commit: 'eeec5a1843b1d17cb9ed113117a2fcaa9206a564',
    licence: 'none stated (OpenAI risks document)',
    confounds: 'Single 1024² PNG outputs kept; grids, variations, inpainting composites, UI screenshots and the older "Model1" images are left out.',
    rules: [
      { kind: 'exclude', pattern: 'assets/*_04062022.png', reason: 'byte copy of the undated file' },
      { kind: 'exclude', pattern: 'assets/{reporting_modal*,signature_closeup*,*inpaint*,*variations*}', reason: 'screenshot, inpainting composite or variation grid' },
      { kind: 'exclude', pattern: 'assets/Model1_*', reason: 'small pre-release model samples (not DALL-E 2 as released)' },
      { kind: 'include', pattern: 'assets/Model2_*.png', label: 'synthetic', generator: 'DALL-E 2', family: 'closed-openai', trust: 'high', category: (p) => (/train|smoke|building/.test(p) ? 'street-city' : /cherries/.test(p) ? 'art-illustration' : /napkin/.test(p) ? 'objects' : /horse/.test(p) ? 'pets-animals' : 'people') },
      { kind: 'include', pattern: 'assets/0401_*.jpg', label: 'synthetic', generator: 'DALL-E 2', family: 'closed-openai', category: 'people', trust: 'high' },
    ],
  },
  {
    id: 'midjourney-v7-gallery', census: 'A14', repo: 'Pixmind-io/awesome-midjourney-v7-example-prompts', commit: 'e48e898fcd381b0f560cf0f2a56128f67299d5b5',
    licence: 'CC0 1.0',
    confounds: 'Collected from X; stylised prompts; many files >4 MiB absent.',
    rules: [
      { kind: 'exclude', pattern: '**', files: GRID_FILES['midjourney-v7-gallery'], reason: 'grid/collage of several outputs (grid-files.ts)' },
      { kind: 'include', pattern: `docs/x-twitter-images/*.${IMG}`, label: 'synthetic', generator: 'Midjourney v7', family: 'closed-midjourney', category: 'mixed', trust: 'medium' },
      { kind: 'include', pattern: `{docs/,}images/**/*.${IMG}`, label: 'synthetic', generator: 'Midjourney v7', family: 'closed-midjourney', category: pixmindCategory, trust: 'medium' },
    ],
  },
  {
    id: 'book-visualizer', census: 'A15', repo: 'Prince2412k2/Book_Visualizer', commit: 'e86df670ff5ce51113ebaef2d38b3284a32141a3',
    licence: 'none stated',
    confounds: 'One book-scene illustration per model; PNG.',
    rules: [
      { kind: 'include', pattern: 'Images/*.png', label: 'synthetic', generator: (p) => `Book_Visualizer: ${stem(p)}`, family: (p) => familyOfModel(stem(p)), category: 'art-illustration', trust: 'medium' },
    ],
  },
  {
    id: 'fooocus-styles', census: 'A17', repo: 'lllyasviel/Fooocus', commit: '59f183ab9b8e4a4bbf0fb8bc43886e19e8dfdfae',
    licence: 'GPL-3.0 (repo)',
    confounds: '128x128 style previews: thumbnail-level only; mostly stylised.',
    minSide: 128,
    rules: [
      { kind: 'include', pattern: 'sdxl_styles/samples/*.jpg', label: 'synthetic', generator: 'SDXL (Fooocus default checkpoint, style preview)', family: 'sdxl-sd3', category: 'art-illustration', trust: 'high' },
    ],
  },
  {
    id: 'zizheruan-nbpro', census: 'A4', repo: 'ZizheRuan/awesome-nano-banana-pro-images', commit: '9035cfdf83fe726bcb430fca5c3c822e2708ffa6',
    licence: 'Apache-2.0 (repo)',
    confounds: 'Small JPEG thumbnails (~40 KB); edit outputs of user inputs.',
    rules: [
      { kind: 'exclude', pattern: 'images/*_i.*', reason: 'edit input (not necessarily a photo)' },
      { kind: 'include', pattern: 'images/*_o.*', label: 'synthetic', generator: 'Nano Banana Pro (Gemini 3 Pro Image)', family: 'closed-google', category: 'mixed', trust: 'medium' },
    ],
  },
  {
    id: 'picotrex-nano-banana', census: 'A2', repo: 'PicoTrex/Awesome-Nano-Banana-images', commit: '7d344750a40e9061821d4fdf1ef22bdc3a970ead',
    licence: 'Apache-2.0 (repo LICENSE; README badge says CC BY 4.0)',
    confounds: 'Edit outputs (input → output): figurines, stylised edits; inputs (not all photographs) and case cover composites are left out.',
    rules: [
      { kind: 'exclude', pattern: '**', files: GRID_FILES['picotrex-nano-banana'], reason: 'grid/collage of several outputs (grid-files.ts)' },
      { kind: 'exclude', pattern: 'images/*/input*', reason: 'edit input (photo, drawing or screenshot)' },
      { kind: 'exclude', pattern: 'images/*/case.*', reason: 'case cover composite (input + output)' },
      { kind: 'exclude', pattern: 'images/logo.*', reason: 'logo' },
      { kind: 'include', pattern: `images/pro_case*/output*.${IMG}`, label: 'synthetic', generator: 'Nano Banana Pro (Gemini 3 Pro Image)', family: 'closed-google', category: 'mixed', trust: 'medium', group: groupBy(/images\/(pro_case\d+)\//, 'picotrex') },
      { kind: 'include', pattern: `images/case*/output*.${IMG}`, label: 'synthetic', generator: 'Nano Banana (Gemini 2.5 Flash Image)', family: 'closed-google', category: 'mixed', trust: 'medium', group: groupBy(/images\/(case\d+)\//, 'picotrex') },
    ],
  },
  {
    id: 'muset-nbpro', census: 'A3', repo: 'muset-ai/awesome-nanobanana2', commit: '73a8b7daf15b2b6f8a08451df3f7372203ca8430',
    licence: 'CC BY 4.0 (NOTICE)',
    confounds: 'Only the tree of this commit (its history holds copies of a reserved gallery and is refused). WebP/PNG edit outputs; docs/images duplicates cases/ (exact duplicates removed).',
    rules: [
      { kind: 'exclude', pattern: '**', files: GRID_FILES['muset-nbpro'], reason: 'grid/collage of several outputs (grid-files.ts)' },
      { kind: 'exclude', pattern: 'case-template/**', reason: 'template leftover (the census found one file here identical to a file of a reserved gallery)' },
      { kind: 'exclude', pattern: '**/input*', reason: 'edit input' },
      { kind: 'exclude', pattern: '**/case.*', reason: 'case cover (may be a composite with the input)' },
      { kind: 'include', pattern: `{cases,docs/images}/*/*.output.*.${IMG}`, label: 'synthetic', generator: 'Nano Banana Pro (Gemini 3 Pro Image)', family: 'closed-google', category: 'mixed', trust: 'medium', group: groupBy(/\/(\d+)\/\d+\.output/, 'muset') },
    ],
  },
  {
    id: 'songguoxs-gallery', census: 'A1', repo: 'songguoxs/gpt4o-image-prompts', commit: '27ee9f06bcf7d1a0a0a82411a6f03a495f9ee1b0',
    licence: 'none stated',
    confounds: 'Posters, infographics, text, collages and stylised 3-D re-saved from X; 210 images have a model name in data/prompts.json (Nano Banana Pro), the rest are unattributed (GPT-4o era, later Nano Banana Pro / GPT-5 / Grok / Doubao). Some may embed reference photos.',
    rules: [
      { kind: 'exclude', pattern: '**', files: GRID_FILES['songguoxs-gallery'], reason: 'grid/collage of several outputs (grid-files.ts)' },
      { kind: 'exclude', pattern: 'assets/**', reason: 'site asset' },
      {
        kind: 'include', pattern: `images/*.${IMG}`, label: 'synthetic', category: 'mixed',
        generator: (p) => (SONGGUOXS_NANO_BANANA_PRO.has(p) ? 'Nano Banana Pro (Gemini 3 Pro Image)' : SONGGUOXS_Z_IMAGE_TURBO.has(p) ? 'Z-Image-Turbo' : 'unattributed gallery image (GPT-4o era and later)'),
        family: (p) => (SONGGUOXS_NANO_BANANA_PRO.has(p) ? 'closed-google' : SONGGUOXS_Z_IMAGE_TURBO.has(p) ? 'other-diffusion' : 'unknown'),
        trust: (p) => (SONGGUOXS_NANO_BANANA_PRO.has(p) || SONGGUOXS_Z_IMAGE_TURBO.has(p) ? 'medium' : 'low'),
      },
    ],
  },
  {
    id: 'sfhq-t2i-figures', census: 'A16', repo: 'SelfishGene/SFHQ-T2I-dataset', commit: 'a8064474a09cbcec27a498f5bf51ad08298ba47c',
    licence: 'MIT (repo)',
    confounds: 'Only figures: two captioned, downscaled face tiles per model figure and search-result collages. Not used until per-figure tile boxes are measured (crop rule).',
    rules: [
      { kind: 'exclude', pattern: 'figures/**', reason: 'captioned collage (tiles not cropped yet)' },
    ],
  },
  {
    id: 'necenzurat-synthid', census: 'A12', repo: 'necenzurat/ai-image-filter', commit: '0dcf589bc08585949f45c0e3dde61413a6ed5cd5',
    archives: ['testIMG/dataset.zip'],
    licence: 'MIT (repo)',
    confounds: 'Everything edited by the author (logo removal, JPEG). "view": 6 real photos, each re-created by ChatGPT and by Gemini from a description, sized like the real one (paired). "human": Korean ID-style portraits. AI edits of the real photos and the re-edited Kaggle images (dinoHash) are left out.',
    rules: [
      { kind: 'exclude', pattern: 'testIMG/dataset.zip!view/*_edit_*', reason: 'AI edit of a real photo (part real pixels)' },
      { kind: 'exclude', pattern: 'testIMG/dataset.zip!dinoHash/**', reason: 're-edited images of an unnamed Kaggle set (generator unknown)' },
      { kind: 'include', pattern: 'testIMG/dataset.zip!human/ChatGPT_*.jpg', label: 'synthetic', generator: 'ChatGPT image (GPT-4o image, 2025)', family: 'closed-openai', category: 'faces', trust: 'medium' },
      { kind: 'include', pattern: 'testIMG/dataset.zip!human/Gemini_*.jpg', label: 'synthetic', generator: 'Gemini image (2025)', family: 'closed-google', category: 'faces', trust: 'medium' },
      { kind: 'include', pattern: 'testIMG/dataset.zip!view/ChatGPT_*.jpg', label: 'synthetic', generator: 'ChatGPT image (GPT-4o image, 2025)', family: 'closed-openai', category: necenzuratView, trust: 'medium', group: groupBy(/view\/\w+?_(\w+)\.jpg$/, 'necenzurat') },
      { kind: 'include', pattern: 'testIMG/dataset.zip!view/Gemini_*.jpg', label: 'synthetic', generator: 'Gemini image (2025)', family: 'closed-google', category: necenzuratView, trust: 'medium', group: groupBy(/view\/\w+?_(\w+)\.jpg$/, 'necenzurat') },
      { kind: 'include', pattern: 'testIMG/dataset.zip!view/real_*.jpg', label: 'real', generator: 'real: street and still-life photos (necenzurat view set)', family: 'real', category: necenzuratView, trust: 'medium', group: groupBy(/view\/real_(?:not_)?(\w+)\.jpg$/, 'necenzurat') },
    ],
  },
  // ───────────────────────────── C: official generator repositories (outputs sorted per file) ─────────────────────────────
  {
    id: 'kolors-demos', census: 'C', repo: 'Kwai-Kolors/Kolors', commit: '0fafa56a76b7acf1e147b153d1e7b8fd65f9055b',
    licence: 'Apache-2.0 (repo)',
    confounds: 'Authors\' demo outputs: IP-Adapter results of Kolors, SDXL and Midjourney (--cw) from the same reference, ControlNet results of Kolors and SDXL. References, conditions, masks and inpainting results (part real pixels) are left out.',
    rules: [
      { kind: 'exclude', pattern: '**/*{condition,mask,masked}*', reason: 'condition map or mask' },
      { kind: 'exclude', pattern: 'inpainting/**', reason: 'inpainting (keeps real pixels) or its input' },
      { kind: 'exclude', pattern: 'scripts/outputs/sample_inpainting*', reason: 'inpainting result' },
      { kind: 'include', pattern: 'ipadapter/asset/*_kolors_ip_result.*', label: 'synthetic', generator: 'Kolors (IP-Adapter-Plus)', family: 'other-diffusion', category: 'mixed', trust: 'high', group: groupBy(/asset\/(\d+)_/, 'kolors-ip') },
      { kind: 'include', pattern: 'ipadapter/asset/*_sdxl_ip_result.*', label: 'synthetic', generator: 'SDXL (IP-Adapter, Kolors comparison)', family: 'sdxl-sd3', category: 'mixed', trust: 'high', group: groupBy(/asset\/(\d+)_/, 'kolors-ip') },
      { kind: 'include', pattern: 'ipadapter/asset/*_mj_cw_result.*', label: 'synthetic', generator: 'Midjourney (--cw, Kolors comparison)', family: 'closed-midjourney', category: 'mixed', trust: 'high', group: groupBy(/asset\/(\d+)_/, 'kolors-ip') },
      { kind: 'include', pattern: 'ipadapter_FaceID/assets/*_Kolors.png', label: 'synthetic', generator: 'Kolors (IP-Adapter-FaceID-Plus)', family: 'other-diffusion', category: 'people', trust: 'high' },
      { kind: 'include', pattern: 'ipadapter_FaceID/assets/*_SDXL.png', label: 'synthetic', generator: 'SDXL (IP-Adapter-FaceID, Kolors comparison)', family: 'sdxl-sd3', category: 'people', trust: 'high' },
      { kind: 'include', pattern: 'ipadapter_FaceID/assets/image*_res.png', label: 'synthetic', generator: 'Kolors (IP-Adapter-FaceID-Plus)', family: 'other-diffusion', category: 'people', trust: 'high' },
      { kind: 'include', pattern: 'controlnet/outputs/*_sdxl.jpg', label: 'synthetic', generator: 'SDXL (ControlNet, Kolors comparison)', family: 'sdxl-sd3', category: (p) => (/dog|bird/.test(p) ? 'pets-animals' : 'people'), trust: 'high' },
      { kind: 'include', pattern: 'controlnet/outputs/*.jpg', label: 'synthetic', generator: 'Kolors (ControlNet)', family: 'other-diffusion', category: (p) => (/dog|bird/.test(p) ? 'pets-animals' : 'people'), trust: 'high' },
      { kind: 'include', pattern: 'dreambooth/ktxl_test_image.png', label: 'synthetic', generator: 'Kolors (DreamBooth LoRA)', family: 'other-diffusion', category: 'mixed', trust: 'high' },
      { kind: 'include', pattern: 'scripts/outputs/sample_{test,ip_*}.jpg', label: 'synthetic', generator: 'Kolors', family: 'other-diffusion', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'hunyuandit-demos', census: 'C', repo: 'Tencent/HunyuanDiT', commit: '368280ec35119ed2741a30cc5b40aafde34f8a8a',
    licence: 'Tencent Hunyuan Community License (repo)',
    confounds: 'Authors\' IP-Adapter, ControlNet and LoRA outputs. comfyui/ is left out (one file there equals a file of a reserved repository), as are inputs, training images and figures.',
    rules: [
      { kind: 'exclude', pattern: 'comfyui/**', reason: 'ComfyUI example images (one is identical to a reserved file)' },
      { kind: 'include', pattern: 'ipadapter/asset/output/*', label: 'synthetic', generator: 'HunyuanDiT 1.2 (IP-Adapter)', family: 'other-diffusion', trust: 'high', category: (p) => (/tiger|dog/.test(p) ? 'pets-animals' : /beach/.test(p) ? 'landscape-nature' : /cartoon/.test(p) ? 'art-illustration' : /beauty/.test(p) ? 'people' : 'mixed') },
      { kind: 'include', pattern: 'controlnet/asset/output/*', label: 'synthetic', generator: 'HunyuanDiT (ControlNet)', family: 'other-diffusion', category: 'mixed', trust: 'high' },
      { kind: 'include', pattern: 'lora/asset/*/inference/*', label: 'synthetic', generator: 'HunyuanDiT (LoRA)', family: 'other-diffusion', category: 'objects', trust: 'high' },
    ],
  },
  {
    id: 'infinity-samples', census: 'C', repo: 'FoundationVision/Infinity', commit: '4c27bbb54a9918847a2fe56b0fbe31a8523791a1',
    licence: 'MIT (repo)',
    confounds: 'Side-by-side comparison samples of Infinity model sizes (2B/8B/20B), small JPEG/WebP. The toy training data is left out.',
    rules: [
      { kind: 'include', pattern: 'assets/2b_20b/*', label: 'synthetic', generator: 'Infinity (bitwise autoregressive, 2B/20B)', family: 'autoregressive', category: 'mixed', trust: 'high', group: groupBy(/2b_20b\/(\d)/, 'inf20') },
      { kind: 'include', pattern: 'assets/2b_8b/*', label: 'synthetic', generator: 'Infinity (bitwise autoregressive, 2B/8B)', family: 'autoregressive', category: 'mixed', trust: 'high', group: groupBy(/2b_8b\/(\d)/, 'inf8') },
    ],
  },
  {
    id: 'kandinsky3-samples', census: 'C', repo: 'ai-forever/Kandinsky-3', commit: 'a4c9e92e4d9b2a57081b7e33a2e82373c99ddbfc',
    licence: 'Apache-2.0 (repo)',
    confounds: 'README "Examples of generations": stylised prompts.',
    rules: [
      { kind: 'include', pattern: 'assets/photo_*.jpg', label: 'synthetic', generator: 'Kandinsky 3', family: 'other-diffusion', category: 'art-illustration', trust: 'high' },
    ],
  },
  {
    id: 'sd2-samples', census: 'C', repo: 'Stability-AI/stablediffusion', commit: 'cf1d67a6fd5ea1aa600c4df58e5b47da45f6bdbf',
    licence: 'MIT (repo code); samples from the authors',
    confounds: 'Two single 768 px SD 2 text-to-image samples and unCLIP outputs; grids, inputs and upscaler/depth results are left out.',
    rules: [
      { kind: 'include', pattern: 'assets/stable-samples/txt2img/0000020*.png', label: 'synthetic', generator: 'Stable Diffusion 2 (768-v)', family: 'sd-1-2', category: 'mixed', trust: 'high' },
      { kind: 'include', pattern: 'assets/stable-samples/stable-unclip/{houses_out,plates_out}.jpeg', label: 'synthetic', generator: 'Stable unCLIP 2.1', family: 'sd-1-2', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'deepfloyd-if', census: 'C', repo: 'deep-floyd/IF', commit: 'ffc8163891682beaca0c5eb6b9077860a3bc6509',
    licence: 'DeepFloyd IF license (repo)',
    confounds: 'One 1024 px stage-III output of the README example; collages and figures left out.',
    rules: [
      { kind: 'include', pattern: 'pics/dream-III.jpg', label: 'synthetic', generator: 'DeepFloyd IF (stage III)', family: 'other-diffusion', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'flux1-grids', census: 'C', repo: 'black-forest-labs/flux', commit: '802fb4713906133fcbd0d8dc5351620ca4773036',
    licence: 'Apache-2.0 (repo code); FLUX.1 [schnell] outputs Apache-2.0, [dev] outputs per its licence',
    confounds: 'README mosaics of five FLUX.1 samples each, cut into tiles with a ~30 px inset (tile boxes measured on the mosaic); the mosaic was re-encoded as one JPEG. grid.jpg (model not stated per tile) and edit/inpainting demos are left out.',
    rules: [
      { kind: 'include', pattern: 'assets/dev_grid.jpg', label: 'synthetic', generator: 'FLUX.1 [dev]', family: 'flux', category: 'mixed', trust: 'high', tiles: ['32,32,1619,687', '1728,32,1452,687', '32,797,829,1050', '938,797,1519,1050', '2537,797,643,1050'] },
      { kind: 'include', pattern: 'assets/schnell_grid.jpg', label: 'synthetic', generator: 'FLUX.1 [schnell]', family: 'flux', category: 'mixed', trust: 'high', tiles: ['32,32,1510,655', '1619,32,1561,655', '32,764,1503,1083', '1612,764,839,1083', '2531,764,649,1083'] },
    ],
  },
  {
    id: 'ldm-inpainting-inputs', census: 'C', repo: 'CompVis/latent-diffusion', commit: 'a506df5756472e2ebaf9078affdde2c4f1502cd4',
    licence: 'MIT (repo); Unsplash/Flickr photos',
    confounds: 'The real photos given as inpainting examples (Unsplash/Flickr names); masks left out.',
    rules: [
      { kind: 'exclude', pattern: 'data/inpainting_examples/*_mask.png', reason: 'mask' },
      { kind: 'include', pattern: 'data/inpainting_examples/*.png', label: 'real', generator: 'real: Unsplash/Flickr photos (LDM inpainting examples)', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  // ───────────────────────────── B: real-photo sources ─────────────────────────────
  {
    id: 'utkface-crops', census: 'B2', repo: 'Mohanish-5744/Major_Ensemble_Gender', commit: '2f8aa4a5932c395d465f4f58d864b6a17a1b03f6',
    licence: 'UTKFace: non-commercial research only',
    confounds: '200x200 aligned face crops, small JPEG: downscale synthetic faces the same way; cap the pool when sampling.',
    rules: [
      { kind: 'include', pattern: 'crop_part1/*.jpg', label: 'real', generator: 'real: UTKFace aligned crops', family: 'real', category: 'faces', trust: 'high' },
    ],
  },
  {
    id: 'dogs-vs-cats', census: 'B1', repo: 'chanakya2734/Image-classification-using-CNN', commit: 'bf746c6e53f1edacd97b383de350f7a495cef0e1',
    licence: 'none stated (Kaggle Dogs vs Cats / Asirra terms)',
    confounds: 'Animals only; small pre-2014 web JPEGs without EXIF. Same origin (Asirra) as PetImages (B3): cross-source near duplicates are removed.',
    rules: [
      { kind: 'include', pattern: 'dataset/**/*.jpg', label: 'real', generator: 'real: Kaggle Dogs vs Cats / breed photos', family: 'real', category: 'pets-animals', trust: 'high' },
      { kind: 'exclude', pattern: '{cat_save,dog_save}/**', reason: 'author\'s augmented copies' },
    ],
  },
  {
    id: 'surreal-course', census: 'B9', repo: 'melledijkstra/surreal', commit: 'a03597896479d877ab595757f04d911f832770ba', mode: 'history',
    licence: 'MIT (repo)',
    confounds: 'One photographer, Canon EOS 4000D (EXIF), photo-course assignments; a few edited variants (near duplicates removed).',
    rules: [
      { kind: 'exclude', pattern: 'photos/**/edited/**', reason: 'edited variant of a kept photo' },
      { kind: 'include', pattern: `photos/**/*.${IMG}`, label: 'real', generator: 'real: Canon EOS 4000D photo-course photos', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'mcdeltat-portfolio', census: 'B7', repo: 'MC-DeltaT/photography-portfolio-website', commit: 'd4287d65ce61eb15dcd3bd329d3019c9b7af7282', mode: 'history',
    licence: 'none stated (owner\'s portfolio)',
    confounds: 'One photographer, Canon EOS 6D II / 80D (EXIF); large files; several resized copies of one photo over history (near duplicates removed).',
    rules: [
      { kind: 'include', pattern: `{resource,site/asset/image,source/data/resource}/photo/**/*.${IMG}`, label: 'real', generator: 'real: DSLR portfolio (Canon EOS 6D II / 80D)', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'shantrm-portfolio', census: 'B8', repo: 'shantrm/photo-portfolio', commit: '61b36985c6ad2b63b39198c260d560dbf5ad2c2b',
    licence: 'none stated (owner\'s portfolio)',
    confounds: 'Compact-camera photos (Panasonic DMC-FX3, Canon G7 X III EXIF), 2816x2112.',
    rules: [
      { kind: 'include', pattern: `images/*.${IMG}`, label: 'real', generator: 'real: compact-camera portfolio (Panasonic DMC-FX3, Canon G7 X III)', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'paussaanz-portfolio', census: 'B10', repo: 'paussaanz/photography-portfolio', commit: 'c5b934841bbd8552f666b242e60b3b58047c143e',
    licence: 'none stated',
    confounds: 'No EXIF, web-optimised; provenance unknown (may include stock); hi/mid/low/thumbnail copies of one photo (near duplicates removed, the first path in order kept).',
    rules: [
      { kind: 'exclude', pattern: 'public/favicons/**', reason: 'icon' },
      { kind: 'exclude', pattern: 'public/images/{thumbnails,low}/**', reason: 'smaller copy of a hi/mid image' },
      { kind: 'exclude', pattern: 'public/images/{dropdown,hi/about,hi/link-cover}.*', reason: 'site graphic' },
      {
        kind: 'include', pattern: `public/{images,editorials}/**/*.${IMG}`, label: 'real', generator: 'real: web photography portfolio (provenance unknown)', family: 'real', trust: 'low',
        // The file names carry the portfolio section; a contact sheet of each was looked at (2026-12-04).
        category: (p) => (/\/(photoshoots|music|sports)-/.test(p) ? 'people' : /\/lifestyle-/.test(p) ? 'street-city' : /\/(nature|dolomites|tanzania)-/.test(p) ? 'landscape-nature' : 'mixed'),
      },
    ],
  },
  {
    id: 'hymenoptera', census: 'B5', repo: 'zhangtao7750/syn', commit: 'f0503091488f67b6809a6da2eaa43c25f2f277fc',
    licence: 'ImageNet terms (research)',
    confounds: 'Ants and bees from ImageNet; ~500 px web JPEG.',
    rules: [
      { kind: 'include', pattern: 'hymenoptera_data/**/*.jpg', label: 'real', generator: 'real: ImageNet ants/bees (hymenoptera_data)', family: 'real', category: 'pets-animals', trust: 'high' },
    ],
  },
  {
    id: 'raccoon', census: 'B6', repo: 'datitran/raccoon_dataset', commit: '93938849301895fb73909842ba04af9b602f677a',
    licence: 'MIT (repo)',
    confounds: 'One subject; pre-2018 web photos.',
    rules: [
      { kind: 'include', pattern: 'images/raccoon-*.jpg', label: 'real', generator: 'real: raccoon web photos (raccoon_dataset)', family: 'real', category: 'pets-animals', trust: 'high' },
    ],
  },
  {
    id: 'zero-dce-lowlight', census: 'B11', repo: 'Li-Chongyi/Zero-DCE', commit: 'e0f4adc54d0f23348c4a9b84acc08fe8778d5bfd',
    licence: 'none stated (DICM/LIME benchmark photos)',
    confounds: 'Under-exposed only; BMP files do not decode with sharp and are skipped.',
    rules: [
      { kind: 'include', pattern: `Zero-DCE_code/data/test_data/**/*.${IMG}`, label: 'real', generator: 'real: low-light benchmark photos (DICM, LIME)', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'swinir-realsr', census: 'B12', repo: 'JingyunLiang/SwinIR', commit: '6545850fbf8df298df73d81f3e8cba638787c8bd',
    licence: 'Apache-2.0 (repo)',
    confounds: 'Small degraded real-world images. Set5/McMaster of this repo are reserved and never read.',
    rules: [
      { kind: 'include', pattern: `testsets/RealSRSet+5images/*.${IMG}`, label: 'real', generator: 'real: RealSRSet (degraded real-world photos)', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'flowers-128', census: 'B4', repo: 'martinwestin/flower_classification', commit: 'c169e7e4038bc0e0e2fe80090b6dc8919539816f',
    licence: 'none stated (Kaggle flowers, Flickr photos)',
    confounds: '128x128 thumbnails: usable only with everything downscaled; pool capped.',
    minSide: 128, maxFiles: 1500,
    rules: [
      { kind: 'include', pattern: 'flowers/*/*.jpg', label: 'real', generator: 'real: Kaggle flowers (Flickr)', family: 'real', category: 'landscape-nature', trust: 'high' },
    ],
  },
  {
    id: 'petimages-180', census: 'B3', repo: 'karemsaeed21/cat_vs_dog_classification_CNN', commit: '16df905b3e0272c188c89dd050bf9b5d04314720',
    licence: 'Microsoft PetImages terms',
    confounds: 'All 180x180, re-encoded by the author; same origin as Dogs vs Cats (B1), cross-source near duplicates removed; pool capped.',
    minSide: 128, maxFiles: 3000,
    rules: [
      { kind: 'exclude', pattern: 'PetImages/cleaned/**', reason: 'duplicate folder' },
      { kind: 'include', pattern: 'PetImages/{Cat,Dog}/*.jpg', label: 'real', generator: 'real: Microsoft PetImages (Asirra)', family: 'real', category: 'pets-animals', trust: 'high' },
    ],
  },
  {
    id: 'food101-subset', census: 'new', repo: 'srohit0/food_mnist', commit: 'e6cdf589a9937cf7fcb53d3a86df053be452e1f5',
    licence: 'Food-101 (Foodspotting photos; research / fair use)',
    confounds: 'Food-101 photos of 10 dishes, rescaled by the author to ≤512 px long side; the only bulk real food source; pool capped.',
    maxFiles: 1500,
    rules: [
      { kind: 'exclude', pattern: 'images/*.*', reason: 'collage figure' },
      { kind: 'include', pattern: 'images/*/*.jpg', label: 'real', generator: 'real: Food-101 (foodspotting.com photos)', family: 'real', category: 'food', trust: 'high' },
    ],
  },
  {
    id: 'viton-models', census: 'C', repo: 'levihsu/OOTDiffusion', commit: '13ef0faba266cdde9febc8ad39be2395bbb89d9c',
    licence: 'VITON-HD / Dress Code dataset photos (research use)',
    confounds: 'Real fashion-model photos from VITON-HD (NNNNN_00) and Dress Code (NNNNNN_0) used as try-on inputs; garments and try-on outputs (part real) are left out.',
    rules: [
      { kind: 'include', pattern: 'run/examples/model/+([0-9])_0{,0}.jpg', label: 'real', generator: 'real: VITON-HD / Dress Code model photos', family: 'real', category: 'people', trust: 'high' },
    ],
  },
  {
    id: 'idm-vton-models', census: 'C', repo: 'yisol/IDM-VTON', commit: '0d5f3ec2d737487a9bb24e4100936ad254780383',
    licence: 'VITON-HD dataset photos (research use)',
    confounds: 'Real VITON-HD model photos used as try-on inputs (near duplicates of the OOTDiffusion copies removed).',
    rules: [
      { kind: 'include', pattern: 'gradio_demo/example/human/+([0-9])_00.jpg', label: 'real', generator: 'real: VITON-HD / Dress Code model photos', family: 'real', category: 'people', trust: 'high' },
    ],
  },
  {
    id: 'catvton-models', census: 'C', repo: 'Zheng-Chong/CatVTON', commit: '3b795364a4d2f3b5adb365f39cdea376d20bc53c',
    licence: 'Dress Code dataset photo (research use)',
    confounds: 'Only the Dress Code-named person photo is taken; "model_N" and named persons are of unclear origin (possibly generated).',
    rules: [
      { kind: 'include', pattern: 'resource/demo/example/person/*/+([0-9])_0.jpg', label: 'real', generator: 'real: VITON-HD / Dress Code model photos', family: 'real', category: 'people', trust: 'high' },
    ],
  },
  {
    id: 'photomaker-refs', census: 'C', repo: 'TencentARC/PhotoMaker', commit: '060b4fcb10b76a4554edf565d6106b7e36c968f0',
    licence: 'none stated; photos of public figures used as identity references',
    confounds: 'Celebrity reference photos (press/web); the Newton references (paintings/engravings), the statue and the pose reference are left out.',
    rules: [
      { kind: 'exclude', pattern: 'examples/newton_man/**', reason: 'paintings/engravings, not photos' },
      { kind: 'include', pattern: `examples/{scarletthead_woman,yangmi_woman,lenna_woman}/*.${IMG}`, label: 'real', generator: 'real: public-figure reference photos (PhotoMaker examples)', family: 'real', category: 'faces', trust: 'medium' },
    ],
  },
  // ───────────────────────────── D: leftovers of repositories the developer set uses ─────────────────────────────
  {
    id: 'dcsan-imagen-more', census: 'D', repo: 'dcsan/imagen', commit: 'c6f37ebed13ee57a51055235c70621c6ae80521f',
    licence: 'none stated; outputs of third-party model APIs',
    confounds: 'Mostly artistic or surreal prompts, 256-512 px PNG. The midj-/dal2-/stab- files are reserved and never read.',
    rules: [
      {
        kind: 'include', pattern: 'output/renders/*/*.png', label: 'synthetic', trust: 'high',
        generator: (p) => DCSAN_PREFIX[stem(p).split('-')[0]!]?.[0], family: (p) => DCSAN_PREFIX[stem(p).split('-')[0]!]?.[1],
        category: (p) => (/street|tokyo|temple|shanghai/.test(p) ? 'street-city' : /beautiful-woman|pretty-girl|makeup|make-up|mick-jagger|jesus/.test(p) ? 'people' : /octopus|panda|fish|frog/.test(p) ? 'pets-animals' : /forest|mushroom/.test(p) ? 'landscape-nature' : 'art-illustration'),
      },
    ],
  },
  {
    id: 'unstable-diffusion-more', census: 'D', repo: 'Ispanicus/unstable-diffusion', commit: '20a9a913ddd5021262c3e70193baeb8843a76b43',
    licence: 'none stated',
    confounds: '512x512 tiles cut from 2x2 grids and re-saved by the author (PIL JPEG); occupational portraits; no real class.',
    rules: [
      { kind: 'include', pattern: 'text2imgdata_clean/*/*.jpg', label: 'synthetic', generator: 'Stable Diffusion (DeepAI text2img API, late 2022)', family: 'sd-1-2', category: 'people', trust: 'high', group: groupBy(/text2imgdata_clean\/([^/]+\/\d+)_/, 'ud-grid') },
    ],
  },
  {
    id: 'eyes-that-more', census: 'D', repo: 'twinkletwinklelittlestar70/eyes_that', commit: 'fcf4298b89de2719eb4b4c6e5b33c756e6cb94be',
    licence: 'none stated; StyleGAN weights CC BY-NC 4.0; FFHQ CC BY-NC-SA 4.0',
    confounds: 'Fakes 1024x1024 JPEG, reals 256x256: resize both. All reals are already in the developer set.',
    rules: [
      { kind: 'include', pattern: 'backend/static/images/fake/*.jpg', label: 'synthetic', generator: 'StyleGAN (v1) FFHQ-1024, truncation psi 0.7', family: 'gan', category: 'faces', trust: 'high' },
      { kind: 'include', pattern: 'backend/static/images/real/*.jpg', label: 'real', generator: 'real: FFHQ (256px copy from the 140k real-and-fake-faces Kaggle set)', family: 'real', category: 'faces', trust: 'high' },
    ],
  },
  {
    id: 'laboratoriet-more', census: 'D', repo: 'Laboratoriet/real-or-ai-game', commit: '269851655dae14acd2867195733d712c669dfa39',
    licence: 'none stated',
    confounds: 'Both classes re-encoded by the author (mozjpeg q90, ≤1600 px). Only 32 AI city images are not in the developer set.',
    rules: [
      { kind: 'exclude', pattern: 'public/images/**/lqip/**', reason: 'placeholder thumbnail' },
      { kind: 'include', pattern: 'public/images/*/ai/*.{jpg,JPG}', label: 'synthetic', generator: (p) => `unnamed modern text-to-image generator (${p.split('/')[2]})`, family: 'unknown', trust: 'medium', category: (p) => ({ people: 'people', city: 'street-city', nature: 'landscape-nature', interior: 'indoor' } as Record<string, Category>)[p.split('/')[2]!] },
      { kind: 'include', pattern: 'public/images/*/real/*.{jpg,JPG}', label: 'real', generator: (p) => `real photo (${p.split('/')[2]}); provenance not documented in repo`, family: 'real', trust: 'medium', category: (p) => ({ people: 'people', city: 'street-city', nature: 'landscape-nature', interior: 'indoor' } as Record<string, Category>)[p.split('/')[2]!] },
    ],
  },
  {
    id: 'bsds500-more', census: 'D', repo: 'Sisso16/ssn_pytorch', commit: 'c4f9ac8c43397cbacbf2e2ba1505efafa769435d',
    licence: 'none stated; BSDS images for research use (Corel photos)',
    confounds: '1990s Corel film scans, 481x321; the val split (= BSD100, overlapping CBSD68 and CNNDetection SAN) is left out.',
    rules: [
      { kind: 'exclude', pattern: 'BSR/BSDS500/data/images/val/**', reason: 'BSD100: overlaps CBSD68 and CNNDetection SAN pairs' },
      { kind: 'include', pattern: 'BSR/BSDS500/data/images/{train,test}/*.jpg', label: 'real', generator: 'real: BSDS500 (Berkeley Segmentation Data Set 500; Corel stock photos)', family: 'real', category: 'mixed', trust: 'high' },
    ],
  },
  {
    id: 'denoising-photos', census: 'D', repo: 'majedelhelou/denoising_datasets', commit: '58234876fef6f1b56306705c78dfd40cdb837b86',
    licence: 'none stated; SUN database / Urban100 (Flickr) photos and Manga109 pages for research use',
    confounds: 'Urban100: ~1.4 MB PNG of buildings; Sun-Hays: 1024 px JPEG scenes; CManga109: human-drawn manga pages (real = not AI-generated; not photos). Set5/Set14 (reserved) are never read; BSD68 (in the developer set) is left out.',
    rules: [
      { kind: 'exclude', pattern: 'Manga109/**', reason: 'grey copy of CManga109' },
      // Human-drawn art is "not AI-generated": the only real counterpart to the many stylised synthetic images.
      { kind: 'include', pattern: 'CManga109/*.png', label: 'real', generator: 'real (human-drawn): Manga109 colour manga pages', family: 'real', category: 'art-illustration', trust: 'high', note: 'human-drawn illustration, not a photo' },
      { kind: 'exclude', pattern: '{BSD68,CBSD68,Sun_Hays80,Urban100}/**', reason: 'grey copy, or already in the developer set' },
      { kind: 'include', pattern: 'CSun_Hays80/*.jpg', label: 'real', generator: 'real: Sun-Hays 80 (SUN database scene photos, colour set)', family: 'real', trust: 'high', category: (p) => (/street|canal|medina|phone_booth|subway|building|city|skyscraper|alley/.test(p) ? 'street-city' : /store|restaurant|hostel|brewery|warehouse|cockpit|room|kitchen|office|church/.test(p) ? 'indoor' : 'landscape-nature') },
      { kind: 'include', pattern: 'CUrban100/*.png', label: 'real', generator: 'real: Urban100 (Flickr building photos)', family: 'real', category: 'street-city', trust: 'high' },
    ],
  },
];
