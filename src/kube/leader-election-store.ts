/**
 * Where a leader-election Lease lives: the `LeaseStore` contract (read, create, optimistic update by
 * resourceVersion) and its implementation over the Kubernetes API, a coordination.k8s.io/v1 Lease read and written
 * with client-node's CoordinationV1Api. A 409 answer becomes `LeaseConflictError`: someone else wrote first.
 */
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';

export interface LeaseRecord {
  /** '' when released. */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** RFC 3339 with microseconds, as the API stores MicroTime. */
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** Someone else wrote the lease first (409 Conflict / AlreadyExists). */
export class LeaseConflictError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LeaseConflictError';
  }
}

export interface LeaseStore {
  get(): Promise<StoredLease | undefined>;
  /** Throws LeaseConflictError if the lease exists. */
  create(record: LeaseRecord): Promise<StoredLease>;
  /** Throws LeaseConflictError if the lease changed since `resourceVersion`. */
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
}

export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** A LeaseStore over the Kubernetes API (`coordination.k8s.io/v1` Lease `namespace/name`). */
export class KubeLeaseStore implements LeaseStore {
  readonly #api: CoordinationV1Api;
  readonly #name: string;
  readonly #namespace: string;

  constructor(kubeConfig: KubeConfig, namespace: string, name: string) {
    this.#api = kubeConfig.makeApiClient(CoordinationV1Api);
    this.#namespace = namespace;
    this.#name = name;
  }

  async get(): Promise<StoredLease | undefined> {
    try {
      return toStored(await this.#api.readNamespacedLease({ name: this.#name, namespace: this.#namespace }));
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw new Error(`get lease ${this.#namespace}/${this.#name}`, { cause: err });
    }
  }

  async create(record: LeaseRecord): Promise<StoredLease> {
    return this.#write('create', () =>
      this.#api.createNamespacedLease({ namespace: this.#namespace, body: this.#body(record) }),
    );
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    const body = this.#body(record, resourceVersion);
    return this.#write('update', () =>
      this.#api.replaceNamespacedLease({ name: this.#name, namespace: this.#namespace, body }),
    );
  }

  async #write(verb: string, call: () => Promise<V1Lease>): Promise<StoredLease> {
    try {
      return toStored(await call());
    } catch (err) {
      const what = `${verb} lease ${this.#namespace}/${this.#name}`;
      if (statusOf(err) === 409) throw new LeaseConflictError(`${what}: conflict`, { cause: err });
      throw new Error(what, { cause: err });
    }
  }

  #body(r: LeaseRecord, resourceVersion?: string): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.#name,
        namespace: this.#namespace,
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: {
        holderIdentity: r.holderIdentity,
        leaseDurationSeconds: r.leaseDurationSeconds,
        ...(r.acquireTime ? { acquireTime: new V1MicroTime(r.acquireTime) } : {}),
        ...(r.renewTime ? { renewTime: new V1MicroTime(r.renewTime) } : {}),
        leaseTransitions: r.leaseTransitions,
      },
    };
  }
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function timeText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : '';
}

function toStored(lease: V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: timeText(spec.acquireTime),
      renewTime: timeText(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}
