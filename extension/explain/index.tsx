/**
 * The explanation view as an extension page: `explain.html?url=…&hash=…&tab=…&p=…&method=…&samples=…`
 * (see `link.ts`). Asks the background for the explanation of the chosen method (`explain`, one
 * request at a time, cancellable with `cancel-explain`, progress polled with `explain-progress`) and
 * mounts `ExplainView` (extension/popup/explain-view.tsx): the image, probability and verdict, the heatmap
 * with method selector and opacity, LIME regions with a region-count control, progress + Cancel, and the
 * disclaimer. The verdict is fused with the file's provenance (`fuseScreened`) and the "Provenance"
 * section comes first; the verdict (with its provenance) comes from the background's cache: `classify`
 * for URL images (answered from the cache for a badged image), `get-verdict` by content hash for page-read
 * ones. When the pixel detector did not run on the image (a provenance-only verdict) no explanation is
 * computed.
 *
 * Defaults: the method from `?method=`, else the `explainMethod` setting; LIME samples from `?samples=`,
 * else the `limeSamples` setting (the background applies it). Page-read images (`blob:` / `data:`) come
 * by content hash: the background explains the bytes it kept, and `get-image-bytes` gives them to this
 * page to display through its own `blob:` URL.
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { BackendStatus, ExplainMethod, Explanation, Result, Verdict } from '../shared/messages';
import { effectiveThreshold, normalizeSettings, SETTINGS_KEY, type Settings } from '../shared/settings';
import { verdictFor } from '../shared/verdict';
import { fuseScreened } from '../shared/provenance/fusion';
import { ReliabilityDetails } from '../popup/reliability-view';
import { ExplainView, METHOD_LABELS } from '../popup/explain-view';
import { EXPLAIN_METHODS, parseExplainLink, type ExplainTarget } from './link';

const PROGRESS_POLL_MS = 250;

async function ask<T>(msg: unknown): Promise<Result<T>> {
  try {
    const r = (await browser.runtime.sendMessage(msg)) as Result<T> | undefined;
    if (r && typeof r === 'object' && 'ok' in r) return r;
    return { ok: false, error: { code: 'cancelled', message: 'no answer from the extension' } };
  } catch (e) {
    return { ok: false, error: { code: 'cancelled', message: (e as Error)?.message ?? String(e) } };
  }
}

/** A fresh request id (unique per page and call). */
function newRequestId(method: ExplainMethod): string {
  return `view-${method}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Human text for an error reply. */
function errorText(e: { code: string; message: string }): string {
  if (e.code === 'cancelled') return 'cancelled';
  if (e.code === 'fetch-failed') return `could not get the image (${e.message})`;
  if (e.code === 'decode-failed') return 'could not decode the image';
  if (e.code === 'model-failed') return `the detector failed (${e.message})`;
  return `${e.code}: ${e.message}`;
}

function Page({ target }: { target: ExplainTarget }) {
  const [settings, setSettings] = useState<Settings | undefined>();
  const [rule, setRule] = useState({ threshold: 0.5, unsureBand: 0 });
  const [method, setMethod] = useState<ExplainMethod | undefined>(target.method);
  const [explanations, setExplanations] = useState<Partial<Record<ExplainMethod, Explanation>>>({});
  const [errors, setErrors] = useState<Partial<Record<ExplainMethod, string>>>({});
  const [pending, setPending] = useState<{ method: ExplainMethod; progress: number; requestId: string } | undefined>();
  const [probability, setProbability] = useState<number | undefined>(target.probability);
  const [imageSrc, setImageSrc] = useState<string | undefined>(target.hash ? undefined : target.url);
  const [fatal, setFatal] = useState<string | undefined>();
  /** The background's verdict (with provenance); `null` once known to be unavailable. */
  const [screened, setScreened] = useState<Verdict | null | undefined>();
  const pendingRef = useRef(pending);
  pendingRef.current = pending;

  // Settings, the model's own threshold, the verdict (URL images) and the bytes (page-read images).
  useEffect(() => {
    let blobUrl: string | undefined;
    void (async () => {
      const stored = await browser.storage.sync.get(SETTINGS_KEY).catch(() => ({} as Record<string, unknown>));
      const s = normalizeSettings(stored[SETTINGS_KEY]);
      setSettings(s);
      setMethod((m) => m ?? s.explainMethod);
      const st = await ask<BackendStatus>({ type: 'get-status' });
      const model = st.ok ? st.value.model : undefined;
      setRule(effectiveThreshold(s, { threshold: model?.threshold ?? 0.5, unsureBand: model?.unsureBand ?? 0 }));
      if (target.hash) {
        const b = await ask<{ bytes: number[]; mime: string }>({ type: 'get-image-bytes', contentHash: target.hash });
        if (b.ok) {
          blobUrl = URL.createObjectURL(new Blob([Uint8Array.from(b.value.bytes)], { type: b.value.mime }));
          setImageSrc(blobUrl);
        } else setFatal(`The image is no longer available: ${b.error.message}. Check it again from the page.`);
        const v = await ask<Verdict | null>({ type: 'get-verdict', contentHash: target.hash });
        setScreened(v.ok ? v.value : null);
        if (v.ok && v.value?.probability !== undefined) setProbability((p) => p ?? v.value!.probability);
      } else {
        const v = await ask<Verdict>({ type: 'classify', url: target.url, priority: 'normal', pageUrl: '' });
        setScreened(v.ok ? v.value : null);
        if (v.ok && v.value.probability !== undefined) setProbability((p) => p ?? v.value.probability);
      }
    })();
    return () => { if (blobUrl) URL.revokeObjectURL(blobUrl); };
  }, [target]);

  /** Starts computing `m` (cancelling another running one first). */
  const compute = useCallback(async (m: ExplainMethod) => {
    const running = pendingRef.current;
    if (running && running.method === m) return;
    if (running) void ask({ type: 'cancel-explain', requestId: running.requestId });
    const requestId = newRequestId(m);
    const mine = { method: m, progress: 0, requestId };
    pendingRef.current = mine;
    setPending(mine);
    setErrors((e) => ({ ...e, [m]: undefined }));
    const timer = setInterval(() => {
      void ask<number | null>({ type: 'explain-progress', requestId }).then((r) => {
        if (r.ok && r.value !== null && pendingRef.current?.requestId === requestId) {
          const next = { ...mine, progress: r.value };
          pendingRef.current = next;
          setPending(next);
        }
      });
    }, PROGRESS_POLL_MS);
    const r = await ask<Explanation>({
      type: 'explain', url: target.url, method: m, requestId,
      ...(target.hash ? { contentHash: target.hash } : {}),
      ...(m === 'lime' && target.samples !== undefined ? { samples: target.samples } : {}),
    });
    clearInterval(timer);
    if (r.ok) {
      setExplanations((x) => ({ ...x, [m]: r.value }));
      setProbability((p) => p ?? r.value.probability);
    } else setErrors((e) => ({ ...e, [m]: errorText(r.error) }));
    if (pendingRef.current?.requestId === requestId) {
      pendingRef.current = undefined;
      setPending(undefined);
    }
  }, [target]);

  // Compute the shown method when it has no explanation yet (first load, method change), once the verdict
  // says the pixel detector ran (nothing to explain otherwise).
  useEffect(() => {
    if (!method || !settings || screened === undefined || screened?.pixelError || explanations[method] || errors[method]) return;
    void compute(method);
  }, [method, settings, screened]); // eslint-disable-line react-hooks/exhaustive-deps

  // Cancel a running explanation when the page goes away.
  useEffect(() => {
    const onHide = () => { const p = pendingRef.current; if (p) void ask({ type: 'cancel-explain', requestId: p.requestId }); };
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, []);

  const source = target.hash ? (target.url && !/^data:/i.test(target.url) ? target.url : 'an image read from the page') : target.url;
  const header = (
    <header>
      <h1>SynthScreen</h1>
      <p class="source">Image: <span id="image-url">{source}</span></p>
    </header>
  );
  if (fatal) return <>{header}<p class="error" role="alert">{fatal}</p></>;
  if (!method || !imageSrc) return <>{header}<p role="status">Loading…</p></>;
  const p = probability;
  const verdict = p !== undefined ? verdictFor(p, rule.threshold, rule.unsureBand) : 'unsure';
  const error = errors[method];
  const provenance = screened?.provenance;
  const fused = screened && (p !== undefined || screened.pixelError)
    ? fuseScreened({ probability: p, provenance, pixelError: screened.pixelError }, rule) : undefined;
  return (
    <>
      {header}
      {p === undefined && !screened?.pixelError && <p role="status" class="status" id="verdict-pending">Computing the verdict…</p>}
      <div id="explain-root" data-method={method} data-probability={p?.toFixed(6) ?? ''} data-verdict={p !== undefined ? verdict : ''}
        data-fused={fused?.label ?? ''} data-provenance={provenance ? `${provenance.kind}/${provenance.claim}/${provenance.validation}` : ''}>
        <ExplainView
          imageUrl={imageSrc}
          probability={p ?? 0}
          verdict={verdict}
          method={method}
          explanations={explanations}
          methods={EXPLAIN_METHODS}
          onMethodChange={(m) => {
            setMethod(m);
            if (!explanations[m]) { setErrors((e) => ({ ...e, [m]: undefined })); void compute(m); }
          }}
          onCancel={() => {
            const run = pendingRef.current;
            if (run) void ask({ type: 'cancel-explain', requestId: run.requestId });
          }}
          pending={pending ? { method: pending.method, progress: pending.progress } : undefined}
          error={error}
          provenance={provenance}
          fused={fused}
          pixelAbsent={screened?.pixelError ? (fused?.pixel ? undefined : screened.pixelError.message) : undefined}
        />
      </div>
      {error && !pending && (
        <button type="button" class="retry" id="explain-retry" onClick={() => void compute(method)}>
          Compute {METHOD_LABELS[method]} again
        </button>
      )}
      <ReliabilityDetails id="explain-reliability" />
    </>
  );
}

const target = parseExplainLink(location.search);
const root = document.getElementById('app')!;
if (target) render(<Page target={target} />, root);
else render(<p class="error" role="alert">Nothing to explain: this page needs an image (<code>?url=</code> or <code>?hash=</code>).</p>, root);
