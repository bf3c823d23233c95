/**
 * Types of the public-source registry (`registry.ts`): one `SourceEntry` per public git repository, pinned
 * to a commit, with path rules that say which files are images of which label, generator, content
 * category and trust, and which are left out and why.
 */
import type { Label } from '../manifest';

export type { Label };

/** How far a label can be believed (data-census.md, "Method notes"). */
export type Trust = 'high' | 'medium' | 'low';
export const TRUSTS: readonly Trust[] = ['high', 'medium', 'low'];

/**
 * Generator family, the unit of leave-one-family-out evaluation (issue 10 §3). `real` for photos.
 * - `gan`: GANs (StyleGAN, GigaGAN, BigGAN …)
 * - `sd-1-2`: Stable Diffusion 1.x/2.x and their fine-tunes, LDM
 * - `sdxl-sd3`: SDXL, SD3/3.5, Stable Cascade and their fine-tunes
 * - `flux`: FLUX.1/FLUX.2 and fine-tunes
 * - `closed-openai` / `closed-google` / `closed-midjourney`: closed text-to-image services
 *   (GPT image/DALL·E; Gemini/Imagen/Nano Banana/Whisk; Midjourney)
 * - `other-diffusion`: other open diffusion models (Kandinsky, Kolors, PixArt, Hunyuan, DeepFloyd IF …)
 * - `autoregressive`: autoregressive and masked/discrete token generators (Janus, Infinity, DALL·E mini, aMUSEd, Meissonic …)
 * - `unknown`: generator not recorded
 */
export type Family =
  | 'real' | 'gan' | 'sd-1-2' | 'sdxl-sd3' | 'flux' | 'closed-openai' | 'closed-google' | 'closed-midjourney'
  | 'other-diffusion' | 'autoregressive' | 'unknown';
export const FAMILIES: readonly Family[] = [
  'real', 'gan', 'sd-1-2', 'sdxl-sd3', 'flux', 'closed-openai', 'closed-google', 'closed-midjourney',
  'other-diffusion', 'autoregressive', 'unknown',
];

/** Coarse content category, for category-balanced sampling (`balance.ts`) and per-category reports. */
export type Category =
  | 'faces' | 'people' | 'street-city' | 'indoor' | 'food' | 'pets-animals' | 'landscape-nature' | 'objects'
  | 'art-illustration' | 'text-graphics' | 'mixed';
export const CATEGORIES: readonly Category[] = [
  'faces', 'people', 'street-city', 'indoor', 'food', 'pets-animals', 'landscape-nature', 'objects',
  'art-illustration', 'text-graphics', 'mixed',
];

/** What a rule's matching files are. `exclude` rules drop files (with `reason`). */
export interface IncludeRule {
  kind: 'include';
  /** Glob over the repository path (`*` = within a segment, `**` = any depth, `{a,b}` alternatives; case-insensitive). */
  pattern: string;
  label: Label;
  /** Generator, as precisely as the source allows; `real` for photos. Either a string, or a function of the path (e.g. a file-name prefix → model). */
  generator: string | ((path: string) => string | undefined);
  family: Family | ((path: string) => Family | undefined);
  category: Category | ((path: string) => Category | undefined);
  trust: Trust | ((path: string) => Trust | undefined);
  /** `x,y,width,height` in source pixels, cut before anything else (manifest `crop` column). */
  crop?: string;
  /**
   * For grids/collages: one crop box per tile (`x,y,width,height`); each tile becomes its own manifest row
   * (hard-linked copy of the same file, `crop` set), de-duplicated by its own hashes. Overrides `crop`.
   */
  tiles?: string[];
  /** Per-file note for the manifest (`notes` column). */
  note?: string;
  /** Files whose path gives the same key belong to one split group (paired real/AI, series). */
  group?: (path: string) => string | undefined;
}
export interface ExcludeRule {
  kind: 'exclude';
  pattern: string;
  /** When given, only these repository paths (among those `pattern` matches) are excluded. */
  files?: ReadonlySet<string>;
  reason: string;
}
export type PathRule = IncludeRule | ExcludeRule;

/** One public repository pinned to one commit. */
export interface SourceEntry {
  /** Short id, used as the folder name under the output (`<id>/<label>/<id>-<label>-NNNN.<ext>`). */
  id: string;
  /** Census row (A1…, B1…, C, D) this entry comes from. */
  census: string;
  /** `owner/name` on GitHub. */
  repo: string;
  /** 40-hex commit the files are taken from. */
  commit: string;
  /**
   * `tree` (default): the files of `commit`'s tree. `history`: every blob reachable from `commit` (all
   * versions of every path; `git rev-list --objects`), each under the path it had when first seen.
   */
  mode?: 'tree' | 'history';
  licence: string;
  /**
   * Zip archives (repository paths) whose members are listed as files named `<archive>!<member>` and matched
   * by the rules like any other path.
   */
  archives?: string[];
  /** Rules in order; the first matching rule decides. Files matching no rule are not used. */
  rules: PathRule[];
  /** Known confounds and caveats (audit, model card). */
  confounds: string;
  /** At most this many files (after exclusions and de-duplication), picked with a seeded shuffle. */
  maxFiles?: number;
  /** Smallest accepted short side in px (default 64). */
  minSide?: number;
}
