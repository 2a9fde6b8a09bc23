/**
 * Wires informers to one work loop (work-loop.ts: a queue and its workers) and the reconcilers (controller-runtime's
 * manager). Informer handlers only enqueue keys: an object's own key for the reconciler of its kind (only for the
 * objects it `selects`), and mapped keys for reconcilers that watch that kind (on update, only when the predicate
 * says the change matters). Workers start once every cache has synced (after `onSynced`), so a reconciler never sees
 * a half-filled view. `resyncAll` enqueues every cached object (after an OVSDB reconnect, events may have been lost).
 * Each manager has its own workers and backoff: a process with loops that must not wait on each other runs several.
 */
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import type { Metrics, ReconcileInstruments } from '../util/metrics/registry.ts';
import type { Informer } from './informer.ts';
import { InformerClusterView } from './informer-view.ts';
import type { Reconciler, WatchMapping } from './reconciler.ts';
import type { BackoffOptions } from './queue/backoff.ts';
import { TerminalError } from './queue/errors.ts';
import { keyForObject, parseKey, type ObjectRef } from './queue/keys.ts';
import type { QueueMetricsSnapshot } from './queue/metrics.ts';
import type { HandlerResult } from './queue/worker-pool.ts';
import type { WorkQueue } from './queue/workqueue.ts';
import { WorkLoop } from './work-loop.ts';

export interface ControllerManagerOptions {
  informers: Iterable<Informer>;
  clock?: Clock;
  logger?: Logger;
  /** Workers shared by all reconcilers; default 4. */
  concurrency?: number;
  backoff?: BackoffOptions;
  /** What a reconcile is called in the failure log lines (`<name> failed; will retry`); default `reconcile`. */
  name?: string;
  /** Told about keys given up on (TerminalError), e.g. to record a condition or an Event. */
  onTerminalError?: (key: string, err: Error) => void;
  /** Called once every cache has synced, before the workers start (e.g. to enqueue keys known from elsewhere). */
  onSynced?: () => void;
  /** The program's metrics: reconciles per kind, and the queue (under `name`). */
  metrics?: Metrics;
}

export class ControllerManager {
  readonly queue: WorkQueue;
  readonly view: InformerClusterView;
  readonly #informers: Informer[];
  readonly #reconcilers = new Map<string, Reconciler>();
  readonly #instruments = new Map<string, ReconcileInstruments>();
  readonly #metrics: Metrics | undefined;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #loop: WorkLoop;
  readonly #onSynced: (() => void) | undefined;
  readonly #abort = new AbortController();
  #started = false;

  constructor(options: ControllerManagerOptions) {
    this.#informers = [...options.informers];
    this.view = new InformerClusterView(this.#informers);
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#onSynced = options.onSynced;
    this.#metrics = options.metrics;
    this.#loop = new WorkLoop({
      handler: (key) => this.#measured(key),
      concurrency: options.concurrency ?? 4,
      clock: this.#clock,
      logger: this.#log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.onTerminalError ? { onTerminalError: options.onTerminalError } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    this.queue = this.#loop.queue;
  }

  /** Adds a reconciler; its kind and every watched kind must have an informer. Call before `start`. */
  register(reconciler: Reconciler): void {
    if (this.#started) throw new Error(`register ${reconciler.kind}: the manager has already started`);
    if (this.#reconcilers.has(reconciler.kind))
      throw new Error(`two reconcilers for kind ${reconciler.kind}`);
    const { kind } = reconciler;
    const own = this.view.informer(kind);
    const mappings = (reconciler.watches ?? []).map((w) => ({ w, informer: this.view.informer(w.kind) }));
    this.#reconcilers.set(kind, reconciler);
    const instruments = this.#metrics?.reconcile(kind);
    if (instruments) this.#instruments.set(kind, instruments);
    this.#loop.watch(own, (obj, old) =>
      this.#selected(reconciler, obj) && (old === undefined || this.#matters(kind, reconciler, obj, old))
        ? [keyForObject(obj, kind)]
        : [],
    );
    for (const { w, informer } of mappings) {
      this.#loop.watch(informer, (obj, old) => {
        if (old === undefined) return this.#mapped(kind, w, [obj]);
        return this.#matters(kind, w, obj, old) ? this.#mapped(kind, w, w.newOnly ? [obj] : [obj, old]) : [];
      });
    }
  }

