/**
 * What the client checks around each call it sends: a `Deadline` per call on the injected clock (waiting for a ready
 * connection and the round trip share one budget), how errors name a transaction (`describeTransaction`), and
 * whether a transaction planned from the cache at one generation may still be sent (`planRefusal`: only on the
 * connection whose monitors filled that cache). Pure apart from reading the clock.
 */
import type { Clock } from '../util/clock.ts';
import { DeadlineExceededError, NotConnectedError, StalePlanError } from './errors.ts';
import type { Operation } from './operations.ts';

/** `transact (3 ops: Logical_Switch_Port, Logical_Switch)`: the count and the tables, each once, in order. */
export function describeTransaction(ops: readonly Operation[]): string {
  const tables = [...new Set(ops.flatMap((op) => ('table' in op ? [op.table] : [])))];
  const count = `${ops.length} op${ops.length === 1 ? '' : 's'}`;
  return `transact (${tables.length ? `${count}: ${tables.join(', ')}` : count})`;
}

/**
 * The refusal for a transaction planned at cache generation `planned`, given the ready connection's generation
 * (`undefined` while disconnected); `undefined` when it may be sent.
 */
export function planRefusal(
  database: string,
  call: string,
  planned: number,
  current: number | undefined,
): NotConnectedError | StalePlanError | undefined {
  if (current === undefined) return new NotConnectedError(database, call);
  if (current !== planned) return new StalePlanError(database, call, planned, current);
  return undefined;
}

/** One call's time budget, started when the call was made. */
export class Deadline {
  readonly timeoutMs: number;
  readonly #clock: Clock;
  readonly #start: number;

  constructor(clock: Clock, timeoutMs: number) {
    if (!(timeoutMs > 0)) throw new RangeError(`OVSDB: a call deadline must be positive, got ${timeoutMs}`);
    this.#clock = clock;
    this.timeoutMs = timeoutMs;
    this.#start = clock.now();
  }

  get elapsedMs(): number {
    return this.#clock.now() - this.#start;
  }

  /** Time left, at least 1 ms (a timer of 0 would fire before a reply that is already in could be read). */
  get remainingMs(): number {
    return Math.max(1, this.timeoutMs - this.elapsedMs);
  }

  get expired(): boolean {
    return this.elapsedMs >= this.timeoutMs;
  }

  /** The error for this deadline: `connected` false while waiting for a connection, true while waiting for a reply. */
  error(database: string, call: string, connected: boolean, cause?: unknown): DeadlineExceededError {
    const what = { database, call, timeoutMs: this.timeoutMs, elapsedMs: this.elapsedMs, connected };
    return new DeadlineExceededError(what, cause === undefined ? undefined : { cause });
  }
}
