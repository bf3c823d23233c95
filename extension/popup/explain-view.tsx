/**
 * The explanation view (Preact), mounted by the popup for one image: the verdict as the badge shows it
 * (fused with the file's provenance), the "Provenance" section (`./provenance-view.tsx`: signer, tool,
 * actions, validation, raw fields on demand), then the image with the heatmap (or the
 * LIME regions) drawn over the part of it the model saw, the probability and verdict, a method
 * selector, an opacity slider, a region-count control for LIME, progress with a Cancel button, and the
 * sentence that says what an explanation is and is not.
 *
 * Keyboard: every control has a visible `<label>`; the tab order is method → opacity → regions (LIME) →
 * Cancel (while running); status changes are announced through a polite live region. The overlay canvas
 * is decorative (`aria-hidden`); its meaning is given in text (legend, "no localised evidence").
 *
 * Drawing: the map (`mapWidth × mapHeight`, over `region` of the source image) is coloured into a
 * canvas of the map's own size (`heatmapRgba` / `regionsRgba`) and CSS-scaled over the image at the
 * region's position, so it lines up with what the user sees at any display size. Cross-origin images
 * are never read back (no canvas taint issues).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExplainMethod, Explanation } from '../shared/messages';
import type { VerdictLabel } from '../shared/verdict';
import { aiScore, wordingOf } from '../shared/wording';
import { heatmapRgba, regionsRgba, topRegions, type Colormap } from '../shared/explain/overlay';
import type { FusedVerdict } from '../shared/provenance/fusion';
import type { ProvenanceResult } from '../shared/provenance/types';
import { ProvenanceSection } from './provenance-view';

/** Names shown in the method selector. */
export const METHOD_LABELS: Record<ExplainMethod, string> = {
  gradcam: 'Grad-CAM',
  layercam: 'LayerCAM',
  ablationcam: 'Ablation-CAM',
  scorecam: 'Score-CAM (fast)',
  lime: 'LIME regions',
};

export const DISCLAIMER =
  'The highlight shows where the model looked when it scored this image — it is not proof that the image is or is not AI-generated.';

const SWATCH = { display: 'inline-block', width: '0.9em', height: '0.9em', verticalAlign: 'middle', borderRadius: '2px' } as const;

export interface ExplainViewProps {
  /** The image as displayed (any size; the map is placed with `explanation.region`). */
  imageUrl: string;
  /** Calibrated probability of "synthetic", [0, 1]. */
  probability: number;
  verdict: VerdictLabel;
  /** The method shown (controlled). */
  method: ExplainMethod;
  /** Explanations available, by method; a missing entry is shown as "not computed yet". */
  explanations: Partial<Record<ExplainMethod, Explanation>>;
  /** Asks the owner to show (and, if needed, compute) another method. */
  onMethodChange: (method: ExplainMethod) => void;
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
  /** Methods offered (default all five). */
  methods?: readonly ExplainMethod[];
  colormap?: Colormap;
}

/**
 * Where the overlay goes, as CSS percentages of the displayed image: `region` relative to the image's
 * natural size (clamped to [0, 100]).
 */
export function overlayBox(region: Explanation['region'], naturalWidth: number, naturalHeight: number): { left: string; top: string; width: string; height: string } {
  const pct = (v: number, of: number) => `${Math.max(0, Math.min(100, (100 * v) / Math.max(1, of)))}%`;
  return { left: pct(region.x, naturalWidth), top: pct(region.y, naturalHeight), width: pct(region.width, naturalWidth), height: pct(region.height, naturalHeight) };
}

/** One-line status text for the live region. */
export function statusText(method: ExplainMethod, e: Explanation | undefined, pending: ExplainViewProps['pending'], error: string | undefined, regions: number): string {
  const name = METHOD_LABELS[method];
  if (pending && pending.method === method) return `${name}: computing… ${Math.round(pending.progress * 100)} %`;
  if (error) return `${name}: ${error}`;
  if (!e) return `${name}: not computed yet`;
  if (method === 'lime' && e.weights) {
    const t = topRegions(e.weights, regions);
    if (t.for.length === 0 && t.against.length === 0) return `${name}: no localised evidence`;
    return `${name}: ${t.for.length} region${t.for.length === 1 ? '' : 's'} for the verdict (green), ${t.against.length} against (red)`;
  }
  if (e.empty) return `${name}: no localised evidence — no region raised the score`;
  return `${name}: warmer colours mark regions that raised the score for the verdict`;
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

/** The heatmap / LIME part of the view (the pixel detector's explanation). */
function PixelPart(props: ExplainViewProps) {
  const { imageUrl, method, explanations, onMethodChange, onCancel, pending, error } = props;
  const methods = props.methods ?? (['gradcam', 'layercam', 'ablationcam', 'scorecam', 'lime'] as const);
  const [opacity, setOpacity] = useState(0.5);
  const [regions, setRegions] = useState(5);
  const [natural, setNatural] = useState<{ w: number; h: number } | undefined>();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const e = explanations[method];
  const isLime = method === 'lime' && !!e?.segments && !!e.weights;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !e) return;
    canvas.width = e.mapWidth;
    canvas.height = e.mapHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const rgba = isLime ? regionsRgba(e, regions, 1) : heatmapRgba(e, { opacity: 1, colormap: props.colormap ?? 'jet' });
    const img = ctx.createImageData(e.mapWidth, e.mapHeight);
    img.data.set(rgba.data);
    ctx.putImageData(img, 0, 0);
  }, [e, isLime, regions, props.colormap, natural]);

  const running = pending !== undefined;
  const box = e && natural ? overlayBox(e.region, natural.w, natural.h) : undefined;
  return (
    <>
      <figure style={{ position: 'relative', display: 'inline-block', margin: 0, maxWidth: '100%' }}>
        <img
          src={imageUrl}
          alt="The image being explained"
          referrerpolicy="no-referrer"
          style={{ display: 'block', maxWidth: '100%', height: 'auto' }}
          onLoad={(ev) => {
            const t = ev.currentTarget as HTMLImageElement;
            setNatural({ w: t.naturalWidth, h: t.naturalHeight });
          }}
        />
        {e && box && (!e.empty || isLime) && (
          <canvas
            ref={canvasRef}
            aria-hidden="true"
            data-method={method}
            style={{
              position: 'absolute', ...box, opacity, pointerEvents: 'none',
              imageRendering: isLime ? 'pixelated' : 'auto',
            }}
          />
        )}
      </figure>
      <p class="disclaimer">{DISCLAIMER}</p>
      <div class="controls" style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '0.4em 0.6em', alignItems: 'center' }}>
        <label for="explain-method">Method</label>
        <select
          id="explain-method"
          value={method}
          onChange={(ev) => onMethodChange((ev.currentTarget as HTMLSelectElement).value as ExplainMethod)}
        >
          {methods.map((m) => <option key={m} value={m}>{METHOD_LABELS[m]}</option>)}
        </select>
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
            <p class="legend" style={{ gridColumn: '1 / -1', margin: 0 }}>
              <span class="swatch for" aria-hidden="true" style={{ ...SWATCH, background: 'rgb(0,200,60)' }} /> green: for the verdict{' '}
              <span class="swatch against" aria-hidden="true" style={{ ...SWATCH, background: 'rgb(220,30,30)' }} /> red: against it
            </p>
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
      <p class="status" role="status" aria-live="polite">{statusText(method, e, pending, error, regions)}</p>
    </>
  );
}

export default ExplainView;
