/**
 * The `ObjectWriter` over a Kubernetes API server (the embedded one or a real cluster): annotations, finalizers and
 * status as JSON merge patches (status through the status subresource), creates that treat AlreadyExists as done,
 * and Events recorded as `kube-ovn-controller` would (events.ts). A patch on an object that is already gone is not
 * an error: the reconcile that follows its deletion event is the one that matters.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { isAlreadyExists, isNotFound } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deleteIfPresent, kubeRequest } from './request.ts';
import { apiVersionOf, kindCollectionPath, objectPath } from './resources.ts';
import type { ObjectRef } from './queue/keys.ts';
import type { EventRecord, ObjectWriter } from './writer.ts';

export const EVENT_SOURCE = 'kube-ovn-controller';

export class KubeObjectWriter implements ObjectWriter {
  readonly #kc: KubeConfig;
  readonly #events: EventRecorder;
  writes = 0;

  constructor(kubeConfig: KubeConfig, clock: Clock = systemClock) {
    this.#kc = kubeConfig;
    this.#events = new EventRecorder({
      source: { component: EVENT_SOURCE },
      clock,
      send: (request) => kubeRequest(kubeConfig, request),
    });
  }

  async create(obj: KubeObject): Promise<'created' | 'exists'> {
    const body = { ...obj, apiVersion: apiVersionOf(obj.kind) };
    this.writes++;
    try {
      await kubeRequest(this.#kc, {
        method: 'POST',
        path: kindCollectionPath(obj.kind, obj.metadata.namespace ?? 'default'),
        body,
      });
      return 'created';
    } catch (err) {
      if (isAlreadyExists(err)) return 'exists';
      throw err;
    }
  }

  patchAnnotations(ref: ObjectRef, annotations: Readonly<Record<string, string | null>>): Promise<void> {
    return this.#patch(ref, undefined, { metadata: { annotations } });
  }

  patchLabels(ref: ObjectRef, labels: Readonly<Record<string, string | null>>): Promise<void> {
    return this.#patch(ref, undefined, { metadata: { labels } });
  }

  async update(obj: KubeObject): Promise<void> {
    this.writes++;
    await kubeRequest(this.#kc, {
      method: 'PUT',
      path: objectPath(obj.kind, obj.metadata.name ?? '', obj.metadata.namespace),
      body: { ...obj, apiVersion: apiVersionOf(obj.kind) },
    });
  }

  async remove(ref: ObjectRef): Promise<void> {
    this.writes++;
    await deleteIfPresent(this.#kc, ref);
  }

  setFinalizers(ref: ObjectRef, finalizers: readonly string[]): Promise<void> {
    return this.#patch(ref, undefined, { metadata: { finalizers } });
  }

  patchStatus(ref: ObjectRef, status: Readonly<Record<string, unknown>>): Promise<void> {
    return this.#patch(ref, 'status', { status });
  }

  async event(ref: ObjectRef, event: EventRecord): Promise<void> {
    this.writes++;
    const involved = {
      apiVersion: apiVersionOf(ref.kind),
      kind: ref.kind,
      name: ref.name,
      namespace: ref.namespace,
    };
    await this.#events.record(involved, event);
  }

  async #patch(ref: ObjectRef, subresource: string | undefined, body: unknown): Promise<void> {
    this.writes++;
    try {
      await kubeRequest(this.#kc, {
        method: 'PATCH',
        path: objectPath(ref.kind, ref.name, ref.namespace, subresource),
        body,
        patch: 'merge',
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
