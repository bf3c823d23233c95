/**
 * The explanation view (Preact), mounted by the explanation page for one image: the verdict as the badge
 * shows it (fused with the file's provenance), the "Provenance" section first when the file has any
 * (`./provenance-view.tsx`: signer, tool, actions, validation, raw fields on demand), then the pixel
 * detector's explanation **of the whole image** the verdict was computed from (issue 12):
 *
 * - the default method is the **evidence map**: the verdict's own per-tile logits (`Verdict.evidence`),
 *   coloured on a diverging blue (toward real) / orange (toward AI-generated) scale centred at the
 *   decision threshold's logit, with a colour bar whose ends are labelled; tiles the detector did not read
 *   (wasm/cpu read a spread-out sample) are hatched;
 * - "LIME regions" (superpixels over the tiles, filled and outlined by a dark + light double stroke);
 * - an "Advanced" disclosure with Grad-CAM, LayerCAM, Ablation-CAM and Score-CAM, computed over the same
 *   tiles and stitched.
 * The view says which class each map explains; for an *Unsure* verdict it shows both directions.
 *
 * Keyboard: the methods are radio buttons in two groups (the advanced ones inside `<details>`), then
 * opacity, regions (LIME), Cancel (while running); status changes are announced through a polite live
 * region. The overlay canvas is decorative (`aria-hidden`); its meaning is given in text (class statement,
 * colour bar labels, status).
 *
 * Drawing: the overlay is a canvas covering the whole displayed image (its natural aspect), rasterised at
 * up to `OVERLAY_MAX_SIDE` pixels by the pure functions of `extension/shared/explain/overlay.ts`.
 * Cross-origin images are never read back (no canvas taint issues).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExplainMethod, Explanation } from '../shared/messages';
import type { VerdictLabel } from '../shared/verdict';
import { aiScore, wordingOf } from '../shared/wording';
import { camOverlayRgba, evidenceOverlayRgba, limeOverlayRgba, topRegions } from '../shared/explain/overlay';
import { classGradient, divergingGradient, evidenceHalfRange } from '../shared/explain/palette';
import { rasterSize } from '../shared/explain/whole-image';
import type { EvidenceMap } from '../shared/tiling';
import type { FusedVerdict } from '../shared/provenance/fusion';
import type { ProvenanceResult } from '../shared/provenance/types';
import { ProvenanceSection } from './provenance-view';

/** What the view can show: the verdict's evidence map, or a computed explanation method. */
export type ViewMethod = 'evidence' | ExplainMethod;

/** Names shown for each method. */
export const METHOD_LABELS: Record<ViewMethod, string> = {
  evidence: 'Evidence map',
  gradcam: 'Grad-CAM',
  layercam: 'LayerCAM',
  ablationcam: 'Ablation-CAM',
  scorecam: 'Score-CAM (fast)',
  lime: 'LIME regions',
};

/** The methods offered outside the "Advanced" disclosure, and inside it. */
export const MAIN_METHODS: readonly ViewMethod[] = ['evidence', 'lime'];
export const ADVANCED_METHODS: readonly ExplainMethod[] = ['gradcam', 'layercam', 'ablationcam', 'scorecam'];

export const DISCLAIMER =
  'The highlight shows where the model looked when it scored this image — it is not proof that the image is or is not AI-generated.';

/** Longest side of the overlay raster, pixels (the browser scales it over the displayed image). */
export const OVERLAY_MAX_SIDE = 1024;

/** Class names as the view states them. */
export const CLASS_WORDS = { synthetic: 'AI-generated', real: 'real' } as const;

export interface ExplainViewProps {
  /** The image as displayed (any size; maps are placed by their source-pixel rectangles). */
  imageUrl: string;
  /** Calibrated probability of "synthetic", [0, 1]. */
  probability: number;
  verdict: VerdictLabel;
  /** The method shown (controlled). */
  method: ViewMethod;
  /** Explanations available, by method; a missing entry is shown as "not computed yet". */
  explanations: Partial<Record<ExplainMethod, Explanation>>;
  /** The verdict's evidence map (per-tile raw logits); absent for verdicts stored by older versions. */
  evidence?: EvidenceMap;
  /** Raw logit of the decision threshold (`thresholdLogit`): the centre of the evidence colours. */
  centreLogit?: number;
  /** Asks the owner to show (and, if needed, compute) another method. */
  onMethodChange: (method: ViewMethod) => void;
  /** Cancels the running explanation. */
  onCancel: () => void;
  /** Running explanation: its method and progress in [0, 1]; `undefined` when idle. */
  pending?: { method: ExplainMethod; progress: number };
  /** An error message for the current method (e.g. "cancelled", "model failed"). */
  error?: string;
  /** The file's provenance, when read (shown in the "Provenance" section). */
  provenance?: ProvenanceResult;
  /** The fused verdict (`fuseScreened`); its text is the headline when given. */
  fused?: FusedVerdict;
  /**
   * Set when the pixel detector did not run on this image (e.g. "too small to check"): no heatmap is
   * offered, only the verdict and the provenance.
   */
  pixelAbsent?: string;
  /** Computed methods offered (default: LIME and the four CAMs). */
  methods?: readonly ExplainMethod[];
}

