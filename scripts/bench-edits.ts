/**
 * Issue 13, item 9 (edits): how the shipped detector's verdicts move under the film-like edit
 * (`training/data/edits.ts`: Gaussian grain σ 8 + colour grain σ 2, a warm tint, JPEG q85). Scores
 * `perLabel` AI-generated and `perLabel` real images of `../shared/data` (the e2e feed's deterministic
 * round-robin pick over sources, manifest crops applied) clean and edited, with the shipped model in Node
 * (`models/default`, the same `Detector.score` as the extension), and counts labels under the model's own
 * threshold and unsure band. Run with `npm run bench -- --only-edits [--edits-n 20]`; the model card's
 * weakness entry quotes its output.
 */
import sharp from 'sharp';
import { hasSharedData, sharedImages } from '../e2e/helpers/feed';
import { initTf } from '../training/node/backend';
import { loadDetectorFromDir } from '../training/node/model-dir';
import { FILM_EDIT, filmEdit } from '../training/data/edits';
import { hashString } from '../training/data/rng';
import { verdictFor, type VerdictLabel } from '../extension/shared/verdict';

type Counts = Record<VerdictLabel, number>;
const zero = (): Counts => ({ real: 0, unsure: 0, synthetic: 0 });

/**
 * @param perLabel images per label (AI-generated and real)
 * @returns one JSON-able record: labels clean and edited per true label, how many AI images moved to
 *   "Likely real", mean probability change
 */
export async function benchEdits(perLabel = 20, modelDir = 'models/default'): Promise<Record<string, unknown>> {
  if (!hasSharedData()) return { bench: 'edits', skipped: 'no ../shared/data/MANIFEST.tsv' };
  const { tf, backend } = await initTf({ want: 'inference', quiet: true });
  const det = await loadDetectorFromDir(tf, modelDir);
  const t = det.manifest.threshold ?? 0.5;
  const band = det.manifest.unsureBand ?? 0;
  const out: Record<string, unknown> = { bench: 'edits', model: det.id, backend, edit: FILM_EDIT, threshold: t, unsureBand: band, perLabel };
  try {
    const imgs = await sharedImages(perLabel);
    for (const label of ['synthetic', 'real'] as const) {
      const clean = zero();
      const edited = zero();
      let toReal = 0;
      let dp = 0;
      const rows: Array<[string, number, number]> = [];
      for (const img of imgs.filter((i) => i.label === label)) {
        const { data, info } = await sharp(img.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        const rgba = { width: info.width, height: info.height, data: new Uint8Array(data) };
        const e = await filmEdit(rgba, hashString(img.source));
        const [a, b] = await det.score([{ image: rgba }, { image: e }]);
        const la = verdictFor(a!.probability, t, band);
        const lb = verdictFor(b!.probability, t, band);
        clean[la]++;
        edited[lb]++;
        if (lb === 'real' && la !== 'real') toReal++;
        dp += b!.probability - a!.probability;
        rows.push([img.source, +a!.probability.toFixed(4), +b!.probability.toFixed(4)]);
      }
      const n = rows.length;
      out[label] = { n, clean, edited, movedToReal: toReal, meanDeltaP: +(dp / n).toFixed(4), images: rows };
    }
  } finally {
    det.dispose();
  }
  return out;
}
