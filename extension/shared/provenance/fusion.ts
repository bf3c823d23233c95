/**
 * Verdict fusion: the ONE place where provenance evidence read from the file (`./types.ts`) and the pixel
 * detector's verdict (`../verdict.ts`) become the verdict the user sees. Used by the badge
 * (`content/badge.ts`), the popup, the explanation view, the history and the Node CLI; none of them
 * decides on its own.
 *
 * Rules, first match wins (`prov` = the provenance result, `pixel` = the detector's probability and its
 * label under the user's threshold and unsure band; either may be absent):
 *
 * | # | provenance | fused label | basis |
 * |---|---|---|---|
 * | 1 | C2PA, `valid`, claim `ai-generated`/`ai-edited` (or any action whose digital source type is AI) | `ai-generated` "AI-generated (signed)" / "AI-edited (signed)", naming signer and tool | provenance, whatever the pixels say |
 * | 2 | C2PA, `untrusted`, AI claim | `ai-generated-metadata` "AI-generated (unverified signer)": the signature and the content binding verify, but the signer is not on the bundled trust list, so it counts no more than unsigned metadata (anyone can make a certificate) and no less (a false AI claim only discredits the signer's own picture) | provenance |
 * | 3 | unsigned AI metadata: IPTC/XMP digital source type, generator parameters (`unsigned`, AI claim) | `ai-generated-metadata` "AI-generated (metadata)", with the caveat that metadata can be forged or stripped | provenance |
 * | 4 | C2PA, `valid`, claim `camera-capture`, no AI action | `camera-original` "Camera original (signed)" | provenance |
 * | 5 | C2PA, `invalid` | the pixel verdict, plus the note "Content Credentials invalid: file altered after signing" | pixels |
 * | 6 | camera EXIF / unsigned `digitalCapture` / untrusted camera manifest | the pixel verdict, plus a note (metadata can be copied from a real photo, so it never overrides the pixels) | pixels |
 * | 7 | anything else (`none`, `unknown` claims) | the pixel verdict as before (`verdictFor`, worded by `../wording.ts`), with a note naming signed or software metadata when there is some | pixels |
 * | — | no pixel verdict and no rule 1–4 | `none`: no verdict; the caller shows why the detector did not run | none |
 *
 * Every string is worded by `../wording.ts` (one wording everywhere: "No AI signs found · AI score 12/100").
 * The pixel score always stays visible beside a provenance verdict, named as the pixel detector's
 * ("AI-generated (signed) · pixel AI score 12/100"; the sentence adds the pixel label), so the provenance
 * head never contradicts the number; when the detector did not run (too small, too large, unsupported
 * format) the text says so. With `opts.rule` (always given by `fuseScreened`) the score follows the
 * agreement rule of `aiScore`.
 *
 * Strings that come from the file (signer, generator, model, software) are hostile input: control
 * characters are removed and each is cut to `MAX_NAME_CHARS` (reader messages to `MAX_MESSAGE_CHARS`)
 * before it is put into a sentence.
 */
import { verdictFor, type VerdictLabel } from '../verdict';
import { aiScore, pixelDetectorSentence, provenanceShort, wordingOf, type ScoreRule } from '../wording';
import type { ProvenanceAction, ProvenanceResult } from './types';

/** The detector's side of a verdict. */
export interface PixelVerdict {
  /** Calibrated probability that the image is synthetic, in [0, 1]. */
  probability: number;
  /** The detector's verdict under the threshold and unsure band in force (`verdictFor`). */
  label: VerdictLabel;
}

/**
 * The fused verdict's label: the three provenance outcomes, the three pixel outcomes, or `none`
 * (nothing to say: no pixel verdict and no provenance verdict).
 */
export type FusedLabel = 'ai-generated' | 'ai-generated-metadata' | 'camera-original' | VerdictLabel | 'none';

/**
 * Colour class, one per look on the badge / popup / explanation view (`FUSED_COLOURS`). Pixel verdicts
 * keep their classes (`synthetic`, `real`, `unsure`) so existing badges look as before.
 */
