import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, SETTINGS_VERSION, effectiveThreshold, isPausedOn, normalizeHostname, normalizeSettings, withSitePaused } from './settings';

test('empty or garbage storage gives the defaults', () => {
  assert.deepEqual(normalizeSettings(undefined), { ...DEFAULT_SETTINGS });
  assert.deepEqual(normalizeSettings('nonsense'), { ...DEFAULT_SETTINGS });
});

test('v1 sensitivity migrates to threshold, other fields kept', () => {
  const s = normalizeSettings({ version: 1, sensitivity: 70, autoScan: false });
  assert.equal(s.version, SETTINGS_VERSION);
  assert.ok(Math.abs(s.threshold! - 0.3) < 1e-12);
  assert.equal(s.autoScan, false);
  assert.equal((s as unknown as Record<string, unknown>).sensitivity, undefined);
});

test('a bad field falls back alone; ranges are clamped', () => {
  const s = normalizeSettings({ version: 3, threshold: 'x', unsureBand: 0.9, limeSamples: 10, backend: 'quantum', history: false });
  assert.equal(s.threshold, null);
  assert.equal(s.unsureBand, 0.5);
  assert.equal(s.limeSamples, 50);
  assert.equal(s.backend, 'auto');
  assert.equal(s.history, false);
});

test('effectiveThreshold prefers the user value', () => {
  const model = { threshold: 0.6, unsureBand: 0.1 };
  assert.deepEqual(effectiveThreshold(normalizeSettings({}), model), model);
  assert.deepEqual(effectiveThreshold(normalizeSettings({ version: 2, threshold: 0.3, unsureBand: 0 }), model), { threshold: 0.3, unsureBand: 0 });
});

test('normalizeHostname accepts pasted URLs and rejects junk', () => {
  assert.equal(normalizeHostname('https://WWW.Example.com:8080/a?b'), 'www.example.com');
  assert.equal(normalizeHostname(' x.com '), 'x.com');
  assert.equal(normalizeHostname('127.0.0.1'), '127.0.0.1');
  assert.equal(normalizeHostname('example.org.'), 'example.org');
  assert.equal(normalizeHostname(''), undefined);
  assert.equal(normalizeHostname('not a host!'), undefined);
});

test('disabledSites: normalised, de-duplicated; a non-string entry resets only that field', () => {
  assert.deepEqual(normalizeSettings({ version: 2, disabledSites: ['X.com', 'https://x.com/home', 'bad host'] }).disabledSites, ['x.com']);
  const s = normalizeSettings({ version: 2, disabledSites: ['a.com', 3], profileSites: ['x'], autoScan: false });
  assert.deepEqual(s.disabledSites, []);
  assert.deepEqual(s.profileSites, ['x']);
  assert.equal(s.autoScan, false);
});

test('every field survives a round trip; a newer version keeps what validates', () => {
  const full = { ...DEFAULT_SETTINGS, threshold: 0.4, unsureBand: 0.2, autoScan: false, disabledSites: ['a.org'], profileSites: ['reddit'],
    backend: 'wasm' as const, explainMethod: 'lime' as const, limeSamples: 800, history: false };
  assert.deepEqual(normalizeSettings(JSON.parse(JSON.stringify(full))), full);
  assert.deepEqual(normalizeSettings({ ...full, version: 99, extra: 1 }), full);
});

test('history: off for a new install; v2 → v3 keeps an existing user\'s choice', () => {
  assert.ok(SETTINGS_VERSION >= 3);
  assert.equal(DEFAULT_SETTINGS.history, false);
  // Nothing stored: a new install gets the new default.
  assert.equal(normalizeSettings(undefined).history, false);
  // A stored v2 object is an existing user's: on stays on, off stays off.
  assert.equal(normalizeSettings({ version: 2, history: true }).history, true);
  assert.equal(normalizeSettings({ version: 2, history: false }).history, false);
  // Saved before the field existed (v1) or without it: the old default, on, which that user was living with.
  assert.equal(normalizeSettings({ version: 1, sensitivity: 50 }).history, true);
  assert.equal(normalizeSettings({ version: 2, threshold: 0.4 }).history, true);
  // From v3 on, the stored value is the choice; a missing or bad one falls back to the new default.
  assert.equal(normalizeSettings({ version: 3, history: true }).history, true);
  assert.equal(normalizeSettings({ version: 3 }).history, false);
  assert.equal(normalizeSettings({ version: 3, history: 'yes' }).history, false);
  assert.equal(normalizeSettings({ version: 4, history: true }).history, true);
  assert.equal(normalizeSettings({ version: 2, history: 'yes' }).history, true, 'a damaged v2 value: the v2 default');
});

test('v3 → v4: stored settings keep every badge (definiteOnly off); new installs get it on; display fields validated', () => {
  assert.equal(SETTINGS_VERSION, 4);
  // A new install (nothing stored): definite verdicts only, top-left, no blur.
  const fresh = normalizeSettings(undefined);
  assert.deepEqual([fresh.definiteOnly, fresh.badgePosition, fresh.blurFlagged], [true, 'top-left', false]);
  // Someone who saved settings under v2 or v3 has been seeing every badge: it stays so.
  const v2 = normalizeSettings({ version: 2, threshold: 0.4, history: false });
  assert.deepEqual([v2.version, v2.definiteOnly, v2.badgePosition, v2.blurFlagged, v2.threshold, v2.history], [4, false, 'top-left', false, 0.4, false]);
  const v3s = normalizeSettings({ version: 3, history: true });
  assert.deepEqual([v3s.version, v3s.definiteOnly, v3s.history], [4, false, true]);
  // v1 goes through all migrations.
  const v1 = normalizeSettings({ version: 1, sensitivity: 20 });
  assert.ok(Math.abs(v1.threshold! - 0.8) < 1e-12);
  assert.equal(v1.definiteOnly, false);
  // v4 values are kept; bad ones fall back alone.
  const v4 = normalizeSettings({ version: 4, definiteOnly: false, badgePosition: 'bottom-right', blurFlagged: true });
  assert.deepEqual([v4.definiteOnly, v4.badgePosition, v4.blurFlagged], [false, 'bottom-right', true]);
  const bad = normalizeSettings({ version: 4, definiteOnly: 'no', badgePosition: 'middle', blurFlagged: 1, autoScan: false });
  assert.deepEqual([bad.definiteOnly, bad.badgePosition, bad.blurFlagged, bad.autoScan], [true, 'top-left', false, false]);
});

test('per-site pause: withSitePaused adds / removes the normalised host; isPausedOn reads it and autoScan', () => {
  const s = normalizeSettings(undefined);
  const paused = withSitePaused(s, 'WWW.Example.com', true);
  assert.deepEqual(paused.disabledSites, ['www.example.com']);
  assert.equal(isPausedOn(paused, 'www.example.com'), true);
  assert.equal(isPausedOn(paused, 'example.com'), false);
  assert.deepEqual(withSitePaused(paused, 'www.example.com', true).disabledSites, ['www.example.com'], 'no duplicate');
  assert.deepEqual(withSitePaused(paused, 'www.example.com', false).disabledSites, []);
  assert.equal(withSitePaused(s, 'not a host!', true), s, 'an unusable host changes nothing');
  assert.equal(isPausedOn({ ...s, autoScan: false }, 'a.org'), true);
});
