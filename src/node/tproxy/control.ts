/**
 * The transparent listener's control API, HTTP on a unix socket (which reaches across network namespaces), used by
 * the node agent and by a prober:
 *   PUT  /targets  {targets: ProbeTarget[]}             the agent's current table (replaces the previous one)
 *   POST /expect   {pod, ip, port, srcPort, timeoutMs}  a prober announces a probe: the pod is dialled now; 200
 *                  when it accepted (the prober then connects from srcPort), 502 with kubelet's wording if not
 *   GET  /stats                                          connections accepted, carried (per pod), refused; targets
 */
import http from 'node:http';
import type { Server } from 'node:net';
import type { Logger } from 'pino';
import type { TproxyListener } from './listener.ts';
import type { Expectation } from './lookup.ts';
import type { ProbeTarget } from './targets.ts';

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      try {
        resolve(text ? (JSON.parse(text) as unknown) : {});
      } catch (err) {
        reject(new Error(`request body is not JSON: ${(err as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

/** The control API (see the header) as an HTTP server; listen on a unix socket. */
export function controlServer(listener: TproxyListener, log: Logger): Server {
  return http.createServer((req, res) => {
    const send = (status: number, body?: unknown): void => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(text);
    };
    void (async () => {
      try {
        if (req.method === 'PUT' && req.url === '/targets') {
          const body = (await readJson(req)) as { targets?: ProbeTarget[] };
          listener.setTargets(Array.isArray(body.targets) ? body.targets : []);
          send(204);
        } else if (req.method === 'POST' && req.url === '/expect') {
          const r = await listener.expect((await readJson(req)) as Expectation & { timeoutMs?: number });
          send(r.status, r.body);
        } else if (req.method === 'GET' && req.url === '/stats')
          send(200, { ...listener.stats, targets: listener.targetCount });
        else send(404, { error: `no such endpoint ${req.method ?? ''} ${req.url ?? ''}` });
      } catch (err) {
        log.warn({ err: (err as Error).message, url: req.url }, 'control request failed');
        send(400, { error: (err as Error).message });
      }
    })();
  });
}