export type FusedTone = 'prov-ai' | 'prov-ai-metadata' | 'prov-camera' | VerdictLabel | 'none';

/** What decided the verdict. */
export type FusedBasis = 'provenance' | 'pixels' | 'none';

export interface FusedVerdict {
  label: FusedLabel;
  basis: FusedBasis;
  /** Colour class (see `FUSED_COLOURS`). */
  tone: FusedTone;
  /** Short text for a badge (≤ ~36 characters before the percentage; the pixel percentage follows). '' for `none`. */
  short: string;
  /**
   * The full sentence, starting with the same words as `short` (the badge's `aria-label` and title, the popup
   * row, the explanation view's headline). '' for `none`.
   */
  text: string;
  /**
   * `text` without its leading verdict words: for a provenance verdict what follows "AI-generated (signed): "
   * (signer, tool, caveat, pixel score), for a pixel verdict the notes. '' when there is nothing more.
   */
  detail: string;
  /** Caveats and weak evidence shown beside the verdict (never decisive), in display order. */
  notes: string[];
  /** The detector's side, when it ran. */
  pixel?: PixelVerdict;
}

/** Badge background colours (white text on each has a contrast ratio ≥ 4.5:1). */
export const FUSED_COLOURS: Record<FusedTone, string> = {
  'prov-ai': '#7a1712',
  'prov-ai-metadata': '#b3261e',
  'prov-camera': '#0d5c2e',
  synthetic: '#b3261e',
  real: '#1b6e3a',
  unsure: '#8a5a00',
  none: '#5f6368',
};

/** The colour class of each fused label (a label always has this tone). */
export const TONE_OF: Record<FusedLabel, FusedTone> = {
  'ai-generated': 'prov-ai',
  'ai-generated-metadata': 'prov-ai-metadata',
  'camera-original': 'prov-camera',
  synthetic: 'synthetic',
  real: 'real',
  unsure: 'unsure',
  none: 'none',
};

/** Longest signer / tool / model name put into a sentence, in characters. */
export const MAX_NAME_CHARS = 60;

/** IPTC digital source types that mean a generative model made or changed the image. */
const AI_SOURCE_TYPES = new Set([
  'trainedalgorithmicmedia', 'compositewithtrainedalgorithmicmedia', 'algorithmicmedia', 'compositesynthetic',
]);

/** The note shown for an invalid C2PA signature or hard binding. */
export const INVALID_NOTE = 'Content Credentials invalid: file altered after signing';
/** The caveat shown with every unsigned AI claim. */
export const METADATA_CAVEAT = 'Metadata can be forged or stripped.';

/** Longest reader message (validation failure, bound hit, why a manifest was not verified) put into a note. */
export const MAX_MESSAGE_CHARS = 200;

/** A file string made safe to show: no control characters, whitespace collapsed, at most `MAX_NAME_CHARS`. */
export function cleanName(s: string | undefined): string | undefined {
  return cleanText(s, MAX_NAME_CHARS);
}

