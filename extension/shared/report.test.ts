import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStore } from './history';
import {
  ReportStore, addReport, normalizeReports, removeReport, reportToRow, reportsToManifestTsv, tsvField, type WrongVerdictReport,
} from './report';

const r1: WrongVerdictReport = {
  url: 'https://pbs.twimg.com/profile_images/1/a_400x400.jpg',
  pageUrl: 'https://x.com/someone',
  verdict: 'synthetic',
  probability: 0.8734,
  model: 'effb0@1.2.0',
  version: '0.1.0',
  userLabel: 'real',
  time: Date.UTC(2026, 10, 29, 20, 0, 0),
};
const r2: WrongVerdictReport = {
  url: 'https://i.redd.it/abc.png',
  pageUrl: 'https://www.reddit.com/r/pics/\tcomments/x\n',
  verdict: 'real',
  probability: 0.1,
  model: 'effb0@1.2.0',
  version: '0.1.0',
  userLabel: 'synthetic',
  time: Date.UTC(2026, 10, 29, 20, 5, 30, 250),
};

test('tsvField: tabs, CR and newlines become one space; trimmed', () => {
  assert.equal(tsvField('a\tb\r\nc\n\n d '), 'a b c  d');
  assert.equal(tsvField('plain'), 'plain');
});

test('reportsToManifestTsv: exact training-format TSV', () => {
  assert.equal(
    reportsToManifestTsv([r1, r2]),
    'path\tlabel\tgenerator\tsource_repo\tcrop\tnotes\n' +
      'https://pbs.twimg.com/profile_images/1/a_400x400.jpg\treal\treal\tuser-report\t\t' +
      'verdict=synthetic; p=0.873; model=effb0@1.2.0; ext=0.1.0; page=https://x.com/someone; time=2026-11-29T20:00:00.000Z\n' +
      'https://i.redd.it/abc.png\tsynthetic\tunknown\tuser-report\t\t' +
      'verdict=real; p=0.100; model=effb0@1.2.0; ext=0.1.0; page=https://www.reddit.com/r/pics/ comments/x; time=2026-11-29T20:05:30.250Z\n',
  );
  assert.equal(reportsToManifestTsv([]), 'path\tlabel\tgenerator\tsource_repo\tcrop\tnotes\n');
});

test('reportToRow: every row has 6 cells and blob: URLs are flagged', () => {
  const row = reportToRow({ ...r1, url: 'blob:https://x.com/1-2-3', model: 'm\t1' });
  assert.equal(row.length, 6);
  assert.equal(row[0], 'blob:https://x.com/1-2-3');
  assert.equal(row[5], 'verdict=synthetic; p=0.873; model=m 1; ext=0.1.0; page=https://x.com/someone; time=2026-11-29T20:00:00.000Z; url-not-refetchable');
});

test('addReport / removeReport / normalizeReports: latest per URL, oldest first, capped, validated', () => {
  let l = addReport([], r1);
  l = addReport(l, r2);
  l = addReport(l, { ...r1, userLabel: 'synthetic', time: r2.time + 1 });
  assert.deepEqual(l.map((x) => [x.url, x.userLabel]), [
    ['https://i.redd.it/abc.png', 'synthetic'],
    ['https://pbs.twimg.com/profile_images/1/a_400x400.jpg', 'synthetic'],
  ]);
  assert.deepEqual(addReport(l, { ...r1, url: 'https://n.test/3.png' }, 2).map((x) => x.url), [
    'https://pbs.twimg.com/profile_images/1/a_400x400.jpg',
    'https://n.test/3.png',
  ]);
  assert.throws(() => addReport([], { ...r1, userLabel: 'unsure' as 'real' }), TypeError);
  assert.deepEqual(removeReport(l, r2.url).map((x) => x.url), [r1.url]);
  assert.deepEqual(normalizeReports([r2, { ...r1, extra: 1 }, 'junk', { ...r1, time: 0 }]), [r1, r2]);
  assert.deepEqual(normalizeReports(null), []);
});

test('ReportStore: add, export, clear through a KeyValueStore', async () => {
  const s = new ReportStore(memoryStore());
  await s.add(r2);
  await s.add(r1);
  assert.equal((await s.exportTsv()).split('\n').length, 4); // header + 2 rows + trailing ''
  assert.deepEqual((await s.list()).map((x) => x.url), [r1.url, r2.url]);
  await s.clear();
  assert.equal(await s.exportTsv(), 'path\tlabel\tgenerator\tsource_repo\tcrop\tnotes\n');
});
