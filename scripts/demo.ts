/**
 * `npm run demo -- [--images <folder>] [--out <dir>] [--headed] [--allow-test-model]`
 *
 * Serves a demo feed on 127.0.0.1 (random port) — 12 real and 12 synthetic images picked across the
 * sources of ../shared/data/MANIFEST.tsv (the manifest's `crop` applied), or every image of `--images`
 * — opens it in Chromium with the built extension (dist/test/chromium, the test build; headless unless `--headed` and a
 * DISPLAY), waits for every badge, and writes a full-page screenshot and a JSON report of every image's
 * verdict to `--out` (default out/demo/).
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { verdictFor } from '../extension/shared/verdict';
import { LABEL_TEXT } from '../extension/shared/wording';
import { findChromium, inWorker, launchWithExtension } from '../e2e/helpers/browser';
import { feedHtml, folderImages, hasSharedData, REPO_ROOT, sharedImages, startFeedServer, type FeedImage } from '../e2e/helpers/feed';
import { readBadges, waitForAllBadges } from '../e2e/helpers/page';
import { EXT_DIR, PACKAGED_MODEL_DIR, prepareWorker, testModelDir } from '../e2e/helpers/setup';
import { hasModel } from '../e2e/helpers/tiny-model';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    out: { type: 'string', default: 'out/demo' },
    headed: { type: 'boolean', default: false },
    'allow-test-model': { type: 'boolean', default: false },
    'per-label': { type: 'string', default: '12' },
  },
});

function fail(msg: string): never {
  console.error(`demo: ${msg}`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (!findChromium()) fail('no Chromium found: install Debian\'s chromium (bash scripts/ensure-deps.sh) or set CHROMIUM_PATH');
  if (!existsSync(join(EXT_DIR, 'manifest.json'))) fail('dist/test/chromium is missing: run `npm run build` first');
  const packaged = hasModel(PACKAGED_MODEL_DIR);
  if (!packaged && !values['allow-test-model']) {
    fail('no detector is packaged in dist/test/chromium/model (models/default is missing). Build with MODEL_DIR=<model folder>, '
      + 'or pass --allow-test-model to run the random-weight test model (its verdicts mean nothing).');
  }
  let images: FeedImage[];
  if (values.images) {
    images = folderImages(resolve(values.images));
    if (images.length === 0) fail(`no images in ${values.images}`);
  } else if (hasSharedData()) {
    images = await sharedImages(Number(values['per-label']));
  } else {
    fail('../shared/data is absent: pass --images <folder>');
  }
  const outDir = resolve(REPO_ROOT, values.out!);
  mkdirSync(outDir, { recursive: true });
  const server = await startFeedServer(images);
  server.setPage('/', feedHtml(images.map((i, k) => ({ src: i.route, alt: `image ${k + 1}`, caption: i.source.replace(/^.*\/data\//, '') }))));
  const headed = values.headed && !!process.env.DISPLAY;
  if (values.headed && !process.env.DISPLAY) console.error('demo: no DISPLAY, running headless');
  const l = await launchWithExtension(EXT_DIR, { headed });
  try {
    const model = await testModelDir();
    const st = await prepareWorker(l, model);
    console.error(`demo: model ${st.model} on backend ${st.backend}; feed at ${server.origin}/ (${images.length} images)`);
    const page = await l.browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    const t0 = Date.now();
    await page.goto(`${server.origin}/`, { waitUntil: 'domcontentloaded' });
    await waitForAllBadges(page, 600_000);
    const ms = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 300)); // let badges settle into place
    const badges = await readBadges(page);
    const status = await inWorker<{ model?: { threshold?: number; unsureBand?: number } }>(l, 'self.__synthscreenTest.status()');
    const threshold = status.model?.threshold ?? 0.5;
    const band = status.model?.unsureBand ?? 0;
    const rows = images.map((img) => {
      const b = badges.find((x) => x.url === server.origin + img.route);
      return {
        url: server.origin + img.route,
        sourceFile: img.source,
        label: img.label ?? null,
        probability: b?.probability ?? null,
        verdict: b?.state === 'done' ? verdictFor(b.probability!, threshold, band) : b?.error ?? 'none',
        /** The badge's words, as the user read them (`extension/shared/wording.ts`). */
        text: b?.text ?? null,
      };
    });
    const judged = rows.filter((r) => r.label && (r.verdict === 'real' || r.verdict === 'synthetic'));
    const correct = judged.filter((r) => r.verdict === r.label).length;
    const report = {
      createdAt: new Date().toISOString(),
      model: st.model,
      modelIsTestModel: !packaged,
      backend: st.backend,
      threshold,
      unsureBand: band,
      pageLoadToLastBadgeMs: ms,
      counts: {
        images: rows.length,
        synthetic: rows.filter((r) => r.verdict === 'synthetic').length,
        real: rows.filter((r) => r.verdict === 'real').length,
        unsure: rows.filter((r) => r.verdict === 'unsure').length,
        errors: rows.filter((r) => !['real', 'synthetic', 'unsure'].includes(r.verdict)).length,
        correctOfDecided: judged.length ? `${correct}/${judged.length}` : null,
      },
      images: rows,
    };
    const shot = join(outDir, 'feed.png');
    const json = join(outDir, 'report.json');
    await page.screenshot({ path: shot, fullPage: true });
    writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
    console.log(`screenshot: ${shot}`);
    console.log(`report:     ${json}`);
    console.log(`${rows.length} images, last badge after ${ms} ms; ${report.counts.synthetic} "${LABEL_TEXT.synthetic}", ${report.counts.real} "${LABEL_TEXT.real}", ${report.counts.unsure} "${LABEL_TEXT.unsure}", ${report.counts.errors} errors` + (judged.length ? `; ${correct}/${judged.length} decided verdicts match the manifest label` : ''));
  } finally {
    await l.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
