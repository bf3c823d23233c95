import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { zipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { readManifest } from '../manifest';
import { mulberry32 } from '../rng';
import { assignPaths, lockText, materialize, parseLock, rebuildFromLock, selectItems, verifyAgainstLock } from './assemble';
import { auditMarkdown, baseGenerator, classDifferences, cellStats } from './audit';
import { familyOfModel } from './generators';
import { estimateJpegQuality, hamming, imageInfo, isLfsPointer, jpegLumaTable, thumbCorrelation } from './imageinfo';
import { NearDupIndex } from './neardup';
import { REGISTRY } from './registry';
import { BUILTIN_RESERVED_TEXT, isPathReserved, isRepoReserved, loadReserved, parseReserved, sourceRefusal } from './reserved';
import type { SourceEntry } from './types';
import { validateRegistry } from './validate';
import { REPO_ROOT, SHARED_DIR } from '../../node/paths';

const RESERVED = parseReserved(BUILTIN_RESERVED_TEXT);

/** A 256×192 RGB test picture: a gradient at a random angle, six random discs and seeded noise; different for every seed. */
async function picture(seed: number, w = 256, h = 192): Promise<Buffer> {
  const rng = mulberry32(seed);
  const ang = rng() * Math.PI * 2, ca = Math.cos(ang), sa = Math.sin(ang);
  const discs = Array.from({ length: 6 }, () => ({ x: rng() * w, y: rng() * h, r: 15 + rng() * 50, c: [rng() * 255, rng() * 255, rng() * 255] }));
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = 128 + 100 * ((x - w / 2) * ca + (y - h / 2) * sa) / w;
      let c = [g, 255 - g, g / 2];
      for (const d of discs) if ((x - d.x) ** 2 + (y - d.y) ** 2 < d.r * d.r) c = d.c;
      const i = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) data[i + k] = Math.max(0, Math.min(255, c[k]! + (rng() - 0.5) * 16));
    }
  }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

test('the registry is valid: pinned 40-hex commits, typed fields, unique ids, no reserved repository', () => {
  assert.deepEqual(validateRegistry(REGISTRY), []);
  for (const e of REGISTRY) {
    assert.match(e.commit, /^[0-9a-f]{40}$/, e.id);
    assert.equal(isRepoReserved(RESERVED, e.repo), false, e.repo);
    assert.equal(sourceRefusal(RESERVED, e.repo, e.commit, e.mode ?? 'tree'), undefined, e.id);
  }
});

test('the registry is also clear of the shared reserved list, when present', async (t) => {
  const file = join(SHARED_DIR, 'research', 'reserved-sources.txt');
  const reserved = await loadReserved(file);
  if (reserved.size === RESERVED.size) t.diagnostic('shared reserved list absent or identical to the compiled-in copy');
  assert.deepEqual(validateRegistry(REGISTRY, reserved), []);
});

test('validation names each bad field', () => {
  const bad: SourceEntry = {
    id: 'Bad Id', census: 'X', repo: 'comfyanonymous/ComfyUI_examples', commit: 'abc123', licence: '', confounds: 'x',
    rules: [
      { kind: 'include', pattern: '*.png', label: 'real', generator: 'g', family: 'gan', category: 'faces', trust: 'high' },
      { kind: 'include', pattern: '*.jpg', label: 'synthetic', generator: 'g', family: 'flux', category: 'nowhere' as never, trust: 'sure' as never },
      { kind: 'exclude', pattern: '*.gif', reason: '' },
    ],
  };
  const p = validateRegistry([bad]).join('\n');
  assert.match(p, /id must be lower-case/);
  assert.match(p, /commit "abc123" is not 40/);
  assert.match(p, /licence missing/);
  assert.match(p, /ComfyUI_examples is reserved/);
  assert.match(p, /real images must have family "real"/);
  assert.match(p, /unknown category "nowhere"/);
  assert.match(p, /trust must be one of/);
  assert.match(p, /exclusion without a reason/);
});

