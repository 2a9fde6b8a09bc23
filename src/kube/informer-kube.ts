/**
 * An informer over a Kubernetes API (a real cluster or kovn's embedded server): a reflector that lists (in pages,
 * one snapshot), then watches from the list's resourceVersion, keeping an `InformerCache` current. A watch that ends
 * is resumed from the last seen resourceVersion; 410 Gone (as an HTTP status or an ERROR event, or on a list's
 * continue page) forces a fresh list, whose difference from the cache is delivered as events (deletes included);
 * other failures are reported and retried with exponential backoff (1 s to 30 s, client-node's reconnect delays) on
 * the injected clock. Each list page must be answered in full within `listTimeoutMs` (60 s, kube-apiserver's own
 * `--request-timeout` for such requests) and each watch must answer its headers within `watchStartTimeoutMs` (30 s;
 * a server sends them at once); otherwise the request is aborted with a `ListWatchDeadlineError`, reported and
 * retried like any failure. An open watch is held to an idle timeout (the server's watch timeout plus 30 s) instead.
 * Why not client-node's ListWatch/makeInformer: it stops for good after a list or watch error (the caller must
 * restart it), skips watch lines it cannot parse, and sleeps on Node's timers rather than an injected clock.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { ExponentialBackoff, type BackoffOptions } from './queue/backoff.ts';
import {
  InformerCache,
  type HandlerErrorSink,
  type Informer,
  type ObjectHandler,
  type UpdateHandler,
} from './informer.ts';
import { ApiStatusError, isGone, type KubeStatus } from './errors.ts';
import { getJson, watchStream, type WatchEvent } from './informer-http.ts';
import { collectionPath, type ResourceRef } from './paths.ts';

export interface KubeInformerOptions {
  kubeConfig: KubeConfig;
  resource: ResourceRef;
  /** Watch one namespace only; default all. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  clock?: Clock;
  /** Reconnect backoff; default 1 s to 30 s. */
  backoff?: BackoffOptions;
  /** List page size; default 500. */
  pageSize?: number;
  /** Server-side watch timeout, after which the watch is resumed; default 300 s. */
  watchTimeoutSeconds?: number;
  /** Deadline for each list page, headers and body; default 60 s. */
  listTimeoutMs?: number;
  /** Deadline for a watch's response headers; default 30 s. */
  watchStartTimeoutMs?: number;
  /** Failures to list or watch (each one is retried). */
  onError?: (err: unknown) => void;
  onHandlerError?: HandlerErrorSink;
}

interface ListDocument {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

interface Listed<T> {
  items: T[];
  resourceVersion: string;
}

/** What the reflector has done so far, for tests, benchmarks and status pages. */
export interface ReflectorStats {
  lists: number;
  watches: number;
  /** 410 Gone answers (each followed by a relist). */
  gone: number;
  errors: number;
}

const BACKOFF_KEY = 'reflector';
export const DEFAULT_LIST_TIMEOUT_MS = 60_000;
export const DEFAULT_WATCH_START_TIMEOUT_MS = 30_000;
const SHORT_WATCH_MS = 1_000;

export class KubeInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  readonly kind: string;
  readonly #o: KubeInformerOptions;
  readonly #clock: Clock;
  readonly #path: string;
  readonly #cache: InformerCache<T>;
  readonly #backoff: ExponentialBackoff;
  #resourceVersion = '';
  #synced = false;
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #syncWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  readonly #stats: ReflectorStats = { lists: 0, watches: 0, gone: 0, errors: 0 };

  constructor(options: KubeInformerOptions) {
    this.#o = options;
    this.kind = options.resource.kind;
    this.#clock = options.clock ?? systemClock;
    this.#path = collectionPath(options.resource, options.namespace);
    this.#cache = new InformerCache<T>(options.onHandlerError);
    this.#backoff = new ExponentialBackoff(options.backoff ?? { baseMs: 1_000, maxMs: 30_000 });
  }

