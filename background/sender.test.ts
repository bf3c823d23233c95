import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowed, senderKind } from './sender';

const ID = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}/`;
const tab = { id: 3, index: 0, highlighted: false, active: true, pinned: false, incognito: false };

test('sender kinds', () => {
  assert.equal(senderKind({ id: ID, url: `${ORIGIN}popup.html`, tab }, ID, ORIGIN), 'page');
  assert.equal(senderKind({ id: ID, url: `${ORIGIN}options.html` }, ID, ORIGIN), 'page');
  assert.equal(senderKind({ id: ID, url: 'https://example.com/', tab }, ID, ORIGIN), 'content');
  assert.equal(senderKind({ id: 'other-extension', url: 'https://example.com/', tab }, ID, ORIGIN), null);
  assert.equal(senderKind({ id: ID, url: 'https://example.com/' }, ID, ORIGIN), null);
});

test('what each sender may ask', () => {
  assert.equal(allowed('content', 'classify'), true);
  assert.equal(allowed('content', 'get-tab-images'), false);
  assert.equal(allowed('page', 'get-tab-images'), true);
  assert.equal(allowed('page', 'report-images'), false);
  assert.equal(allowed(null, 'get-status'), false);
  // Explanation view: badges open it, pages poll progress and read page-read bytes; not the reverse.
  assert.equal(allowed('content', 'open-explain'), true);
  // A "Permission needed" badge opens the grant flow; only the popup (through tabs.sendMessage) highlights images.
  assert.equal(allowed('content', 'open-grant'), true);
  assert.equal(allowed('page', 'open-grant'), false);
  assert.equal(allowed('content', 'highlight-image'), false);
  assert.equal(allowed('page', 'explain-progress'), true);
  assert.equal(allowed('page', 'get-image-bytes'), true);
  assert.equal(allowed('content', 'get-image-bytes'), false);
  assert.equal(allowed('page', 'get-verdict'), true);
  assert.equal(allowed('content', 'get-verdict'), false);
  assert.equal(allowed('content', 'explain'), false);
});
