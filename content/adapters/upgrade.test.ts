import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upgradeUrl } from './upgrade';
import { BLUESKY, FACEBOOK, GENERIC, INSTAGRAM, LINKEDIN, MASTODON, REDDIT, X, adapterById, SITE_ADAPTERS } from './sites';
import { adapterFor } from './find';

test('X: _normal / _bigger / _mini / _200x200 → _400x400, default avatars untouched by the rule set', () => {
  const base = 'https://pbs.twimg.com/profile_images/1590968738358079488/IY9Gx6Ok';
  for (const s of ['_normal', '_bigger', '_mini', '_x96', '_200x200', '_reasonably_small']) {
    assert.equal(upgradeUrl(`${base}${s}.jpg`, X.upgrade), `${base}_400x400.jpg`);
  }
  assert.equal(upgradeUrl(`${base}_normal`, X.upgrade), `${base}_400x400`);
  assert.equal(upgradeUrl('https://pbs.twimg.com/media/GabcXYZ?format=jpg&name=small', X.upgrade), 'https://pbs.twimg.com/media/GabcXYZ?format=jpg&name=small');
});

test('Facebook/Instagram: unsigned size tokens removed; signed (oh=) URLs kept as shown', () => {
  assert.equal(
    upgradeUrl('https://scontent.xx.fbcdn.net/v/t1.0-1/p160x160/10354686_10150004552801856_220367501106153455_n.jpg?_nc_cat=1', FACEBOOK.upgrade),
    'https://scontent.xx.fbcdn.net/v/t1.0-1/10354686_10150004552801856_220367501106153455_n.jpg?_nc_cat=1',
  );
  assert.equal(
    upgradeUrl('https://scontent.xx.fbcdn.net/v/t39.30808-1/4_n.jpg?stp=cp0_dst-jpg_s40x40_tt6&_nc_cat=1&ccb=1-7', FACEBOOK.upgrade),
    'https://scontent.xx.fbcdn.net/v/t39.30808-1/4_n.jpg?stp=cp0_dst-jpg_tt6&_nc_cat=1&ccb=1-7',
  );
  const signed = 'https://scontent.xx.fbcdn.net/v/t39.30808-1/4_n.jpg?stp=cp0_dst-jpg_s40x40_tt6&_nc_cat=1&oh=00_AYabc&oe=6700AB12';
  assert.equal(upgradeUrl(signed, FACEBOOK.upgrade), signed);
  assert.equal(
    upgradeUrl('https://scontent-lhr8-1.cdninstagram.com/v/t51.2885-19/44884218_345707102882519_2446069589734326272_n.jpg?stp=dst-jpg_s150x150&_nc_ht=x', INSTAGRAM.upgrade),
    'https://scontent-lhr8-1.cdninstagram.com/v/t51.2885-19/44884218_345707102882519_2446069589734326272_n.jpg?stp=dst-jpg&_nc_ht=x',
  );
  assert.equal(
    upgradeUrl('https://scontent.cdninstagram.com/v/t51.2885-19/s150x150/1_n.jpg?_nc_ht=x', INSTAGRAM.upgrade),
    'https://scontent.cdninstagram.com/v/t51.2885-19/1_n.jpg?_nc_ht=x',
  );
});

test('LinkedIn: shrink_100_100 → shrink_800_800 in both path segments, query kept', () => {
  assert.equal(
    upgradeUrl('https://media.licdn.com/dms/image/v2/D4E03AQH/profile-displayphoto-shrink_100_100/profile-displayphoto-shrink_100_100/0/1700000000000?e=1735776000&v=beta&t=abc', LINKEDIN.upgrade),
    'https://media.licdn.com/dms/image/v2/D4E03AQH/profile-displayphoto-shrink_800_800/profile-displayphoto-shrink_800_800/0/1700000000000?e=1735776000&v=beta&t=abc',
  );
  assert.equal(
    upgradeUrl('https://media.licdn.com/dms/image/v2/C4D0B/company-logo_100_100/0/1?e=1', LINKEDIN.upgrade),
    'https://media.licdn.com/dms/image/v2/C4D0B/company-logo_100_100/0/1?e=1',
  );
});

