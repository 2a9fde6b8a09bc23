/**
 * The `ObjectWriter` over a Kubernetes API server (the embedded one or a real cluster): annotations, labels and
 * status as JSON merge patches by key (status through the status subresource), creates that treat AlreadyExists as
 * done, and Events recorded as `kube-ovn-controller` would (events.ts). A patch on an object that is already gone is
 * not an error: the reconcile that follows its deletion event is the one that matters.
 *
 * Finalizers are a list, which a merge patch replaces whole, so a finalizer change is a merge patch that carries the
 * resourceVersion it was computed from (controller-runtime's MergeFromWithOptimisticLock): a newer object is a 409
 * Conflict, answered by reading the object again, re-applying the change to its list and writing again, a bounded
 * number of times (the pauses on the injected clock). A JSON patch `test` would do the same, but its failure is a 422
 * that other rejections share (no new finalizer on a deleting object), where a 409 Conflict means only "newer".
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { isAlreadyExists, isConflict, isNotFound } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deleteIfPresent, kubeRequest } from './request.ts';
import { apiVersionOf, kindCollectionPath, objectPath } from './resources.ts';
import type { ObjectRef } from './queue/keys.ts';
import {
  changesFinalizers,
  finalizersAfter,
  refOf,
  type EventRecord,
  type FinalizerChange,
  type FinalizerOutcome,
  type ObjectWriter,
} from './writer.ts';

export const EVENT_SOURCE = 'kube-ovn-controller';

/** Finalizer writes tried against newer and newer versions before giving up, and the pause before each re-read. */
export const FINALIZER_ATTEMPTS = 5;
const FINALIZER_RETRY_MS = 20;

export class KubeObjectWriter implements ObjectWriter {
  readonly #kc: KubeConfig;
  readonly #events: EventRecorder;
  readonly #clock: Clock;
  writes = 0;

  constructor(kubeConfig: KubeConfig, clock: Clock = systemClock) {
    this.#kc = kubeConfig;
    this.#clock = clock;
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

  async updateFinalizers(obj: KubeObject, change: FinalizerChange): Promise<FinalizerOutcome> {
    const ref = refOf(obj);
    // Without a resourceVersion there is no precondition to write against: read the stored object first.
    let seen = obj.metadata.resourceVersion ? obj : await this.#read(ref);
    for (let attempt = 1; seen; attempt++) {
      if (!changesFinalizers(seen, change)) return 'unchanged';
      const finalizers = finalizersAfter(seen.metadata.finalizers ?? [], change);
      const { resourceVersion } = seen.metadata;
      this.writes++;
      try {
        await kubeRequest(this.#kc, {
          method: 'PATCH',
          path: objectPath(ref.kind, ref.name, ref.namespace),
          body: { metadata: { resourceVersion, finalizers } },
          patch: 'merge',
        });
        return 'updated';
      } catch (err) {
        if (isNotFound(err)) return 'gone';
        if (!isConflict(err)) throw err;
        if (attempt >= FINALIZER_ATTEMPTS) throw finalizerConflict(ref, change, attempt, err);
      }
      await this.#clock.sleep(FINALIZER_RETRY_MS * attempt);
      seen = await this.#read(ref);
    }
    return 'gone';
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

  async #read(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await kubeRequest<KubeObject>(this.#kc, {
        method: 'GET',
        path: objectPath(ref.kind, ref.name, ref.namespace),
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
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

function finalizerConflict(ref: ObjectRef, change: FinalizerChange, attempts: number, cause: unknown): Error {
  const where = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  const what = `add ${JSON.stringify(change.add ?? [])}, remove ${JSON.stringify(change.remove ?? [])}`;
  return new Error(
    `${ref.kind} ${where}: finalizers not updated (${what}): ${attempts} writes in a row found a newer version`,
    { cause },
  );
}
