import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFirstRunOnInstall, shouldOpenFirstRun } from './first-run';

test('the first-run page opens on install only, and never in the test build', () => {
  assert.equal(shouldOpenFirstRun('install', false), true);
  for (const reason of ['update', 'browser_update', 'chrome_update', 'shared_module_update', undefined]) assert.equal(shouldOpenFirstRun(reason, false), false, String(reason));
  assert.equal(shouldOpenFirstRun('install', true), false);
});

test('openFirstRunOnInstall opens welcome.html once on install and survives a failing tabs API', async () => {
  const opened: string[] = [];
  const api = { createTab: async (url: string) => void opened.push(url), getURL: (p: string) => `chrome-extension://abc/${p}` };
  assert.equal(await openFirstRunOnInstall('install', api, false), true);
  assert.equal(await openFirstRunOnInstall('update', api, false), false);
  assert.equal(await openFirstRunOnInstall('install', api, true), false);
  assert.deepEqual(opened, ['chrome-extension://abc/welcome.html']);
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    assert.equal(await openFirstRunOnInstall('install', { ...api, createTab: async () => { throw new Error('no tabs'); } }, false), false);
  } finally {
    console.warn = warn;
  }
});
