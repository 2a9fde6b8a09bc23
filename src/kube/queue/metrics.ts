/**
 * Counters and latency summaries of the work queue, kept as plain numbers so benchmarks and tests read them with
 * `snapshot()`; a Prometheus exporter can render the same snapshot.
 */

/** Upper bounds (ms) of the latency histogram buckets; the last bucket is +Inf. */
export const latencyBucketsMs = [1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 60_000] as const;

export interface LatencySummary {
  count: number;
  sumMs: number;
  maxMs: number;
  /** Cumulative counts per `latencyBucketsMs` bound, then +Inf (= count). */
  buckets: number[];
}

export interface QueueMetricsSnapshot {
  /** Keys inserted into the queue (a key already queued is not counted again). */
  adds: number;
  /** Adds of a key that was already queued or waiting to be re-queued after processing (coalesced). */
  coalesced: number;
  /** Re-queues with backoff after an error. */
  retries: number;
  /** Keys ready and waiting for a worker. */
  depth: number;
  /** Keys being processed right now. */
  inFlight: number;
  /** Keys scheduled for later (requeue-after, backoff). */
  delayed: number;
  /** Reconciles finished, by outcome. */
  succeeded: number;
  failed: number;
  terminal: number;
  /** Time from insertion into the queue to a worker taking the key. */
  queueLatency: LatencySummary;
  /** Time a worker spent on a key. */
  processingLatency: LatencySummary;
}

export class Latency {
  #count = 0;
  #sum = 0;
  #max = 0;
  readonly #buckets = new Array<number>(latencyBucketsMs.length + 1).fill(0);

  observe(ms: number): void {
    this.#count++;
    this.#sum += ms;
    this.#max = Math.max(this.#max, ms);
    const i = latencyBucketsMs.findIndex((bound) => ms <= bound);
    this.#buckets[i === -1 ? latencyBucketsMs.length : i]!++;
  }

  snapshot(): LatencySummary {
    let running = 0;
    const buckets = this.#buckets.map((n) => (running += n));
    return { count: this.#count, sumMs: this.#sum, maxMs: this.#max, buckets };
  }
}

export class QueueCounters {
  adds = 0;
  coalesced = 0;
  retries = 0;
  succeeded = 0;
  failed = 0;
  terminal = 0;
  readonly queueLatency = new Latency();
  readonly processingLatency = new Latency();
}
