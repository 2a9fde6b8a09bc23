/**
 * Where a leader-election Lease lives: the `LeaseStore` contract (read, create, optimistic update by
 * resourceVersion) and its implementation over the Kubernetes API, a coordination.k8s.io/v1 Lease read and written
 * as JSON through the shared request (request.ts), its times as MicroTime strings. A 409 answer (AlreadyExists on
 * create, Conflict on update) becomes `LeaseConflictError`: someone else wrote first.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeRequest } from './client.ts';
import { isAlreadyExists, isConflict, isNotFound } from './errors.ts';
import { kubeRequest } from './request.ts';
import { kindCollectionPath, objectPath } from './resources.ts';

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

/** A LeaseStore over the Kubernetes API (`coordination.k8s.io/v1` Lease `namespace/name`). */
export class KubeLeaseStore implements LeaseStore {
  readonly #kc: KubeConfig;
  readonly #name: string;
  readonly #namespace: string;

  constructor(kubeConfig: KubeConfig, namespace: string, name: string) {
    this.#kc = kubeConfig;
    this.#namespace = namespace;
    this.#name = name;
  }

  async get(): Promise<StoredLease | undefined> {
    try {
      return toStored(await this.#request({ method: 'GET', path: this.#path() }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new Error(`get lease ${this.#namespace}/${this.#name}`, { cause: err });
    }
  }

  async create(record: LeaseRecord): Promise<StoredLease> {
    const path = kindCollectionPath('Lease', this.#namespace);
    return this.#write('create', { method: 'POST', path, body: this.#body(record) });
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    return this.#write('update', {
      method: 'PUT',
      path: this.#path(),
      body: this.#body(record, resourceVersion),
    });
  }

  #path(): string {
    return objectPath('Lease', this.#name, this.#namespace);
  }

  #request(request: KubeRequest): Promise<Lease> {
    return kubeRequest<Lease>(this.#kc, request);
  }

  async #write(verb: string, request: KubeRequest): Promise<StoredLease> {
    try {
      return toStored(await this.#request(request));
    } catch (err) {
      const what = `${verb} lease ${this.#namespace}/${this.#name}`;
      if (isAlreadyExists(err) || isConflict(err))
        throw new LeaseConflictError(`${what}: conflict`, { cause: err });
      throw new Error(what, { cause: err });
    }
  }

  #body(r: LeaseRecord, resourceVersion?: string): Lease {
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
        ...(r.acquireTime ? { acquireTime: r.acquireTime } : {}),
        ...(r.renewTime ? { renewTime: r.renewTime } : {}),
        leaseTransitions: r.leaseTransitions,
      },
    };
  }
}

/** The parts of a coordination.k8s.io/v1 Lease this store reads and writes. */
interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

function toStored(lease: Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: spec.acquireTime ?? '',
      renewTime: spec.renewTime ?? '',
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}