test('reserved list: whole repos, path prefixes with *, and reserved history', () => {
  assert.equal(isRepoReserved(RESERVED, 'serengil/deepface'), true);
  assert.equal(isRepoReserved(RESERVED, 'SERENGIL/DeepFace'), true);
  assert.equal(isRepoReserved(RESERVED, 'dcsan/imagen'), false);
  assert.equal(isPathReserved(RESERVED, 'dcsan/imagen', 'output/renders/panda-riding/midj-3.png'), true);
  assert.equal(isPathReserved(RESERVED, 'dcsan/imagen', 'output/renders/panda-riding/dal2-0.png'), true);
  assert.equal(isPathReserved(RESERVED, 'dcsan/imagen', 'output/renders/panda-riding/ldif-3.png'), false);
  assert.equal(isPathReserved(RESERVED, 'JingyunLiang/SwinIR', 'testsets/Set5/baby.png'), true);
  assert.equal(isPathReserved(RESERVED, 'JingyunLiang/SwinIR', 'testsets/Set50/baby.png'), false);
  assert.equal(isPathReserved(RESERVED, 'JingyunLiang/SwinIR', 'testsets/RealSRSet+5images/dog.png'), false);
  assert.equal(isPathReserved(RESERVED, 'majedelhelou/denoising_datasets', 'CSet14/x.png'), true);
  assert.equal(isPathReserved(RESERVED, 'majedelhelou/denoising_datasets', 'CSun_Hays80/x.jpg'), false);
  const muset = 'muset-ai/awesome-nanobanana2';
  assert.match(sourceRefusal(RESERVED, muset, '73a8b7daf15b2b6f8a08451df3f7372203ca8430', 'history') ?? '', /history/);
  assert.equal(sourceRefusal(RESERVED, muset, '73a8b7daf15b2b6f8a08451df3f7372203ca8430', 'tree'), undefined);
  assert.match(sourceRefusal(RESERVED, muset, 'f'.repeat(40), 'tree') ?? '', /only commit/);
  assert.throws(() => parseReserved('not a repo line'), /cannot parse/);
});

