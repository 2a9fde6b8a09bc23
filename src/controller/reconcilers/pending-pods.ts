/**
 * The pods still waiting for their switch port: not routed (`ovn.kubernetes.io/routed` is not "true") and not gone
 * (deleting, finished or host-network). They are the only pods a Subnet or Namespace change can unblock, so those
 * watches ask this index instead of scanning every pod. Keyed by the subnet a pod's `logical_switch` annotation pins
 * it to, else by its namespace; kept current from the Pod informer's events (subscribe before the informer starts,
 * or the pods it already holds are read at construction).
 */
import type { KubeObject } from '../../api/types.ts';
import type { Informer } from '../../kube/informer.ts';
import { keyForObject } from '../../kube/queue/keys.ts';
import { ANNOTATION_ROUTED } from '../../api/annotations.ts';

import { pinnedSubnet } from './select-subnet.ts';

/** A pod that needs no port: absent, deleting, finished, or on the host network. */
export function podGone(pod: KubeObject | undefined): boolean {
  if (!pod || pod.metadata.deletionTimestamp) return true;
  const spec = pod['spec'] as { hostNetwork?: boolean } | undefined;
  const phase = (pod['status'] as { phase?: string } | undefined)?.phase;
  return spec?.hostNetwork === true || phase === 'Succeeded' || phase === 'Failed';
}

export const podPending = (pod: KubeObject): boolean =>
  !podGone(pod) && pod.metadata.annotations?.[ANNOTATION_ROUTED] !== 'true';

type Buckets = Map<string, Set<string>>;

export class PendingPods {
  readonly #byNamespace: Buckets = new Map();
  readonly #byPinned: Buckets = new Map();
  /** Where each pending pod's key is filed, so removal does not depend on the object handed to a handler. */
  readonly #filed = new Map<string, { buckets: Buckets; at: string }>();

  constructor(pods: Informer) {
    for (const pod of pods.list()) this.#file(pod);
    pods.on('add', (pod) => this.#file(pod));
    pods.on('update', (pod) => this.#file(pod));
    pods.on('delete', (pod) => this.#unfile(keyForObject(pod, 'Pod')));
  }

  get size(): number {
    return this.#filed.size;
  }

  /** Keys of pending pods pinned to the subnet by annotation. */
  pinnedTo(subnet: string): string[] {
    return [...(this.#byPinned.get(subnet) ?? [])];
  }

  /** Keys of the namespace's pending pods that no annotation pins. */
  inNamespace(namespace: string): string[] {
    return [...(this.#byNamespace.get(namespace) ?? [])];
  }

  /** Namespaces that have pending pods no annotation pins. */
  namespaces(): string[] {
    return [...this.#byNamespace.keys()];
  }

  #file(pod: KubeObject): void {
    const key = keyForObject(pod, 'Pod');
    this.#unfile(key);
    if (!podPending(pod)) return;
    const pinned = pinnedSubnet(pod);
    const buckets = pinned ? this.#byPinned : this.#byNamespace;
    const at = pinned ?? pod.metadata.namespace ?? '';
    let bucket = buckets.get(at);
    if (!bucket) buckets.set(at, (bucket = new Set()));
    bucket.add(key);
    this.#filed.set(key, { buckets, at });
  }

  #unfile(key: string): void {
    const filed = this.#filed.get(key);
    if (!filed) return;
    this.#filed.delete(key);
    const bucket = filed.buckets.get(filed.at);
    bucket?.delete(key);
    if (bucket?.size === 0) filed.buckets.delete(filed.at);
  }
}
