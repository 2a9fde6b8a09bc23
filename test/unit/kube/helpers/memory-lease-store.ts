// An in-memory Lease with the API's optimistic concurrency (create conflicts if present, update conflicts on a stale
// resourceVersion), shared by several electors; each elector gets a view that can be cut off (partition) or hung, whose
// next call's answer can be held back after the store served it (a reply still on the wire), and whose next update can
// be preceded by someone else's write (the resourceVersion bumped between a read and a write).
import {
  LeaseConflictError,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from '../../../../src/kube/leader-election.ts';

export class MemoryLease {
  current: StoredLease | undefined;
  #rv = 0;
  readonly writes: { by: string; record: LeaseRecord }[] = [];

  view(name: string): LeaseView {
    return new LeaseView(this, name);
  }

  write(by: string, record: LeaseRecord, expectRv: string | undefined): StoredLease {
    if (expectRv === undefined && this.current) throw new LeaseConflictError('lease already exists');
    if (expectRv !== undefined && this.current?.resourceVersion !== expectRv)
      throw new LeaseConflictError('stale resourceVersion');
    this.current = { record: { ...record }, resourceVersion: String(++this.#rv) };
    this.writes.push({ by, record: { ...record } });
    return structuredClone(this.current);
  }
}

type Operation = 'get' | 'create' | 'update';

/** A call whose answer is held back: `served` once the store has served it, `letGo()` delivers the answer. */
export interface HeldAnswer {
  readonly served: Promise<void>;
  letGo(): void;
}

export class LeaseView implements LeaseStore {
  readonly #lease: MemoryLease;
  readonly #name: string;
  /** Every call fails (a partitioned candidate). */
  down = false;
  /** Every call never answers. */
  hung = false;
  /** Runs once, just before the next update is served. */
  beforeNextUpdate: (() => void) | undefined;
  readonly #held = new Map<Operation, { served: () => void; answer: Promise<void> }>();

  constructor(lease: MemoryLease, name: string) {
    this.#lease = lease;
    this.#name = name;
  }

  /** The next `op` is served at once, but its answer (or error) reaches the caller only on `letGo()`. */
  holdNextAnswer(op: Operation): HeldAnswer {
    let served!: () => void;
    let letGo!: () => void;
    const servedPromise = new Promise<void>((resolve) => (served = resolve));
    this.#held.set(op, { served, answer: new Promise<void>((resolve) => (letGo = resolve)) });
    return { served: servedPromise, letGo };
  }

  #gate(): Promise<void> {
    if (this.hung) return new Promise(() => {});
    if (this.down) return Promise.reject(new Error(`${this.#name}: connection refused`));
    return Promise.resolve();
  }

  async #serve<T>(op: Operation, serve: () => T): Promise<T> {
    await this.#gate();
    const held = this.#held.get(op);
    this.#held.delete(op);
    let result: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      result = { ok: true, value: serve() };
    } catch (error) {
      result = { ok: false, error };
    }
    if (held) {
      held.served();
      await held.answer;
    }
    if (!result.ok) throw result.error;
    return result.value;
  }

  get(): Promise<StoredLease | undefined> {
    return this.#serve('get', () => this.#lease.current && structuredClone(this.#lease.current));
  }
  create(record: LeaseRecord): Promise<StoredLease> {
    return this.#serve('create', () => this.#lease.write(this.#name, record, undefined));
  }
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    return this.#serve('update', () => {
      const before = this.beforeNextUpdate;
      this.beforeNextUpdate = undefined;
      before?.();
      return this.#lease.write(this.#name, record, resourceVersion);
    });
  }
}
