/** Issue 13, item 1: the Referer sent with the worker's download is what the page's own request carries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactUrlFilter, refererFor } from './referer';

test('item 1: refererFor follows strict-origin-when-cross-origin', () => {
  assert.equal(refererFor('https://site.example/post/1?a=b#c', 'https://site.example/img.jpg'), 'https://site.example/post/1?a=b');
  assert.equal(refererFor('https://u:p@site.example/p', 'https://site.example/i.png'), 'https://site.example/p');
  assert.equal(refererFor('https://site.example/post/1', 'https://cdn.example/img.jpg'), 'https://site.example/');
  assert.equal(refererFor('http://127.0.0.1:8080/page', 'http://localhost:9000/x.png'), 'http://127.0.0.1:8080/');
  assert.equal(refererFor('https://site.example/post', 'http://cdn.example/img.jpg'), undefined); // downgrade
  assert.equal(refererFor('http://site.example/post', 'https://cdn.example/img.jpg'), 'http://site.example/');
  assert.equal(refererFor('', 'https://cdn.example/i.jpg'), undefined);
  assert.equal(refererFor('file:///tmp/a.html', 'https://cdn.example/i.jpg'), undefined);
  assert.equal(refererFor('https://site.example/', 'data:image/png;base64,AAAA'), undefined);
});

test('item 1: exactUrlFilter anchors the URL and refuses what a filter cannot express', () => {
  assert.equal(exactUrlFilter('https://cdn.example/a.jpg?x=1'), '|https://cdn.example/a.jpg?x=1|');
  assert.equal(exactUrlFilter('https://cdn.example/a|b.jpg'), undefined);
  assert.equal(exactUrlFilter('https://cdn.example/ä.jpg'), undefined);
});
