// A small HTTP server that speaks the Kubernetes list/watch protocol for one collection (paged lists, watch from a
// resourceVersion, 410 Gone after compaction, injected failures), so the informer's reflector is tested over real HTTP.
// Its pages are NOT one snapshot (each reads the current objects after the last key and reports the current
// resourceVersion), as a server without snapshot reads would be: the informer must still end with the right set.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../../src/api/types.ts';

interface LoggedEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

export class ListWatchServer {
  readonly requests: string[] = [];
  readonly #server = http.createServer((req, res) => this.#handle(req, res));
  readonly #objects = new Map<string, KubeObject>();
  readonly #log: LoggedEvent[] = [];
  readonly #watchers = new Set<{ rv: number; res: http.ServerResponse }>();
  readonly #failures: { watch: boolean; status: number }[] = [];
  readonly #hangs: { watch: boolean }[] = [];
  /** Requests held unanswered (see `hangNext`) whose client has not gone away yet. */
  hanging = 0;
  #rv = 100;
  #minRv = 0;
  /** How an expired resourceVersion is refused on watch: an HTTP 410, or a 200 stream with an ERROR event. */
  goneAs: 'status' | 'event' = 'event';
  /** Lines sent verbatim on the next watch, before events. */
  inject: string[] = [];
  /** Runs after a list page was read and before it is sent (to change objects between pages). */
  onListPage: ((page: { continued: boolean; names: string[] }) => void) | undefined;
  #expireContinue = false;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  kubeConfig(url: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'test-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return kc;
  }

  async close(): Promise<void> {
    this.dropWatches();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  get watchers(): number {
    return this.#watchers.size;
  }

  put(obj: KubeObject, options: { silent?: boolean } = {}): KubeObject {
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const type = this.#objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    this.#objects.set(key, stored);
    if (!options.silent) this.#emit({ rv: this.#rv, type, object: stored });
    return stored;
  }

  remove(name: string, namespace?: string, options: { silent?: boolean } = {}): void {
    const key = `${namespace ?? ''}/${name}`;
    const obj = this.#objects.get(key);
    if (!obj) return;
    this.#objects.delete(key);
    const final = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    if (!options.silent) this.#emit({ rv: this.#rv, type: 'DELETED', object: final });
  }

  /** Forgets history: watching from any resourceVersion seen so far now answers 410 Gone. */
  compact(): void {
    this.#minRv = this.#rv;
  }

  /** Ends every open watch stream (the server closes them, as on a timeout). */
  dropWatches(): void {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  /** The next list request carrying a continue token is answered 410 Expired, as for a compacted snapshot. */
  expireNextContinue(): void {
    this.#expireContinue = true;
  }

  /** The next list (or watch) request fails with this HTTP status. */
  failNext(kind: 'list' | 'watch', status: number): void {
    this.#failures.push({ watch: kind === 'watch', status });
  }

  /** The next list (or watch) request is read and never answered, not even with headers. */
  hangNext(kind: 'list' | 'watch'): void {
    this.#hangs.push({ watch: kind === 'watch' });
  }

  #emit(event: LoggedEvent): void {
    this.#log.push(event);
    for (const w of this.#watchers)
      w.res.write(JSON.stringify({ type: event.type, object: event.object }) + '\n');
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${url.pathname}?${url.searchParams.toString()}`);
    if (url.pathname !== this.path) return this.#status(res, 404, 'NotFound', `no ${url.pathname}`);
    if (req.headers.authorization !== 'Bearer test-token')
      return this.#status(res, 401, 'Unauthorized', 'bad token');
    const watch = url.searchParams.get('watch') === 'true';
    const failure = this.#failures.findIndex((f) => f.watch === watch);
    if (failure >= 0) {
      const [f] = this.#failures.splice(failure, 1);
      return this.#status(res, f!.status, 'InternalError', 'injected failure');
    }
    const hang = this.#hangs.findIndex((h) => h.watch === watch);
    if (hang >= 0) {
      this.#hangs.splice(hang, 1);
      this.hanging++;
      req.socket.once('close', () => this.hanging--);
      return;
    }
    if (watch) this.#watch(url, res);
    else this.#list(url, res);
  }

  #list(url: URL, res: http.ServerResponse): void {
    const after = url.searchParams.get('continue');
    if (after !== null && this.#expireContinue) {
      this.#expireContinue = false;
      return this.#status(res, 410, 'Expired', 'The provided continue parameter is too old');
    }
    const all = [...this.#objects.entries()]
      .filter(([key]) => after === null || key > after)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, { apiVersion: _a, kind: _k, ...rest }]) => rest);
    const limit = Number(url.searchParams.get('limit') ?? all.length) || all.length;
    const items = all.slice(0, limit);
    const last = items.at(-1);
    const next =
      limit < all.length && last ? `${last.metadata.namespace ?? ''}/${last.metadata.name ?? ''}` : undefined;
    const readAt = this.#rv;
    this.onListPage?.({ continued: after !== null, names: items.map((o) => o.metadata.name ?? '') });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'List',
        metadata: { resourceVersion: String(readAt), ...(next ? { continue: next } : {}) },
        items,
      }),
    );
  }

  #watch(url: URL, res: http.ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') || this.#rv);
    if (from < this.#minRv) {
      if (this.goneAs === 'status') return this.#status(res, 410, 'Expired', 'too old resource version');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
        }) + '\n',
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders(); // at once, before any event, as kube-apiserver's watch handler does
    for (const line of this.inject.splice(0)) res.write(line + '\n');
    for (const e of this.#log)
      if (e.rv > from) res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
    const watcher = { rv: from, res };
    this.#watchers.add(watcher);
    res.on('close', () => this.#watchers.delete(watcher));
  }

  #status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message }));
  }
}

/** Polls `cond` in real time (network I/O is involved) until it holds or `ms` passes. */
export async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const { setTimeout: sleep } = await import('node:timers/promises');
  for (let waited = 0; !cond(); waited += 5) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