/**
 * Where an overlay goes, as CSS percentages of the displayed image: `region` relative to the image's
 * natural size (clamped to [0, 100]).
 */
export function overlayBox(region: Explanation['region'], naturalWidth: number, naturalHeight: number): { left: string; top: string; width: string; height: string } {
  const pct = (v: number, of: number) => `${Math.max(0, Math.min(100, (100 * v) / Math.max(1, of)))}%`;
  return { left: pct(region.x, naturalWidth), top: pct(region.y, naturalHeight), width: pct(region.width, naturalWidth), height: pct(region.height, naturalHeight) };
}

/** Counts of the evidence map's scored cells on each side of the threshold logit. */
export function evidenceCounts(e: EvidenceMap, centre: number): { scored: number; tiles: number; ai: number; real: number } {
  let ai = 0, real = 0;
  for (const v of e.logits) if (typeof v === 'number') { if (v >= centre) ai++; else real++; }
  return { scored: e.scored, tiles: e.tileCols * e.tileRows, ai, real };
}

/** Which direction(s) a view shows: a class, or `both` (evidence map, Unsure CAMs, LIME). */
export function shownTarget(method: ViewMethod, e: Explanation | undefined): 'synthetic' | 'real' | 'both' {
  if (method === 'evidence' || method === 'lime' || e?.other) return 'both';
  return e?.target ?? 'both';
}

/**
 * The sentence that says which class the shown map explains and what its colours mean.
 * @param verdict the badge's verdict (Unsure: both directions)
 */
export function classStatement(method: ViewMethod, e: Explanation | undefined, verdict: VerdictLabel): string {
  if (method === 'evidence') {
    return 'Evidence map of the whole image: each square is a part the detector read. Orange squares pushed the score toward AI-generated, blue squares toward real; pale squares sit near the decision threshold.';
  }
  if (!e) return `${METHOD_LABELS[method]} explains the ${verdict === 'unsure' ? 'two classes (both directions)' : `class ${CLASS_WORDS[verdict]}`} once computed.`;
  if (method === 'lime') {
    return `LIME explains the class ${CLASS_WORDS[e.target]}: outlined regions filled orange pushed the score toward AI-generated, blue toward real.`;
  }
  if (e.other) return `Unsure, so both directions are shown: orange marks regions that pushed the score toward AI-generated, blue toward real.`;
  return e.target === 'synthetic'
    ? `${METHOD_LABELS[method]} explains the class AI-generated: orange marks regions that raised the AI score; the stronger the colour, the larger the push.`
    : `${METHOD_LABELS[method]} explains the class real: blue marks regions that made the image look real; the stronger the colour, the larger the push.`;
}

/** One-line status text for the live region. */
export function statusText(method: ViewMethod, e: Explanation | undefined, pending: ExplainViewProps['pending'], error: string | undefined, regions: number, evidence?: EvidenceMap, centre = 0): string {
  const name = METHOD_LABELS[method];
  if (method === 'evidence') {
    if (!evidence) return `${name}: not available for this verdict (checked by an older version); choose another method`;
    const c = evidenceCounts(evidence, centre);
    const read = c.scored < c.tiles ? `${c.scored} of ${c.tiles} parts read (hatched: not read)` : `all ${c.tiles} part${c.tiles === 1 ? '' : 's'} read`;
    return `${name}: ${read}; ${c.ai} lean AI-generated (orange), ${c.real} lean real (blue)`;
  }
  if (pending && pending.method === method) return `${name}: computing… ${Math.round(pending.progress * 100)} %`;
  if (error) return `${name}: ${error}`;
  if (!e) return `${name}: not computed yet`;
  const part = e.analysed && e.analysed.length > 1 ? ` (over ${e.analysed.length} parts of the image)` : '';
  if (method === 'lime' && e.weights) {
    const t = topRegions(e.weights, regions);
    if (t.for.length === 0 && t.against.length === 0) return `${name}: no localised evidence`;
    const [forC, againstC] = e.target === 'synthetic' ? ['toward AI-generated (orange)', 'toward real (blue)'] : ['toward real (blue)', 'toward AI-generated (orange)'];
    return `${name}: ${t.for.length} region${t.for.length === 1 ? '' : 's'} ${forC}, ${t.against.length} ${againstC}${part}`;
  }
  if (e.empty) return `${name}: no localised evidence — no region raised the score${part}`;
  return `${name}: stronger colours mark regions with a larger push${part}`;
}

