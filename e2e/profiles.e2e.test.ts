/**
 * Profile photos through the whole extension: the Mastodon fixture (recognised on any host by its
 * `#mastodon` root) is opened with dist/chromium; every avatar the site adapter lists in `#expected`
 * gets a badge on its largest URL with a verdict, and the popup marks it as a profile photo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { readBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { startFixtureServer } from './fixtures/sites/server';

test('profile photos on a Mastodon page are badged at profile priority', { skip: skipReason(), timeout: 300_000 }, async (t) => {
  const server = await startFixtureServer();
  const model = await testModelDir();
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/sites/mastodon.html`, { waitUntil: 'load' });
    const expected = await page.$eval('#expected', (e) => JSON.parse(e.textContent ?? '{}') as { avatars: Array<{ url: string }> });
    const want = [...new Set(expected.avatars.map((a) => server.origin + a.url))];
    assert.ok(want.length >= 2, 'the fixture lists avatars');
    const end = Date.now() + 60_000;
    let badges = await readBadges(page);
    while (Date.now() < end) {
      badges = await readBadges(page);
      if (want.every((u) => badges.some((b) => b.url === u && b.state !== 'analysing'))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const u of want) {
      const b = badges.find((x) => x.url === u);
      assert.ok(b, `badge for avatar ${u}`);
      // A final verdict: scored, or refused as a flat image ("Not enough detail", issue 13 item 9) — both are checks.
      assert.ok(b!.state === 'done' || (b!.state === 'error' && b!.label === 'low-detail'), `${u}: ${b!.state}/${b!.label}`);
    }
    await new Promise((r) => setTimeout(r, 800)); // the tab report is debounced
    const tabId = await inWorker<number>(l, `chrome.tabs.query({ url: ${JSON.stringify(`${server.origin}/sites/mastodon.html`)} }).then((t) => t[0].id)`);
    const listed = await inWorker<Array<{ url: string; isProfile?: boolean }>>(l, `(async () => {
      const s = await chrome.storage.session.get('tabImages');
      return (s.tabImages || {})[${tabId}] || [];
    })()`);
    for (const u of want) assert.equal(listed.find((x) => x.url === u)?.isProfile, true, `${u} listed as a profile photo`);
    t.diagnostic(`${want.length} avatars badged; ${badges.length} badges on the page in all`);
  } finally {
    await l.close();
    await server.close();
  }
});
