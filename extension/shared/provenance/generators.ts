/**
 * Generator front-ends: recognises the generation metadata that Stable Diffusion front-ends and other image
 * generators write into PNG text chunks, JPEG comments, EXIF UserComment and XMP, and names the generator and
 * the model (checkpoint) when the metadata says so. Formats (as the tools write them):
 * - AUTOMATIC1111 / Forge / SD.Next: `parameters` text "prompt\nNegative prompt: …\nSteps: 20, Sampler: …,
 *   Model hash: …, Model: name, Version: v1.x (A1111) | f… (Forge)" or "App: SD.Next"; in JPEG/WebP the same
 *   text goes to EXIF UserComment.
 * - ComfyUI: `prompt` (API graph JSON: node id → {class_type, inputs}) and `workflow` (UI graph JSON); the
 *   checkpoint is the `ckpt_name` / `unet_name` input of a loader node.
 * - NovelAI: `Software` = "NovelAI", `Source` = model ("NovelAI Diffusion V4 …", "Stable Diffusion XL …"),
 *   `Comment` = JSON of the request.
 * - InvokeAI: `invokeai_metadata` (3.x+ JSON, `model.model_name` / `model.name`), `sd-metadata` (2.x JSON,
 *   `model_weights`), `Dream` (1.x "prompt" -s steps …).
 * - Fooocus: `fooocus_scheme` next to a JSON `parameters` (`base_model` / "Base Model"), or `Comment` JSON with
 *   `Fooocus` in `version`.
 * - Draw Things: XMP `xmp:CreatorTool` = "Draw Things" with a JSON `exif:UserComment` (`model`).
 * - Midjourney: `Description` / ImageDescription ending in "Job ID: <uuid>" (its PNG/WebP downloads).
 * - Tools whose every output is generated, named in EXIF Software / XMP CreatorTool (list below).
 */
import type { TextChunk } from './container';
import type { MetadataFacts } from './metadata';

/** A recognised generator. */
export interface GeneratorFinding {
  /** e.g. `Stable Diffusion (AUTOMATIC1111)`, `ComfyUI`, `NovelAI`, `Midjourney`. */
  generator: string;
  /** The checkpoint / model the metadata names, e.g. `sd_xl_base_1.0`, `NovelAI Diffusion V4.5`. */
  model?: string;
  /** The writing tool as named by the metadata (`Software`, `CreatorTool`, version string). */
  softwareAgent?: string;
  /** Raw fields that led to it (keys like `PNG tEXt parameters`). */
  fields: Record<string, string>;
}

const MAX_FIELD = 2000;

function parseJson(s: string | undefined): unknown {
  if (!s) return undefined;
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try { return JSON.parse(t); } catch { return undefined; }
}
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 300) : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** The `Key: value` pairs of the last line(s) of an AUTOMATIC1111-style parameters text (values may be quoted). */
export function a1111Settings(text: string): Map<string, string> | undefined {
  const at = text.search(/(^|\n)Steps: \d+/);
  if (at < 0) return undefined;
  const tail = text.slice(at).replace(/^\n/, '');
  const out = new Map<string, string>();
  const re = /\s*([\w ./()-]+?): ("(?:\\.|[^"\\])*"|[^,]*)(?:,|$)/g;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(tail)) && guard++ < 200) {
    if (m[0] === '') { re.lastIndex++; continue; }
    out.set(m[1]!.trim(), m[2]!.trim().replace(/^"|"$/g, ''));
  }
  return out;
}

function fromA1111(text: string, field: string): GeneratorFinding | undefined {
  const s = a1111Settings(text);
  if (!s) return undefined;
  const version = s.get('Version');
  let generator = 'Stable Diffusion (AUTOMATIC1111)';
  if (s.get('App')?.toLowerCase().includes('sd.next') || /sd\.next/i.test(text.slice(-500))) generator = 'Stable Diffusion (SD.Next)';
  else if (version && /^f\d/.test(version)) generator = 'Stable Diffusion (Forge)';
  else if (/ComfyUI/i.test(version ?? '')) generator = 'ComfyUI';
  return { generator, model: s.get('Model') ?? (s.get('Model hash') ? `hash ${s.get('Model hash')}` : undefined), softwareAgent: version ? `${generator.replace(/^Stable Diffusion \((.*)\)$/, '$1')} ${version}` : undefined, fields: { [field]: text.slice(0, MAX_FIELD) } };
}