  /** Starts every informer, waits until all have synced, calls `onSynced`, then starts the workers. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await Promise.all(this.#informers.map((i) => i.start()));
    this.#onSynced?.();
    this.#log.info({ kinds: [...this.#reconcilers.keys()] }, 'caches synced; starting workers');
    this.#loop.start();
  }

  /**
   * Enqueues every cached object each reconciler selects, at low priority (like an initial list: keys asked for by
   * changes go first); returns how many keys were added.
   */
  resyncAll(): number {
    let n = 0;
    for (const [kind, reconciler] of this.#reconcilers) {
      for (const obj of this.view.informer(kind).list()) {
        if (!this.#selected(reconciler, obj)) continue;
        this.queue.add(keyForObject(obj, kind), 'low');
        n++;
      }
    }
    this.#log.debug({ keys: n }, 'resync: enqueued every cached object');
    return n;
  }

  /** Enqueues a key directly (e.g. a garbage-collection sweep key); before `start`, as part of the initial list. */
  enqueue(key: string, afterMs = 0): void {
    this.#loop.enqueue(key, afterMs);
  }

  /** Stops taking new work, finishes in-flight (and, with `drain`, queued) keys, then stops the informers. */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    const drain = options.drain ?? true;
    if (!drain) this.#abort.abort(new Error('controller manager stopping'));
    await this.#loop.stop({ drain });
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  metrics(): QueueMetricsSnapshot {
    return this.#loop.metrics();
  }

  #mapped(kind: string, mapping: WatchMapping, objects: KubeObject[]): Iterable<string> {
    // Most events map to no key or to one: a set (to drop repeats) only when there are several.
    let keys: readonly string[] | Set<string> = [];
    for (const obj of objects) {
      try {
        const mapped = mapping.map(obj, this.view);
        if (keys instanceof Set) for (const key of mapped) keys.add(key);
        else if (keys.length === 0 && mapped.length <= 1) keys = mapped;
        else keys = new Set([...keys, ...mapped]);
      } catch (err) {
        this.#log.error(
          { err, reconciler: kind, watched: mapping.kind, name: obj.metadata.name },
          'watch mapping failed',
        );
      }
    }
    return keys;
  }

  #selected(reconciler: Reconciler, obj: KubeObject): boolean {
    if (!reconciler.selects) return true;
    return this.#predicate(reconciler.kind, reconciler.kind, obj, 'select predicate failed', () =>
      reconciler.selects!(obj),
    );
  }

  /** An update predicate (own kind or watch). */
  #matters(
    kind: string,
    predicate: Pick<WatchMapping, 'kind' | 'changed'>,
    obj: KubeObject,
    old: KubeObject,
  ): boolean {
    if (!predicate.changed) return true;
    return this.#predicate(kind, predicate.kind, obj, 'update predicate failed', () =>
      predicate.changed!(obj, old),
    );
  }

  /** Runs a predicate; a throwing one counts as "yes" (enqueueing too much is safe), and is logged. */
  #predicate(kind: string, watched: string, obj: KubeObject, what: string, run: () => boolean): boolean {
    try {
      return run();
    } catch (err) {
      this.#log.error({ err, reconciler: kind, watched, name: obj.metadata.name }, what);
      return true;
    }
  }

  /** A reconcile, counted and timed per kind when the manager has metrics. */
  async #measured(key: string): Promise<HandlerResult> {
    const instruments = this.#instruments.get(key.slice(0, key.indexOf('/')));
    if (!instruments) return this.#reconcile(key);
    const started = this.#clock.now();
    try {
      const result = await this.#reconcile(key);
      instruments.finished(result?.requeueAfterMs ? 'requeue' : 'success', this.#clock.now() - started);
      return result;
    } catch (err) {
      instruments.finished('error', this.#clock.now() - started);
      throw err;
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
