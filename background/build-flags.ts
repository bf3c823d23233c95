/**
 * Build-time switches of the background, set by webpack's DefinePlugin (`webpack.config.mjs`).
 *
 * `TEST_HOOKS` is `true` only in the e2e/bench build (`dist/test/`): it enables `__synthscreenTest`,
 * the `storage.local` test flags (`testModelOverride`, `testFetchTimeoutMs`, `testAllowFallbackWebGPU`,
 * `testAllowSoftwareWebGL`) and the test host-permission grants. The release build (`dist/chromium`,
 * `dist/firefox`) defines it `false`, so the minifier drops every hook and its key names: nothing
 * written to storage by a compromised content-script world can change the detector (issue 13, item 4).
 * Outside webpack (Node unit tests) the identifier is undefined and the hooks are off.
 */
declare const __SYNTHSCREEN_TEST_HOOKS__: boolean | undefined;

export const TEST_HOOKS: boolean = typeof __SYNTHSCREEN_TEST_HOOKS__ !== 'undefined' && __SYNTHSCREEN_TEST_HOOKS__ === true;
