/**
 * The garbage collector and namespace finalizer, run in-process after commits: dependents of a deleted owner
 * are deleted (or lose the dangling ownerReference if another owner is alive); an owner deleted in the
 * Foreground waits (finalizer `foregroundDeletion`) until its blocking dependents are gone; Orphan strips
 * ownerReferences then drops the `orphan` finalizer; a Terminating namespace deletes its content and is removed
 * once empty. Work is keyed and de-duplicated, retried with backoff, and rebuilt from the store at start.
 */
import type { KubeObject } from '../api/types.ts';
import type { TimerId } from '../util/clock.ts';
import { isObject } from './patch.ts';
import type { Core } from './rest/core.ts';
import { deleteObject, type Propagation } from './rest/delete.ts';
import type { ServedResource } from './resources/served.ts';
import type { StoredEvent } from './store/store.ts';

type Task = `owner:${string}` | `foreground:${string}` | `orphan:${string}` | `namespace:${string}`;

function refKey(resource: string, namespace: string, name: string): string {
  return `${resource}|${namespace}|${name}`;
}

export class GarbageCollector {
  private readonly core: Core;
  private readonly queue = new Set<Task>();
  private readonly failures = new Map<Task, number>();
  private timer: TimerId | undefined;
  private readonly retries = new Set<TimerId>();
  private closed = false;

  constructor(core: Core) {
    this.core = core;
    core.onCommit((events) => this.observe(events));
  }

  /** Queues work left over from before a restart. */
  recover(): void {
    for (const uid of this.core.store.danglingOwners()) this.enqueue(`owner:${uid}`);
    for (const ref of this.core.store.deletingObjects()) {
      const object = this.core.store.get(ref.resource, ref.namespace, ref.name);
      if (object) this.observeObject(ref.resource, object);
    }
  }

  close(): void {
    this.closed = true;
    this.core.clock.clearTimeout(this.timer);
    for (const t of this.retries) this.core.clock.clearTimeout(t);
    this.retries.clear();
  }

  /** True when no work is queued (for tests and shutdown). */
  idle(): boolean {
    return this.queue.size === 0 && this.retries.size === 0;
  }

  private observe(events: readonly StoredEvent[]): void {
    for (const event of events) {
      const meta = event.object.metadata;
      if (event.type === 'DELETED') {
        if (meta.uid) this.enqueue(`owner:${meta.uid}`);
        for (const ref of meta.ownerReferences ?? []) {
          const owner = this.core.store.findUid(ref.uid);
          if (owner) this.enqueue(`foreground:${refKey(owner.resource, owner.namespace, owner.name)}`);
        }
        if (event.namespace) {
          const ns = this.core.store.get('/namespaces', '', event.namespace);
          if (ns?.metadata.deletionTimestamp) this.enqueue(`namespace:${event.namespace}`);
        }
      } else {
        this.observeObject(event.resource, event.object);
      }
    }
  }

  private observeObject(resource: string, object: KubeObject): void {
    const meta = object.metadata;
    if (!meta.deletionTimestamp) return;
    const key = refKey(resource, meta.namespace ?? '', meta.name ?? '');
    if (meta.finalizers?.includes('foregroundDeletion')) this.enqueue(`foreground:${key}`);
    if (meta.finalizers?.includes('orphan')) this.enqueue(`orphan:${key}`);
    if (object.kind === 'Namespace') this.enqueue(`namespace:${meta.name ?? ''}`);
  }

  private enqueue(task: Task): void {
    if (this.closed) return;
    this.queue.add(task);
    this.timer ??= this.core.clock.setTimeout(() => this.drain(), 0);
  }

  private drain(): void {
    this.timer = undefined;
    const tasks = [...this.queue];
    this.queue.clear();
    for (const task of tasks) {
      if (this.closed) return;
      try {
        this.run(task);
        this.failures.delete(task);
      } catch (error) {
        const n = (this.failures.get(task) ?? 0) + 1;
        this.failures.set(task, n);
        const delay = Math.min(30_000, 250 * 2 ** Math.min(n, 7));
        this.core.log.warn({ err: error, task, retryInMs: delay }, 'garbage collection step failed');
        const timer = this.core.clock.setTimeout(() => {
          this.retries.delete(timer);
          this.enqueue(task);
        }, delay);
        this.retries.add(timer);
      }
    }
  }

