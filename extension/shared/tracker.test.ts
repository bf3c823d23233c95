import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportableUrl, trackerIssueText, trackerIssueUrl, TRACKER_NEW_ISSUE_URL } from './tracker';

const base = { pageUrl: 'https://x.test/home', shown: 'Unsure, 52 % synthetic', probability: 0.5234, userLabel: 'real' as const, model: 'synthscreen@1.0.0', version: '0.1.0', threshold: 0.5, unsureBand: 0.2 };

test('the issue text carries URLs and scores, never image contents', () => {
  const { title, body } = trackerIssueText({ ...base, url: 'https://cdn.test/a.jpg' });
  assert.equal(title, 'Wrong verdict: SynthScreen said "Unsure, 52 % synthetic", the image is real');
  assert.equal(body.split('\n')[0], '- Image: https://cdn.test/a.jpg');
  assert.match(body, /- AI score \(pixel detector\): 52\/100 \(p = 0\.5234\)/);
  assert.match(body, /Threshold 0\.50, unsure band 0\.20/);
  const data = trackerIssueText({ ...base, url: `data:image/png;base64,${'A'.repeat(5000)}` }).body;
  assert.ok(!data.includes('AAAA'), 'no data: contents');
  assert.match(data, /data: URL, 5022 characters, not sent/);
  assert.equal(reportableUrl('blob:https://x.test/1'), '(an image made by the page as a blob: URL, not sent)');
  assert.equal(reportableUrl(`https://a.test/${'x'.repeat(600)}`).length, 500);
});

test('the link is the tracker\'s new-issue page with the same title and body', () => {
  const r = { ...base, url: 'https://cdn.test/a.jpg', probability: undefined, userLabel: 'synthetic' as const };
  const u = new URL(trackerIssueUrl(r));
  assert.equal(`${u.origin}${u.pathname}`, TRACKER_NEW_ISSUE_URL);
  assert.deepEqual({ title: u.searchParams.get('title'), body: u.searchParams.get('body') }, trackerIssueText(r));
  assert.match(u.searchParams.get('body')!, /AI score \(pixel detector\): not computed/);
});
