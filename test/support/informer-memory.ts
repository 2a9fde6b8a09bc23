/**
 * An informer whose cache a test fills by hand: `set`, `delete` and `replace` change the cache and fire the same
 * events a list+watch would, synchronously. Like a real informer, it is empty until `start`, which "lists" what was
 * set before (firing adds), so handlers registered before `start` see every object. For unit tests of reconcilers and of the manager; it is a cache, not an
 * API server stand-in. Objects are deep-copied and frozen on the way in, so a reconciler that mutates the cache fails.
 */
import type { KubeObject } from '../../src/api/types.ts';
import {
  InformerCache,
  type HandlerErrorSink,
  type Informer,
  type ObjectHandler,
  type UpdateHandler,
} from '../../src/kube/informer.ts';

export interface InMemoryInformerOptions<T extends KubeObject> {
  kind: string;
  objects?: readonly T[];
  onHandlerError?: HandlerErrorSink;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A frozen deep copy of plain data, in one pass: what `deepFreeze(structuredClone(value))` gives for the objects
 * informers hold (JSON-like: objects, arrays, primitives), without structuredClone's per-call cost. Anything else
 * (a Date, a Map) is left to structuredClone.
 */
function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return deepFreeze(structuredClone(value));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = frozenCopy((value as Record<string, unknown>)[key]);
  return Object.freeze(out) as T;
}

function stagingKey(name: string | undefined, namespace: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

export class InMemoryInformer<T extends KubeObject = KubeObject> implements Informer<T> {
  readonly kind: string;
  readonly #cache: InformerCache<T>;
  /** Objects set before `start`, delivered by it. */
  readonly #staged = new Map<string, T>();
  #synced = false;

  constructor(options: InMemoryInformerOptions<T>) {
    this.kind = options.kind;
    this.#cache = new InformerCache<T>(options.onHandlerError);
    for (const obj of options.objects ?? []) this.set(obj);
  }

  start(): Promise<void> {
    if (!this.#synced) {
      this.#synced = true;
      this.#cache.replace([...this.#staged.values()]);
      this.#staged.clear();
    }
    return Promise.resolve();
  }
  hasSynced(): boolean {
    return this.#synced;
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  get version(): number {
    return this.#cache.version;
  }
  list(namespace?: string): T[] {
    return this.#cache.list(namespace);
  }
  get(name: string, namespace?: string): T | undefined {
    return this.#cache.get(name, namespace);
  }
  on(event: 'add' | 'delete', handler: ObjectHandler<T>): void;
  on(event: 'update', handler: UpdateHandler<T>): void;
  on(event: 'add' | 'update' | 'delete', handler: UpdateHandler<T>): void {
    this.#cache.on(event, handler);
  }

  /** Adds or updates an object (fires add or update); stores a frozen deep copy. */
  set(obj: T): T {
    return this.adopt(frozenCopy(obj));
  }

  /**
   * Like `set`, but stores `obj` itself, frozen, without copying: for a caller that built it fresh and keeps no
   * reference (the in-memory writer, whose new versions share their unchanged, already frozen parts).
   */
  adopt(obj: T): T {
    if (obj.kind !== this.kind) throw new Error(`informer for ${this.kind} given a ${obj.kind}`);
    const stored = deepFreeze(obj);
    if (this.#synced) this.#cache.upsert(stored);
    else this.#staged.set(stagingKey(stored.metadata.name, stored.metadata.namespace), stored);
    return stored;
  }
  /** Removes an object (fires delete if it was cached). */
  delete(name: string, namespace?: string): void {
    const meta = namespace === undefined ? { name } : { name, namespace };
    if (this.#synced) this.#cache.remove({ metadata: meta });
    else this.#staged.delete(stagingKey(name, namespace));
  }
  /** Replaces the whole cache, as a relist would. */
  replace(objects: readonly T[]): void {
    const copies = objects.map((o) => frozenCopy(o));
    if (this.#synced) this.#cache.replace(copies);
    else {
      this.#staged.clear();
      for (const o of copies) this.#staged.set(stagingKey(o.metadata.name, o.metadata.namespace), o);
    }
  }
}
