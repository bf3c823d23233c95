/**
 * First-run page (`welcome.html`), opened once by the background when the extension is installed
 * (`runtime.onInstalled`, reason `install`; `background/first-run.ts`). It explains, in the product's own
 * words (`../shared/wording.ts`): the three verdicts and their AI-score ranges under the model's rule, the
 * *Unsure* band, that everything runs on the device, the permission model (`docs/permissions.md`), the
 * history setting and its retention (`../shared/history.ts`), and the model card's reliability numbers
 * (`../popup/reliability-view.tsx`). Nothing here changes a setting; the options page does that.
 */
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { HISTORY_RETENTION_DAYS } from '../shared/history';
import { FUSED_COLOURS } from '../shared/provenance/fusion';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { LABEL_TEXT, rangeText, scoreRanges, type ScoreRange } from '../shared/wording';
import { ReliabilityFacts, useReliability } from '../popup/reliability-view';

const MEANING: Record<ScoreRange['label'], string> = {
  synthetic: 'the detector found signs of an AI generator in the pixels. A hint, not proof: some real photos get it too.',
  unsure: 'the score is too close to the threshold to call either way. This is the most common verdict, on purpose: the detector would rather say so than guess.',
  real: 'the detector found no sign of an AI generator. It does not mean the image is a real photo: new generators can slip through.',
};

function Verdicts({ threshold, unsureBand }: { threshold: number; unsureBand: number }) {
  const ranges = scoreRanges({ threshold, unsureBand });
  const ordered = [ranges[2]!, ranges[1]!, ranges[0]!];
  return (
    <dl class="verdicts" id="verdicts">
      {ordered.map((r) => (
        <div key={r.label} data-verdict={r.label}>
          <dt><span class="chip" style={{ background: FUSED_COLOURS[r.label] }}>{r.labelText}</span> {rangeText(r) ? `AI score ${rangeText(r)}` : '(not used at this setting)'}</dt>
          <dd>{MEANING[r.label]}</dd>
        </div>
      ))}
    </dl>
  );
}

function Welcome() {
  const state = useReliability();
  const rule = state?.reliability ? { threshold: state.reliability.threshold, unsureBand: state.reliability.unsureBand } : undefined;
  return (
    <main>
      <h1>Welcome to SynthScreen</h1>
      <p class="lead">
        SynthScreen puts a small badge on the images of the pages you read, saying whether a detector on your computer sees signs of an AI
        image generator. Every badge shows a label and an <strong>AI score from 0 to 100</strong> (how strongly the detector leans toward
        "AI-generated"); the label never contradicts the score.
      </p>

      <h2 id="verdicts-title">The three verdicts</h2>
      {rule ? <Verdicts {...rule} /> : <p class="meta">Loading the model's setting…</p>}
      <p>
        When the image file itself says how it was made — signed Content Credentials (C2PA) or generator metadata — the badge says that
        instead ("AI-generated (signed)", "Camera original (signed)", "AI-generated (metadata)"), with the detector's score beside it as
        "pixel AI score".
      </p>

      <h2 id="unsure-title">The "{LABEL_TEXT.unsure}" band</h2>
      <p id="unsure-text">
        {rule ? <>Scores within {Math.round(rule.unsureBand * 50)} points of the threshold ({Math.round(rule.threshold * 100)}) get "{LABEL_TEXT.unsure}". </> : null}
        The band is there because the detector is weak on images from sources it has not seen: a narrow band would label many real photos
        "{LABEL_TEXT.synthetic}". You can move the threshold and widen or narrow the band in the options; the score of an image stays the
        same, only its label changes.
      </p>

      <h2 id="privacy-title">Everything runs on your device</h2>
      <p id="privacy-text">
        The detector, the explanations and the provenance reader run inside your browser. No image, no page address and no verdict is sent
        anywhere: there is no server, no account and no analytics. Images are fetched from the same address the page already loads them from.
      </p>

      <h2 id="permissions-title">Permissions</h2>
      <ul id="permissions-text">
        <li>At install SynthScreen may read images only from the image servers of the supported social sites (X, Facebook, Instagram,
          LinkedIn, Reddit, Mastodon, Bluesky).</li>
        <li>On any other site a badge says "Permission needed" until you allow that site: "Allow on this site" in the toolbar popup, or all
          sites at once in the options. Your browser asks you to confirm; you can take it back in the browser's extension settings.</li>
        <li>It also uses <code>storage</code> (your settings), <code>contextMenus</code> (right-click "Check image with SynthScreen") and <code>tabs</code>
          (to list the current page's verdicts in the popup).</li>
      </ul>

      <h2 id="history-title">History</h2>
      <p id="history-text">
        History is <strong>{DEFAULT_SETTINGS.history ? 'on' : 'off'}</strong> unless you turn it on in the options. When on, SynthScreen keeps
        the address, page and verdict of each checked image on this device for {HISTORY_RETENTION_DAYS} days, then deletes it; turning
        history off deletes it at once. Wrong-verdict reports also stay on this device until you export them.
      </p>

      <h2 id="reliability-title">How reliable is this?</h2>
      <div id="welcome-reliability"><ReliabilityFacts state={state} /></div>

      <p><button type="button" id="open-options" onClick={() => void browser.runtime.openOptionsPage()}>Open the options</button></p>
    </main>
  );
}

render(<Welcome />, document.getElementById('app')!);
