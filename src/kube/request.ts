/**
 * Requests over a client-node `KubeConfig` (controller writes, the lab, the agents): one shared `KubeClient`
 * (client.ts) per `KubeConfig`, the same `KubeRequest` as every other caller, with a 30 s default timeout; and
 * `deleteIfPresent`, a delete for which an object already gone is not an error.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, endpointOf, type KubeRequest } from './client.ts';
import { isNotFound } from './errors.ts';
import { objectPath } from './resources.ts';
import type { ObjectRef } from './queue/keys.ts';

const clients = new WeakMap<KubeConfig, KubeClient>();

export function kubeRequest<T = unknown>(kc: KubeConfig, request: KubeRequest): Promise<T> {
  let client = clients.get(kc);
  if (!client) {
    client = new KubeClient(endpointOf(kc));
    clients.set(kc, client);
  }
  return client.request<T>({ timeoutMs: 30_000, ...request });
}

/** Deletes the object; one already gone is not an error. */
export async function deleteIfPresent(kc: KubeConfig, ref: ObjectRef): Promise<void> {
  try {
    await kubeRequest(kc, { method: 'DELETE', path: objectPath(ref.kind, ref.name, ref.namespace) });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
