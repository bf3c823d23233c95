/**
 * "How reliable is this?": the shipped model card's numbers as data (the `reliability` block of the model
 * manifest, `models/<name>/manifest.json`) and their plain-language wording for the popup, the explanation
 * view and the first-run page. Every number comes from a report in the model folder; each group names
 * its report and the command that wrote it (`report`, `command`), so nothing is typed in by hand twice.
 *
 * Pure functions (validation and wording); the extension pages read the block from the packaged
 * `model/manifest.json` (`../popup/reliability-view.tsx`).
 */
import { LABEL_TEXT } from './wording';

/** The image sizes the model card measures: stored file, web-sized copy, avatar-sized copy. */
export type ReliabilityLevel = 'clean' | 'web' | 'avatar';
export const RELIABILITY_LEVELS: readonly ReliabilityLevel[] = ['clean', 'web', 'avatar'];

/** Plain names of the levels (`training/data/degrade.ts`: web = longer side ≤ 1080 px + JPEG q60, avatar = ≤ 256 px + JPEG q75). */
export const LEVEL_WORDS: Readonly<Record<ReliabilityLevel, string>> = Object.freeze({
  clean: 'full-size files',
  web: 'web-sized copies',
  avatar: 'avatar-sized copies',
});

/** Verdicts on image sources the detector never saw (nested source-held-out evaluation), at the shipped rule. */
export interface UnseenSourceNumbers {
  /** Images measured. */
  n: number;
  /** Fraction of images that get "Unsure", [0, 1]. */
  unsureRate: number;
  /** Balanced accuracy of the images that get a definite verdict, [0, 1] (0.5 = coin toss). */
  decidedBalancedAccuracy: number;
  /** Fraction of real photos labelled "Likely AI-generated", [0, 1]. */
  realPhotoFpr: number;
  /** Fraction of AI-generated images labelled "No AI signs found", [0, 1]. */
  aiImageFnr: number;
}

/** Leave-one-source-out ranking quality (threshold 0.5, no unsure band). */
export interface LosoNumbers {
  n: number;
  /** Pooled balanced accuracy, [0, 1]. */
  balancedAccuracy: number;
  /** Pooled ROC-AUC, [0, 1] (0.5 = chance). */
  rocAuc: number;
}

/** Verdicts on a held-out split of the sources the detector was trained on (optimistic), at the shipped rule. */
export interface SeenSourceNumbers {
  n: number;
  unsureRate: number;
  /** Accuracy of the images that get a definite verdict, [0, 1]. */
  decidedAccuracy: number;
}

/** One group of numbers, with where they come from. */
export interface ReliabilityGroup<T> {
  /** The report the numbers are copied from, relative to the model folder. */
  report: string;
  /** The project command that wrote that report. */
  command: string;
  levels: Partial<Record<ReliabilityLevel, T>>;
}

/** The manifest's `reliability` block. */
export interface ModelReliability {
  /** The rule the verdict numbers were measured at (the model's own threshold and band), both in [0, 1]. */
  threshold: number;
  unsureBand: number;
  unseenSources: ReliabilityGroup<UnseenSourceNumbers>;
  loso?: ReliabilityGroup<LosoNumbers>;
  seenSources?: ReliabilityGroup<SeenSourceNumbers>;
}

const RATE_FIELDS = {
  unseenSources: ['unsureRate', 'decidedBalancedAccuracy', 'realPhotoFpr', 'aiImageFnr'],
  loso: ['balancedAccuracy', 'rocAuc'],
  seenSources: ['unsureRate', 'decidedAccuracy'],
} as const;

/**
 * Checks a manifest's `reliability` block.
 * @param value the parsed block
 * @returns the block (unchanged)
 * @throws {TypeError} naming the first bad field, as `reliability.<path>`
 */
export function validateReliability(value: unknown): ModelReliability {
  const fail = (field: string): never => {
    throw new TypeError(`model manifest: missing or invalid "reliability${field ? `.${field}` : ''}"`);
  };
  const unit = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
  const r = value as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || Array.isArray(r)) fail('');
  if (!unit(r!.threshold)) fail('threshold');
  if (!unit(r!.unsureBand)) fail('unsureBand');
  if (r!.unseenSources === undefined) fail('unseenSources');
  for (const key of Object.keys(RATE_FIELDS) as Array<keyof typeof RATE_FIELDS>) {
    const g = r![key] as Record<string, unknown> | undefined;
    if (g === undefined) continue;
    if (!g || typeof g !== 'object') fail(key);
    for (const s of ['report', 'command'] as const) if (typeof g[s] !== 'string' || !(g[s] as string).length) fail(`${key}.${s}`);
    const levels = g.levels as Record<string, Record<string, unknown>> | undefined;
    if (!levels || typeof levels !== 'object' || Object.keys(levels).length === 0) fail(`${key}.levels`);
    for (const [lv, nums] of Object.entries(levels!)) {
      if (!RELIABILITY_LEVELS.includes(lv as ReliabilityLevel) || !nums || typeof nums !== 'object') fail(`${key}.levels.${lv}`);
      if (!Number.isInteger(nums.n) || (nums.n as number) < 1) fail(`${key}.levels.${lv}.n`);
      for (const f of RATE_FIELDS[key]) if (!unit(nums[f])) fail(`${key}.levels.${lv}.${f}`);
    }
  }
  return r as unknown as ModelReliability;
}

/** A rate in [0, 1] as a whole percentage: 0.742 → "74 %". */
export function percent(rate: number): string {
  return `${Math.round(rate * 100)} %`;
}

