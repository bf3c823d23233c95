/**
 * Generator names → generator family (`types.ts` `Family`), for catalogue-style sources whose file names
 * name the model (SD.Next reference previews, Book_Visualizer, SFHQ-T2I figures).
 */
import type { Family } from './types';

/** Ordered patterns over a model id / file stem; first match wins. Case-insensitive. */
const FAMILY_PATTERNS: Array<[RegExp, Family]> = [
  [/gemini|imagen|whisk|nano.?banana/i, 'closed-google'],
  [/dall.?e|gpt.?(4o|5|image)|chatgpt/i, 'closed-openai'],
  [/midjourney|\bmj\b/i, 'closed-midjourney'],
  [/pixart|sana|hunyuandit|pony-v7|auraflow/i, 'other-diffusion'],
  [/flux|chroma|flex\.|krea|shuttle|ultraflux|kontext|srpo|censkrechro|cenkrechro/i, 'flux'],
  [/stable-diffusion-3|sd3|stable-cascade|wuerstchen|würstchen|sdxl|xl[-_]|juggernaut|pony|noobai|illustrious|waiani|ssd-1b|segmind-vega|playground-v2|sdxl-turbo|tempest|koala|sdxs-1b/i, 'sdxl-sd3'],
  [/stable-diffusion-2|stable-diffusion-v?1|v1-5|sd-?1\.|sd-?2\.|instaflow|tiny-sd|segmoe-sd|blipdiffusion|unidiffuser|sdxs-512|dreamshaper|realistic.?vision|juggernaut_reborn|moodyrealmix|latent.?diffusion|ldm/i, 'sd-1-2'],
  [/janus|infinity|llamagen|hart|amused|meissonic|dalle.?mini|lumina-dimoo|x-omni|glm-image|hunyuanimage-?3|hunyuanimage3/i, 'autoregressive'],
  [/gigagan|stylegan|biggan/i, 'gan'],
];

/**
 * Family of a model id, e.g. `black-forest-labs--FLUX.1-dev` → `flux`, `stabilityai--stable-diffusion-3_5-large`
 * → `sdxl-sd3`. Open diffusion models that match no pattern are `other-diffusion`.
 * @param id model id or file stem
 */
export function familyOfModel(id: string): Family {
  for (const [re, fam] of FAMILY_PATTERNS) if (re.test(id)) return fam;
  return 'other-diffusion';
}
