/**
 * The agent's CNI socket: HTTP on a unix socket (protocol.ts), one JSON request per call, dispatched to the
 * `CniHandler`. ADD answers 200 with a `CniResponse`; DEL and CHECK answer 204; failures answer the handler's
 * status (500 for anything unexpected) with `{"error", "code"}`. `/api/v1/cni-exec`, the bin/kovn-cni shim's
 * endpoint, runs a forwarded invocation (cni-exec.ts) and answers 200 with its stdout and exit code. A stale socket
 * file from an earlier run is replaced; the socket is removed on close.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { CNI_TYPE, OVN_PROVIDER } from '../../api/constants.ts';
import type { CniOutcome } from '../cni/plugin.ts';
import {
  ADD_PATH,
  CHECK_PATH,
  DEL_PATH,
  EXEC_PATH,
  EXIT_CODE_HEADER,
  type CniFailure,
  type CniRequest,
} from '../cni/protocol.ts';
import { CniCode } from '../cni/spec.ts';
import { parseExecRequest, runForwarded } from './cni-exec.ts';
import { AgentError, type CniHandler } from './handler.ts';

const MAX_BODY = 1 << 20;

export interface CniServer {
  socket: string;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY)
        reject(new AgentError(413, CniCode.DecodingFailure, 'request body too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Validates the request body's shape (field names of Kube-OVN's `CniRequest`). */
export function parseRequest(text: string): CniRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new AgentError(400, CniCode.DecodingFailure, `parse request failed: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null)
    throw new AgentError(400, CniCode.DecodingFailure, 'request is not an object');
  const b = body as Record<string, unknown>;
  const s = (k: string): string => (typeof b[k] === 'string' ? b[k] : '');
  if (!s('pod_name') || !s('pod_namespace'))
    throw new AgentError(400, CniCode.InvalidNetworkConfig, 'pod_name and pod_namespace are required');
  return {
    cni_type: s('cni_type') || CNI_TYPE,
    pod_name: s('pod_name'),
    pod_namespace: s('pod_namespace'),
    container_id: s('container_id'),
    net_ns: s('net_ns'),
    if_name: s('if_name'),
    provider: s('provider') || OVN_PROVIDER,
    ...(Array.isArray(b['routes']) ? { routes: b['routes'] as CniRequest['routes'] & object } : {}),
  };
}

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
    .end(text);
}

/** A forwarded invocation's answer: the plugin's stdout as the body, its exit code in a header. */
function sendOutcome(res: http.ServerResponse, outcome: CniOutcome): void {
  res
    .writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(outcome.stdout),
      [EXIT_CODE_HEADER]: String(outcome.exitCode),
    })
    .end(outcome.stdout);
}

export async function startCniServer(socket: string, handler: CniHandler, log: Logger): Promise<CniServer> {
  mkdirSync(dirname(socket), { recursive: true });
  if (existsSync(socket)) rmSync(socket, { force: true });
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST')
          throw new AgentError(405, CniCode.InvalidEnvironment, `${req.method ?? ''} not allowed`);
        const body = await readBody(req);
        if (req.url === EXEC_PATH) {
          const outcome = await runForwarded(handler, parseExecRequest(body));
          if (outcome.exitCode !== 0)
            log.warn({ url: req.url, err: outcome.stdout.trim() }, 'CNI request failed');
          sendOutcome(res, outcome);
          return;
        }
        const request = parseRequest(body);
        if (req.url === ADD_PATH) send(res, 200, await handler.add(request));
        else if (req.url === DEL_PATH) send(res, 204, await handler.del(request));
        else if (req.url === CHECK_PATH) send(res, 204, await handler.check(request));
        else throw new AgentError(404, CniCode.InvalidEnvironment, `no such endpoint ${req.url ?? ''}`);
      } catch (err) {
        const e = err instanceof AgentError ? err : undefined;
        const failure: CniFailure = { error: (err as Error).message, code: e?.code ?? CniCode.TryAgainLater };
        log.warn({ url: req.url, err: failure.error }, 'CNI request failed');
        if (!res.headersSent) send(res, e?.status ?? 500, failure);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  return {
    socket,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(socket, { force: true });
          resolve();
        });
      }),
  };
}