/** The checkpoint named by a ComfyUI API prompt graph (loader nodes' `ckpt_name`, `unet_name`, `model_name`). */
export function comfyModel(prompt: unknown): string | undefined {
  const nodes = obj(prompt);
  if (!nodes) return undefined;
  const names: string[] = [];
  for (const n of Object.values(nodes).slice(0, 2000)) {
    const node = obj(n);
    const inputs = obj(node?.inputs);
    if (!inputs) continue;
    for (const k of ['ckpt_name', 'unet_name', 'model_name']) {
      const v = str(inputs[k]);
      if (v && /loader/i.test(String(node?.class_type ?? ''))) names.push(v);
    }
  }
  return names[0];
}

/** ComfyUI UI workflow JSON: the first loader node's widget value. */
function comfyWorkflowModel(workflow: unknown): string | undefined {
  const nodes = obj(workflow)?.nodes;
  if (!Array.isArray(nodes)) return undefined;
  for (const n of nodes.slice(0, 2000)) {
    const node = obj(n);
    if (node && /CheckpointLoader|UNETLoader/i.test(String(node.type ?? '')) && Array.isArray(node.widgets_values)) {
      const v = str(node.widgets_values[0]);
      if (v) return v;
    }
  }
  return undefined;
}

/** Tools that only make generated images, as they name themselves in EXIF Software / XMP CreatorTool. */
const AI_TOOLS: Array<[RegExp, string]> = [
  [/midjourney/i, 'Midjourney'],
  [/dall[·\-\s]?e/i, 'DALL·E'],
  [/adobe firefly|\bfirefly\b/i, 'Adobe Firefly'],
  [/stable ?diffusion/i, 'Stable Diffusion'],
  [/novelai/i, 'NovelAI'],
  [/\bimagen\b/i, 'Google Imagen'],
  [/ideogram/i, 'Ideogram'],
  [/leonardo\.?ai/i, 'Leonardo.Ai'],
  [/bing image creator|image creator from designer/i, 'Bing Image Creator'],
  [/draw things/i, 'Draw Things'],
  [/invokeai/i, 'InvokeAI'],
  [/comfyui/i, 'ComfyUI'],
  [/fooocus/i, 'Fooocus'],
];

/** The AI tool named by a Software / CreatorTool string, if it is one of `AI_TOOLS`. */
export function aiToolName(s: string | undefined): string | undefined {
  if (!s) return undefined;
  for (const [re, name] of AI_TOOLS) if (re.test(s)) return name;
  return undefined;
}

/**
 * Recognises generator metadata.
 * @param texts PNG text chunks / JPEG comments
 * @param facts EXIF/XMP facts (`userComment`, `software`, `creatorTool`, `description`)
 * @returns the first generator recognised (front-end specific formats first, tool names last), or undefined
 */
