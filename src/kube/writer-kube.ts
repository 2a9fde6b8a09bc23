/**
 * The `ObjectWriter` over a Kubernetes API server (the embedded one or a real cluster): annotations, finalizers and
 * status as JSON merge patches (status through the status subresource), creates that treat AlreadyExists as done,
 * and Events recorded as `kube-ovn-controller` would. A patch on an object that is already gone is not an error:
 * the reconcile that follows its deletion event is the one that matters.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { deleteIfPresent, isAlreadyExists, isNotFound, kubeRequest } from './request.ts';
import { apiVersionOf, kindCollectionPath, objectPath } from './resources.ts';
import type { ObjectRef } from './queue/keys.ts';
import type { EventRecord, ObjectWriter } from './writer.ts';

export const EVENT_SOURCE = 'kube-ovn-controller';

export class KubeObjectWriter implements ObjectWriter {
  readonly #kc: KubeConfig;
  readonly #clock: Clock;
  writes = 0;

  constructor(kubeConfig: KubeConfig, clock: Clock = systemClock) {
    this.#kc = kubeConfig;
    this.#clock = clock;
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
    const namespace = ref.namespace ?? 'default';
    const now = new Date(this.#clock.now()).toISOString();
    this.writes++;
    await kubeRequest(this.#kc, {
      method: 'POST',
      path: kindCollectionPath('Event', namespace),
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${ref.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: {
          apiVersion: apiVersionOf(ref.kind),
          kind: ref.kind,
          name: ref.name,
          ...(ref.namespace ? { namespace: ref.namespace } : {}),
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component: EVENT_SOURCE },
        reportingComponent: EVENT_SOURCE,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
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
