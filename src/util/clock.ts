/**
 * The one clock of the codebase. Everything that reads the time or waits (queue backoff, requeue-after, informer
 * reconnects, leader-election renewals) takes a `Clock`, so tests drive time with `FakeClock` instead of sleeping.
 * Only this module calls `Date.now`, `setTimeout` and `clearTimeout`.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';

declare const timerBrand: unique symbol;
/** Opaque handle returned by `Clock.setTimeout`. */
export type TimerId = { readonly [timerBrand]: true };

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId | undefined): void;
  /** Resolves after `ms`; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(id);
      reject(signal?.reason as Error);
    };
    const id = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wall-clock time and Node's timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerId {
    return setTimeout(fn, Math.max(0, ms)) as unknown as TimerId;
  }
  clearTimeout(id: TimerId | undefined): void {
    if (id !== undefined) clearTimeout(id as unknown as NodeJS.Timeout);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

export const systemClock: Clock = new SystemClock();

interface FakeTimer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * Manual time for tests. Timers fire only from `advance`/`advanceAsync`, in order of due time (ties in the order they
 * were set); a timer set while advancing fires in the same call if it falls due within the advanced window.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: FakeTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): TimerId {
    const timer = { id: this.#nextId++, due: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return timer.id as unknown as TimerId;
  }
  clearTimeout(id: TimerId | undefined): void {
    this.#timers = this.#timers.filter((t) => t.id !== (id as unknown as number));
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
  /** Number of timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }
  /** Due time of the earliest pending timer. */
  nextDue(): number | undefined {
    return this.#next()?.due;
  }
  /** Moves time forward by `ms`, firing due timers synchronously. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let t = this.#next(); t && t.due <= end; t = this.#next()) this.#fire(t);
    this.#now = end;
  }
  /**
   * Like `advance`, but lets promise continuations run before and after each timer, so async code woken by a timer
   * (a worker, a retry loop) gets to its next step before time moves on.
   */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.#now + ms;
    await this.flush();
    for (let t = this.#next(); t && t.due <= end; t = this.#next()) {
      this.#fire(t);
      await this.flush();
    }
    this.#now = end;
    await this.flush();
  }
  /** Lets pending promise continuations and I/O callbacks run (a few macrotask turns; time does not move). */
  async flush(turns = 5): Promise<void> {
    for (let i = 0; i < turns; i++) await nextMacrotask();
  }

  #next(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers)
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }
  #fire(t: FakeTimer): void {
    this.#timers = this.#timers.filter((x) => x !== t);
    this.#now = Math.max(this.#now, t.due);
    t.fn();
  }
}
