/**
 * The informer's transport: GET a JSON document and stream a watch, against whatever server a `KubeConfig` names,
 * with its TLS and credentials (`applyToHTTPSOptions`). A non-2xx answer becomes an `ApiStatusError` (errors.ts)
 * carrying the server's `Status` (410 Gone is how a server says a resourceVersion is too old). Watch lines that are
 * not JSON fail the stream instead of being skipped. Nothing waits without limit: a GET must be answered in full, and a
 * watch must answer its headers, within a deadline on the injected clock, or it is aborted with a
 * `ListWatchDeadlineError`; an open watch is then held to its idle timeout instead.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock, TimerId } from '../util/clock.ts';
import type { Query } from './client.ts';
import { ApiStatusError, type KubeStatus } from './errors.ts';

/** A list or watch request got no answer within its deadline and was aborted. */
export class ListWatchDeadlineError extends Error {
  readonly path: string;
  readonly timeoutMs: number;
  constructor(what: 'list' | 'watch', path: string, timeoutMs: number) {
    const awaited = what === 'list' ? 'complete answer' : 'response headers';
    super(`${what} ${path}: no ${awaited} within ${timeoutMs} ms; aborted`);
    this.name = 'ListWatchDeadlineError';
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

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

export interface GetOptions {
  clock: Clock;
  signal: AbortSignal;
  /** Abort unless the whole answer (headers and body) is in within this long. */
  timeoutMs: number;
}

/** GETs `path` and parses the JSON answer; past the deadline it aborts with `ListWatchDeadlineError`. */
export async function getJson<T>(
  kc: KubeConfig,
  path: string,
  query: Query,
  options: GetOptions,
): Promise<T> {
  const { clock, signal, timeoutMs } = options;
  const local = new AbortController();
  const abortLocal = (): void => local.abort();
  if (signal.aborted) local.abort();
  signal.addEventListener('abort', abortLocal, { once: true });
  let expired = false;
  const deadline = clock.setTimeout(() => {
    expired = true;
    local.abort();
  }, timeoutMs);
  try {
    const res = await open(kc, path, query, local.signal);
    const what = `GET ${path}`;
    if (res.statusCode !== 200) throw await failure(what, res);
    const body = await readBody(res);
    try {
      return JSON.parse(body) as T;
    } catch (cause) {
      throw new Error(`${what}: answer is not JSON`, { cause });
    }
  } catch (err) {
    if (expired) throw new ListWatchDeadlineError('list', path, timeoutMs);
    throw err;
  } finally {
    clock.clearTimeout(deadline);
    signal.removeEventListener('abort', abortLocal);
  }
}

export interface WatchOptions {
  clock: Clock;
  signal: AbortSignal;
  /** Abort the stream when nothing (not even a bookmark) arrives for this long. */
  idleTimeoutMs: number;
  /** Abort unless the response headers arrive within this long. */
  startTimeoutMs: number;
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
  const { clock, signal, idleTimeoutMs, startTimeoutMs, onEvent } = options;
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
  const starting = clock.setTimeout(
    () => fail(new ListWatchDeadlineError('watch', path, startTimeoutMs)),
    startTimeoutMs,
  );
  try {
    arm();
    const res = await open(kc, path, { ...query, watch: true }, local.signal);
    clock.clearTimeout(starting);
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
    clock.clearTimeout(starting);
    clock.clearTimeout(idle);
    signal.removeEventListener('abort', abortLocal);
    if (!local.signal.aborted) local.abort();
  }
  if (failed) throw failed;
}
