/**
 * Sources reserved for independent evaluation: the assembler must never read them.
 *
 * The list is kept in `../shared/research/reserved-sources.txt` (format: `<owner>/<repo> [path prefix …]`,
 * `debian:<pkg>`, or `<owner>/<repo> (history before <sha>)`). A copy of its GitHub entries is compiled in
 * (`BUILTIN_RESERVED`) so that the refusal works in CI without `../shared`; when the file is present the two
 * are merged.
 */
import { readFile } from 'node:fs/promises';

/** One reserved repository: whole (`prefixes` empty, no `historyBefore`), some path prefixes, or its history. */
export interface ReservedEntry {
  /** `owner/name`, lower-cased. */
  repo: string;
  /** Path prefixes; `*` matches one path segment's characters. Empty = the whole repository. */
  prefixes: string[];
  /** Only the history before this commit is reserved (the commit's own tree is not). */
  historyBefore?: string;
}

/** The GitHub entries of `reserved-sources.txt` as of 2026-12-04. */
export const BUILTIN_RESERVED_TEXT = `
AlexanderFjellheim/maskinEllerMenneske_QuizApp
Social-Design-Lab/Truman_AI
declan-wright/Image-Dataset
ML72/AI-Image-Classifier-Playground
Inf-imagine/Sentry
SeegmaEpsilon/experiment-real-or-ai-face
TeenBiscuits/RealOrAI
TedHoffmanJr/napoli-pizzeria
michael-berardi/buenosairesexpats
jamez-bondos/awesome-gpt4o-images
jyoung105/yetter
comfyanonymous/ComfyUI_examples
serengil/deepface
michaelcolenso/metatron
aabhiyann/portfolio-abhiyan
EliSchwartz/imagenet-sample-images
JimmyLv/awesome-nano-banana
wowmarcomei/awesome-gpt-images
dracohu2025-cloud/awesome-nano-banana
cszn/IRCNN testsets/Set24 testsets/Set18 testsets/Set5
cszn/KAIR testsets/set5 testsets/McMaster
cszn/DPIR testsets/set5 testsets/McMaster
JingyunLiang/SwinIR testsets/Set5 testsets/McMaster
majedelhelou/denoising_datasets Set5 CSet5 Set14 CSet14
dcsan/imagen output/renders/*/midj- output/renders/*/dal2- output/renders/*/stab-
muset-ai/awesome-nanobanana2 (history before 73a8b7daf15b2b6f8a08451df3f7372203ca8430)
`;

/**
 * Parses the reserved-sources format. `debian:` lines are skipped (the assembler reads no Debian packages).
 * @param text file text; `#` comments and blank lines ignored
 * @returns entries keyed by lower-cased `owner/name` (entries for one repo are merged)
 * @throws {Error} on a line that is neither `owner/name …` nor `debian:…`
 */
export function parseReserved(text: string): Map<string, ReservedEntry> {
  const out = new Map<string, ReservedEntry>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '' || line.startsWith('debian:')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*)(?:\s+(.*))?$/.exec(line);
    if (!m) throw new Error(`reserved-sources: cannot parse line "${line}"`);
    const repo = m[1]!.toLowerCase();
    const rest = (m[2] ?? '').trim();
    const prev = out.get(repo);
    const hist = /^\(history before ([0-9a-f]{40})\)$/i.exec(rest);
    if (hist) {
      out.set(repo, { repo, prefixes: prev?.prefixes ?? [], historyBefore: hist[1]!.toLowerCase() });
      continue;
    }
    const prefixes = rest === '' ? [] : rest.split(/\s+/);
    if (prev && prev.prefixes.length === 0 && !prev.historyBefore) continue; // already wholly reserved
    out.set(repo, { repo, prefixes: rest === '' ? [] : [...(prev?.prefixes ?? []), ...prefixes], historyBefore: prev?.historyBefore });
  }
  return out;
}

/**
 * The compiled-in list, merged with `file` when it can be read (missing file → compiled-in only).
 * @param file path of `reserved-sources.txt`
 */
export async function loadReserved(file?: string): Promise<Map<string, ReservedEntry>> {
  const builtin = parseReserved(BUILTIN_RESERVED_TEXT);
  if (!file) return builtin;
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch { return builtin; }
  const extra = parseReserved(text);
  for (const [k, v] of extra) {
    const b = builtin.get(k);
    if (!b) { builtin.set(k, v); continue; }
    const whole = (e: ReservedEntry) => e.prefixes.length === 0 && !e.historyBefore;
    if (whole(v) || whole(b)) builtin.set(k, { repo: k, prefixes: [] });
    else builtin.set(k, { repo: k, prefixes: [...new Set([...b.prefixes, ...v.prefixes])], historyBefore: v.historyBefore ?? b.historyBefore });
  }
  return builtin;
}

function prefixRegex(prefix: string): RegExp {
  const esc = prefix.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  // A prefix names a folder (`testsets/Set5` covers `testsets/Set5/x.png`, not `testsets/Set50`) unless it ends
  // inside a file name (`…/midj-`), which is how the dcsan/imagen entries are written.
  return prefix.endsWith('-') || prefix.endsWith('_') ? new RegExp(`^${esc}`, 'i') : new RegExp(`^${esc}(?:/|$)`, 'i');
}

/** Is the whole repository reserved (not just some paths or its history)? */
export function isRepoReserved(reserved: Map<string, ReservedEntry>, repo: string): boolean {
  const e = reserved.get(repo.toLowerCase());
  return !!e && e.prefixes.length === 0 && !e.historyBefore;
}

/**
 * Is `path` of `repo` reserved? True when the whole repo is reserved or the path starts with a reserved prefix
 * (case-insensitive; `*` within one segment).
 */
export function isPathReserved(reserved: Map<string, ReservedEntry>, repo: string, path: string): boolean {
  const e = reserved.get(repo.toLowerCase());
  if (!e) return false;
  if (e.prefixes.length === 0 && !e.historyBefore) return true;
  return e.prefixes.some((p) => prefixRegex(p).test(path));
}

/**
 * Why a source (repo, commit, mode) may not be read at all, or `undefined` when it may.
 * History of a repo reserved "before <sha>" is refused; a `tree` read is allowed only at that very commit
 * (a later commit could not be checked here without the history).
 */
export function sourceRefusal(
  reserved: Map<string, ReservedEntry>, repo: string, commit: string, mode: 'tree' | 'history',
): string | undefined {
  const e = reserved.get(repo.toLowerCase());
  if (!e) return undefined;
  if (e.prefixes.length === 0 && !e.historyBefore) return `${repo} is reserved for independent evaluation`;
  if (e.historyBefore) {
    if (mode === 'history') return `${repo}: its history before ${e.historyBefore} is reserved`;
    if (commit.toLowerCase() !== e.historyBefore) return `${repo}: only commit ${e.historyBefore} is cleared (its history is reserved)`;
  }
  return undefined;
}
