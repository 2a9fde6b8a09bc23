/**
 * The informer contract, shaped like Kubernetes informers: a local cache of one kind, filled by list+watch (or by a
 * test), that tells subscribers about adds, updates and deletes. Subscribers (the controller manager) only enqueue keys;
 * reconcilers read the cache. `InformerCache` is the store and event fan-out that every implementation shares.
 * Cached objects are shared: never mutate what `get`/`list` return.
 */
import type { KubeObject } from '../api/types.ts';

export type InformerEvent = 'add' | 'update' | 'delete';
export type ObjectHandler<T> = (obj: T) => void;
export type UpdateHandler<T> = (obj: T, old: T) => void;

export interface Informer<T extends KubeObject = KubeObject> {
  /** The kind this informer caches (e.g. `Vpc`, `Pod`). */
  readonly kind: string;
  /** Lists and starts watching; resolves once the cache holds a full list (synced). */
  start(): Promise<void>;
  hasSynced(): boolean;
  /** Counts changes to the cache (every stored or removed object): an unchanged count means unchanged contents. */
  readonly version: number;
  /** Cached objects, all or those of one namespace. */
  list(namespace?: string): T[];
  get(name: string, namespace?: string): T | undefined;
  on(event: 'add' | 'delete', handler: ObjectHandler<T>): void;
  on(event: 'update', handler: UpdateHandler<T>): void;
  stop(): Promise<void>;
}

type AnyHandler<T> = (obj: T, old: T) => void;

/** Called when a subscriber throws; by default the error is rethrown outside the informer (an uncaught exception). */
export type HandlerErrorSink = (err: unknown, event: InformerEvent) => void;

const rethrow: HandlerErrorSink = (err) =>
  queueMicrotask(() => {
    throw err;
  });

/** A namespace → name → object store that emits informer events as it changes. */
export class InformerCache<T extends KubeObject> {
  readonly #objects = new Map<string, Map<string, T>>();
  readonly #handlers: Record<InformerEvent, AnyHandler<T>[]> = { add: [], update: [], delete: [] };
  readonly #onHandlerError: HandlerErrorSink;
  #version = 0;

  constructor(onHandlerError: HandlerErrorSink = rethrow) {
    this.#onHandlerError = onHandlerError;
  }

  /** Handlers are kept copy-on-write: an event goes to the handlers registered when it began, without a copy each. */
  on(event: InformerEvent, handler: AnyHandler<T>): void {
    this.#handlers[event] = [...this.#handlers[event], handler];
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(namespace ?? '')?.get(name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.#objects.get(namespace)?.values() ?? [])];
    const out: T[] = [];
    for (const byName of this.#objects.values()) for (const obj of byName.values()) out.push(obj);
    return out;
  }

  /** Incremented before each change is announced, so handlers and readers already see the new count. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    let n = 0;
    for (const byName of this.#objects.values()) n += byName.size;
    return n;
  }

  /** Adds or replaces an object; an update with the same non-empty resourceVersion is not an event. */
  upsert(obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    let byName = this.#objects.get(ns);
    if (!byName) this.#objects.set(ns, (byName = new Map<string, T>()));
    const old = byName.get(name);
    byName.set(name, obj);
    this.#version++;
    if (!old) this.#emit('add', obj, obj);
    else if (!sameVersion(old, obj)) this.#emit('update', obj, old);
  }

  /** Removes an object (the delete event carries the given final state, else the cached one). */
  remove(obj: Pick<KubeObject, 'metadata'>): void {
    const ns = obj.metadata.namespace ?? '';
    const byName = this.#objects.get(ns);
    const old = byName?.get(obj.metadata.name ?? '');
    if (!byName || !old) return;
    byName.delete(obj.metadata.name ?? '');
    if (byName.size === 0) this.#objects.delete(ns);
    this.#version++;
    const last = 'kind' in obj ? (obj as T) : old;
    this.#emit('delete', last, old);
  }

  /** Makes the cache hold exactly `objects` (a relist): deletes for the missing, then adds and updates. */
  replace(objects: readonly T[]): void {
    const keep = new Set(objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`));
    for (const old of this.list()) {
      if (!keep.has(`${old.metadata.namespace ?? ''}/${old.metadata.name ?? ''}`)) this.remove(old);
    }
    for (const obj of objects) this.upsert(obj);
  }

  #emit(event: InformerEvent, obj: T, old: T): void {
    for (const handler of this.#handlers[event]) {
      try {
        handler(obj, old);
      } catch (err) {
        this.#onHandlerError(err, event);
      }
    }
  }
}

function sameVersion(a: KubeObject, b: KubeObject): boolean {
  const rv = a.metadata.resourceVersion;
  return rv !== undefined && rv !== '' && rv === b.metadata.resourceVersion;
}