export function detectGenerator(texts: TextChunk[], facts: MetadataFacts): GeneratorFinding | undefined {
  const byKey = new Map<string, TextChunk>();
  for (const t of texts) if (!byKey.has(t.keyword)) byKey.set(t.keyword, t);
  const text = (k: string) => byKey.get(k)?.text;
  const fieldName = (k: string) => `PNG ${byKey.get(k)?.chunk ?? 'tEXt'} ${k}`;
  const field = (k: string) => ({ [fieldName(k)]: (text(k) ?? '').slice(0, MAX_FIELD) });

  // ComfyUI: API prompt graph and/or UI workflow.
  const prompt = parseJson(text('prompt'));
  const workflow = parseJson(text('workflow'));
  if ((obj(prompt) && Object.values(obj(prompt)!).some((n) => obj(n)?.class_type !== undefined)) || Array.isArray(obj(workflow)?.nodes)) {
    return { generator: 'ComfyUI', model: comfyModel(prompt) ?? comfyWorkflowModel(workflow), fields: { ...(text('prompt') ? field('prompt') : {}), ...(text('workflow') ? field('workflow') : {}) } };
  }
  // Fooocus: JSON parameters (+ fooocus_scheme), or a Comment JSON naming Fooocus.
  const params = text('parameters');
  const paramsJson = obj(parseJson(params));
  if (paramsJson && (text('fooocus_scheme') !== undefined || /fooocus/i.test(String(paramsJson.version ?? paramsJson.Version ?? '')))) {
    return { generator: 'Fooocus', model: str(paramsJson.base_model ?? paramsJson['Base Model']), softwareAgent: str(paramsJson.version ?? paramsJson.Version), fields: { ...field('parameters'), ...(text('fooocus_scheme') ? field('fooocus_scheme') : {}) } };
  }
  // AUTOMATIC1111 / Forge / SD.Next parameters.
  if (params) {
    const a = fromA1111(params, fieldName('parameters'));
    if (a) return a;
  }
  // NovelAI.
  if (/^NovelAI/i.test(text('Software') ?? '')) {
    const comment = obj(parseJson(text('Comment')));
    return { generator: 'NovelAI', model: str(text('Source')) ?? str(comment?.model), softwareAgent: 'NovelAI', fields: { ...field('Software'), ...(text('Source') ? field('Source') : {}), ...(text('Comment') ? field('Comment') : {}) } };
  }
  // InvokeAI (3.x+, 2.x, 1.x).
  const invoke = obj(parseJson(text('invokeai_metadata')));
  if (invoke) {
    const m = obj(invoke.model);
    return { generator: 'InvokeAI', model: str(m?.model_name) ?? str(m?.name) ?? str(invoke.model), softwareAgent: str(invoke.app_version) ? `InvokeAI ${str(invoke.app_version)}` : undefined, fields: field('invokeai_metadata') };
  }
  const sdMeta = obj(parseJson(text('sd-metadata')));
  if (sdMeta) return { generator: 'InvokeAI', model: str(sdMeta.model_weights) ?? str(obj(sdMeta.image)?.model), softwareAgent: str(sdMeta.app_version) ? `InvokeAI ${str(sdMeta.app_version)}` : undefined, fields: field('sd-metadata') };
  if (text('Dream') && /\s-s\s*\d+|\s-S\s*\d+/.test(text('Dream')!)) return { generator: 'InvokeAI', fields: field('Dream') };

  // Draw Things: CreatorTool + JSON UserComment.
  if (/draw things/i.test(facts.creatorTool ?? '')) {
    const uc = obj(parseJson(facts.userComment));
    return { generator: 'Draw Things', model: str(uc?.model), softwareAgent: facts.creatorTool, fields: { 'XMP xmp:CreatorTool': facts.creatorTool!, ...(facts.userComment ? { 'XMP exif:UserComment': facts.userComment.slice(0, MAX_FIELD) } : {}) } };
  }
  // A1111-style parameters in EXIF UserComment (JPEG/WebP exports) or a JPEG comment.
  for (const [s, k] of [[facts.userComment, 'EXIF UserComment'], [text('Comment'), 'JPEG COM']] as const) {
    if (s && /(^|\n)Steps: \d+, Sampler: /.test(s)) {
      const a = fromA1111(s, k);
      if (a) return a;
    }
  }
  // Midjourney: "… Job ID: <uuid>" in the description.
  const desc = text('Description') ?? facts.description;
  if (desc && /Job ID: [0-9a-f]{8}-[0-9a-f]{4}-/i.test(desc)) {
    return { generator: 'Midjourney', model: /--(?:v|version) ([\d.]+)/.exec(desc)?.[1] ? `Midjourney v${/--(?:v|version) ([\d.]+)/.exec(desc)![1]}` : undefined, fields: { [text('Description') ? fieldName('Description') : 'EXIF ImageDescription']: desc.slice(0, MAX_FIELD) } };
  }
  // Tools named in Software / CreatorTool / PNG Software.
  for (const [s, k] of [[facts.software, 'EXIF Software'], [facts.creatorTool, 'XMP xmp:CreatorTool'], [text('Software'), fieldName('Software')]] as const) {
    const name = aiToolName(s);
    if (name) return { generator: name, softwareAgent: s, fields: { [k]: s! } };
  }
  return undefined;
}