/** The colour bar for the shown map: gradient, labelled ends, and what the middle means. */
export function ColourBar({ kind, halfRange }: { kind: 'synthetic' | 'real' | 'both'; halfRange?: number }) {
  const both = kind === 'both';
  const left = both ? 'Toward real' : 'No push';
  const right = both ? 'Toward AI-generated' : `Strong push toward ${CLASS_WORDS[kind]}`;
  const label = both
    ? `Colour scale: blue means toward real, pale grey is the decision threshold, orange means toward AI-generated${halfRange ? ` (ends at ±${halfRange} logit from the threshold)` : ''}`
    : `Colour scale: transparent means no push, ${kind === 'synthetic' ? 'orange' : 'blue'} means a strong push toward ${CLASS_WORDS[kind]}`;
  return (
    <div class="colour-bar" id="colour-bar" role="img" aria-label={label} data-kind={kind} data-left={left} data-right={right}
      style={{ maxWidth: '520px', margin: '6px 0 10px' }}>
      <div class="colour-bar-gradient" aria-hidden="true"
        style={{ height: '12px', borderRadius: '3px', border: '1px solid #888', background: both ? divergingGradient() : `${classGradient(kind)}, repeating-conic-gradient(#ddd 0% 25%, #fff 0% 50%) 0 0 / 8px 8px` }} />
      <div aria-hidden="true" style={{ display: 'flex', justifyContent: 'space-between', fontSize: '12px', color: '#333' }}>
        <span class="colour-bar-end left">{left}</span>
        {both && <span class="colour-bar-mid">decision threshold</span>}
        <span class="colour-bar-end right">{right}</span>
      </div>
    </div>
  );
}

export function ExplainView(props: ExplainViewProps) {
  const { probability, verdict } = props;
  return (
    <section class="explain-view" aria-labelledby="explain-title">
      <h2 id="explain-title">Why this verdict?</h2>
      <p class={`verdict ${props.fused && props.fused.label !== 'none' ? props.fused.tone : verdict}`}>
        {props.fused && props.fused.label !== 'none' ? props.fused.short : wordingOf(verdict, aiScore(probability)).short}
      </p>
      <ProvenanceSection provenance={props.provenance} fused={props.fused} />
      {props.pixelAbsent !== undefined ? (
        <>
          <h2>Pixel detector</h2>
          <p class="pixel-absent" id="pixel-absent">The pixel detector did not run on this image ({props.pixelAbsent}), so there is no heatmap.</p>
          <img src={props.imageUrl} alt="The image being explained" referrerpolicy="no-referrer" style={{ display: 'block', maxWidth: '100%', height: 'auto' }} />
        </>
      ) : <PixelPart {...props} />}
    </section>
  );
}

function MethodRadio({ m, method, onChange }: { m: ViewMethod; method: ViewMethod; onChange: (m: ViewMethod) => void }) {
  return (
    <label style={{ marginRight: '1em', whiteSpace: 'nowrap' }}>
      <input type="radio" name="explain-method" id={`method-${m}`} value={m} checked={method === m}
        onChange={() => onChange(m)} />{' '}{METHOD_LABELS[m]}{m === 'evidence' ? ' (default)' : ''}
    </label>
  );
}