test('a reserved-sources file is merged with the compiled-in list', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reserved-'));
  try {
    const file = join(dir, 'reserved-sources.txt');
    await writeFile(file, '# comment\nsomeone/new-gallery\ndcsan/imagen output/renders/*/ldif-\ndebian:some-package\n');
    const merged = await loadReserved(file);
    assert.equal(isRepoReserved(merged, 'someone/new-gallery'), true);
    assert.equal(isPathReserved(merged, 'dcsan/imagen', 'output/renders/x/ldif-1.png'), true);
    assert.equal(isPathReserved(merged, 'dcsan/imagen', 'output/renders/x/midj-1.png'), true);
    assert.equal(isRepoReserved(merged, 'serengil/deepface'), true);
    assert.equal((await loadReserved(join(dir, 'absent.txt'))).size, RESERVED.size);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('JPEG quality is read back from the quantisation table', async () => {
  const png = await picture(1);
  for (const q of [30, 60, 75, 90, 95]) {
    const jpg = await sharp(png).jpeg({ quality: q }).toBuffer();
    const table = jpegLumaTable(jpg);
    assert.ok(table);
    assert.equal(estimateJpegQuality(table), q);
  }
  assert.equal(jpegLumaTable(png), undefined);
});

test('near duplicates: a resized, re-encoded copy is caught; a different image is not', async () => {
  const a = await picture(7);
  const copy = await sharp(a).resize(128, 96).jpeg({ quality: 60 }).toBuffer();
  const other = await picture(8);
  const ia = await imageInfo(a), ic = await imageInfo(copy), io = await imageInfo(other);
  assert.equal(ic.format, 'jpeg');
  assert.equal(ic.jpegQuality, 60);
  assert.ok(hamming(ia.dhash, ic.dhash) <= 6, `dHash distance ${hamming(ia.dhash, ic.dhash)}`);
  assert.ok(hamming(ia.phash, ic.phash) <= 6, `pHash distance ${hamming(ia.phash, ic.phash)}`);
  assert.ok(hamming(ia.dhash, io.dhash) > 16, `dHash distance to another picture ${hamming(ia.dhash, io.dhash)}`);
  const corrCopy = thumbCorrelation(Buffer.from(ia.thumb, 'base64'), Buffer.from(ic.thumb, 'base64'));
  const corrOther = thumbCorrelation(Buffer.from(ia.thumb, 'base64'), Buffer.from(io.thumb, 'base64'));
  assert.ok(corrCopy > 0.98, `thumbnail correlation of the copy ${corrCopy}`);
  assert.ok(corrOther < 0.9, `thumbnail correlation of another picture ${corrOther}`);
  const idx = new NearDupIndex<string>();
  idx.add(ia.dhash, ia.phash, 'a', ia.thumb);
  assert.equal(idx.find(ic.dhash, ic.phash, ic.thumb)?.owner, 'a');
  assert.equal(idx.find(io.dhash, io.phash, io.thumb), undefined);
  // Equal hashes but unrelated thumbnails (two aligned faces, say) are not a duplicate.
  assert.equal(idx.find(ia.dhash, ia.phash, io.thumb), undefined);
  assert.equal(idx.find(ia.dhash, ia.phash)?.owner, 'a');
  assert.equal(hamming('0000000000000000', 'ffffffffffffffff'), 64);
  assert.equal(hamming('00000000000000f1', '0000000000000000'), 5);
});

test('LFS pointers are recognised', () => {
  assert.equal(isLfsPointer(Buffer.from('version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 12\n')), true);
  assert.equal(isLfsPointer(Buffer.from('\x89PNG')), false);
});

test('families of catalogue model ids', () => {
  assert.equal(familyOfModel('black-forest-labs--FLUX.1-dev'), 'flux');
  assert.equal(familyOfModel('stabilityai--stable-diffusion-3_5-large'), 'sdxl-sd3');
  assert.equal(familyOfModel('stabilityai--stable-diffusion-xl-base-1.0'), 'sdxl-sd3');
  assert.equal(familyOfModel('stabilityai--stable-diffusion-2-1'), 'sd-1-2');
  assert.equal(familyOfModel('PixArt-alpha--PixArt-XL-2-1024-MS'), 'other-diffusion');
  assert.equal(familyOfModel('gemini-3-pro-image'), 'closed-google');
  assert.equal(familyOfModel('amused--amused-512'), 'autoregressive');
  assert.equal(familyOfModel('Kwai-Kolors--Kolors-diffusers'), 'other-diffusion');
});

test('models are counted without their variant', () => {
  assert.equal(baseGenerator('Kolors (ControlNet)'), 'Kolors');
  assert.equal(baseGenerator('SD.Next reference preview: black-forest-labs--FLUX.1-dev'), 'black-forest-labs--FLUX.1-dev');
  assert.equal(baseGenerator('Midjourney v7'), 'Midjourney v7');
});

test('audit flags class differences within a source', () => {
  const mk = (w: number, format: string, q: number | null, exif: boolean) => ({ info: { width: w, height: w, format, jpegQuality: q, exif, xmp: false, icc: false, c2pa: false, pngText: false } }) as never;
  const real = cellStats([mk(200, 'jpeg', 90, true), mk(220, 'jpeg', 92, true)]);
  const synth = cellStats([mk(768, 'png', null, false), mk(768, 'jpeg', 75, false)]);
  const f = classDifferences(real, synth).join('\n');
  assert.match(f, /size: real 210x210 vs synthetic 768x768/);
  assert.match(f, /format: jpeg 100% of real vs 50% of synthetic/);
  assert.match(f, /JPEG quality: real ~91 vs synthetic ~75/);
  assert.match(f, /exif: 100% of real vs 0% of synthetic/);
  assert.deepEqual(classDifferences(real, real), []);
});

function sh(cwd: string, cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Builds a bare repo `<snapshots>/<owner>+<name>/repo` with the given files; returns the commit. */
async function bareRepo(snapshots: string, repo: string, files: Record<string, Buffer>): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'src-work-'));
  sh(work, 'git', ['init', '-q']);
  for (const [p, b] of Object.entries(files)) {
    await mkdir(join(work, p, '..'), { recursive: true });
    await writeFile(join(work, p), b);
  }
  sh(work, 'git', ['add', '-A']);
  sh(work, 'git', ['commit', '-q', '-m', 'files']);
  const commit = sh(work, 'git', ['rev-parse', 'HEAD']);
  const dir = join(snapshots, repo.replace('/', '+'));
  await mkdir(dir, { recursive: true });
  sh(dir, 'git', ['clone', '-q', '--bare', work, 'repo']);
  await rm(work, { recursive: true, force: true });
  return commit;
}

