/**
 * Our side of the echo keepalive (RFC 7047 §4.1.11 "echo"): after `intervalMs` without receiving anything, ask the
 * caller to send an echo; if nothing at all arrives within `timeoutMs` after that, declare the peer dead. Any
 * received message counts as life (as in OVS's reconnect FSM), so a busy connection never probes. Time comes from
 * the injected clock; the session owns the sending and the closing.
 */
import type { Clock, TimerId } from '../util/clock.ts';

export interface KeepaliveOptions {
  clock: Clock;
  intervalMs: number;
  /** Wait this long for any traffic after a probe (default: `intervalMs`). */
  timeoutMs?: number;
  sendProbe: () => void;
  onDead: (silentMs: number) => void;
}

export class Keepalive {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #sendProbe: () => void;
  readonly #onDead: (silentMs: number) => void;
  #timer: TimerId | undefined;
  #lastActivity = 0;
  #activityCount = 0;
  /** Activity count when the outstanding probe was sent. */
  #probe: { at: number; count: number } | undefined;
  #running = false;

  constructor(options: KeepaliveOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError('keepalive interval must be positive');
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs;
    this.#timeoutMs = options.timeoutMs ?? options.intervalMs;
    this.#sendProbe = options.sendProbe;
    this.#onDead = options.onDead;
  }

  start(): void {
    this.#running = true;
    this.#lastActivity = this.#clock.now();
    this.#arm(this.#intervalMs);
  }

  stop(): void {
    this.#running = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Call for every message received. */
  activity(): void {
    this.#lastActivity = this.#clock.now();
    this.#activityCount++;
  }

  #arm(ms: number): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => this.#tick(), Math.max(1, ms));
  }

  #tick(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    const now = this.#clock.now();
    if (this.#probe && this.#activityCount !== this.#probe.count) this.#probe = undefined;
    if (this.#probe === undefined) {
      const idle = now - this.#lastActivity;
      if (idle < this.#intervalMs) {
        this.#arm(this.#intervalMs - idle);
        return;
      }
      this.#probe = { at: now, count: this.#activityCount };
      this.#arm(this.#timeoutMs);
      this.#sendProbe();
      return;
    }
    const waited = now - this.#probe.at;
    if (waited < this.#timeoutMs) {
      this.#arm(this.#timeoutMs - waited);
      return;
    }
    this.stop();
    this.#onDead(now - this.#lastActivity);
  }
}
