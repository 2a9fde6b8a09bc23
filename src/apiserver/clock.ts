/**
 * The API server's view of time: the wall clock (timestamps, ages) and timers (watch timeouts, bookmarks,
 * background garbage collection). Injected everywhere so tests can drive time; nothing else in the server
 * calls Date.now or setTimeout.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn after ms milliseconds (0 = on a later turn of the event loop). */
  setTimer(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = ms <= 0 ? setImmediate(fn) : setTimeout(fn, ms);
    return {
      cancel: () => {
        if (ms <= 0) clearImmediate(handle as NodeJS.Immediate);
        else clearTimeout(handle as NodeJS.Timeout);
      },
    };
  },
};

/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
