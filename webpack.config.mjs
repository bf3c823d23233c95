// Builds the extension for Chromium and Firefox from one set of sources and one source manifest.
//   npm run build                → dist/chromium/ and dist/firefox/: the release build (no test hooks),
//                                  plus dist/test/chromium/ and dist/test/firefox/: the same package with a
//                                  service worker and content script built with the test hooks (`__synthscreenTest`, storage
//                                  test flags; background/build-flags.ts), used by e2e tests and the bench.
//   BUILD_TEST=0 npm run build   → the release build only
//   MODEL_DIR=path npm run build → packages another model folder (default models/default)
//   DIST_DIR=path                → writes <DIST_DIR>/chromium and <DIST_DIR>/firefox instead of dist/
// devtool is false on purpose: webpack's default `eval` source maps break the MV3 CSP (the service
// worker silently defines nothing). See ../shared/research/feasibility.md, pitfall 1.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import CopyPlugin from 'copy-webpack-plugin';
import webpack from 'webpack';

const require = createRequire(import.meta.url);
const root = dirname(fileURLToPath(import.meta.url));
const distRoot = resolve(root, process.env.DIST_DIR ?? 'dist');
const modelDir = resolve(root, process.env.MODEL_DIR ?? 'models/default');
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
// The C2PA verifier (c2pa-rs in wasm, extension/shared/provenance/c2pa.ts), fetched lazily by background/provenance.ts.
const c2paWasm = join(dirname(require.resolve('@contentauth/c2pa-wasm/package.json')), 'pkg', 'c2pa_bg.wasm');
const sourceManifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The manifest for one browser: the source manifest minus the keys that browser warns about. */
function manifestFor(target) {
  const m = structuredClone(sourceManifest);
  m.version = pkg.version;
  if (target === 'chromium') {
    // Chrome warns "'background.scripts' requires manifest version of 2 or lower" and about gecko keys.
    delete m.background.scripts;
    delete m.browser_specific_settings;
  } else {
    // Firefox runs background.scripts as an event page and ignores service_worker.
    delete m.background.service_worker;
    delete m.minimum_chrome_version;
  }
  return JSON.stringify(m, null, 2) + '\n';
}

/** After each emit: writes the Chromium manifest and mirrors the package to <dist>/firefox. */
class TwoBrowsersPlugin {
  /** @param root the folder holding chromium/ and firefox/ */
  constructor(root = distRoot) {
    this.root = root;
  }
  apply(compiler) {
    compiler.hooks.afterEmit.tap('TwoBrowsersPlugin', () => {
      const chromium = join(this.root, 'chromium');
      const firefox = join(this.root, 'firefox');
      writeFileSync(join(chromium, 'manifest.json'), manifestFor('chromium'));
      rmSync(firefox, { recursive: true, force: true });
      mkdirSync(firefox, { recursive: true });
      cpSync(chromium, firefox, { recursive: true });
      writeFileSync(join(firefox, 'manifest.json'), manifestFor('firefox'));
      if (!existsSync(join(chromium, 'model', 'manifest.json'))) {
        console.warn(`[build] no model at ${modelDir}: the extension will report 'model-failed' until one is packaged (set MODEL_DIR)`);
      }
    });
  }
}

const copy = [
  { from: join(wasmDir, 'tfjs-backend-wasm.wasm'), to: 'wasm/' },
  { from: join(wasmDir, 'tfjs-backend-wasm-simd.wasm'), to: 'wasm/' },
  { from: c2paWasm, to: 'wasm/c2pa_bg.wasm' },
  { from: 'extension/popup/popup.html', to: 'popup.html' },
  { from: 'extension/options/options.html', to: 'options.html' },
  { from: 'extension/explain/explain.html', to: 'explain.html' },
  { from: 'extension/welcome/welcome.html', to: 'welcome.html' },
  // Toolbar and store icons (scripts/make-icons.ts renders them from extension/icons/icon.svg).
  ...[16, 32, 48, 128].map((s) => ({ from: `extension/icons/icon-${s}.png`, to: `icons/icon-${s}.png` })),
];
if (existsSync(join(modelDir, 'manifest.json'))) {
  // Exactly the files the model manifest pins (plus the manifest): no reports or training leftovers.
  const modelManifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
  copy.push({ from: join(modelDir, 'manifest.json'), to: 'model/manifest.json' });
  for (const f of modelManifest.files ?? []) copy.push({ from: join(modelDir, f.path), to: `model/${f.path}` });
  // The backend self-test record (npm run model:self-test), when the model has one.
  if (existsSync(join(modelDir, 'self-test.json'))) copy.push({ from: join(modelDir, 'self-test.json'), to: 'model/self-test.json' });
}

/** After the test build's emit: copies the release package (all but its worker and content script) next to it. */
class CopyReleasePlugin {
  apply(compiler) {
    compiler.hooks.afterEmit.tap('CopyReleasePlugin', () => {
      const from = join(distRoot, 'chromium');
      cpSync(from, join(testRoot, 'chromium'), { recursive: true, filter: (src) => !/[\\/](sw|content)\.js(\.LICENSE\.txt)?$/.test(src) });
    });
  }
}

const testRoot = join(distRoot, 'test');

/** One webpack configuration: the release package, or (`testHooks`) the test build's service worker. */
const config = (argv, testHooks) => ({
  name: testHooks ? 'test' : 'release',
  dependencies: testHooks ? ['release'] : undefined,
  mode: argv.mode ?? 'production',
  devtool: false,
  context: root,
  target: ['web', 'es2022'],
  entry: testHooks ? { sw: './background/index.ts', content: './content/index.ts' } : {
    sw: './background/index.ts',
    content: './content/index.ts',
    popup: './extension/popup/index.tsx',
    options: './extension/options/index.tsx',
    explain: './extension/explain/index.tsx',
    welcome: './extension/welcome/index.tsx',
  },
  output: {
    path: join(testHooks ? testRoot : distRoot, 'chromium'),
    filename: '[name].js',
    clean: true,
    globalObject: 'globalThis',
  },
  resolve: {
    extensions: ['.ts', '.tsx', '.js', '.mjs'],
    fallback: { fs: false, path: false, os: false, crypto: false, worker_threads: false, perf_hooks: false, util: false },
  },
  module: {
    parser: { javascript: { dynamicImportMode: 'eager' } },
    rules: [
      { test: /\.tsx?$/, loader: 'ts-loader', exclude: /node_modules/, options: { transpileOnly: true, compilerOptions: { noEmit: false } } },
    ],
  },
  // The test worker is not minified (faster build, readable stacks); the release one is, which drops the hooks.
  optimization: { splitChunks: false, runtimeChunk: false, ...(testHooks ? { minimize: false } : {}) },
  performance: { hints: false },
  plugins: [
    // Test hooks exist only where this is true (background/build-flags.ts); the release minifier drops them.
    new webpack.DefinePlugin({ __SYNTHSCREEN_TEST_HOOKS__: JSON.stringify(testHooks) }),
    ...(testHooks ? [new CopyReleasePlugin(), new TwoBrowsersPlugin(testRoot)] : [new CopyPlugin({ patterns: copy }), new TwoBrowsersPlugin()]),
  ],
  stats: 'errors-warnings',
});

export default (_env, argv) => process.env.BUILD_TEST === '0' ? config(argv, false) : [config(argv, false), config(argv, true)];
