/**
 * A work loop: one WorkQueue drained by a WorkerPool, fed by informer events. It is the one place where an informer's
 * adds, updates and deletes become queue keys (`watch`) and where a loop's failures are logged. The controller
 * manager runs its reconcilers on one. `OneKeyLoop` is one over a single key, for state that is not keyed by an
 * object (the node agent's `ovn0`, its TProxy rules). `stop` drops the queued keys or, with `drain`, works them off;
 * keys in flight always finish. A key failing again the same way (the NB down for a while) is logged once as a warning,
 * then at debug until it succeeds or fails differently (failure-log.ts).
 *
 *   const loop = new WorkLoop({ name: 'pod sync', handler: (key) => sync(key), concurrency: 16, clock, logger });
 *   loop.watch(pods, (pod) => [keyForObject(pod, 'Pod')]);  loop.start();  ...  await loop.stop({ drain: false });
 *   const ovn0 = new OneKeyLoop({ key: 'ovn0', name: 'ovn0 plumbing', run: () => plug() }, { clock, log, watch });
 */
import { pino, type Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import type { Metrics, QueueInstruments } from '../util/metrics/registry.ts';
import { FailureLog } from './failure-log.ts';
import type { Informer } from './informer.ts';
import type { BackoffOptions } from './queue/backoff.ts';
import type { QueueMetricsSnapshot } from './queue/metrics.ts';
import { WorkerPool, type HandlerResult } from './queue/worker-pool.ts';
import { WorkQueue, type Priority, type ShutdownOptions } from './queue/workqueue.ts';

export interface WorkLoopOptions {
  handler: (key: string) => Promise<HandlerResult>;
  /** What the work is called in the loop's log lines (`<name> failed; will retry`); default `reconcile`. */
  name?: string;
  /** Keys worked on at the same time (default 1). */
  concurrency?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
  /** Told about keys given up on (TerminalError), after the loop has logged them. */
  onTerminalError?: (key: string, err: Error) => void;
  /** The program's metrics: the queue is reported under `name` (depth, adds, retries, wait). */
  metrics?: Metrics;
}

/** The keys an informer event asks for; `old` is the object before an update (absent on adds and deletes). */
export type EventKeys<T extends KubeObject = KubeObject> = (obj: T, old?: T) => Iterable<string>;

export class WorkLoop {
  readonly queue: WorkQueue;
  readonly #pool: WorkerPool;
  readonly #instruments: QueueInstruments | undefined;
  #started = false;

  constructor(options: WorkLoopOptions) {
    const log = options.logger ?? pino({ level: 'silent' });
    const name = options.name ?? 'reconcile';
    const failures = new FailureLog();
    this.#instruments = options.metrics?.queue(name, () => this.queue.length);
    this.queue = new WorkQueue({
      clock: options.clock ?? systemClock,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(this.#instruments ? { instruments: this.#instruments } : {}),
    });
    this.#pool = new WorkerPool({
      queue: this.queue,
      concurrency: options.concurrency ?? 1,
      handler: async (key) => {
        const result = await options.handler(key);
        failures.clear(key);
        return result;
      },
      onError: (key, err, retryInMs) => {
        if (failures.failed(key, err)) log.warn({ key, err, retryInMs }, `${name} failed; will retry`);
        else log.debug({ key, err, retryInMs }, `${name} failed again the same way; will retry`);
      },
      onTerminalError: (key, err) => {
        failures.clear(key);
        log.error({ key, err }, `${name} failed; not retrying`);
        options.onTerminalError?.(key, err);
      },
    });
  }

  /**
   * Enqueues the keys `keys` gives for every add, update and delete of the informer's objects. Events before `start`
   * (an informer's initial list) queue at low priority, so that keys asked for by later changes (a dependency that
   * became ready, a user's edit) are not stuck behind the whole list.
   */
  watch<T extends KubeObject>(informer: Informer<T>, keys: EventKeys<T>): void {
    const enqueue = (obj: T, old?: T): void => {
      const priority = this.#priority();
      for (const key of keys(obj, old)) this.queue.add(key, priority);
    };
    informer.on('add', (obj) => enqueue(obj));
    informer.on('update', enqueue);
    informer.on('delete', (obj) => enqueue(obj));
  }

  /** Enqueues a key, after `afterMs` if that is positive; before `start`, at once and as part of the initial list. */
  enqueue(key: string, afterMs = 0): void {
    if (afterMs <= 0) this.queue.add(key, this.#priority());
    else this.queue.addAfter(key, afterMs);
  }

  /** Keys queued before the workers start are the initial list: low priority. */
  #priority(): Priority {
    return this.#started ? 'normal' : 'low';
  }

  /** Starts the workers (keys enqueued before are worked on at once). */
  start(): void {
    this.#started = true;
    void this.#pool.start();
  }

  /** Stops taking new keys and resolves once the workers have exited; `drain` (default true) works off queued keys. */
  async stop(options: ShutdownOptions = {}): Promise<void> {
    await this.queue.shutdown(options);
    await this.#pool.finished;
    this.#instruments?.release();
  }

  metrics(): QueueMetricsSnapshot {
    return this.queue.metrics();
  }
}

export interface OneKeyLoopWork {
  key: string;
  /** What a pass is called in log lines. */
  name: string;
  run: () => Promise<HandlerResult>;
  backoff?: BackoffOptions;
}

export interface OneKeyLoopContext {
  clock: Clock;
  log: Logger;
  /** Informers whose every change calls for a pass. */
  watch?: readonly Informer[];
  /** The program's metrics (the loop's queue, under its name). */
  metrics?: Metrics;
}

/**
 * A work loop over one key: `trigger` asks for a pass, and so does every change the watched informers see; passes
 * never overlap, asks made during one bring one more, failures back off, and `stop` drops a pass not yet begun.
 */
export class OneKeyLoop {
  readonly #key: string;
  readonly #loop: WorkLoop;

  constructor(work: OneKeyLoopWork, context: OneKeyLoopContext) {
    const { key, name, run, backoff } = work;
    this.#key = key;
    this.#loop = new WorkLoop({
      name,
      handler: run,
      clock: context.clock,
      logger: context.log,
      ...(backoff ? { backoff } : {}),
      ...(context.metrics ? { metrics: context.metrics } : {}),
    });
    for (const informer of context.watch ?? []) this.#loop.watch(informer, () => [key]);
  }

  /** Starts the worker and asks for a first pass. */
  start(): void {
    this.#loop.start();
    this.trigger();
  }

  trigger(): void {
    this.#loop.enqueue(this.#key);
  }

  stop(): Promise<void> {
    return this.#loop.stop({ drain: false });
  }
}
