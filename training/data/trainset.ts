/**
 * The training set of the detector experiments: several manifests (the developer set `../shared/data`, the
 * assembled public-source set of `npm run data -- assemble`) combined into one manifest whose rows carry the
 * columns the experiments group by: `source` (one image pipeline: a repository, or a folder of the developer
 * set), `family` (generator family for leave-one-family-out; `real` for real photos) and `category` (coarse
 * content, for the class-ratio check).
 *
 * Paths are prefixed with the input's name (`dev/…`, `asm/…`) so a feature cache keyed by path serves every
 * later run; the combined folder holds one symbolic link per input (`<out>/dev → ../shared/data`).
 */
import type { Rec } from './manifest';
import { hashString, mulberry32, shuffleInPlace } from './rng';

/**
 * Generator families (the names of the source registry, `training/data/sources/types.ts`, plus `processed`),
 * coarse enough to hold several generators each and fine enough to be "unseen" as a whole. */
export const FAMILIES = [
  'gan', // ProGAN, StyleGAN 1–3, BigGAN, CycleGAN, StarGAN, GauGAN, GigaGAN …
  'sd-1-2', // Stable Diffusion 1.x / 2.x and their fine-tunes, LDM, GLID-3
  'sdxl-sd3', // SDXL, SD3 / 3.5, Stable Cascade, Playground, Kolors, PixArt, Hunyuan-DiT …
  'flux', // FLUX.1 / FLUX.2 and other rectified-flow DiTs of that line (Qwen-Image, HiDream, Z-Image, Chroma)
  'closed-openai', // DALL·E 2 / 3, GPT-4o / GPT-image, ChatGPT images
  'closed-google', // Imagen, Gemini image, Nano Banana (Pro), Whisk
  'closed-midjourney',
  'other-diffusion', // Kandinsky, DeepFloyd IF, Disco/Majesty, unnamed modern text-to-image
  'autoregressive', // DALL·E mini, VQGAN+CLIP, Janus, Infinity, CogView
  'processed', // CNN-processed real photos and face swaps (SAN super-resolution, SITD, Deepfake)
  'unknown', // generator not recorded by the source
] as const;
export type Family = (typeof FAMILIES)[number];

const RULES: Array<[RegExp, Family]> = [
  [/\b(SAN super|SITD|Deepfake|face swap)/i, 'processed'],
  [/\b(flux|qwen-?image|hidream|z-?image|chroma|lumina)/i, 'flux'],
  [/\b(sdxl|sd3|sd 3|stable diffusion (xl|3)|stable cascade|cascade|würstchen|wuerstchen|playground|kolors|pixart|hunyuan|sana|juggernaut|fooocus)/i, 'sdxl-sd3'],
  [/\b(dall-?e mini|vqgan|pixray|janus|infinity|cogview|llamagen|var\b)/i, 'autoregressive'],
  [/\b(dall-?e|gpt|chatgpt|openai|sora)/i, 'closed-openai'],
  [/\b(imagen|gemini|nano ?banana|whisk|google)/i, 'closed-google'],
  [/\bmidjourney|\bmj\b/i, 'closed-midjourney'],
  [/\b(stable diffusion|\bsd[ -]?(1|2)|latent diffusion|ldm|glid-?3|unstable)/i, 'sd-1-2'],
  [/(gan\b|\bspade\b|\bcrn\b|\bimle\b|thispersondoesnotexist)/i, 'gan'],
  [/\b(kandinsky|deepfloyd|disco|majesty|diffusion|text-to-image)/i, 'other-diffusion'],
];

/**
 * The generator family of a generator name, by the ordered rules above (first match wins).
 * @param generator the manifest's `generator` text, e.g. `StyleGAN (v1) FFHQ-1024`, `Nano Banana Pro`
 * @returns a `Family`, or `other-diffusion` for unmatched synthetic generators
 */
export function familyOf(generator: string): Family {
  for (const [re, f] of RULES) if (re.test(generator)) return f;
  return 'other-diffusion';
}

/**
 * Content categories of the developer set (`../shared/data`), which has no category column: by source, and for
 * `laboratoriet-real-or-ai` by its own folder (`people`, `city`, `nature`, `interior`). Names as the source
 * registry's `Category`.
 */
export function developerSetCategory(source: string, originalPath = ''): string {
  if (source === 'laboratoriet-real-or-ai') {
    const m = /(?:^|\/)(people|city|nature|interior)\//.exec(originalPath);
    return m ? ({ people: 'people', city: 'street-city', nature: 'landscape-nature', interior: 'indoor' } as const)[m[1] as 'people'] : 'mixed';
  }
  const bySource: Record<string, string> = {
    'eyes-that-faces': 'faces', 'unstable-diffusion-sd': 'people', 'imagen-2022-t2i': 'art-illustration',
    'sun-hays80': 'street-city', bsds500: 'mixed', 'ircnn-cbsd68': 'mixed', 'cnndetection-ranking': 'mixed',
  };
  return bySource[source] ?? 'unknown';
}

