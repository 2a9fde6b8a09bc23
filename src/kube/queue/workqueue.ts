/**
 * The shared work queue (client-go/controller-runtime semantics), keyed by string (`Kind/namespace/name`):
 * - a key is queued at most once; adding a queued key is a no-op (coalescing);
 * - a key is never handed to two workers at once: adding a key while it is processed marks it dirty, and `done`
 *   queues it again;
 * - `addAfter` delays a key (the earliest pending deadline per key wins); `addRateLimited` delays it by the key's
 *   exponential backoff and `forget` resets that backoff;
 * - two priorities (controller-runtime's priority queue, narrowed): a key added `low` (an informer's initial list, a
 *   resync of everything) waits behind every `normal` key; adding a queued low key as normal moves it forward. FIFO
 *   within a priority.
 * - `shutdown` stops accepting keys and resolves once in-flight work is done (and, with `drain`, queued work too).
 * Workers take keys with `get()` and must call `done(key)`; see worker-pool.ts for the loop that does.
 */
import { systemClock, type Clock, type TimerId } from '../../util/clock.ts';
import { ExponentialBackoff, type BackoffOptions } from './backoff.ts';
import type { QueueInstruments } from '../../util/metrics/registry.ts';
import { QueueCounters, type QueueMetricsSnapshot } from './metrics.ts';

export interface WorkQueueOptions {
  clock?: Clock;
  backoff?: BackoffOptions;
  /** The program's Prometheus instruments for this queue (adds, retries, wait). */
  instruments?: QueueInstruments;
}

/** How soon a key is handed out: every `normal` key before any `low` one. */
export type Priority = 'normal' | 'low';

/** A queued key: when and at which priority it was queued. */
interface Entry {
  key: string;
  queuedAt: number;
  priority: Priority;
}

/**
 * Entries in FIFO order from `#head` on; an entry no longer current for its key (taken, or moved to the other
 * priority) is skipped by the queue. An array with a moving head: a Map taken from the front slows down with its
 * deleted slots.
 */
class Fifo {
  #entries: Entry[] = [];
  #head = 0;

  push(entry: Entry): void {
    this.#entries.push(entry);
  }

  shift(): Entry | undefined {
    if (this.#head >= this.#entries.length) return undefined;
    const entry = this.#entries[this.#head++]!;
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }

  clear(): void {
    this.#entries = [];
    this.#head = 0;
  }
}

export interface ShutdownOptions {
  /** Process the keys already queued before finishing (default true); otherwise only in-flight keys finish. */
  drain?: boolean;
}

export class WorkQueue {
  readonly #clock: Clock;
  readonly #backoff: ExponentialBackoff;
  readonly #counters = new QueueCounters();
  readonly #instruments: QueueInstruments | undefined;
  /** Ready keys: each key's current entry. */
  readonly #queued = new Map<string, Entry>();
  readonly #normal = new Fifo();
  readonly #low = new Fifo();
  /** Keys handed to a worker, with the time they were taken. */
  readonly #processing = new Map<string, number>();
  /** Keys added while being processed, with the priority `done` queues them at. */
  readonly #dirty = new Map<string, Priority>();
  readonly #delayed = new Map<string, { readyAt: number; timer: TimerId }>();
  readonly #getters: ((key: string | undefined) => void)[] = [];
  #shuttingDown = false;
  #drain = true;
  readonly #idleWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#backoff = new ExponentialBackoff(options.backoff);
    this.#instruments = options.instruments;
  }

