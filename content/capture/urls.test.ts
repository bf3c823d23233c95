import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cssImageUrl, isPlaceholderUrl, largestFromSrcset, normalizeImageUrl, parseSrcset } from './urls';

test('parseSrcset: w and x descriptors, commas inside URLs (Reddit crop=64:64,smart)', () => {
  assert.deepEqual(parseSrcset('a.jpg 100w, b.jpg 400w,c.jpg 200w'), [
    { url: 'a.jpg', width: 100 },
    { url: 'b.jpg', width: 400 },
    { url: 'c.jpg', width: 200 },
  ]);
  assert.deepEqual(parseSrcset('https://p.r/x.png?width=64&crop=64:64,smart&s=ab 64w, https://p.r/x.png?width=256&crop=256:256,smart&s=cd 256w'), [
    { url: 'https://p.r/x.png?width=64&crop=64:64,smart&s=ab', width: 64 },
    { url: 'https://p.r/x.png?width=256&crop=256:256,smart&s=cd', width: 256 },
  ]);
  assert.deepEqual(parseSrcset('one.png, two.png 2x,three.png 1.5x'), [
    { url: 'one.png' },
    { url: 'two.png', density: 2 },
    { url: 'three.png', density: 1.5 },
  ]);
  assert.deepEqual(parseSrcset('a.png,, b.png 3x'), [{ url: 'a.png' }, { url: 'b.png', density: 3 }]);
  assert.deepEqual(parseSrcset(''), []);
});

test('largestFromSrcset: max width wins over density; max density when no widths', () => {
  assert.equal(largestFromSrcset('a.jpg 100w, b.jpg 640w, c.jpg 320w'), 'b.jpg');
  assert.equal(largestFromSrcset('a.jpg, b.jpg 2x, c.jpg 1.5x'), 'b.jpg');
  assert.equal(largestFromSrcset('a.jpg 3x, b.jpg 50w'), 'b.jpg');
  assert.equal(largestFromSrcset(null), null);
});

test('cssImageUrl: quoted/unquoted url(), gradient layers, image-set density', () => {
  assert.equal(cssImageUrl('url("https://a.b/c d.png")'), 'https://a.b/c d.png');
  assert.equal(cssImageUrl("url('x.png')"), 'x.png');
  assert.equal(cssImageUrl('url(x\\(1\\).png)'), 'x(1).png');
  assert.equal(cssImageUrl('linear-gradient(rgba(0, 0, 0, 0.5), red), url("top.png"), url("under.png")'), 'top.png');
  assert.equal(cssImageUrl('image-set(url("a1.png") 1x, url("a2.png") 2x)'), 'a2.png');
  assert.equal(cssImageUrl('-webkit-image-set("s1.png" 1x, "s3.png" 3x, "s2.png" 2x)'), 's3.png');
  assert.equal(cssImageUrl('none'), null);
  assert.equal(cssImageUrl('linear-gradient(red, blue)'), null);
});

test('isPlaceholderUrl: empty, about:blank, tiny data: URLs', () => {
  assert.equal(isPlaceholderUrl(''), true);
  assert.equal(isPlaceholderUrl('about:blank'), true);
  assert.equal(isPlaceholderUrl('data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), true);
  assert.equal(isPlaceholderUrl('data:image/png;base64,' + 'A'.repeat(500)), false);
  assert.equal(isPlaceholderUrl('https://a/b.png'), false);
});

test('normalizeImageUrl: resolves, lower-cases host, drops fragment and default port, keeps query; hashes data:', () => {
  assert.equal(normalizeImageUrl('/img/a.png?x=1#frag', 'HTTPS://Example.COM:443/page'), 'https://example.com/img/a.png?x=1');
  assert.equal(normalizeImageUrl('https://e.com/a.png?b=2&a=1'), 'https://e.com/a.png?b=2&a=1');
  assert.equal(normalizeImageUrl('blob:https://e.com/1234-5678'), 'blob:https://e.com/1234-5678');
  const d = 'data:image/png;base64,' + 'QUJD'.repeat(200);
  const k = normalizeImageUrl(d);
  assert.match(k, /^data:image\/png;len=822;h=[0-9a-f]{14}$/);
  assert.equal(normalizeImageUrl(d), k);
  assert.notEqual(normalizeImageUrl(d.slice(0, -4) + 'QUJE'), k);
});
