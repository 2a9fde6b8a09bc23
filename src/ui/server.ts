/**
 * The topology page's HTTP server (`kovn ui`): the page and its scripts (src/ui/web, and the graph library from
 * node_modules: nothing from a CDN), the topology as JSON and as Server-Sent Events, and traces. Loopback unless told
 * otherwise, and read-only: it only lists and watches through the user's kubeconfig; a trace runs ovn-trace.
 * Every request carries the page's token (the URL `kovn ui` prints holds it; the first visit trades it for an
 * HttpOnly, SameSite=Strict cookie); the Host header must name the server (DNS rebinding) and a trace must come from
 * the page's own origin with a JSON body (cross-site requests cannot send one).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Clock } from '../util/clock.ts';
import { listen } from '../util/listen.ts';
import type { ClusterWatch } from './cluster-watch.ts';
import { parseTraceRequest, TraceRequestError, type Tracer } from './trace-request.ts';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));
const require = createRequire(import.meta.url);
const VENDOR: Record<string, string> = {
  'cytoscape.min.js': require.resolve('cytoscape').replace(/cytoscape\.cjs\.js$/, 'cytoscape.min.js'),
  'layout-base.js': require.resolve('layout-base'),
  'cose-base.js': require.resolve('cose-base'),
  'cytoscape-fcose.js': require.resolve('cytoscape-fcose'),
};
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
};
const COOKIE = 'kovn-ui-token';
const HEARTBEAT_MS = 15_000;
const MAX_BODY = 4096;

export interface UiServerOptions {
  /** `HOST:PORT` (port 0: a free one). */
  host: string;
  port: number;
  watch: ClusterWatch;
  /** Runs traces; absent when the server has no NB/SB to trace against. */
  tracer: Tracer | undefined;
  clock: Clock;
  log: Logger;
  /** Default: 24 random bytes. */
  token?: string;
}

export interface UiServer {
  /** The page's URL, token included: what `kovn ui` prints. */
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function send(res: http.ServerResponse, code: number, type: string, body: string | Buffer): void {
  res.writeHead(code, { ...SECURITY_HEADERS, 'Content-Type': type }).end(body);
}
const sendJson = (res: http.ServerResponse, code: number, body: unknown): void =>
  send(res, code, 'application/json', JSON.stringify(body));

export async function serveUi(o: UiServerOptions): Promise<UiServer> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const server = http.createServer();
  const streams = new Set<http.ServerResponse>();
  await listen(server, { port: o.port, host: o.host });
  const bound = server.address() as AddressInfo;
  const hostText = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  const origin = `http://${hostText}:${bound.port}`;
  const loopbackHosts = new Set(
    ['127.0.0.1', 'localhost', '[::1]', hostText].map((h) => `${h}:${bound.port}`),
  );
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const ctx: RequestContext = { o, token, origin, streams };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!wildcard && !loopbackHosts.has(req.headers.host ?? '')) {
      send(res, 421, 'text/plain', `kovn ui: unexpected Host ${JSON.stringify(req.headers.host ?? '')}\n`);
      return;
    }
    handle(req, res, ctx).catch((err: unknown) => {
      o.log.warn({ err, url: req.url }, 'ui request failed');
      if (!res.headersSent) sendJson(res, 500, { error: (err as Error).message });
      else res.end();
    });
  });
  return {
    url: `${origin}/?token=${token}`,
    origin,
    close: async () => {
      for (const s of streams) s.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await o.watch.stop();
    },
  };
}

interface RequestContext {
  o: UiServerOptions;
  token: string;
  origin: string;
  streams: Set<http.ServerResponse>;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === COOKIE) return v;
  }
  return undefined;
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.origin);
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (url.pathname === '/' && sameToken(url.searchParams.get('token') ?? undefined, ctx.token)) {
    res
      .writeHead(303, {
        ...SECURITY_HEADERS,
        Location: '/',
        'Set-Cookie': `${COOKIE}=${ctx.token}; HttpOnly; SameSite=Strict; Path=/`,
      })
      .end();
    return;
  }
  if (!sameToken(cookieToken(req) ?? bearer, ctx.token)) {
    send(res, 401, 'text/plain', 'kovn ui: open the URL `kovn ui` printed (it carries the access token)\n');
    return;
  }
  const path = url.pathname;
  if (req.method === 'POST' && path === '/api/trace') return trace(req, res, ctx);
  if (req.method !== 'GET') return send(res, 405, 'text/plain', 'kovn ui is read-only\n');
  if (path === '/') return send(res, 200, TYPES['html']!, await readFile(`${WEB_DIR}index.html`));
  if (path === '/api/topology') return sendJson(res, 200, await ctx.o.watch.snapshot());
  if (path === '/api/events') return events(req, res, ctx);
  const web = /^\/web\/([a-z0-9-]+\.(js|css))$/.exec(path);
  if (web) {
    const body = await readFile(`${WEB_DIR}${web[1]}`).catch(() => undefined);
    return body ? send(res, 200, TYPES[web[2]!]!, body) : send(res, 404, 'text/plain', 'not found\n');
  }
  const vendor = /^\/vendor\/(.+)$/.exec(path)?.[1];
  const file = vendor === undefined ? undefined : VENDOR[vendor];
  if (file) return send(res, 200, TYPES['js']!, await readFile(file));
  send(res, 404, 'text/plain', 'not found\n');
}

async function events(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream',
    Connection: 'keep-alive',
  });
  ctx.streams.add(res);
  const { clock } = ctx.o;
  let beat = clock.setTimeout(function tick() {
    res.write(': keep-alive\n\n');
    beat = clock.setTimeout(tick, HEARTBEAT_MS);
  }, HEARTBEAT_MS);
  const unsubscribe = await ctx.o.watch.subscribe((t) => {
    res.write(`event: topology\ndata: ${JSON.stringify(t)}\n\n`);
  });
  const done = () => {
    clock.clearTimeout(beat);
    unsubscribe();
    ctx.streams.delete(res);
  };
  if (req.destroyed || res.writableEnded) done();
  else res.once('close', done);
}

async function trace(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const origin = req.headers.origin;
  if (
    (origin !== undefined && origin !== ctx.origin) ||
    !/^application\/json\b/.test(req.headers['content-type'] ?? '')
  )
    return sendJson(res, 403, {
      error: 'a trace is asked for by the page itself (same origin, a JSON body)',
    });
  if (!ctx.o.tracer)
    return sendJson(res, 501, {
      error:
        'tracing needs the northbound and southbound databases: run kovn ui with --ovn-nb-addr and --ovn-sb-addr, or against the lab',
    });
  let body = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    body += chunk.toString('utf8');
    if (body.length > MAX_BODY) return sendJson(res, 413, { error: 'request too large' });
  }
  try {
    const request = parseTraceRequest(body);
    sendJson(res, 200, await ctx.o.tracer(request));
  } catch (err) {
    if (err instanceof TraceRequestError) return sendJson(res, err.status, { error: err.message });
    throw err;
  }
}