  start(): Promise<void> {
    if (!this.#loop) {
      this.#stop = new AbortController();
      this.#loop = this.#run();
    }
    if (this.#synced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.#syncWaiters.push({ resolve, reject }));
  }
  hasSynced(): boolean {
    return this.#synced;
  }
  /** The resourceVersion the next watch resumes from ('' = a list is due). */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }
  stats(): ReflectorStats {
    return { ...this.#stats };
  }
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#loop = undefined;
    for (const w of this.#syncWaiters.splice(0))
      w.reject(new Error(`informer for ${this.kind} stopped before it synced`));
  }
  get version(): number {
    return this.#cache.version;
  }
  list(namespace?: string): T[] {
    return this.#cache.list(namespace);
  }
  get(name: string, namespace?: string): T | undefined {
    return this.#cache.get(name, namespace);
  }
  on(event: 'add' | 'delete', handler: ObjectHandler<T>): void;
  on(event: 'update', handler: UpdateHandler<T>): void;
  on(event: 'add' | 'update' | 'delete', handler: UpdateHandler<T>): void {
    this.#cache.on(event, handler);
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        if (this.#resourceVersion === '') await this.#relist(signal);
        const started = this.#clock.now();
        const events = await this.#watch(signal);
        if (events === 0 && this.#clock.now() - started < SHORT_WATCH_MS && !signal.aborted) {
          throw new Error(`watch ${this.#path} ended at once without events`);
        }
        this.#backoff.forget(BACKOFF_KEY);
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.#stats.gone++;
          this.#resourceVersion = '';
          continue;
        }
        this.#stats.errors++;
        this.#o.onError?.(err);
        await this.#clock.sleep(this.#backoff.next(BACKOFF_KEY), signal).catch(() => {});
      }
    }
  }

  /**
   * Lists everything and makes the cache hold exactly that (deletes for cached objects the list lacks). A 410 on a
   * continue page (the snapshot the pages are read from was compacted away) restarts the list from scratch as one
   * unpaged request, which is one snapshot however long it takes, as client-go's pager falls back to a full list.
   */
  async #relist(signal: AbortSignal): Promise<void> {
    this.#stats.lists++;
    let list: Listed<T>;
    try {
      list = await this.#list(signal, this.#o.pageSize ?? 500);
    } catch (err) {
      if (!isGone(err) || signal.aborted) throw err;
      this.#stats.gone++;
      list = await this.#list(signal, undefined);
    }
    if (signal.aborted) return;
    this.#cache.replace(list.items);
    this.#resourceVersion = list.resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w.resolve();
    }
  }

  /**
   * Reads every page. The watch is to start from the first page's resourceVersion: the snapshot's, which a server
   * that serves pages from one snapshot (kube-apiserver, kovn's) gives every page; on a server whose pages are not
   * one snapshot it is the oldest, from which the watch replays whatever changed while the pages were read.
   */
  async #list(signal: AbortSignal, limit: number | undefined): Promise<Listed<T>> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await getJson<ListDocument>(
        this.#o.kubeConfig,
        this.#path,
        {
          limit,
          continue: continueToken,
          labelSelector: this.#o.labelSelector,
          fieldSelector: this.#o.fieldSelector,
        },
        { clock: this.#clock, signal, timeoutMs: this.#o.listTimeoutMs ?? DEFAULT_LIST_TIMEOUT_MS },
      );
      for (const item of page.items ?? []) items.push(this.#withTypeMeta(item as T));
      resourceVersion ??= page.metadata?.resourceVersion ?? '';
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken !== undefined && !signal.aborted);
    return { items, resourceVersion: resourceVersion ?? '' };
  }

  /** Watches until the stream ends; returns the number of events seen. */
  async #watch(signal: AbortSignal): Promise<number> {
    const timeoutSeconds = this.#o.watchTimeoutSeconds ?? 300;
    let events = 0;
    this.#stats.watches++;
    await watchStream(
      this.#o.kubeConfig,
      this.#path,
      {
        resourceVersion: this.#resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector: this.#o.labelSelector,
        fieldSelector: this.#o.fieldSelector,
      },
      {
        clock: this.#clock,
        signal,
        idleTimeoutMs: (timeoutSeconds + 30) * 1_000,
        startTimeoutMs: this.#o.watchStartTimeoutMs ?? DEFAULT_WATCH_START_TIMEOUT_MS,
        onEvent: (event) => {
          events++;
          this.#apply(event);
        },
      },
    );
    return events;
  }

  #apply(event: WatchEvent): void {
    if (event.type === 'ERROR') {
      const status = event.object as KubeStatus;
      throw new ApiStatusError(`watch ${this.#path}`, status.code ?? 500, status);
    }
    const obj = event.object as unknown as T;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#cache.upsert(this.#withTypeMeta(obj));
    else if (event.type === 'DELETED') this.#cache.remove(this.#withTypeMeta(obj));
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.#resourceVersion = rv;
  }

  /** List items come without apiVersion/kind; fill them in so cached objects are complete. */
  #withTypeMeta(obj: T): T {
    if (obj.kind && obj.apiVersion) return obj;
    const { group, version } = this.#o.resource;
    return { ...obj, apiVersion: group === '' ? version : `${group}/${version}`, kind: this.kind };
  }
}