  private run(task: Task): void {
    const [kind, rest] = [task.slice(0, task.indexOf(':')), task.slice(task.indexOf(':') + 1)];
    if (kind === 'owner') this.ownerGone(rest);
    else if (kind === 'namespace') this.finalizeNamespace(rest);
    else {
      const [resource = '', namespace = '', name = ''] = rest.split('|');
      const r = this.core.resourceForKey(resource);
      const object = this.core.store.get(resource, namespace, name);
      if (!r || !object?.metadata.deletionTimestamp) return;
      if (kind === 'foreground') this.foreground(r, object);
      else this.orphan(r, object);
    }
  }

  private dependents(uid: string): Array<{ r: ServedResource; object: KubeObject }> {
    const out: Array<{ r: ServedResource; object: KubeObject }> = [];
    for (const ref of this.core.store.dependents(uid)) {
      const r = this.core.resourceForKey(ref.resource);
      const object = this.core.store.get(ref.resource, ref.namespace, ref.name);
      if (r && object) out.push({ r, object });
    }
    return out;
  }

  private remove(r: ServedResource, object: KubeObject, policy: Propagation): void {
    if (object.metadata.deletionTimestamp && policy === 'Background') return;
    deleteObject(this.core, r, object.metadata.namespace ?? '', object.metadata.name ?? '', {
      propagationPolicy: policy,
      dryRun: false,
    });
  }

  private rewrite(r: ServedResource, old: KubeObject, change: (next: KubeObject) => void): void {
    const next = structuredClone(old);
    change(next);
    const done =
      next.metadata.deletionTimestamp !== undefined &&
      !(next.metadata.finalizers ?? []).length &&
      !nsFinalizers(next).length;
    this.core.commit([{ type: done ? 'DELETED' : 'MODIFIED', resource: r.key, object: next, prev: old }]);
  }

  private ownerGone(uid: string): void {
    if (this.core.store.findUid(uid)) return;
    for (const { r, object } of this.dependents(uid)) {
      const refs = object.metadata.ownerReferences ?? [];
      const alive = refs.some((ref) => ref.uid !== uid && this.core.store.findUid(ref.uid));
      if (alive) {
        this.rewrite(r, object, (next) => {
          next.metadata.ownerReferences = refs.filter((ref) => ref.uid !== uid);
        });
      } else {
        this.remove(r, object, 'Background');
      }
    }
  }

  private foreground(r: ServedResource, owner: KubeObject): void {
    if (!owner.metadata.finalizers?.includes('foregroundDeletion')) return;
    const uid = owner.metadata.uid ?? '';
    let blocking = 0;
    for (const dep of this.dependents(uid)) {
      if (!dep.object.metadata.deletionTimestamp) this.remove(dep.r, dep.object, 'Foreground');
      const still = this.core.store.get(
        dep.r.key,
        dep.object.metadata.namespace ?? '',
        dep.object.metadata.name ?? '',
      );
      if (still?.metadata.ownerReferences?.some((ref) => ref.uid === uid && ref.blockOwnerDeletion === true))
        blocking++;
    }
    if (blocking) return;
    const current = this.core.store.get(r.key, owner.metadata.namespace ?? '', owner.metadata.name ?? '');
    if (!current) return;
    this.rewrite(r, current, (next) => {
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== 'foregroundDeletion');
      if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    });
  }

  private orphan(r: ServedResource, owner: KubeObject): void {
    const uid = owner.metadata.uid ?? '';
    for (const { r: depR, object } of this.dependents(uid)) {
      this.rewrite(depR, object, (next) => {
        next.metadata.ownerReferences = (object.metadata.ownerReferences ?? []).filter(
          (ref) => ref.uid !== uid,
        );
        if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
      });
    }
    this.rewrite(r, owner, (next) => {
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== 'orphan');
      if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    });
  }

  private finalizeNamespace(name: string): void {
    const nsR = this.core.catalog.forKind('Namespace');
    const ns = this.core.store.get('/namespaces', '', name);
    if (!nsR || !ns?.metadata.deletionTimestamp) return;
    for (const item of this.core.store.namespaceContents(name)) {
      const r = this.core.resourceForKey(item.resource);
      const object = this.core.store.get(item.resource, name, item.name);
      if (r && object && !object.metadata.deletionTimestamp) this.remove(r, object, 'Background');
    }
    if (this.core.store.namespaceContents(name).length) return;
    if (!nsFinalizers(ns).includes('kubernetes')) return;
    this.rewrite(nsR, ns, (next) => {
      next['spec'] = {
        ...(isObject(next['spec']) ? next['spec'] : {}),
        finalizers: nsFinalizers(next).filter((f) => f !== 'kubernetes'),
      };
    });
  }
}

function nsFinalizers(object: KubeObject): string[] {
  if (object.kind !== 'Namespace') return [];
  const spec = object['spec'];
  return isObject(spec) && Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
}
