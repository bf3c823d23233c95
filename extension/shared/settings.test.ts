import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, SETTINGS_VERSION, effectiveThreshold, normalizeSettings } from './settings';

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
  const s = normalizeSettings({ version: 2, threshold: 'x', unsureBand: 0.9, limeSamples: 10, backend: 'quantum', history: false });
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
