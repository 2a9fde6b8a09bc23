/**
 * Wires informers to the one shared work queue and the reconcilers (controller-runtime's manager). Informer handlers
 * only enqueue keys: an object's own key for the reconciler of its kind, and mapped keys for reconcilers that watch
 * that kind (on update, only when the watch's predicate says the change matters). Workers start once every cache has
 * synced, so a reconciler never sees a half-filled view. `resyncAll` enqueues every cached object (after an OVSDB
 * reconnect, events may have been lost).
 */
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import type { Informer } from './informer.ts';
import { InformerClusterView } from './informer-view.ts';
import type { Reconciler, WatchMapping } from './reconciler.ts';
import type { BackoffOptions } from './queue/backoff.ts';
import { TerminalError } from './queue/errors.ts';
import { keyOf, parseKey, type ObjectRef } from './queue/keys.ts';
import type { QueueMetricsSnapshot } from './queue/metrics.ts';
import { WorkerPool, type HandlerResult } from './queue/worker-pool.ts';
import { WorkQueue } from './queue/workqueue.ts';

export interface ControllerManagerOptions {
  informers: Iterable<Informer>;
  clock?: Clock;
  logger?: Logger;
  /** Workers shared by all reconcilers; default 4. */
  concurrency?: number;
  backoff?: BackoffOptions;
  /** Told about keys given up on (TerminalError), e.g. to record a condition or an Event. */
  onTerminalError?: (key: string, err: Error) => void;
}

export class ControllerManager {
  readonly queue: WorkQueue;
  readonly view: InformerClusterView;
  readonly #informers: Informer[];
  readonly #reconcilers = new Map<string, Reconciler>();
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pool: WorkerPool;
  readonly #abort = new AbortController();
  #started = false;

  constructor(options: ControllerManagerOptions) {
    this.#informers = [...options.informers];
    this.view = new InformerClusterView(this.#informers);
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.queue = new WorkQueue({
      clock: this.#clock,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.#pool = new WorkerPool({
      queue: this.queue,
      concurrency: options.concurrency ?? 4,
      handler: (key) => this.#reconcile(key),
      onError: (key, err, retryInMs) =>
        this.#log.warn({ key, err, retryInMs }, 'reconcile failed; will retry'),
      onTerminalError: (key, err) => {
        this.#log.error({ key, err }, 'reconcile failed; not retrying');
        options.onTerminalError?.(key, err);
      },
    });
  }

  /** Adds a reconciler; its kind and every watched kind must have an informer. Call before `start`. */
  register(reconciler: Reconciler): void {
    if (this.#started) throw new Error(`register ${reconciler.kind}: the manager has already started`);
    if (this.#reconcilers.has(reconciler.kind))
      throw new Error(`two reconcilers for kind ${reconciler.kind}`);
    const own = this.view.informer(reconciler.kind);
    const mappings = (reconciler.watches ?? []).map((w) => ({ w, informer: this.view.informer(w.kind) }));
    this.#reconcilers.set(reconciler.kind, reconciler);
    const enqueueOwn = (obj: KubeObject): void =>
      this.queue.add(keyOf(reconciler.kind, obj.metadata.name ?? '', obj.metadata.namespace));
    own.on('add', enqueueOwn);
    own.on('update', (obj, old) => {
      if (!reconciler.changed || this.#matters(reconciler.kind, reconciler, obj, old)) enqueueOwn(obj);
    });
    own.on('delete', enqueueOwn);
    for (const { w, informer } of mappings) {
      informer.on('add', (obj) => this.#enqueueMapped(reconciler.kind, w, [obj]));
      informer.on('update', (obj, old) => {
        if (!w.changed || this.#matters(reconciler.kind, w, obj, old))
          this.#enqueueMapped(reconciler.kind, w, [obj, old]);
      });
      informer.on('delete', (obj) => this.#enqueueMapped(reconciler.kind, w, [obj]));
    }
  }

  /** Starts every informer, waits until all have synced, then starts the workers. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await Promise.all(this.#informers.map((i) => i.start()));
    this.#log.info({ kinds: [...this.#reconcilers.keys()] }, 'caches synced; starting workers');
    void this.#pool.start();
  }

  /** Enqueues every cached object of every reconciled kind; returns how many keys were added. */
  resyncAll(): number {
    let n = 0;
    for (const kind of this.#reconcilers.keys()) {
      for (const obj of this.view.informer(kind).list()) {
        this.queue.add(keyOf(kind, obj.metadata.name ?? '', obj.metadata.namespace));
        n++;
      }
    }
    this.#log.info({ keys: n }, 'resync: enqueued every cached object');
    return n;
  }

  /** Enqueues a key directly (e.g. a garbage-collection sweep key). */
  enqueue(key: string, afterMs = 0): void {
    this.queue.addAfter(key, afterMs);
  }

  /** Stops taking new work, finishes in-flight (and, with `drain`, queued) keys, then stops the informers. */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    const drain = options.drain ?? true;
    if (!drain) this.#abort.abort(new Error('controller manager stopping'));
    await this.queue.shutdown({ drain });
    await this.#pool.finished;
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  metrics(): QueueMetricsSnapshot {
    return this.queue.metrics();
  }

  #enqueueMapped(kind: string, mapping: WatchMapping, objects: KubeObject[]): void {
    const keys = new Set<string>();
    for (const obj of objects) {
      try {
        for (const key of mapping.map(obj, this.view)) keys.add(key);
      } catch (err) {
        this.#log.error(
          { err, reconciler: kind, watched: mapping.kind, name: obj.metadata.name },
          'watch mapping failed',
        );
      }
    }
    for (const key of keys) this.queue.add(key);
  }

  /** An update predicate (own kind or watch); a throwing one counts as "changed" (enqueueing too much is safe). */
  #matters(
    kind: string,
    predicate: Pick<WatchMapping, 'kind' | 'changed'>,
    obj: KubeObject,
    old: KubeObject,
  ): boolean {
    try {
      return predicate.changed?.(obj, old) ?? true;
    } catch (err) {
      this.#log.error(
        { err, reconciler: kind, watched: predicate.kind, name: obj.metadata.name },
        'update predicate failed',
      );
      return true;
    }
  }

  async #reconcile(key: string): Promise<HandlerResult> {
    let ref: ObjectRef;
    try {
      ref = parseKey(key);
    } catch (err) {
      throw new TerminalError((err as Error).message, { cause: err });
    }
    const reconciler = this.#reconcilers.get(ref.kind);
    if (!reconciler) throw new TerminalError(`no reconciler for kind ${ref.kind} (key ${key})`);
    const parent = this.#log;
    let log: Logger | undefined;
    return reconciler.reconcile(key, {
      key,
      ref,
      view: this.view,
      // Made on first use: most reconciles log nothing, and a child logger per reconcile shows at scale.
      get log(): Logger {
        return (log ??= parent.child({ key }));
      },
      clock: this.#clock,
      attempt: this.queue.numRequeues(key),
      signal: this.#abort.signal,
    });
  }
}
