/**
 * One JSON request to the Kubernetes API server a client-node `KubeConfig` names, through the shared client
 * (src/kube/client.ts), for the controller's writes and the lab: the patch dialect by name, and the checks callers
 * need on its `ApiStatusError` (NotFound, AlreadyExists).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, PATCH_MERGE, PATCH_STRATEGIC, endpointOf } from './client.ts';
import { ApiStatusError } from './errors.ts';
import { objectPath } from './resources.ts';
import type { ObjectRef } from './queue/keys.ts';

export type PatchType = 'merge' | 'json' | 'strategic';

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: PATCH_MERGE,
  json: 'application/json-patch+json',
  strategic: PATCH_STRATEGIC,
};

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** For PATCH: how the body is to be applied (default merge). */
  patch?: PatchType;
  timeoutMs?: number;
}

const clients = new WeakMap<KubeConfig, KubeClient>();

export function kubeRequest<T = unknown>(kc: KubeConfig, request: KubeRequest): Promise<T> {
  let client = clients.get(kc);
  if (!client) {
    client = new KubeClient(endpointOf(kc));
    clients.set(kc, client);
  }
  return client.request<T>({
    method: request.method,
    path: request.path,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.method === 'PATCH' ? { contentType: CONTENT_TYPES[request.patch ?? 'merge'] } : {}),
    timeoutMs: request.timeoutMs ?? 30_000,
  });
}

export const isNotFound = (err: unknown): boolean => err instanceof ApiStatusError && err.code === 404;

/** Deletes the object; one already gone is not an error. */
export async function deleteIfPresent(kc: KubeConfig, ref: ObjectRef): Promise<void> {
  try {
    await kubeRequest(kc, { method: 'DELETE', path: objectPath(ref.kind, ref.name, ref.namespace) });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
export const isAlreadyExists = (err: unknown): boolean =>
  err instanceof ApiStatusError && err.code === 409 && err.reason === 'AlreadyExists';
