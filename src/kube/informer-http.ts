/**
 * The informer's transport: GET a JSON document and stream a watch, against whatever server a `KubeConfig` names,
 * with its TLS and credentials (`applyToHTTPSOptions`). A non-2xx answer becomes an `ApiStatusError` (errors.ts)
 * carrying the server's `Status` (410 Gone is how a server says a resourceVersion is too old). Watch lines that are
 * not JSON fail the stream instead of being skipped.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock, TimerId } from '../util/clock.ts';
import type { Query } from './client.ts';
import { ApiStatusError, type KubeStatus } from './errors.ts';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

async function open(
  kc: KubeConfig,
  path: string,
  query: Query,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' }, signal };
  await kc.applyToHTTPSOptions(options);
  const request = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const req = request(url, options, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function readBody(res: http.IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk as string;
  return body;
}

async function failure(what: string, res: http.IncomingMessage): Promise<ApiStatusError> {
  const body = await readBody(res).catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const status: KubeStatus = parsed && typeof parsed === 'object' ? parsed : { message: body.slice(0, 200) };
  return new ApiStatusError(what, res.statusCode ?? 0, status);
}

/** GETs `path` and parses the JSON answer. */
export async function getJson<T>(
  kc: KubeConfig,
  path: string,
  query: Query,
  signal: AbortSignal,
): Promise<T> {
  const res = await open(kc, path, query, signal);
  const what = `GET ${path}`;
  if (res.statusCode !== 200) throw await failure(what, res);
  const body = await readBody(res);
  try {
    return JSON.parse(body) as T;
  } catch (cause) {
    throw new Error(`${what}: answer is not JSON`, { cause });
  }
}

export interface WatchOptions {
  clock: Clock;
  signal: AbortSignal;
  /** Abort the stream when nothing (not even a bookmark) arrives for this long. */
  idleTimeoutMs: number;
  onEvent: (event: WatchEvent) => void;
}

/**
 * Streams `path?watch=true`, calling `onEvent` per event; resolves when the server ends the stream (or `signal`
 * aborts), rejects on a transport error, a non-200 answer, a malformed line, or the idle timeout.
 */
export async function watchStream(
  kc: KubeConfig,
  path: string,
  query: Query,
  options: WatchOptions,
): Promise<void> {
  const { clock, signal, idleTimeoutMs, onEvent } = options;
  const local = new AbortController();
  const abortLocal = (): void => local.abort();
  if (signal.aborted) return;
  signal.addEventListener('abort', abortLocal, { once: true });
  let idle: TimerId | undefined;
  let failed: Error | undefined;
  const fail = (err: Error): void => {
    failed ??= err;
    local.abort();
  };
  const arm = (): void => {
    clock.clearTimeout(idle);
    idle = clock.setTimeout(
      () => fail(new Error(`watch ${path}: nothing received for ${idleTimeoutMs} ms`)),
      idleTimeoutMs,
    );
  };
  try {
    arm();
    const res = await open(kc, path, { ...query, watch: true }, local.signal);
    if (res.statusCode !== 200) throw await failure(`WATCH ${path}`, res);
    res.setEncoding('utf8');
    let pending = '';
    for await (const chunk of res) {
      arm();
      pending += chunk as string;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line === '') continue;
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch (cause) {
          throw new Error(`watch ${path}: malformed event line: ${line.slice(0, 120)}`, { cause });
        }
        onEvent(event);
      }
    }
  } catch (err) {
    if (failed) throw failed;
    if (signal.aborted) return;
    throw err;
  } finally {
    clock.clearTimeout(idle);
    signal.removeEventListener('abort', abortLocal);
    if (!local.signal.aborted) local.abort();
  }
  if (failed) throw failed;
}