test('Reddit: ?width= query dropped; preview.redd.it → i.redd.it', () => {
  assert.equal(
    upgradeUrl('https://styles.redditmedia.com/t5_2qh1i/styles/profileIcon_snoo-abc.png?width=64&height=64&frame=1&auto=webp&crop=64:64,smart&s=0123abcd', REDDIT.upgrade),
    'https://styles.redditmedia.com/t5_2qh1i/styles/profileIcon_snoo-abc.png',
  );
  assert.equal(upgradeUrl('https://preview.redd.it/abc123.png?width=108&crop=smart&auto=webp&s=ff', REDDIT.upgrade), 'https://i.redd.it/abc123.png');
  assert.equal(upgradeUrl('https://i.redd.it/snoovatar/avatars/x.png', REDDIT.upgrade), 'https://i.redd.it/snoovatar/avatars/x.png');
});

test('Bluesky: avatar_thumbnail → avatar; Mastodon: no path rewrite (original comes from data-original)', () => {
  assert.equal(
    upgradeUrl('https://cdn.bsky.app/img/avatar_thumbnail/plain/did:plc:z72i7hdynmk6r22z27h6tvur/bafkreihwihm6kpd6zuwhhlro75p5qks5qtrcu55jp3gddbfjsieiv7wuka@jpeg', BLUESKY.upgrade),
    'https://cdn.bsky.app/img/avatar/plain/did:plc:z72i7hdynmk6r22z27h6tvur/bafkreihwihm6kpd6zuwhhlro75p5qks5qtrcu55jp3gddbfjsieiv7wuka@jpeg',
  );
  const m = 'https://files.mastodon.social/accounts/avatars/000/000/001/static/a.png';
  assert.equal(upgradeUrl(m, MASTODON.upgrade), m);
});

test('Generic: Gravatar size raised to 512 on gravatar.com only; data:/blob: never rewritten', () => {
  assert.equal(upgradeUrl('https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?s=80&d=identicon', GENERIC.upgrade), 'https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?s=512&d=identicon');
  assert.equal(upgradeUrl('https://example.com/a.png?s=80', GENERIC.upgrade), 'https://example.com/a.png?s=80');
  assert.equal(upgradeUrl('data:image/png;base64,AAAA', X.upgrade), 'data:image/png;base64,AAAA');
});

test('adapterFor: hostnames, Mastodon by DOM on any instance, disabled sites, generic fallback', () => {
  assert.equal(adapterFor('x.com')?.id, 'x');
  assert.equal(adapterFor('mobile.twitter.com')?.id, 'x');
  assert.equal(adapterFor('www.facebook.com')?.id, 'facebook');
  assert.equal(adapterFor('www.instagram.com')?.id, 'instagram');
  assert.equal(adapterFor('www.linkedin.com')?.id, 'linkedin');
  assert.equal(adapterFor('old.reddit.com')?.id, 'reddit');
  assert.equal(adapterFor('bsky.app')?.id, 'bluesky');
  assert.equal(adapterFor('fosstodon.org')?.id, 'mastodon');
  assert.equal(adapterFor('notx.com')?.id, 'generic');
  const fakeDoc = { querySelector: (s: string) => (s === '#mastodon' ? {} : null) } as unknown as ParentNode;
  assert.equal(adapterFor('social.example.org', fakeDoc)?.id, 'mastodon');
  assert.equal(adapterFor('x.com', undefined, ['facebook']), null);
  assert.equal(adapterFor('example.com', undefined, [])?.id, 'generic');
  assert.equal(adapterById('bluesky'), BLUESKY);
  assert.equal(adapterById('generic'), GENERIC);
  assert.deepEqual(SITE_ADAPTERS.map((a) => a.id), ['x', 'facebook', 'instagram', 'linkedin', 'reddit', 'mastodon', 'bluesky']);
});

test('every default profile site in settings has an adapter and vice versa', async () => {
  const { DEFAULT_SETTINGS } = await import('../../extension/shared/settings');
  assert.deepEqual([...DEFAULT_SETTINGS.profileSites].sort(), SITE_ADAPTERS.map((a) => a.id).sort());
});

test('rules with a g flag behave the same on every call (no lastIndex state)', () => {
  const rules = [{ kind: 'drop-query' as const, when: /[?&]width=\d+/g }];
  for (let i = 0; i < 3; i++) assert.equal(upgradeUrl('https://s.test/a.png?width=64', rules), 'https://s.test/a.png');
});
