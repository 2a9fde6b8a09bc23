/**
 * An `ObjectWriter` over in-memory informers: each write copies the cached object, changes it, bumps its
 * resourceVersion and stores it back, firing the informer events a watch would. `delete` behaves like the API server
 * (a deletionTimestamp while finalizers remain; gone once the last finalizer is removed). Counts writes and keeps
 * Events, so tests can assert that a converged controller writes nothing. For tests and until an API server is used.
 */
import type { KubeObject } from '../../src/api/types.ts';
import type { Clock } from '../../src/util/clock.ts';
import type { InMemoryInformer } from './informer-memory.ts';
import type { ObjectRef } from '../../src/kube/queue/keys.ts';
import {
  changesFinalizers,
  finalizersAfter,
  refOf,
  type EventRecord,
  type FinalizerChange,
  type FinalizerOutcome,
  type ObjectWriter,
} from '../../src/kube/writer.ts';

export class MemoryObjectWriter implements ObjectWriter {
  readonly #informers = new Map<string, InMemoryInformer>();
  readonly #clock: Clock;
  readonly events: (EventRecord & { ref: ObjectRef })[] = [];
  writes = 0;
  #version = 1000;

  constructor(informers: Iterable<InMemoryInformer>, clock: Clock) {
    for (const informer of informers) this.#informers.set(informer.kind, informer);
    this.#clock = clock;
  }

  create(obj: KubeObject): Promise<'created' | 'exists'> {
    const informer = this.#informer(obj.kind);
    if (informer.get(obj.metadata.name ?? '', obj.metadata.namespace)) return Promise.resolve('exists');
    this.writes++;
    informer.set({
      ...obj,
      metadata: {
        ...obj.metadata,
        resourceVersion: this.#nextVersion(),
        creationTimestamp: new Date(this.#clock.now()).toISOString(),
      },
    });
    return Promise.resolve('created');
  }

  patchAnnotations(ref: ObjectRef, annotations: Readonly<Record<string, string | null>>): Promise<void> {
    return this.#update(ref, (obj) => {
      const next = { ...obj.metadata.annotations };
      for (const [k, v] of Object.entries(annotations)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      obj.metadata.annotations = next;
    });
  }

  patchLabels(ref: ObjectRef, labels: Readonly<Record<string, string | null>>): Promise<void> {
    return this.#update(ref, (obj) => {
      const next = { ...obj.metadata.labels };
      for (const [k, v] of Object.entries(labels)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      obj.metadata.labels = next;
    });
  }

  update(obj: KubeObject): Promise<void> {
    return this.#update(refOf(obj), (copy) => {
      const { metadata, ...rest } = structuredClone(obj);
      Object.assign(copy, rest);
      copy.metadata = {
        ...copy.metadata,
        labels: metadata.labels ?? {},
        annotations: metadata.annotations ?? {},
      };
    });
  }

  remove(ref: ObjectRef): Promise<void> {
    if (this.#informer(ref.kind).get(ref.name, ref.namespace)) this.writes++;
    this.delete(ref);
    return Promise.resolve();
  }

  /** Applies the change to the stored object (not to `obj`, which may be an older copy), as the API writer ends up. */
  async updateFinalizers(obj: KubeObject, change: FinalizerChange): Promise<FinalizerOutcome> {
    const ref = refOf(obj);
    const stored = this.#informer(ref.kind).get(ref.name, ref.namespace);
    if (!stored) return 'gone';
    if (!changesFinalizers(stored, change)) return 'unchanged';
    await this.#update(ref, (copy) => {
      copy.metadata.finalizers = finalizersAfter(stored.metadata.finalizers ?? [], change);
    });
    return 'updated';
  }

  patchStatus(ref: ObjectRef, status: Readonly<Record<string, unknown>>): Promise<void> {
    return this.#update(ref, (obj) => {
      obj['status'] = { ...(obj['status'] as object | undefined), ...structuredClone(status) };
    });
  }

  event(ref: ObjectRef, event: EventRecord): Promise<void> {
    this.events.push({ ...event, ref });
    return Promise.resolve();
  }

  /** Deletes as the API server does: marks the object while finalizers remain, removes it otherwise. */
  delete(ref: ObjectRef): void {
    const informer = this.#informer(ref.kind);
    const obj = informer.get(ref.name, ref.namespace);
    if (!obj) return;
    if (!(obj.metadata.finalizers ?? []).length) {
      informer.delete(ref.name, ref.namespace);
      return;
    }
    if (obj.metadata.deletionTimestamp) return;
    const copy = structuredClone(obj);
    copy.metadata.deletionTimestamp = new Date(this.#clock.now()).toISOString();
    copy.metadata.resourceVersion = this.#nextVersion();
    informer.set(copy);
  }

  #update(ref: ObjectRef, change: (obj: KubeObject) => void): Promise<void> {
    const informer = this.#informer(ref.kind);
    const obj = informer.get(ref.name, ref.namespace);
    if (!obj) return Promise.reject(new Error(`${ref.kind} ${ref.namespace ?? ''}/${ref.name} not found`));
    // `change` replaces whole fields of the object or its metadata: the new version shares the rest, already frozen.
    const copy: KubeObject = { ...obj, metadata: { ...obj.metadata } };
    change(copy);
    this.writes++;
    if (copy.metadata.deletionTimestamp && !(copy.metadata.finalizers ?? []).length) {
      informer.delete(ref.name, ref.namespace);
      return Promise.resolve();
    }
    copy.metadata.resourceVersion = this.#nextVersion();
    informer.adopt(copy);
    return Promise.resolve();
  }

  #nextVersion(): string {
    return String(++this.#version);
  }

  #informer(kind: string): InMemoryInformer {
    const informer = this.#informers.get(kind);
    if (!informer) throw new Error(`MemoryObjectWriter: no informer for kind ${kind}`);
    return informer;
  }
}