/** "74 % (full-size files), 76 % (web-sized copies) and 81 % (avatar-sized copies)". */
function perLevel<T>(levels: Partial<Record<ReliabilityLevel, T>>, pick: (x: T) => string): string {
  const parts = RELIABILITY_LEVELS.filter((l) => levels[l] !== undefined).map((l) => `${pick(levels[l]!)} (${LEVEL_WORDS[l]})`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "about 3 in 4" for 0.74, "about 4 in 5" for 0.81: the nearest of a few simple fractions. */
export function inWords(rate: number): string {
  const options: Array<[number, string]> = [
    [0, 'almost none'], [0.1, 'about 1 in 10'], [0.2, 'about 1 in 5'], [0.25, 'about 1 in 4'], [1 / 3, 'about 1 in 3'],
    [0.5, 'about half'], [2 / 3, 'about 2 in 3'], [0.75, 'about 3 in 4'], [0.8, 'about 4 in 5'], [0.9, 'about 9 in 10'], [1, 'almost all'],
  ];
  let best = options[0]!;
  for (const o of options) if (Math.abs(o[0] - rate) < Math.abs(best[0] - rate)) best = o;
  return best[1];
}

/** One plain-language statement, with the report it rests on. */
export interface ReliabilityFact {
  /** Stable id (`unsure`, `decided`, `false-alarm`, `missed`, `loso`, `seen`), for tests and styling. */
  id: string;
  text: string;
  /** The report the numbers come from (relative to the model folder). */
  report: string;
}

/**
 * The reliability numbers in plain words, most important first. The wording of verdicts is `./wording.ts`'s.
 * @param r a validated `reliability` block
 * @returns one statement per number group present
 * @example reliabilityFacts(r)[0].text === 'On image sources it never saw in training, about 3 in 4 images get "Unsure": 74 % (full-size files), …'
 */
export function reliabilityFacts(r: ModelReliability): ReliabilityFact[] {
  const u = r.unseenSources;
  const facts: ReliabilityFact[] = [];
  const unsure = RELIABILITY_LEVELS.map((l) => u.levels[l]?.unsureRate).filter((x): x is number => x !== undefined);
  const mean = unsure.reduce((a, b) => a + b, 0) / Math.max(1, unsure.length);
  facts.push({
    id: 'unsure', report: u.report,
    text: `On image sources it never saw in training, ${inWords(mean)} images get "${LABEL_TEXT.unsure}": ${perLevel(u.levels, (x) => percent(x.unsureRate))}.`,
  });
  facts.push({
    id: 'decided', report: u.report,
    text: `When it does give "${LABEL_TEXT.synthetic}" or "${LABEL_TEXT.real}" there, it is right only a little more often than a coin toss (50 %): balanced accuracy ${perLevel(u.levels, (x) => percent(x.decidedBalancedAccuracy))}.`,
  });
  facts.push({
    id: 'false-alarm', report: u.report,
    text: `Real photos wrongly labelled "${LABEL_TEXT.synthetic}": ${perLevel(u.levels, (x) => percent(x.realPhotoFpr))}.`,
  });
  facts.push({
    id: 'missed', report: u.report,
    text: `AI-generated images labelled "${LABEL_TEXT.real}": ${perLevel(u.levels, (x) => percent(x.aiImageFnr))}.`,
  });
  if (r.loso) {
    facts.push({
      id: 'loso', report: r.loso.report,
      text: `Telling AI images from real ones on unseen sources without an "${LABEL_TEXT.unsure}" band (leave-one-source-out; 0.50 is chance, 1.00 perfect): ` +
        `balanced accuracy / ROC-AUC ${perLevel(r.loso.levels, (x) => `${x.balancedAccuracy.toFixed(2)} / ${x.rocAuc.toFixed(2)}`)}.`,
    });
  }
  if (r.seenSources) {
    facts.push({
      id: 'seen', report: r.seenSources.report,
      text: `On held-out images from the sources it was trained on (optimistic): "${LABEL_TEXT.unsure}" ${perLevel(r.seenSources.levels, (x) => percent(x.unsureRate))}; ` +
        `the definite verdicts are right ${perLevel(r.seenSources.levels, (x) => percent(x.decidedAccuracy))}.`,
    });
  }
  return facts;
}

/**
 * The one-line answer shown above the details: "A weak hint, not evidence: most images get "Unsure", and
 * definite verdicts on unseen sources are right only a little more often than a coin toss."
 * Chosen from the numbers: "weak" when the decided balanced accuracy on unseen sources is below 0.7 at every level.
 */
export function reliabilityHeadline(r: ModelReliability): string {
  const accs = RELIABILITY_LEVELS.map((l) => r.unseenSources.levels[l]?.decidedBalancedAccuracy).filter((x): x is number => x !== undefined);
  const unsure = RELIABILITY_LEVELS.map((l) => r.unseenSources.levels[l]?.unsureRate).filter((x): x is number => x !== undefined);
  const most = unsure.length > 0 && unsure.every((x) => x > 0.5);
  if (accs.length > 0 && accs.every((a) => a < 0.7)) {
    return `A weak hint, not evidence: ${most ? `most images get "${LABEL_TEXT.unsure}", and ` : ''}definite verdicts on unseen sources are right only a little more often than a coin toss.`;
  }
  return `Definite verdicts on unseen sources are right ${perLevel(r.unseenSources.levels, (x) => percent(x.decidedBalancedAccuracy))} of the time (balanced accuracy); treat them as a hint, not proof.`;
}
