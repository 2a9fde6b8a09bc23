/**
 * Leader election through a coordination.k8s.io/v1 Lease (client-go's leaderelection, LeaseLock): candidates
 * acquire the lease when it is free, released, or not renewed for leaseDurationSeconds as *observed locally* (no
 * trust in other machines' clocks); the leader renews every retryPeriod and gives up if it cannot renew within
 * renewDeadline; every write is optimistic on resourceVersion, so two candidates never both win. On stop, the leader
 * first stops its work (`onStoppedLeading`) and then releases the lease, so the next leader never overlaps it. The
 * release runs only after every store call of ours in flight has settled (a renewal that reached the API server
 * cannot land after it), reads the Lease afresh, frees it only if we still hold it, and reads again on a conflict. Each
 * stage of the step-down has a deadline (the work: leaseDuration, after which the lease has expired anyway; the
 * release: renewDeadline) whose passing is reported as a `LeaderElectionTimeout`. A stopped elector writes nothing
 * but that release.
 */
import { systemClock, type Clock } from '../util/clock.ts';
import type { Metrics } from '../util/metrics/registry.ts';
import { systemRandom, type Random } from '../util/random.ts';
import { microTime } from '../util/time.ts';
import {
  LeaseConflictError,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from './leader-election-store.ts';

export { KubeLeaseStore, LeaseConflictError } from './leader-election-store.ts';
export type { LeaseRecord, LeaseStore, StoredLease } from './leader-election-store.ts';

export interface LeaderElectorOptions {
  store: LeaseStore;
  identity: string;
  clock?: Clock;
  /** How long a lease is valid without renewal; default 15 s (Kube-OVN's and client-go's default). */
  leaseDurationSeconds?: number;
  /** The leader gives up if it cannot renew for this long; default 10 s. */
  renewDeadlineMs?: number;
  /** Time between attempts; default 2 s. */
  retryPeriodMs?: number;
  /** In [0, 1): spreads acquire attempts over retryPeriod * (1 + 1.2 * random()). Default `systemRandom`. */
  random?: Random;
  /** Called when this candidate becomes leader; `signal` aborts when leadership ends. */
  onStartedLeading?: (signal: AbortSignal) => void;
  /** Called when leadership ends (lost or stopped), before the lease is released; awaited. Callback errors go to onError. */
  onStoppedLeading?: () => void | Promise<void>;
  /** Called whenever a different holder is observed. */
  onNewLeader?: (identity: string) => void;
  /** Store failures (retried). */
  onError?: (err: unknown) => void;
  /** The program's metrics: `kovn_leader_election_status{lease}` is 1 while this candidate leads. */
  metrics?: { metrics: Metrics; lease: string };
}

const JITTER = 1.2;
/** Reads-and-writes a release tries when someone else keeps writing the lease in between. */
const RELEASE_TRIES = 5;

/** A stage of the step-down (stopping the work, releasing the lease) that did not finish within its deadline. */
export class LeaderElectionTimeout extends Error {
  constructor(message: string) {
    super(`leader election: ${message}`);
    this.name = 'LeaderElectionTimeout';
  }
}

export class LeaderElector {
  readonly identity: string;
  readonly #o: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  #observed: StoredLease | undefined;
  #observedAt = 0;
  #leader = '';
  #leading: AbortController | undefined;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  /** Store attempts not settled yet (one may outlive the deadline it was given); the release waits for them. */
  readonly #inFlight = new Set<Promise<boolean>>();

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.identity = options.identity;
    this.#clock = options.clock ?? systemClock;
    this.#leaseMs = (options.leaseDurationSeconds ?? 15) * 1000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryMs = options.retryPeriodMs ?? 2_000;
    if (!options.identity) throw new Error('leader election: identity must not be empty');
    if (!Number.isInteger(options.leaseDurationSeconds ?? 15))
      throw new Error('leader election: leaseDurationSeconds must be an integer');
    if (this.#leaseMs <= this.#renewDeadlineMs)
      throw new Error('leader election: leaseDuration must exceed renewDeadline');
    if (this.#renewDeadlineMs <= JITTER * this.#retryMs)
      throw new Error('leader election: renewDeadline must exceed 1.2 * retryPeriod');
    options.metrics?.metrics.leader(options.metrics.lease, () => this.isLeader());
  }

  isLeader(): boolean {
    return this.#leading !== undefined;
  }
  /** The holder last observed ('' if none). */
  get leader(): string {
    return this.#leader;
  }

  /** Campaigns until elected, leads until the lease is lost or `stop` is called; resolves then. Runs once. */
  run(): Promise<void> {
    this.#running ??= this.#run();
    return this.#running;
  }

  /**
   * Stops campaigning or leading: ends the work (`onStoppedLeading`), then releases a held lease. Returns within
   * leaseDuration + renewDeadline even if the work or the store hangs (reported to onError as LeaderElectionTimeout).
   */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted && !(await this.#within(this.#attempt(), this.#renewDeadlineMs))) {
      await this.#sleep(this.#retryMs * (1 + JITTER * (this.#o.random ?? systemRandom)()));
    }
    if (stop.aborted) return;
    this.#leading = new AbortController();
    const leading = this.#leading.signal;
    this.#callback(() => this.#o.onStartedLeading?.(leading));
    let lastRenew = this.#clock.now();
    while (!stop.aborted) {
      await this.#sleep(this.#retryMs);
      if (stop.aborted) break;
      const renewed = await this.#renewBy(lastRenew + this.#renewDeadlineMs);
      if (!renewed) break;
      lastRenew = this.#clock.now();
    }
    await this.#stepDown();
  }

  /** Ends the work, then (if stopped rather than lost) releases the lease; each within its deadline. */
  async #stepDown(): Promise<void> {
    this.#leading?.abort();
    this.#leading = undefined;
    const timedOut = (what: string): void => this.#o.onError?.(new LeaderElectionTimeout(what));
    if (!(await this.#within(this.#stopWork(), this.#leaseMs, false))) {
      return timedOut(
        `the work did not stop within ${this.#leaseMs} ms (onStoppedLeading); the lease is not released while it may still run`,
      );
    }
    if (!this.#stop.signal.aborted) return;
    if (!(await this.#within(this.#release(), this.#renewDeadlineMs, false))) {
      timedOut(
        `releasing the lease did not finish within ${this.#renewDeadlineMs} ms; it expires on its own ${this.#leaseMs / 1000} s after its last renewal`,
      );
    }
  }

  async #stopWork(): Promise<true> {
    try {
      await this.#o.onStoppedLeading?.();
    } catch (err) {
      this.#o.onError?.(err);
    }
    return true;
  }

  /** Retries renewal every retryPeriod until it succeeds or the deadline passes (a hung attempt counts as failed). */
  async #renewBy(deadline: number): Promise<boolean> {
    while (!this.#stop.signal.aborted) {
      const left = deadline - this.#clock.now();
      if (left <= 0) return false;
      if (await this.#within(this.#attempt(), left)) return true;
      const after = deadline - this.#clock.now();
      if (after <= 0) return false;
      await this.#sleep(Math.min(this.#retryMs, after));
    }
    return false;
  }

  /**
   * `attempt`'s answer, or false once `ms` pass (or, if `stoppable`, once the elector is stopped) without one. A
   * write that lands after we gave up only makes the lease look held by us until it expires: safe, never a split.
   */
  #within(attempt: Promise<boolean | void>, ms: number, stoppable = true): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (ok: boolean): void => {
        this.#clock.clearTimeout(timer);
        this.#stop.signal.removeEventListener('abort', onStop);
        resolve(ok);
      };
      const onStop = (): void => settle(false);
      const timer = this.#clock.setTimeout(() => settle(false), ms);
      if (stoppable) this.#stop.signal.addEventListener('abort', onStop, { once: true });
      attempt.then(
        (ok) => settle(ok === true),
        () => settle(false),
      );
    });
  }

  #callback(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#o.onError?.(err);
    }
  }

  /** One acquire-or-renew, remembered while it is in flight. */
  #attempt(): Promise<boolean> {
    const attempt = this.#tryAcquireOrRenew();
    this.#inFlight.add(attempt);
    void attempt.then(() => this.#inFlight.delete(attempt));
    return attempt;
  }

  /** Never rejects: store failures go to onError (conflicts are expected and silent) and count as not holding. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = this.#clock.now();
    const mine: LeaseRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.#leaseMs / 1000,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      const current = await this.#o.store.get();
      if (this.#stop.signal.aborted) return false;
      if (!current) return this.#wrote(await this.#o.store.create(mine));
      this.#observe(current, now);
      const old = current.record;
      const heldByOther = old.holderIdentity !== '' && old.holderIdentity !== this.identity;
      if (heldByOther && this.#observedAt + old.leaseDurationSeconds * 1000 > now) return false;
      if (old.holderIdentity === this.identity) {
        mine.acquireTime = old.acquireTime;
        mine.leaseTransitions = old.leaseTransitions;
      } else {
        mine.leaseTransitions = old.leaseTransitions + 1;
      }
      return this.#wrote(await this.#o.store.update(mine, current.resourceVersion));
    } catch (err) {
      if (!(err instanceof LeaseConflictError)) this.#o.onError?.(err);
      return false;
    }
  }

  #wrote(lease: StoredLease): true {
    this.#observe(lease, this.#clock.now());
    return true;
  }

  /** Remembers the lease and when it was last seen to change (the clock that expiry is measured on). */
  #observe(lease: StoredLease, now: number): void {
    if (this.#observed?.resourceVersion !== lease.resourceVersion) {
      this.#observed = lease;
      this.#observedAt = now;
    }
    const holder = lease.record.holderIdentity;
    if (holder !== this.#leader) {
      this.#leader = holder;
      if (holder !== '') this.#callback(() => this.#o.onNewLeader?.(holder));
    }
  }

  /**
   * Frees the lease if it is still ours: once every attempt in flight has settled, on a fresh read, and again on a
   * conflict (someone wrote in between). Resolves true when done, whatever the outcome; failures go to onError.
   */
  async #release(): Promise<boolean> {
    await Promise.all(this.#inFlight);
    for (let tries = 1; ; tries++) {
      try {
        const current = await this.#o.store.get();
        if (current?.record.holderIdentity !== this.identity) return true;
        const now = microTime(this.#clock.now());
        const released = {
          ...current.record,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
        };
        this.#observe(await this.#o.store.update(released, current.resourceVersion), this.#clock.now());
        return true;
      } catch (err) {
        if (err instanceof LeaseConflictError && tries < RELEASE_TRIES) continue;
        this.#o.onError?.(err);
        return true;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return this.#clock.sleep(ms, this.#stop.signal).catch(() => {});
  }
}
