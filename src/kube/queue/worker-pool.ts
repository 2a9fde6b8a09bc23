/**
 * N workers draining one WorkQueue: each takes a key, runs the handler, and settles the key from the outcome
 * (controller-runtime's reconcileHandler): success forgets the key's backoff; `{ requeueAfterMs }` forgets it and
 * re-adds the key after that delay; an error re-adds it with backoff; a `TerminalError` is reported and not retried.
 * Concurrency is bounded by the number of workers, and the queue guarantees one key is never processed twice at once.
 * Each worker gives the event loop a turn between keys, so I/O completions are not starved by keys that need none.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { isTerminalError } from './errors.ts';
import type { WorkQueue } from './workqueue.ts';

/** Runs a reporting callback; a throwing reporter must not kill the worker that called it. */
function report(callback: () => void): void {
  try {
    callback();
  } catch {
    // Reporting is best effort; the key's outcome is already settled.
  }
}

/** What a handler returns: nothing (done), or a request to look again after a delay (ignored unless > 0). */
export type HandlerResult = { requeueAfterMs?: number } | void;

export interface WorkerPoolOptions {
  queue: WorkQueue;
  /** Number of workers (at least 1). */
  concurrency: number;
  handler: (key: string) => Promise<HandlerResult>;
  /** Called after a failure, with the delay before the retry. */
  onError?: (key: string, err: unknown, retryInMs: number) => void;
  /** Called after a `TerminalError` (not retried). */
  onTerminalError?: (key: string, err: Error) => void;
}

export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  #running: Promise<void> | undefined;

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`worker pool: concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.#options = options;
  }

  /** Starts the workers; the returned promise (also `finished`) resolves when they have all exited. */
  start(): Promise<void> {
    this.#running ??= Promise.all(Array.from({ length: this.#options.concurrency }, () => this.#work())).then(
      () => {},
    );
    return this.#running;
  }

  /** Resolves when all workers have exited (after the queue was shut down). */
  get finished(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #work(): Promise<void> {
    const { queue } = this.#options;
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await this.#process(key);
      } finally {
        queue.done(key);
      }
      // A key that needed no I/O finishes within one microtask run; without this turn, a run of such keys would keep
      // socket replies and timers waiting until the queue is empty.
      await nextMacrotask();
    }
  }

  async #process(key: string): Promise<void> {
    const { queue, handler, onError, onTerminalError } = this.#options;
    let result: HandlerResult;
    try {
      result = await handler(key);
    } catch (err) {
      if (isTerminalError(err)) {
        queue.forget(key);
        queue.recordOutcome('terminal');
        report(() => onTerminalError?.(key, err));
        return;
      }
      queue.recordOutcome('failed');
      const delay = queue.addRateLimited(key);
      report(() => onError?.(key, err, delay));
      return;
    }
    queue.recordOutcome('succeeded');
    queue.forget(key);
    const after = result?.requeueAfterMs;
    if (after !== undefined && after > 0) queue.addAfter(key, after);
  }
}