  /** Queues `key` (default priority `normal`); a queued `low` key added as `normal` moves forward, keeping its age. */
  add(key: string, priority: Priority = 'normal'): void {
    if (this.#shuttingDown) return;
    const queued = this.#queued.get(key);
    const dirty = this.#dirty.get(key);
    if (queued || dirty) {
      this.#counters.coalesced++;
      if (priority === 'normal' && queued?.priority === 'low') this.#enqueue(key, 'normal', queued.queuedAt);
      if (priority === 'normal' && dirty === 'low') this.#dirty.set(key, 'normal');
      return;
    }
    this.#counters.adds++;
    this.#instruments?.added();
    if (this.#processing.has(key)) {
      this.#dirty.set(key, priority);
      return;
    }
    this.#enqueue(key, priority, this.#clock.now());
  }

  /** Adds `key` after `ms` (immediately if `ms <= 0`). An earlier pending deadline for the key is kept. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.#clock.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    this.#clock.clearTimeout(pending?.timer);
    const timer = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { readyAt, timer });
  }

  /** Re-adds `key` after its next backoff delay; returns that delay. */
  addRateLimited(key: string): number {
    const delay = this.#backoff.next(key);
    if (this.#shuttingDown) return delay;
    this.#counters.retries++;
    this.#instruments?.retried();
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the backoff of `key` (call after it was processed successfully). */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /** Consecutive failures of `key` since the last `forget`. */
  numRequeues(key: string): number {
    return this.#backoff.failures(key);
  }

  /** Next key to process; `undefined` once the queue is shut down (and, when draining, empty). */
  get(): Promise<string | undefined> {
    if (this.#queued.size > 0 && (!this.#shuttingDown || this.#drain)) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `key` as processed; a key re-added meanwhile is queued again. */
  done(key: string): void {
    const started = this.#processing.get(key);
    if (started === undefined) return;
    this.#processing.delete(key);
    this.#counters.processingLatency.observe(this.#clock.now() - started);
    const dirty = this.#dirty.get(key);
    if (dirty) {
      this.#dirty.delete(key);
      this.#enqueue(key, dirty, this.#clock.now());
    }
    this.#checkIdle();
  }

  /** Stops accepting keys and cancels delayed ones; resolves when workers have nothing left to do. */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.#shuttingDown = true;
    this.#drain = options.drain ?? true;
    for (const { timer } of this.#delayed.values()) this.#clock.clearTimeout(timer);
    this.#delayed.clear();
    if (!this.#drain) {
      this.#queued.clear();
      this.#normal.clear();
      this.#low.clear();
      this.#dirty.clear();
    }
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#checkIdle();
    });
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Ready keys (not counting in-flight or delayed ones). */
  get length(): number {
    return this.#queued.size;
  }

  metrics(): QueueMetricsSnapshot {
    const c = this.#counters;
    return {
      adds: c.adds,
      coalesced: c.coalesced,
      retries: c.retries,
      depth: this.#queued.size,
      inFlight: this.#processing.size,
      delayed: this.#delayed.size,
      succeeded: c.succeeded,
      failed: c.failed,
      terminal: c.terminal,
      queueLatency: c.queueLatency.snapshot(),
      processingLatency: c.processingLatency.snapshot(),
    };
  }

  /** Outcome counters, written by the worker pool. */
  recordOutcome(outcome: 'succeeded' | 'failed' | 'terminal'): void {
    this.#counters[outcome]++;
  }

  /** Makes a new entry current for `key` (an older one, at the other priority, is then skipped). */
  #enqueue(key: string, priority: Priority, queuedAt: number): void {
    const entry: Entry = { key, queuedAt, priority };
    this.#queued.set(key, entry);
    (priority === 'normal' ? this.#normal : this.#low).push(entry);
    const getter = this.#getters.shift();
    if (getter) getter(this.#take());
  }

  /** The oldest current entry, normal ones first. */
  #next(): Entry | undefined {
    return this.#current(this.#normal) ?? this.#current(this.#low);
  }

  #current(fifo: Fifo): Entry | undefined {
    for (let entry = fifo.shift(); entry; entry = fifo.shift()) {
      if (this.#queued.get(entry.key) === entry) return entry;
    }
    return undefined;
  }

  #take(): string | undefined {
    const entry = this.#next();
    if (!entry) return undefined;
    const { key, queuedAt } = entry;
    this.#queued.delete(key);
    const now = this.#clock.now();
    this.#counters.queueLatency.observe(now - queuedAt);
    this.#instruments?.waited(now - queuedAt);
    this.#processing.set(key, now);
    return key;
  }

  #checkIdle(): void {
    if (!this.#shuttingDown || this.#processing.size > 0) return;
    if (this.#drain && this.#queued.size > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
  }
}
