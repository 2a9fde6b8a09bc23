/**
 * Creating, converging and deleting the Kubernetes objects a reconciler derives from another (a SwitchLBRule's
 * headless Service, a VpcDns's Deployment and SwitchLBRule). `apply` writes only when a field we set differs from the
 * stored object: the desired object is compared as a subset (fields the server defaults, such as a Service's
 * `clusterIPs`, do not count), so a converged object is never written again. A replace keeps what we do not set
 * (other labels and annotations, server-set fields), and a conflict is left to the retry of the reconcile.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { isAlreadyExists } from './errors.ts';
import { deleteIfPresent, kubeRequest } from './request.ts';
import { apiVersionOf, kindCollectionPath, objectPath } from './resources.ts';
import type { ObjectRef } from './queue/keys.ts';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface ObjectApplier {
  /** Creates `desired`, or updates the stored object so that it contains every field `desired` sets. */
  apply(desired: KubeObject, current: KubeObject | undefined): Promise<ApplyOutcome>;
  /** Deletes the object; an absent one is not an error. */
  remove(ref: ObjectRef): Promise<void>;
}

/** Does `have` contain everything `want` sets (objects recursively, arrays element-wise and of equal length)? */
export function contains(have: unknown, want: unknown): boolean {
  if (want === undefined) return true;
  if (want === null || typeof want !== 'object') return have === want;
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => contains(have[i], w));
  }
  if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
  return Object.entries(want).every(([k, v]) => contains((have as Record<string, unknown>)[k], v));
}

/** `current` with `desired`'s fields laid over it: metadata maps merged, other top-level fields replaced. */
export function mergedForUpdate(current: KubeObject, desired: KubeObject): KubeObject {
  const { metadata, ...rest } = desired;
  const spec = rest['spec'];
  const currentSpec = current['spec'];
  return {
    ...current,
    ...rest,
    ...(spec && currentSpec && typeof spec === 'object' && typeof currentSpec === 'object'
      ? { spec: { ...currentSpec, ...spec } }
      : {}),
    metadata: {
      ...current.metadata,
      labels: { ...current.metadata.labels, ...metadata.labels },
      annotations: { ...current.metadata.annotations, ...metadata.annotations },
      ...(metadata.ownerReferences ? { ownerReferences: metadata.ownerReferences } : {}),
    },
  };
}

export function needsWrite(desired: KubeObject, current: KubeObject): boolean {
  const { metadata, ...rest } = desired;
  return (
    !contains(current.metadata.labels ?? {}, metadata.labels ?? {}) ||
    !contains(current.metadata.annotations ?? {}, metadata.annotations ?? {}) ||
    !contains(current, rest)
  );
}

export class KubeApplier implements ObjectApplier {
  readonly #kc: KubeConfig;
  writes = 0;

  constructor(kubeConfig: KubeConfig) {
    this.#kc = kubeConfig;
  }

  async apply(desired: KubeObject, current: KubeObject | undefined): Promise<ApplyOutcome> {
    const apiVersion = apiVersionOf(desired.kind);
    const namespace = desired.metadata.namespace;
    if (!current) {
      this.writes++;
      try {
        await kubeRequest(this.#kc, {
          method: 'POST',
          path: kindCollectionPath(desired.kind, namespace ?? 'default'),
          body: { ...desired, apiVersion },
        });
        return 'created';
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        current = await kubeRequest<KubeObject>(this.#kc, {
          method: 'GET',
          path: objectPath(desired.kind, desired.metadata.name ?? '', namespace),
        });
      }
    }
    if (!needsWrite(desired, current)) return 'unchanged';
    this.writes++;
    await kubeRequest(this.#kc, {
      method: 'PUT',
      path: objectPath(desired.kind, desired.metadata.name ?? '', namespace),
      body: { ...mergedForUpdate(current, desired), apiVersion },
    });
    return 'updated';
  }

  async remove(ref: ObjectRef): Promise<void> {
    this.writes++;
    await deleteIfPresent(this.#kc, ref);
  }
}
