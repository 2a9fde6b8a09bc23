/**
 * The `/metrics` endpoint of a program: an HTTP server on one address (`--metrics-addr HOST:PORT`, loopback unless
 * told otherwise; port 0 picks a free port) that answers `GET /metrics` with the text exposition of the program's
 * `Metrics`, `GET /healthz` with the program's health (liveness and readiness probes), and 404 to anything else. `url` is the address actually bound; `urlFile`, when given, receives it
 * (atomically), which is how the lab learns the ephemeral ports of its processes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileAtomic } from '../atomic-file.ts';
import { listen } from '../listen.ts';
import type { Metrics } from './registry.ts';

export interface MetricsAddress {
  host: string;
  port: number;
}

/** Parses `HOST:PORT`, `[V6]:PORT` or `:PORT` (loopback); throws with a message naming the address. */
export function parseMetricsAddress(text: string): MetricsAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65_535) throw new Error(`metrics address ${JSON.stringify(text)}: want HOST:PORT`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** The URL a scraper uses for a bound address. */
export function metricsUrl(address: MetricsAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}/metrics`;
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeMetricsOptions {
  /** `HOST:PORT`; default `127.0.0.1:0`. */
  address?: string;
  /** A file to write the bound URL to. */
  urlFile?: string;
  /** What `GET /healthz` reports (200 `ok` or 503); always healthy when absent (the process answers). */
  healthy?: () => boolean;
}

export async function serveMetrics(
  metrics: Metrics,
  options: ServeMetricsOptions = {},
): Promise<MetricsServer> {
  const wanted = parseMetricsAddress(options.address ?? '127.0.0.1:0');
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const healthy = options.healthy?.() ?? true;
      res
        .writeHead(healthy ? 200 : 503, { 'Content-Type': 'text/plain' })
        .end(healthy ? 'ok\n' : 'unhealthy\n');
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end('not found: only GET /metrics and /healthz are served\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.contentType }).end(text),
      (err: unknown) =>
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(err as Error).message}\n`),
    );
  });
  await listen(server, { port: wanted.port, host: wanted.host });
  const bound = server.address() as AddressInfo;
  const url = metricsUrl({ host: bound.address, port: bound.port });
  if (options.urlFile) writeFileAtomic(options.urlFile, `${url}\n`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
