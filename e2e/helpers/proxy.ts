/**
 * A recording HTTP proxy for the privacy checks: every request the browser sends goes through it (Chromium:
 * `--proxy-server` with `<-loopback>` so that even 127.0.0.1 goes through it; Firefox: the `network.proxy.*`
 * prefs with `allow_hijacking_localhost`). It forwards only to one allowed host (the test server) and refuses
 * everything else (CONNECT tunnels included), recording each request as `METHOD url`. It sees the requests of
 * every process (browser, renderer, extension worker / event page), not only those of attached targets.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Hosts of Chromium's built-in services (time, updater, sign-in), reached by the browser process itself. */
export const BROWSER_SERVICE = /^(?:CONNECT |\w+ https?:\/\/)(clients\d*\.google\.com|update\.googleapis\.com|accounts\.google\.com|[a-z0-9-]+\.gvt1\.com|optimizationguide-pa\.googleapis\.com|content-autofill\.googleapis\.com)(?::\d+)?(?:\/|$)/;

/**
 * Hosts Firefox itself reaches (Remote Settings: blocklists, certificate revocation data), as tunnels. Release
 * builds ignore `services.settings.server` outside Mozilla's own automation, so they cannot be pointed away;
 * the add-on has no code that could reach them (its only network calls are the image fetches).
 */
export const FIREFOX_SERVICE = /^CONNECT (firefox\.settings\.services\.mozilla\.com|content-signature-2\.cdn\.mozilla\.net|firefox-settings-attachments\.cdn\.mozilla\.net):443$/;

export interface RecordingProxy {
  port: number;
  /** Every request seen, `METHOD url` (or `CONNECT host:port`), in order. */
  seen: string[];
  /** Chromium switches that route everything (loopback included) through the proxy. */
  chromiumArgs: string[];
  /** Firefox prefs that route everything (loopback included) through the proxy. */
  firefoxPrefs: Record<string, string | number | boolean>;
  close(): void;
}

/**
 * Starts the proxy on 127.0.0.1.
 * @param allowedHost `host:port` requests are forwarded to; everything else is answered 502 (CONNECT: 403)
 */
export async function startRecordingProxy(allowedHost: string): Promise<RecordingProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let u: URL;
    try { u = new URL(req.url ?? ''); } catch { res.writeHead(400).end(); return; }
    if (u.host !== allowedHost) { res.writeHead(502).end('blocked by the privacy test'); return; }
    const up = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  proxy.on('connect', (req, sock: Socket) => { seen.push(`CONNECT ${req.url}`); sock.end('HTTP/1.1 403 Forbidden\r\n\r\n'); });
  proxy.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as AddressInfo).port;
  return {
    port,
    seen,
    chromiumArgs: [`--proxy-server=http://127.0.0.1:${port}`, '--proxy-bypass-list=<-loopback>'],
    firefoxPrefs: {
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
      'network.proxy.share_proxy_settings': true,
    },
    close: () => {
      for (const s of sockets) s.destroy();
      proxy.close();
    },
  };
}
