/**
 * kovn-cni's side of the agent protocol (protocol.ts): one JSON POST over the agent's unix socket. A 2xx answer is
 * returned parsed (or undefined when empty); anything else, including a socket that refuses connections, becomes a
 * `CniError` (the agent's `code` if it sent one, else "try again later", as Kube-OVN's "RPC failed").
 */
import { createRequire } from 'node:module';
import { CniCode, CniError } from './spec.ts';
import type { CniFailure } from './protocol.ts';

// Loaded the CommonJS way: an ES import of node:http builds its namespace, which reads the lazy WebSocket/
// EventSource getters and loads undici, a third of the plugin's start-up CPU (a runtime starts one per pod).
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

export interface PostOptions {
  socket: string;
  path: string;
  body: unknown;
  timeoutMs?: number;
}

export async function postJson<T>(options: PostOptions): Promise<T | undefined> {
  const payload = JSON.stringify(options.body);
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        socketPath: options.socket,
        method: 'POST',
        path: options.path,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        signal: AbortSignal.timeout(options.timeoutMs ?? 300_000),
      },
      (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  }).catch((err: unknown) => {
    throw new CniError(
      CniCode.TryAgainLater,
      'RPC failed',
      `node agent at ${options.socket}: ${(err as Error).message}`,
      { cause: err },
    );
  });
  let parsed: unknown;
  try {
    parsed = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch {
    parsed = undefined;
  }
  if (answer.status < 200 || answer.status > 299) {
    const failure = (parsed ?? {}) as Partial<CniFailure>;
    const detail = failure.error ?? answer.text.slice(0, 300);
    throw new CniError(failure.code ?? CniCode.TryAgainLater, `node agent answered ${answer.status}`, detail);
  }
  return parsed as T | undefined;
}
