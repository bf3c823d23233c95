import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifestTsv, groupKeyFor, readFolderLayout, readManifest, countBySource, ManifestError } from './manifest';
import { sharedDataSkip, SHARED_DIR } from './fixtures';

const HDR = 'path\tlabel\tgenerator\tsource_repo\toriginal_path\tcrop\tnotes';

test('parses rows, derives source and y, resolves paths, keeps extra columns', () => {
  const tsv = `${HDR}\nsrcA/real/a.jpg\treal\treal\tx/y\to/a.jpg\t\tfine\r\nsrcB/synthetic/b.png\tsynthetic\tStyleGAN\t\t\t58,58,240,240\t\n`;
  const recs = parseManifestTsv(tsv, '/data');
  assert.equal(recs.length, 2);
  assert.deepEqual(
    recs.map((r) => [r.path, r.file, r.label, r.y, r.source, r.generator, r.line]),
    [['srcA/real/a.jpg', '/data/srcA/real/a.jpg', 'real', 0, 'srcA', 'real', 2], ['srcB/synthetic/b.png', '/data/srcB/synthetic/b.png', 'synthetic', 1, 'srcB', 'StyleGAN', 3]],
  );
  assert.deepEqual(recs[1]!.crop, { x: 58, y: 58, width: 240, height: 240 });
  assert.equal(recs[0]!.crop, undefined);
  assert.equal(recs[0]!.extra.notes, 'fine');
  assert.equal(recs[0]!.sourceRepo, 'x/y');
});

test('bad rows name the line number', () => {
  assert.throws(() => parseManifestTsv(`${HDR}\na.jpg\treal\n\nb.jpg\tmaybe\n`, '/'), (e: Error) => e instanceof ManifestError && /:4: label must be/.test(e.message));
  assert.throws(() => parseManifestTsv(`${HDR}\na.jpg\treal\tg\tr\to\t1,2,3\n`, '/'), /:2: crop must be/);
  assert.throws(() => parseManifestTsv(`${HDR}\n\treal\n`, '/'), /:2: empty path/);
  assert.throws(() => parseManifestTsv(`${HDR}\na.jpg\treal\na.jpg\treal\n`, '/'), /:3: path "a.jpg" already listed on line 2/);
  assert.throws(() => parseManifestTsv('file\tlabel\na\treal\n', '/'), /:1: header lacks the required column "path"/);
  assert.throws(() => parseManifestTsv('path\tlabel\na\treal\tx\n', '/'), /:2: 3 columns, header has 2/);
});

test('group keys follow the data-sources.md caveats', () => {
  assert.equal(groupKeyFor('ircnn/x.png', 'testsets/CBSD68/123074.png'), 'bsd-photo:123074');
  assert.equal(groupKeyFor('cnn/y.jpg', 'ranking/images/212_san_real.jpg'), 'bsd-photo:123074');
  assert.equal(groupKeyFor('cnn/z.jpg', 'ranking/images/160_san_fake.jpg'), 'bsd-photo:14037');
  assert.equal(groupKeyFor('lab/a.jpg', 'public/images/nature/real/56.jpg'), groupKeyFor('lab/b.jpg', 'public/images/nature/real/57.jpg'));
  assert.equal(groupKeyFor('lab/c.jpg', 'public/images/nature/real/58.jpg'), 'path:lab/c.jpg');
  assert.equal(groupKeyFor('p', 'whatever', 'shoot-1'), 'col:shoot-1');
});

test('rows with the same sha256 share a group, transitively with caveat groups', () => {
  const tsv = 'path\tlabel\toriginal_path\tsha256\n' +
    'a/1.png\treal\ttestsets/CBSD68/123074.png\tAA\n' +
    'b/2.jpg\treal\tranking/images/212_san_real.jpg\t\n' +
    'c/3.png\treal\t\taa\n' +
    'c/4.png\treal\t\tbb\n';
  const recs = parseManifestTsv(tsv, '/');
  assert.deepEqual(recs.map((r) => r.group), ['bsd-photo:123074', 'bsd-photo:123074', 'bsd-photo:123074', 'path:c/4.png']);
});

test('reads the seed folder layout', async () => {
  const root = await mkdtemp(join(tmpdir(), 'ss-layout-'));
  try {
    for (const [s, l, f] of [['train', 'real', 'a.jpg'], ['train', 'synthetic', 'b.png'], ['test', 'real', 'c.jpeg'], ['test', 'synthetic', 'notes.txt']]) {
      await mkdir(join(root, s!, l!), { recursive: true });
      await writeFile(join(root, s!, l!, f!), 'x');
    }
    const recs = await readFolderLayout(root);
    assert.deepEqual(recs.map((r) => [r.path, r.split, r.y]), [['train/real/a.jpg', 'train', 0], ['train/synthetic/b.png', 'train', 1], ['test/real/c.jpeg', 'test', 0]]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('reads ../shared/data/MANIFEST.tsv: 1,632 images, 964 real, 8 sources', { skip: sharedDataSkip() }, async () => {
  const recs = await readManifest(join(SHARED_DIR, 'data', 'MANIFEST.tsv'));
  assert.equal(recs.length, 1632);
  assert.equal(recs.filter((r) => r.y === 0).length, 964);
  const c = countBySource(recs);
  assert.equal(c.size, 8);
  assert.deepEqual(c.get('cnndetection-ranking'), { real: 160, synthetic: 200 });
  assert.ok(recs.filter((r) => r.source === 'cnndetection-ranking').every((r) => r.crop !== undefined));
  // caveat 6: 17 photos shared between ircnn-cbsd68 and cnndetection-ranking → 17 groups of two
  const bsd = recs.filter((r) => r.group.startsWith('bsd-photo:'));
  assert.equal(bsd.length, 34);
  assert.equal(new Set(bsd.map((r) => r.group)).size, 17);
});
