/**
 * The first-run page: `welcome.html` (`extension/welcome/`) is opened in a new tab once, when the extension
 * is installed (`runtime.onInstalled` with reason `install`), never on an update, a browser update or a
 * shared-module update. The e2e/bench build (`TEST_HOOKS`, `./build-flags.ts`) does not open it, so test
 * profiles start with the tabs the tests open; `e2e/first-run.e2e.test.ts` checks the release build opens it.
 */
import { TEST_HOOKS } from './build-flags';

/** The two browser calls the opener needs (`browser.tabs.create`, `browser.runtime.getURL`), injected so this module is testable in Node. */
export interface FirstRunApi {
  createTab(url: string): Promise<unknown>;
  getURL(path: string): string;
}

/** Path of the first-run page inside the package. */
export const FIRST_RUN_PAGE = 'welcome.html';

/**
 * Whether an `onInstalled` event should open the first-run page.
 * @param reason `runtime.onInstalled` details' `reason` (`install` | `update` | `browser_update` | `chrome_update` | `shared_module_update`)
 * @param testBuild true in the test build, which never opens it
 */
export function shouldOpenFirstRun(reason: string | undefined, testBuild = TEST_HOOKS): boolean {
  return reason === 'install' && !testBuild;
}

/**
 * Opens the first-run page when `shouldOpenFirstRun(reason, testBuild)`. Never throws (a failure is logged).
 * @param api the browser calls (see `FirstRunApi`)
 * @returns true when a tab was opened
 */
export async function openFirstRunOnInstall(reason: string | undefined, api: FirstRunApi, testBuild = TEST_HOOKS): Promise<boolean> {
  if (!shouldOpenFirstRun(reason, testBuild)) return false;
  try {
    await api.createTab(api.getURL(FIRST_RUN_PAGE));
    return true;
  } catch (e) {
    console.warn('[synthscreen] first-run page:', (e as Error).message);
    return false;
  }
}
