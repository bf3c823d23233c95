import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLink, needsHash, parseExplainLink } from './link';

const BASE = 'chrome-extension://abc/explain.html';
const H = 'ab'.repeat(32);

test('explainLink ↔ parseExplainLink round trip', () => {
  const link = explainLink(BASE, { url: 'https://x.test/a b.png?q=1&r=2', tab: 7, probability: 0.8712345, method: 'lime', samples: 60 });
  assert.ok(link.startsWith(`${BASE}?`));
  const t = parseExplainLink(new URL(link).search)!;
  assert.equal(t.url, 'https://x.test/a b.png?q=1&r=2');
  assert.equal(t.tab, 7);
  assert.equal(t.probability, 0.871235);
  assert.equal(t.method, 'lime');
  assert.equal(t.samples, 60);
  assert.equal(t.hash, undefined);
});

test('page-read images travel by hash; data: URLs are not repeated', () => {
  const data = `data:image/png;base64,${'A'.repeat(10_000)}`;
  assert.equal(needsHash(data), true);
  assert.equal(needsHash('blob:https://x.test/uuid'), true);
  assert.equal(needsHash('https://x.test/a.png'), false);
  const link = explainLink(BASE, { url: data, hash: H });
  assert.ok(link.length < 300, `short link (${link.length})`);
  const t = parseExplainLink(new URL(link).search)!;
  assert.equal(t.hash, H);
  assert.equal(t.url.length, 64);
});

test('bad parameters are dropped; nothing to explain gives undefined', () => {
  assert.equal(parseExplainLink(''), undefined);
  assert.equal(parseExplainLink('?url=javascript:alert(1)'), undefined);
  assert.equal(parseExplainLink('?url=blob:https://x/1'), undefined, 'a blob: URL needs its hash');
  const t = parseExplainLink('?url=https://x/a.png&tab=-1&p=1.5&method=nope&samples=5&hash=zz')!;
  assert.deepEqual(t, { url: 'https://x/a.png', samples: 50 });
  const c = parseExplainLink('?url=https://x/a.png&samples=99999&p=0')!;
  assert.equal(c.samples, 2000);
  assert.equal(c.probability, 0);
  assert.equal(new URL(explainLink(BASE, { url: 'https://x/a.png', probability: Number.NaN, tab: 1.5 })).search, '?url=https%3A%2F%2Fx%2Fa.png');
});