/** The heatmap / LIME part of the view (the pixel detector's explanation). */
function PixelPart(props: ExplainViewProps) {
  const { imageUrl, method, explanations, onMethodChange, onCancel, pending, error, evidence, verdict } = props;
  const offered = props.methods ?? (['lime', ...ADVANCED_METHODS] as const);
  const [opacity, setOpacity] = useState(0.75);
  const [regions, setRegions] = useState(5);
  const [natural, setNatural] = useState<{ w: number; h: number; display: number } | undefined>();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const e = method === 'evidence' ? undefined : explanations[method];
  const centre = props.centreLogit ?? 0;
  const halfRange = evidence ? evidenceHalfRange(evidence.logits, centre) : undefined;
  const drawable = method === 'evidence' ? !!evidence : !!e;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !natural || !drawable) return;
    const side = Math.min(OVERLAY_MAX_SIDE, Math.max(256, Math.round(natural.display * (globalThis.devicePixelRatio || 1))));
    const { width, height } = rasterSize(natural.w, natural.h, side);
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const rgba = method === 'evidence' ? evidenceOverlayRgba(evidence!, centre, halfRange!, width, height)
      : method === 'lime' ? limeOverlayRgba(e!, regions, natural.w, natural.h, width, height)
        : camOverlayRgba(e!, natural.w, natural.h, width, height);
    const img = ctx.createImageData(width, height);
    img.data.set(rgba.data);
    ctx.putImageData(img, 0, 0);
  }, [method, e, evidence, centre, halfRange, regions, natural, drawable]);

  const running = pending !== undefined;
  const advancedShown = (ADVANCED_METHODS as readonly ViewMethod[]).includes(method);
  const target = shownTarget(method, e);
  return (
    <>
      <h2>Pixel detector: the whole image</h2>
      <p class="explained-class" id="explained-class" data-target={target} data-method={method}>{classStatement(method, e, verdict)}</p>
      {drawable && <ColourBar kind={method === 'lime' ? 'both' : target} halfRange={method === 'evidence' ? halfRange : undefined} />}
      {drawable && (
        <p class="legend" id="explain-legend" style={{ margin: '0 0 8px', fontSize: '12px', color: '#333' }}>
          <span class="swatch hatch" aria-hidden="true" style={{ display: 'inline-block', width: '1.4em', height: '0.9em', verticalAlign: 'middle', border: '1px solid #888', background: 'repeating-linear-gradient(135deg, rgba(96,96,96,0.6) 0 2px, transparent 2px 6px)' }} />
          {' '}Hatched: parts of the image the detector did not read for this verdict{method === 'lime' || (e && e.analysed.length < (evidence?.scored ?? 0)) ? ' or this explanation' : ''}.
        </p>
      )}
      <figure style={{ position: 'relative', display: 'inline-block', margin: 0, maxWidth: '100%' }}>
        <img
          src={imageUrl}
          alt="The image being explained"
          referrerpolicy="no-referrer"
          style={{ display: 'block', maxWidth: '100%', height: 'auto' }}
          onLoad={(ev) => {
            const t = ev.currentTarget as HTMLImageElement;
            setNatural({ w: t.naturalWidth, h: t.naturalHeight, display: t.clientWidth || t.naturalWidth });
          }}
        />
        {drawable && natural && (
          <canvas
            ref={canvasRef}
            aria-hidden="true"
            data-method={method}
            data-target={target}
            style={{ position: 'absolute', left: 0, top: 0, width: '100%', height: '100%', opacity, pointerEvents: 'none', imageRendering: 'pixelated' }}
          />
        )}
      </figure>
      <p class="disclaimer">{DISCLAIMER}</p>
      <div class="controls" style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '0.4em 0.6em', alignItems: 'center' }}>
        <fieldset class="methods" style={{ gridColumn: '1 / -1', border: 0, padding: 0, margin: 0 }}>
          <legend>Method</legend>
          {MAIN_METHODS.filter((m) => m === 'evidence' || offered.includes(m as ExplainMethod)).map((m) => <MethodRadio key={m} m={m} method={method} onChange={onMethodChange} />)}
        </fieldset>
        <details id="explain-advanced" open={advancedShown} style={{ gridColumn: '1 / -1' }}>
          <summary>Advanced: other methods (class activation maps)</summary>
          <fieldset class="methods advanced" style={{ border: 0, padding: '4px 0 0', margin: 0 }}>
            <legend class="visually-hidden" style={{ position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>Advanced methods</legend>
            {ADVANCED_METHODS.filter((m) => offered.includes(m)).map((m) => <MethodRadio key={m} m={m} method={method} onChange={onMethodChange} />)}
          </fieldset>
        </details>
        <label for="explain-opacity">Overlay opacity</label>
        <input
          id="explain-opacity"
          type="range"
          min={0}
          max={100}
          step={5}
          value={Math.round(opacity * 100)}
          aria-valuetext={`${Math.round(opacity * 100)} percent`}
          onInput={(ev) => setOpacity(Number((ev.currentTarget as HTMLInputElement).value) / 100)}
        />
        {method === 'lime' && (
          <>
            <label for="explain-regions">Regions shown (each side)</label>
            <input
              id="explain-regions"
              type="number"
              min={1}
              max={20}
              value={regions}
              onInput={(ev) => {
                const v = Math.round(Number((ev.currentTarget as HTMLInputElement).value));
                if (Number.isFinite(v)) setRegions(Math.max(1, Math.min(20, v)));
              }}
            />
          </>
        )}
        {running && (
          <>
            <label for="explain-progress">Progress</label>
            <progress id="explain-progress" max={1} value={pending.progress} />
            <button type="button" onClick={onCancel} style={{ gridColumn: '1 / -1', justifySelf: 'start' }}>Cancel</button>
          </>
        )}
      </div>
      <p class="status" role="status" aria-live="polite">{statusText(method, e, pending, error, regions, evidence, centre)}</p>
    </>
  );
}

export default ExplainView;
