/**
 * Exponential backoff for reconnects: `initialMs`, then times `factor` per consecutive failure, capped at `maxMs`,
 * with optional jitter drawn from an injected random source (so tests get exact sequences). `reset()` after a
 * successful (re)sync starts the sequence over.
 */
import { systemRandom, type Random } from '../util/random.ts';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Fraction of each delay to randomise, 0..1 (default 0: exact). The delay becomes d * (1 - jitter * random()). */
  jitter?: number;
  random?: Random;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly #jitter: number;
  readonly #random: Random;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 8000;
    this.factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 0;
    this.#random = options.random ?? systemRandom;
    if (!(this.initialMs > 0) || this.maxMs < this.initialMs || this.factor < 1) {
      throw new RangeError('backoff: need 0 < initialMs <= maxMs and factor >= 1');
    }
    if (this.#jitter < 0 || this.#jitter > 1) throw new RangeError('backoff: jitter must be within 0..1');
  }

  /** Consecutive failures so far. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; advances the sequence. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.#attempt);
    this.#attempt++;
    return this.#jitter === 0 ? base : Math.round(base * (1 - this.#jitter * this.#random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
