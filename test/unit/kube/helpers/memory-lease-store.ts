// An in-memory Lease with the API's optimistic concurrency (create conflicts if present, update conflicts on a stale
// resourceVersion), shared by several electors; each elector gets a view that can be cut off (partition) or hung.
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

export class LeaseView implements LeaseStore {
  readonly #lease: MemoryLease;
  readonly #name: string;
  /** Every call fails (a partitioned candidate). */
  down = false;
  /** Every call never answers. */
  hung = false;

  constructor(lease: MemoryLease, name: string) {
    this.#lease = lease;
    this.#name = name;
  }

  #gate(): Promise<void> {
    if (this.hung) return new Promise(() => {});
    if (this.down) return Promise.reject(new Error(`${this.#name}: connection refused`));
    return Promise.resolve();
  }

  async get(): Promise<StoredLease | undefined> {
    await this.#gate();
    return this.#lease.current && structuredClone(this.#lease.current);
  }
  async create(record: LeaseRecord): Promise<StoredLease> {
    await this.#gate();
    return this.#lease.write(this.#name, record, undefined);
  }
  async update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    await this.#gate();
    return this.#lease.write(this.#name, record, resourceVersion);
  }
}
