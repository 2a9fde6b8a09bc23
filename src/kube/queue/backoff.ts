/**
 * Per-key exponential failure backoff (client-go's ItemExponentialFailureRateLimiter): the n-th consecutive failure
 * of a key waits base * 2^(n-1), capped at max. `forget` resets a key after a success. The defaults, 1 s to 20 s, are
 * Kube-OVN's custom-CRD retry delays (`--custom-crd-retry-min-delay`, `--custom-crd-retry-max-delay`).
 */

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

export const defaultBackoff = { baseMs: 1_000, maxMs: 20_000 } as const;

export class ExponentialBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly #failures = new Map<string, number>();

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? defaultBackoff.baseMs;
    this.maxMs = options.maxMs ?? defaultBackoff.maxMs;
    if (!(this.baseMs > 0) || !(this.maxMs >= this.baseMs)) {
      throw new Error(`backoff: need 0 < baseMs <= maxMs, got baseMs=${this.baseMs} maxMs=${this.maxMs}`);
    }
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  next(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    // 2^n overflows to Infinity for large n, which min() caps correctly.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  /** Consecutive failures recorded for `key`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }
}
