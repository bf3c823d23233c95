import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SITE_ADAPTERS } from '../../content/adapters/sites';
import { grantOriginsFor, matchesPattern, originPattern, requiredImageHosts } from './permissions';

const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test('manifest host_permissions are exactly the union of the adapters\' imageHosts', () => {
  assert.deepEqual([...(manifest.host_permissions as string[])].sort(), requiredImageHosts(SITE_ADAPTERS));
  assert.ok(!(manifest.host_permissions as string[]).includes('<all_urls>'));
  assert.deepEqual(manifest.optional_host_permissions, ['<all_urls>']);
});

test('requiredImageHosts: sorted union without duplicates', () => {
  assert.deepEqual(requiredImageHosts([{ imageHosts: ['*://b/*', '*://a/*'] }, { imageHosts: ['*://a/*'] }, { imageHosts: [] }]), ['*://a/*', '*://b/*']);
  assert.equal(requiredImageHosts(SITE_ADAPTERS).length, 11);
});

test('originPattern', () => {
  assert.equal(originPattern('https://pbs.twimg.com/media/a.jpg?x=1'), 'https://pbs.twimg.com/*');
  assert.equal(originPattern('http://127.0.0.1:8123/img/1.png'), 'http://127.0.0.1/*');
  assert.equal(originPattern('data:image/png;base64,AAAA'), undefined);
  assert.equal(originPattern('blob:https://x.com/1234'), undefined);
  assert.equal(originPattern('not a url'), undefined);
});

test('matchesPattern', () => {
  assert.equal(matchesPattern('*://*.fbcdn.net/*', 'https://scontent-a.xx.fbcdn.net/v/t39/a.jpg'), true);
  assert.equal(matchesPattern('*://*.fbcdn.net/*', 'https://fbcdn.net/a.jpg'), true);
  assert.equal(matchesPattern('*://*.fbcdn.net/*', 'https://evilfbcdn.net/a.jpg'), false);
  assert.equal(matchesPattern('*://pbs.twimg.com/*', 'http://pbs.twimg.com/x'), true);
  assert.equal(matchesPattern('https://pbs.twimg.com/*', 'http://pbs.twimg.com/x'), false);
  assert.equal(matchesPattern('http://127.0.0.1/*', 'http://127.0.0.1:5555/a.png'), true);
  assert.equal(matchesPattern('http://127.0.0.1/*', 'http://127.0.0.2/a.png'), false);
  assert.equal(matchesPattern('<all_urls>', 'https://example.org/'), true);
  assert.equal(matchesPattern('<all_urls>', 'data:image/png,x'), false);
  assert.equal(matchesPattern('*://cdn.bsky.app/img/*', 'https://cdn.bsky.app/video/x'), false);
  assert.equal(matchesPattern('garbage', 'https://a/'), false);
});

test('grantOriginsFor: page origin plus permission-needed image origins', () => {
  const got = grantOriginsFor('https://news.example/article?id=1', [
    { url: 'https://img.example-cdn.net/a.jpg', error: { code: 'permission-needed' } },
    { url: 'https://img.example-cdn.net/b.jpg', error: { code: 'permission-needed' } },
    { url: 'https://other.example/c.jpg', error: { code: 'fetch-failed' } },
    { url: 'https://ok.example/d.jpg' },
    { url: 'data:image/png;base64,AA', error: { code: 'permission-needed' } },
  ]);
  assert.deepEqual(got, ['https://img.example-cdn.net/*', 'https://news.example/*']);
  assert.deepEqual(grantOriginsFor('chrome://newtab/', []), []);
});
