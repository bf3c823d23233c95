/**
 * Profile photos through the whole extension: the Mastodon fixture (recognised on any host by its
 * `#mastodon` root) is opened with dist/chromium; every avatar the site adapter lists in `#expected`
 * gets a badge on its largest URL with a verdict, and the popup marks it as a profile photo.
 *
 * Face evidence (issue 14): on `mastodon-faces.html`, whose avatars are images of the developer set
 * (`../shared/data`; skipped without it), the StyleGAN portrait's badge says "face evidence" and its verdict
 * is AI-generated (aligned like FFHQ/StyleGAN), the real portrait gets a face that is not aligned (the verdict
 * is the pixel detector's), the landscape gets `no-face`, and the flat avatar falls back to its refusal with
 * no face item.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorker, launchWithExtension } from './helpers/browser';
import { readBadges } from './helpers/page';
import { EXT_DIR, prepareWorker, skipReason, testModelDir } from './helpers/setup';
import { startFixtureServer } from './fixtures/sites/server';
import { sharedDataSkip } from '../training/data/fixtures';

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
      // The background's tab ledger (background/tab-ledger.ts): each frame's reported list, by frame id.
      const s = await chrome.storage.session.get('tabLedgers');
      const l = (s.tabLedgers || {})[${tabId}];
      return l ? Object.values(l.reported).flat() : [];
    })()`);
    for (const u of want) assert.equal(listed.find((x) => x.url === u)?.isProfile, true, `${u} listed as a profile photo`);
    t.diagnostic(`${want.length} avatars badged; ${badges.length} badges on the page in all`);
  } finally {
    await l.close();
    await server.close();
  }
});

test('profile photos get a face-evidence item; non-face avatars fall back cleanly', { skip: skipReason() ?? sharedDataSkip(), timeout: 300_000 }, async (t) => {
  const server = await startFixtureServer();
  const model = await testModelDir();
  const l = await launchWithExtension(EXT_DIR);
  try {
    await prepareWorker(l, model);
    const page = await l.browser.newPage();
    await page.goto(`${server.origin}/sites/mastodon-faces.html`, { waitUntil: 'load' });
    const expected = await page.$eval('#expected', (e) => JSON.parse(e.textContent ?? '{}') as { faces: Array<{ url: string; face: string | null; verdict?: string }> });
    const end = Date.now() + 120_000;
    let badges = await readBadges(page);
    while (Date.now() < end) {
      badges = await readBadges(page);
      if (expected.faces.every((f) => badges.some((b) => b.url === server.origin + f.url && b.state !== 'analysing'))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const f of expected.faces) {
      const b = badges.find((x) => x.url === server.origin + f.url);
      assert.ok(b, `badge for ${f.url}`);
      t.diagnostic(`${f.url}: ${b!.state}/${b!.verdict ?? b!.label} face=${b!.face ?? '-'} "${b!.text}"`);
      if (f.face === null) {
        // The flat avatar: refused before any model runs, and no face item.
        assert.equal(b!.state, 'error');
        assert.equal(b!.label, 'low-detail');
        assert.equal(b!.face, undefined);
        continue;
      }
      assert.equal(b!.state, 'done', `${f.url} has a verdict`);
      assert.equal(b!.face, f.face, `${f.url} face evidence`);
      if (f.face === 'aligned') {
        assert.equal(b!.verdict, f.verdict);
        assert.match(b!.text ?? '', /face evidence/);
      } else {
        // Not aligned / no face: the verdict is the pixel detector's, and the badge does not claim face evidence.
        assert.equal(b!.verdict, b!.label);
        assert.doesNotMatch(b!.text ?? '', /face evidence/);
      }
    }
    // The worker's verdict (the URL cache: the profile request's) carries the landmarks the explanation view draws.
    const url = server.origin + expected.faces[0]!.url;
    const v = await inWorker<{ face?: { status: string; face?: { keypoints: Record<string, { x: number; y: number }> }; alignment?: { distance: number; threshold: number } } }>(
      l, `self.__synthscreenTest.classifyUrl(${JSON.stringify(url)}).then((r) => r.value)`, 120_000);
    assert.equal(v.face?.status, 'face');
    const eyes = v.face!.face!.keypoints;
    // StyleGAN FFHQ-1024: eye centres near (384, 490) and (640, 490) of the 1024-px frame.
    assert.ok(Math.abs(eyes.rightEye!.x - 384) < 40 && Math.abs(eyes.leftEye!.x - 640) < 40, JSON.stringify(eyes));
    assert.ok(v.face!.alignment!.distance <= v.face!.alignment!.threshold);
    // The explanation view shows the face evidence with the landmark overlay (6 keypoints, 2 template crosses).
    const ex = await l.browser.newPage();
    await ex.goto(`chrome-extension://${l.extensionId}/explain.html?url=${encodeURIComponent(url)}&method=gradcam`);
    await ex.waitForSelector('#face-evidence', { timeout: 60_000 });
    const shown = await ex.$eval('#face-evidence', (e) => ({ face: e.getAttribute('data-face'), dots: e.querySelectorAll('svg circle:not([fill="none"])').length, crosses: e.querySelectorAll('svg g line').length / 2, text: e.querySelector('#face-evidence-text')?.textContent ?? '' }));
    assert.deepEqual([shown.face, shown.dots, shown.crosses], ['aligned', 6, 2]);
    assert.match(shown.text, /^Face evidence: the face is aligned like FFHQ \/ StyleGAN training data/);
  } finally {
    await l.close();
    await server.close();
  }
});