test('assembler: reads a bare repo at its commit, drops duplicates, pointers and non-images, refuses reserved paths; lock round trip', async () => {
  const root = await mkdtemp(join(tmpdir(), 'assemble-'));
  try {
    const snapshots = join(root, 'snap'), out = join(root, 'out');
    const p1 = await picture(11), p2 = await picture(12), p3 = await picture(13), p4 = await picture(14);
    const commit = await bareRepo(snapshots, 'dcsan/imagen', {
      'output/renders/a/ldif-1.png': p1,
      'output/renders/a/ldif-2.png': p2,
      'output/renders/a/ldif-3.png': p1, // exact duplicate of ldif-1
      'output/renders/a/glid3-1.jpg': await sharp(p2).resize(200, 150).jpeg({ quality: 70 }).toBuffer(), // near duplicate of ldif-2
      'output/renders/a/midj-1.png': p3, // reserved path
      'output/renders/a/dmin-1.png': Buffer.from('version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n'),
      'output/renders/a/disco-1.png': Buffer.from('not an image'),
      'real/photo.jpg': await sharp(p4).jpeg({ quality: 88 }).toBuffer(),
      'grid/g.png': await sharp({ create: { width: 512, height: 192, channels: 3, background: '#000' } })
        .composite([{ input: await picture(16), left: 0, top: 0 }, { input: await picture(17), left: 256, top: 0 }]).png().toBuffer(),
      'output/set.zip': Buffer.from(zipSync({ 'inner/': new Uint8Array(0), 'inner/z.png': new Uint8Array(await picture(15)) })),
    });
    const reservedCommit = await bareRepo(snapshots, 'serengil/deepface', { 'x.png': p4 });
    const registry: SourceEntry[] = [
      {
        id: 'tiny', census: 'T', repo: 'dcsan/imagen', commit, licence: 'test', confounds: 'test', archives: ['output/set.zip'],
        rules: [
          { kind: 'include', pattern: 'grid/*.png', label: 'synthetic', generator: 'grid', family: 'gan', category: 'faces', trust: 'high', tiles: ['0,0,256,192', '256,0,256,192'] },
          { kind: 'include', pattern: 'output/set.zip!inner/*.png', label: 'synthetic', generator: 'zipped', family: 'gan', category: 'faces', trust: 'low' },
          { kind: 'include', pattern: 'output/renders/*/*.{png,jpg}', label: 'synthetic', generator: (p) => p.replace(/^.*\//, '').split('-')[0], family: 'sd-1-2', category: 'art-illustration', trust: 'high' },
          { kind: 'include', pattern: 'real/*.jpg', label: 'real', generator: 'real: test', family: 'real', category: 'art-illustration', trust: 'medium' },
        ],
      },
      { id: 'forbidden', census: 'T', repo: 'serengil/deepface', commit: reservedCommit, licence: 't', confounds: 't', rules: [{ kind: 'include', pattern: '*.png', label: 'real', generator: 'r', family: 'real', category: 'faces', trust: 'high' }] },
    ];
    const res = await selectItems({ snapshots, out, registry });
    const [tiny, forbidden] = res.reports;
    assert.equal(forbidden!.status, 'refused');
    assert.equal(tiny!.skipped['reserved-path'], 1);
    assert.equal(tiny!.skipped['exact-dup'], 1);
    assert.equal(tiny!.skipped['near-dup'], 1);
    assert.equal(tiny!.skipped['lfs-pointer'], 1);
    assert.equal(tiny!.skipped['not-decodable'], 1);
    // Path order: glid3-1.jpg comes first, so ldif-2.png is the near duplicate that is dropped.
    assert.deepEqual(res.items.map((i) => i.originalPath).sort(), ['grid/g.png', 'grid/g.png', 'output/renders/a/glid3-1.jpg', 'output/renders/a/ldif-1.png', 'output/set.zip!inner/z.png', 'real/photo.jpg']);
    assert.match(tiny!.examples['near-dup']![0]!, /^output\/renders\/a\/ldif-2.png ≈ tiny:output\/renders\/a\/glid3-1.jpg/);
    assignPaths(res.items);
    assert.deepEqual(res.items.map((i) => i.path).sort(), ['tiny/real/tiny-real-0001.jpg', 'tiny/synthetic/tiny-synthetic-0001.png', 'tiny/synthetic/tiny-synthetic-0002.png', 'tiny/synthetic/tiny-synthetic-0003.jpg', 'tiny/synthetic/tiny-synthetic-0004.png', 'tiny/synthetic/tiny-synthetic-0005.png']);
    assert.equal(await materialize(res.items, out, snapshots), 6);
    const tiles = res.items.filter((i) => i.originalPath === 'grid/g.png').map((i) => i.crop).sort();
    assert.deepEqual(tiles, ['0,0,256,192', '256,0,256,192']);
    const zipped = res.items.find((i) => i.member === 'inner/z.png')!;
    assert.equal(zipped.sha256, createHash('sha256').update(await readFile(join(out, zipped.path))).digest('hex'));
    const lock = lockText(res.items);
    const rows = parseLock(lock);
    assert.equal(rows.length, 6);
    const row = rows.find((r) => r.original_path === 'real/photo.jpg')!;
    assert.equal(row.commit, commit);
    assert.equal(row.label, 'real');
    assert.equal(row.trust, 'medium');
    // The manifest reads with the project's reader; the extra columns land in `extra`.
    const recs = await readManifest(join(out, 'MANIFEST.tsv'));
    assert.equal(recs.length, 6);
    // The two tiles of one grid share bytes, hence one split group.
    const tileRecs = recs.filter((r) => r.originalPath === 'grid/g.png');
    assert.equal(tileRecs[0]!.group, tileRecs[1]!.group);
    assert.deepEqual(tileRecs.map((r) => r.crop?.x).sort(), [0, 256]);
    const rec = recs.find((r) => r.originalPath === 'real/photo.jpg')!;
    assert.deepEqual([rec.label, rec.source, rec.extra.family, rec.extra.category, rec.extra.trust, rec.extra.sha256], ['real', 'tiny', 'real', 'art-illustration', 'medium', row.sha256]);
    assert.deepEqual(await verifyAgainstLock(out, lock), { checked: 6, missing: [], mismatched: [], reserved: [], manifestMismatch: [] });
    // A rerun is incremental (nothing rewritten) and gives the same lock.
    const again = await selectItems({ snapshots, out, registry });
    assignPaths(again.items);
    assert.equal(lockText(again.items), lock);
    assert.equal(await materialize(again.items, out, snapshots), 0);
    // The lock alone rebuilds the same files and manifest.
    const out2 = join(root, 'out2');
    const rebuilt = await rebuildFromLock(lock, out2, snapshots);
    assert.equal(rebuilt.length, 6);
    assert.equal(await readFile(join(out2, 'MANIFEST.tsv'), 'utf8'), await readFile(join(out, 'MANIFEST.tsv'), 'utf8'));
    assert.deepEqual((await verifyAgainstLock(out2, lock)).mismatched, []);
    // Tampering is caught.
    await writeFile(join(out, row.path!), Buffer.from('changed'));
    const bad = await verifyAgainstLock(out, lock);
    assert.deepEqual(bad.mismatched, [row.path]);
    const audit = auditMarkdown(res.items, res.reports);
    assert.match(audit, /\| tiny \| real \| 1 \| 256×192 \| jpeg 100% \| 88 \|/);
    assert.match(audit, /\| forbidden \| serengil\/deepface @ .* \| refused/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('history mode reads every version of a path reachable from the commit; tree mode only the last', async () => {
  const root = await mkdtemp(join(tmpdir(), 'history-'));
  try {
    const work = join(root, 'work');
    await mkdir(join(work, 'img'), { recursive: true });
    sh(work, 'git', ['init', '-q']);
    await writeFile(join(work, 'img', 'a.png'), await picture(21));
    sh(work, 'git', ['add', '-A']);
    sh(work, 'git', ['commit', '-q', '-m', 'v1']);
    await writeFile(join(work, 'img', 'a.png'), await picture(22));
    sh(work, 'git', ['commit', '-q', '-am', 'v2']);
    const commit = sh(work, 'git', ['rev-parse', 'HEAD']);
    const snapshots = join(root, 'snap');
    await mkdir(join(snapshots, 'someone+hist'), { recursive: true });
    sh(join(snapshots, 'someone+hist'), 'git', ['clone', '-q', '--bare', work, 'repo']);
    const rule = { kind: 'include' as const, pattern: 'img/*.png', label: 'synthetic' as const, generator: 'g', family: 'gan' as const, category: 'faces' as const, trust: 'high' as const };
    const base = { id: 'hist', census: 'T', repo: 'someone/hist', commit, licence: 't', confounds: 't', rules: [rule] };
    const hist = await selectItems({ snapshots, out: join(root, 'o1'), registry: [{ ...base, mode: 'history' }] });
    const tree = await selectItems({ snapshots, out: join(root, 'o2'), registry: [base] });
    assert.equal(hist.items.length, 2);
    assert.equal(new Set(hist.items.map((i) => i.oid)).size, 2);
    assert.equal(tree.items.length, 1);
    assert.equal(hist.items.every((i) => i.mode === 'history' && i.commit === commit), true);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the committed lock file agrees with the registry and holds no reserved file', async () => {
  const text = await readFile(join(REPO_ROOT, 'training', 'data', 'sources.lock.tsv'), 'utf8');
  const rows = parseLock(text);
  assert.ok(rows.length > 0);
  const byId = new Map(REGISTRY.map((e) => [e.id, e]));
  const paths = new Set<string>();
  for (const r of rows) {
    const e = byId.get(r.source!);
    assert.ok(e, `lock source ${r.source} is not in the registry`);
    assert.equal(r.repo, e.repo);
    assert.equal(r.commit, e.commit);
    assert.equal(r.mode, e.mode ?? 'tree');
    assert.match(r.sha256!, /^[0-9a-f]{64}$/);
    assert.match(r.git_object!, /^[0-9a-f]{40}$/);
    assert.ok(r.label === 'real' || r.label === 'synthetic');
    assert.ok(r.path!.startsWith(`${r.source}/${r.label}/${r.source}-${r.label}-`), r.path);
    assert.equal(isPathReserved(RESERVED, r.repo!, r.original_path!), false, `${r.repo}:${r.original_path}`);
    assert.equal(paths.has(r.path!), false, `duplicate path ${r.path}`);
    paths.add(r.path!);
  }
});
