/**
 * Launching Debian's Chromium with the built extension, per ../shared/research/feasibility.md §2:
 * real binary, `--no-sandbox` (root), fresh profile, `enableExtensions` + `pipe`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type WebWorker } from 'puppeteer-core';

/** The Chromium binary: `CHROMIUM_PATH`, Debian's real binary, or `chromium` on PATH; undefined if none. */
export function findChromium(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env && existsSync(env)) return env;
  for (const p of ['/usr/lib/chromium/chromium', '/usr/lib/chromium-browser/chromium-browser']) if (existsSync(p)) return p;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const p = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch { /* not on PATH */ }
  }
  return undefined;
}

export const BASE_ARGS = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--enable-unsafe-swiftshader', '--disable-features=Translate,MediaRouter', '--window-size=1280,900',
];

/** Hosts of the local test servers, granted by default in e2e runs. */
export const TEST_SERVER_HOSTS: readonly string[] = ['http://127.0.0.1/*', 'http://localhost/*'];

export interface Launched {
  browser: Browser;
  extensionId: string;
  /** The extension's service worker as a puppeteer WebWorker (valid until the worker stops). */
  worker(): Promise<WebWorker>;
  /** Evaluates a JS expression (awaiting promises) in the current worker instance; wakes a stopped worker. */
  evaluate(expression: string): Promise<unknown>;
  /**
   * After stopping the worker from a test: puppeteer's auto-attach (waitForDebuggerOnStart) leaves the
   * restarted worker paused, which never happens without a debugger. This polls and resumes it.
   */
  startResumer(): void;
  stopResumer(): void;
  close(): Promise<void>;
}

/**
 * Launches Chromium with the unpacked extension at `extDir`.
 * @param opts.headless default: true unless `opts.headed`
 * @param opts.args extra command-line switches
 * @param opts.grantHosts host patterns granted at start through the background's test grant
 *   (`background/grants.ts`), default `TEST_SERVER_HOSTS`; `[]` withholds them (permission tests).
 *   Headless Chromium leaves the `permissions.request` prompt open (nobody can click "Allow"), and the
 *   test servers on 127.0.0.1 are not among the required image-CDN hosts.
 */
export async function launchWithExtension(extDir: string, opts: { headed?: boolean; args?: string[]; grantHosts?: readonly string[] } = {}): Promise<Launched> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found (set CHROMIUM_PATH)');
  const userDataDir = mkdtempSync(join(tmpdir(), 'synthscreen-profile-'));
  const browser = await puppeteer.launch({
    executablePath,
    headless: !opts.headed,
    pipe: true,
    dumpio: process.env.E2E_DUMPIO === '1',
    protocolTimeout: 600_000,
    enableExtensions: [extDir],
    userDataDir,
    defaultViewport: { width: 1280, height: 900 },
    args: [...BASE_ARGS, ...(opts.args ?? [])],
  });
  // Drain Chromium's output: an unread pipe fills up and then blocks the browser mid-test.
  const proc = browser.process();
  proc?.stdout?.on('data', () => undefined);
  proc?.stderr?.on('data', () => undefined);
  const swTarget = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/sw.js'), { timeout: 30_000 });
  const extensionId = new URL(swTarget.url()).host;
  const isSw = (x: { type(): string; url(): string }) => x.type() === 'service_worker' && x.url() === `chrome-extension://${extensionId}/sw.js`;
  const bs = await browser.target().createCDPSession();
  interface TargetInfo { targetId: string; type: string; url: string }
  const swTargets = async (): Promise<TargetInfo[]> =>
    ((await bs.send('Target.getTargets')) as { targetInfos: TargetInfo[] }).targetInfos.filter((x) => x.type === 'service_worker' && x.url === `chrome-extension://${extensionId}/sw.js`);
  /**
   * Puppeteer auto-attaches to new targets with waitForDebuggerOnStart, and a worker restarted after a
   * stop is left paused by it (a test-harness artefact: no debugger pauses it in real use). Resume it.
   */
  const resume = async () => {
    for (const ti of await swTargets()) {
      const { sessionId } = (await bs.send('Target.attachToTarget', { targetId: ti.targetId, flatten: true })) as { sessionId: string };
      const sess = bs.connection()!.session(sessionId);
      await sess?.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
      await sess?.detach().catch(() => undefined);
    }
  };
  let resumer: ReturnType<typeof setInterval> | undefined;
  let busy = false;
  /** Polls for a paused, restarted worker and resumes it, until `stopResumer`. */
  const startResumer = () => {
    if (resumer) return;
    resumer = setInterval(() => {
      if (busy || !browser.connected) return;
      busy = true;
      void resume().catch(() => undefined).finally(() => { busy = false; });
    }, 300);
  };
  const stopResumer = () => { if (resumer) clearInterval(resumer); resumer = undefined; };
  /** Runs `expression` in the worker target through a fresh CDP session; rejects after `timeoutMs`. */
  const evalIn = async (targetId: string, expression: string, timeoutMs: number): Promise<unknown> => {
    const { sessionId } = (await bs.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const sess = bs.connection()!.session(sessionId)!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await sess.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
      const r = (await Promise.race([
        sess.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('worker did not answer')), timeoutMs); }),
      ])) as { result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } };
      if (r.exceptionDetails) throw new Error(`in worker: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value;
    } finally {
      clearTimeout(timer);
      await sess.detach().catch(() => undefined);
    }
  };
  /**
   * Evaluates an expression in the worker (survives worker restarts): probes the worker first and, when
   * it is stopped (idle timeout, test stop), wakes it with an extension page and resumes it.
   */
  const evaluate = async (expression: string): Promise<unknown> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const targets = await swTargets();
      for (const t of targets.reverse()) {
        // Alive = its script has run (a worker paused at start answers evaluations before that).
        for (let i = 0; i < 20; i++) {
          const ready = await evalIn(t.targetId, 'typeof self.__synthscreenTest', 3000).then((v) => v === 'object', () => undefined);
          if (ready === undefined) break; // no answer: stopped
          if (ready) return evalIn(t.targetId, expression, 600_000);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      // Stopped: wake it with an extension page that messages it, and resume it if it waits for us.
      const p = await browser.newPage();
      await p.goto(`chrome-extension://${extensionId}/popup.html`).catch(() => undefined);
      for (let i = 0; i < 10; i++) {
        await resume().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 300));
      }
      await p.close().catch(() => undefined);
    }
    throw new Error('the extension service worker does not answer');
  };
  const worker = async (): Promise<WebWorker> => {
    const t = await browser.waitForTarget(isSw, { timeout: 30_000 });
    const w = await t.worker();
    if (!w) throw new Error('service worker target has no worker');
    return w;
  };
  const grants = opts.grantHosts ?? TEST_SERVER_HOSTS;
  if (grants.length) await inWorker({ evaluate } as Launched, `self.__synthscreenTest.grantForTests(${JSON.stringify(grants)}, false)`);
  return {
    browser,
    extensionId,
    worker,
    evaluate,
    startResumer,
    stopResumer,
    async close() {
      stopResumer();
      await browser.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Evaluates the expression `fn` in the service worker, retrying while the worker is (re)starting. */
export async function inWorker<T>(l: Launched, fn: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      return (await l.evaluate(fn)) as T;
    } catch (e) {
      last = e;
      if (/in worker:/.test(String((e as Error).message))) throw e; // a real exception, not a restart
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}
