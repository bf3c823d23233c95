/**
 * The explanation view's "Provenance" section (Preact): what the image's own bytes say about how it was
 * made — why it decides the verdict (`FusedVerdict.detail`; the verdict itself is the view's headline) or
 * that it does not, the caveats, the signer, tool, model, software, C2PA actions,
 * the validation in words, and the raw fields behind it in a disclosure (`<details>`, closed by default).
 *
 * Every string from the file is shown as text (Preact escapes it), never as HTML or a link.
 */
import type { FusedVerdict } from '../shared/provenance/fusion';
import type { ProvenanceResult, ProvenanceValidation } from '../shared/provenance/types';

/** Validation in words, as the section shows it. */
export const VALIDATION_TEXT: Record<ProvenanceValidation, string> = {
  valid: 'Signature valid, signer on the C2PA trust list, file unchanged since signing',
  untrusted: 'Signature valid and file unchanged, but the signer is not on the C2PA trust list',
  invalid: 'Content Credentials invalid: file altered after signing',
  unsigned: 'Not signed: plain metadata that anyone can write or strip',
};

/** What kind of evidence it is, in words. */
export const KIND_TEXT: Record<ProvenanceResult['kind'], string> = {
  c2pa: 'Content Credentials (C2PA manifest)',
  'iptc-xmp': 'IPTC / XMP metadata',
  'generator-metadata': 'Generator metadata (image generator settings)',
  camera: 'Camera metadata (EXIF)',
  none: 'Nothing that bears on how the image was made',
};

/** The claim, in words. */
export const CLAIM_TEXT: Record<ProvenanceResult['claim'], string> = {
  'ai-generated': 'Made by a generative AI model',
  'ai-edited': 'Changed with a generative AI model',
  'camera-capture': 'Captured by a camera',
  unknown: 'Says nothing either way',
};

export interface ProvenanceSectionProps {
  /** The reader's result; `undefined` = nothing found (or not read). */
  provenance?: ProvenanceResult;
  /** The fused verdict shown for the image. */
  fused?: FusedVerdict;
}

/** Last path segment of a digital source type URI (`…/trainedAlgorithmicMedia` → `trainedAlgorithmicMedia`). */
function sourceType(s: string): string {
  return s.replace(/\/+$/, '').split(/[/#]/).pop() ?? s;
}

/** `s` with its first letter in upper case (a `FusedVerdict.detail` shown on its own). */
export function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function ProvenanceSection({ provenance: p, fused }: ProvenanceSectionProps) {
  const found = !!p && p.kind !== 'none';
  const rows: Array<[string, string]> = [];
  if (p && found) {
    rows.push(['Evidence', KIND_TEXT[p.kind]], ['Claim', CLAIM_TEXT[p.claim]], ['Validation', VALIDATION_TEXT[p.validation]]);
    if (p.signer) rows.push(['Signer', p.signer]);
    if (p.generator) rows.push([p.kind === 'camera' || p.claim === 'camera-capture' ? 'Camera' : 'Tool', p.generator]);
    if (p.model) rows.push(['Model', p.model]);
    if (p.softwareAgent) rows.push(['Software', p.softwareAgent]);
    if (p.unverifiedReason) rows.push(['Not verified', p.unverifiedReason]);
  }
  if (p && p.status !== 'ok' && p.message) rows.push([p.status === 'limited' ? 'Read in part' : 'Reading problem', p.message]);
  else if (p && p.validation === 'invalid' && p.message) rows.push(['Validation detail', p.message]);
  const fields = Object.entries(p?.fields ?? {});
  return (
    <section class="provenance" id="provenance" aria-labelledby="provenance-title"
      data-kind={p?.kind ?? 'none'} data-claim={p?.claim ?? 'unknown'} data-validation={p?.validation ?? 'unsigned'}>
      <h2 id="provenance-title">Provenance</h2>
      {fused && fused.basis === 'provenance' ? (
        <p class={`provenance-verdict ${fused.tone}`} id="provenance-verdict">{sentence(fused.detail)}</p>
      ) : found ? (
        <p class="provenance-verdict" id="provenance-verdict">
          The file carries provenance, but it does not decide the verdict: the pixel detector does.
        </p>
      ) : (
        <p class="provenance-verdict" id="provenance-verdict">
          No provenance found in the file (no Content Credentials, no AI or camera metadata). Many sites strip
          metadata, so its absence says nothing about how the image was made.
        </p>
      )}
      {fused && fused.notes.length > 0 && (
        <ul class="provenance-notes">{fused.notes.map((n) => <li key={n}>{n}</li>)}</ul>
      )}
      {rows.length > 0 && (
        <dl class="provenance-facts">
          {rows.map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`} data-fact={k}>{v}</dd>])}
        </dl>
      )}
      {p?.actions && p.actions.length > 0 && (
        <>
          <h3>Actions</h3>
          <ol class="provenance-actions">
            {p.actions.map((a, i) => (
              <li key={i} data-action={a.action}>
                <code>{a.action}</code>
                {a.digitalSourceType ? ` — ${sourceType(a.digitalSourceType)}` : ''}
                {a.softwareAgent ? ` — ${a.softwareAgent}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      {fields.length > 0 && (
        <details class="provenance-raw" id="provenance-raw">
          <summary>Raw fields ({fields.length})</summary>
          <table>
            <tbody>
              {fields.map(([k, v]) => (
                <tr key={k}><th scope="row">{k}</th><td><pre>{v}</pre></td></tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}

export default ProvenanceSection;