/** As `cleanName`, cut at `max` characters (with `…`). */
export function cleanText(s: string | undefined, max: number): string | undefined {
  if (typeof s !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** True when an action's digital source type (URI or last segment) is an AI one. */
export function isAiAction(a: ProvenanceAction): boolean {
  const dst = a.digitalSourceType;
  if (!dst) return false;
  const last = dst.split(/[/#]/).pop() ?? '';
  return AI_SOURCE_TYPES.has(last.toLowerCase());
}

/** The tool that made or changed the image, as precisely as the result says (generator, an AI action's agent, the software). */
function toolOf(p: ProvenanceResult): string | undefined {
  const aiAgent = p.actions?.find((a) => isAiAction(a) && a.softwareAgent)?.softwareAgent;
  return cleanName(p.generator) ?? cleanName(aiAgent) ?? cleanName(p.softwareAgent);
}

/** A verdict decided by provenance: `text` is "<head>: <detail>", `short` the head with the pixel percentage. */
function provenanceVerdict(label: FusedLabel, tone: FusedTone, head: string, detail: string, notes: string[], pixel: PixelVerdict | undefined, rule?: ScoreRule): FusedVerdict {
  return { label, basis: 'provenance', tone, short: provenanceShort(head, pixel, rule), text: `${head}: ${detail}`, detail, notes, pixel };
}

/** Which AI claim the result makes, if any: explicit claim, or an AI digital source type in the actions. */
function aiClaim(p: ProvenanceResult): 'ai-generated' | 'ai-edited' | undefined {
  if (p.claim === 'ai-generated' || p.claim === 'ai-edited') return p.claim;
  if (p.actions?.some(isAiAction)) return p.claim === 'camera-capture' ? 'ai-edited' : 'ai-generated';
  return undefined;
}

/**
 * Fuses the pixel detector's verdict with the provenance read from the file (rules in the module comment).
 *
 * @param pixel the detector's probability in [0, 1] and its label under the rule in force; `undefined`
 *   when the detector did not run (then `opts.pixelAbsentReason`, e.g. "too small to check", is named)
 * @param provenance the provenance reader's result; `undefined` when it was not read (treated as `none`)
 * @param opts.pixelAbsentReason short reason shown when `pixel` is absent
 * @param opts.rule the threshold and band `pixel.label` was decided under; when given, the shown AI score
 *   follows the agreement rule of `aiScore` (`../wording.ts`), else it is round(100·p)
 * @returns the fused verdict; `label: 'none'` when there is neither a pixel nor a provenance verdict
 * @throws never (a probability outside [0, 1] is shown as given; `verdictFor` validates it upstream)
 */
export function fuseVerdict(
  pixel: PixelVerdict | undefined,
  provenance: ProvenanceResult | undefined,
  opts: { pixelAbsentReason?: string; rule?: ScoreRule } = {},
): FusedVerdict {
  const p = provenance;
  const rule = opts.rule;
  const notes: string[] = [];
  const pixelPart = pixelDetectorSentence(pixel, rule, opts.pixelAbsentReason);
  const signer = cleanName(p?.signer);
  const tool = p ? toolOf(p) : undefined;
  const model = cleanName(p?.model);
  const claim = p ? aiClaim(p) : undefined;
  const edited = claim === 'ai-edited';
  const what = edited ? 'AI-edited' : 'AI-generated';
  if (p?.status === 'limited') notes.push(`Provenance reading was cut short${p.message ? `: ${cleanText(p.message, MAX_MESSAGE_CHARS)}` : ''}; what was read is shown.`);
  const unverified = cleanText(p?.unverifiedReason, MAX_MESSAGE_CHARS);
  if (p && unverified) notes.push(`Content Credentials present but not verified here (${unverified}).`);

  if (p && claim && p.kind === 'c2pa' && p.validation === 'valid') {
    // Rule 1: a valid signed AI claim outranks the pixels.
    const by = signer ? ` signed by ${signer}` : '';
    const made = tool ? `, ${edited ? 'edited' : 'made'} with ${tool}` : '';
    return provenanceVerdict('ai-generated', 'prov-ai', `${what} (signed)`, `Content Credentials${by}${made}. ${pixelPart}`, notes, pixel, rule);
  }
  if (p && claim && p.kind === 'c2pa' && p.validation === 'untrusted') {
    // Rule 2: verified signature from a signer outside the trust list: a declaration, like metadata.
    const made = tool ? `, ${edited ? 'edited' : 'made'} with ${tool}` : '';
    notes.push(`Signer${signer ? ` ${signer}` : ''} not on the trust list.`);
    return provenanceVerdict('ai-generated-metadata', 'prov-ai-metadata', `${what} (unverified signer)`,
      `Content Credentials${signer ? ` signed by ${signer}` : ''}, signer not on the trust list${made}. ${pixelPart}`, notes, pixel, rule);
  }
  if (p && claim && p.validation === 'unsigned') {
    // Rule 3: unsigned AI metadata.
    const named = [tool, model && model !== tool ? `model ${model}` : undefined].filter(Boolean).join(', ');
    notes.push(METADATA_CAVEAT);
    return provenanceVerdict('ai-generated-metadata', 'prov-ai-metadata', `${what} (metadata)`,
      `its metadata says so${named ? ` (${named})` : ''}. ${METADATA_CAVEAT} ${pixelPart}`, notes, pixel, rule);
  }
  if (p && p.kind === 'c2pa' && p.validation === 'valid' && p.claim === 'camera-capture' && !claim) {
    // Rule 4: a signed camera capture with no AI action.
    const cam = cleanName(p.generator);
    return provenanceVerdict('camera-original', 'prov-camera', 'Camera original (signed)',
      `Content Credentials${signer ? ` signed by ${signer}` : ''}${cam ? ` (${cam})` : ''}, no AI action. ${pixelPart}`, notes, pixel, rule);
  }

  // Rules 5–7: the pixels decide; provenance adds notes.
  let shortSuffix = '';
  if (p && p.validation === 'invalid') {
    notes.push(INVALID_NOTE + '.');
    const why = cleanText(p.message, MAX_MESSAGE_CHARS);
    if (why) notes.push(`Validation: ${why}`);
    shortSuffix = ' · credentials invalid';
  } else if (p && p.claim === 'camera-capture') {
    const cam = cleanName(p.generator) ?? cleanName(p.softwareAgent);
    const signedNote = p.kind === 'c2pa' && p.validation === 'untrusted' ? ` (signed by ${signer ?? 'an unknown signer'}, not on the trust list)` : '';
    notes.push(`Camera metadata${cam ? `: ${cam}` : ''}${signedNote}. Metadata can be copied from a real photo, so it does not change the verdict.`);
  } else if (p && p.kind === 'c2pa' && (p.validation === 'valid' || p.validation === 'untrusted')) {
    notes.push(`Content Credentials${signer ? ` signed by ${signer}` : ''}${p.validation === 'untrusted' ? ' (not on the trust list)' : ''}: no AI claim.`);
  } else if (p && p.kind !== 'none' && tool && !unverified) {
    notes.push(`Metadata names the software ${tool}; it says nothing about AI.`);
  }
  if (!pixel) {
    return { label: 'none', basis: 'none', tone: 'none', short: '', text: '', detail: '', notes };
  }
  const t = wordingOf(pixel.label, aiScore(pixel.probability, rule)).short;
  return {
    label: pixel.label, basis: 'pixels', tone: pixel.label,
    short: t + shortSuffix,
    text: notes.length ? `${t}. ${notes.join(' ')}` : t,
    detail: notes.join(' '),
    notes, pixel,
  };
}

/** Short reasons named when the detector did not run, by `ImageErrorCode` (`../messages.ts`). */
const PIXEL_ABSENT: Record<string, string> = {
  'too-small': 'too small to check',
  'too-large': 'too large to check',
  'unsupported-format': 'unsupported format',
  'decode-failed': 'could not decode the image',
  'model-failed': 'detector unavailable',
};

/**
 * `fuseVerdict` for a screened image as the background reports it (`Verdict` in `../messages.ts`): the
 * pixel label is computed here with `verdictFor` under the rule in force, so every view fuses alike.
 * @param v `probability` in [0, 1] when the detector ran; `provenance` when read; `pixelError` when the
 *   detector refused the image
 * @param rule the threshold and unsure band in force, both in [0, 1]
 * @throws {RangeError} from `verdictFor` when `probability` or the rule is outside [0, 1]
 */
export function fuseScreened(
  v: { probability?: number; provenance?: ProvenanceResult; pixelError?: { code: string; message: string } },
  rule: { threshold: number; unsureBand: number },
): FusedVerdict {
  const pixel = typeof v.probability === 'number'
    ? { probability: v.probability, label: verdictFor(v.probability, rule.threshold, rule.unsureBand) }
    : undefined;
  const reason = v.pixelError ? PIXEL_ABSENT[v.pixelError.code] ?? cleanText(v.pixelError.message, MAX_MESSAGE_CHARS) : undefined;
  return fuseVerdict(pixel, v.provenance, { pixelAbsentReason: reason, rule });
}