/** One input manifest: its records and the name its paths are prefixed with. */
export interface TrainsetInput { name: string; records: Rec[] }

/** A row of the combined manifest. */
export interface TrainsetRow {
  path: string; label: 'real' | 'synthetic'; source: string; generator: string; family: string; category: string;
  crop: string; group: string; sha256: string;
}

/**
 * Combines manifests into training rows.
 * - `source`: the record's own source (its `source` column, else its first folder: the developer set's
 *   folders are its sources), prefixed `<input>-` only where two inputs use the same source name;
 * - `family`: `extra.family` when given (normalised through `familyOf` if it is not a known family), else
 *   `familyOf(generator)`; `real` for real images;
 * - `category`: `extra.category`, else `developerSetCategory` (the developer set's sources), else `unknown`;
 * - rows with the same sha256 (across inputs) are kept once, the first input winning.
 * @returns rows in input order
 */
export function combineTrainset(inputs: TrainsetInput[]): TrainsetRow[] {
  const seen = new Set<string>();
  // A source name is prefixed with its input's name only where two inputs use it.
  const owners = new Map<string, Set<string>>();
  for (const { name, records } of inputs) for (const r of records) (owners.get(r.source) ?? owners.set(r.source, new Set()).get(r.source)!).add(name);
  const rows: TrainsetRow[] = [];
  for (const { name, records } of inputs) {
    for (const r of records) {
      const sha = (r.extra.sha256 ?? '').toLowerCase();
      if (sha && seen.has(sha)) continue;
      if (sha) seen.add(sha);
      const given = (r.extra.family ?? '').trim();
      const family = r.y === 0 ? 'real' : (FAMILIES as readonly string[]).includes(given) ? given : familyOf(given || r.generator);
      const crop = r.crop ? `${r.crop.x},${r.crop.y},${r.crop.width},${r.crop.height}` : '';
      rows.push({
        path: `${name}/${r.path}`, label: r.label, source: owners.get(r.source)!.size > 1 ? `${name}-${r.source}` : r.source,
        generator: r.generator, family, category: (r.extra.category ?? '').trim() || developerSetCategory(r.source, r.originalPath), crop,
        group: `${name}:${r.group}`, sha256: sha,
      });
    }
  }
  return rows;
}

/** The combined manifest as TSV (header + one line per row; tabs and newlines in values replaced by spaces). */
export function trainsetTsv(rows: TrainsetRow[]): string {
  const cols: Array<keyof TrainsetRow> = ['path', 'label', 'source', 'generator', 'family', 'category', 'crop', 'group', 'sha256'];
  const clean = (v: string) => v.replace(/[\t\r\n]+/g, ' ');
  return [cols.join('\t'), ...rows.map((r) => cols.map((c) => clean(r[c])).join('\t'))].join('\n') + '\n';
}

/**
 * Caps each (source, label) stratum at `cap` rows, drawn without replacement by a seeded shuffle of the
 * stratum's groups (rows of one group stay together), so giant pools (25,000 pet photos, 9,800 face crops)
 * cannot outweigh every other source. Deterministic for a given seed and input order.
 * @param cap maximum rows per (source, label), integer ≥ 1; `Infinity` keeps everything
 * @returns the kept rows, in input order
 * @throws {RangeError} for a cap that is not a positive integer or Infinity
 */
export function capPerSource(rows: TrainsetRow[], cap: number, seed = 1234): TrainsetRow[] {
  if (cap !== Infinity && (!Number.isInteger(cap) || cap < 1)) throw new RangeError(`cap must be a positive integer, got ${cap}`);
  if (cap === Infinity) return rows.slice();
  const strata = new Map<string, Map<string, TrainsetRow[]>>();
  for (const r of rows) {
    const k = `${r.source}\u0000${r.label}`;
    const s = strata.get(k) ?? strata.set(k, new Map()).get(k)!;
    (s.get(r.group) ?? s.set(r.group, []).get(r.group)!).push(r);
  }
  const keep = new Set<TrainsetRow>();
  for (const [k, groups] of strata) {
    const names = [...groups.keys()].sort();
    shuffleInPlace(names, mulberry32((seed ^ hashString(k)) >>> 0));
    let n = 0;
    for (const g of names) {
      const members = groups.get(g)!;
      if (n + members.length > cap && n > 0) continue;
      for (const r of members) keep.add(r);
      n += members.length;
      if (n >= cap) break;
    }
  }
  return rows.filter((r) => keep.has(r));
}
