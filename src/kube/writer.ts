/**
 * How reconcilers write back to Kubernetes: status, annotations, finalizers, Events, and creating the default
 * network objects. A small interface so the reconcilers run unchanged against the in-memory informer store (tests,
 * `test/support/writer-memory.ts`) and against an API server. Writers are only called when something differs, so a
 * converged controller writes nothing. Finalizers are changed by name (add this one, remove that one), never written
 * as a whole list taken from a cached copy, so another controller's finalizer is never dropped.
 */
import type { KubeObject } from '../api/types.ts';
import type { ObjectRef } from './queue/keys.ts';

export interface EventRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ObjectWriter {
  /** Creates the object unless one of that kind and name exists. */
  create(obj: KubeObject): Promise<'created' | 'exists'>;
  /** Merge-patches `metadata.annotations`; a `null` value removes the key. */
  patchAnnotations(ref: ObjectRef, annotations: Readonly<Record<string, string | null>>): Promise<void>;
  /** Merge-patches `metadata.labels`; a `null` value removes the key. */
  patchLabels(ref: ObjectRef, labels: Readonly<Record<string, string | null>>): Promise<void>;
  /** Replaces an object we own (e.g. a workload's spec), against its resourceVersion: a conflict throws. */
  update(obj: KubeObject): Promise<void>;
  /** Deletes an object we own (already gone is not an error). */
  remove(ref: ObjectRef): Promise<void>;
  /**
   * Adds and removes finalizers and keeps every other one. `obj` is the object the caller decided on: the write is
   * made against its resourceVersion and, when another write came first, against the re-read object, so a finalizer
   * someone else added meanwhile survives. Nothing is written when the change changes nothing. Removing the last
   * finalizer from a deleting object lets it go.
   */
  updateFinalizers(obj: KubeObject, change: FinalizerChange): Promise<FinalizerOutcome>;
  /** Merge-patches `status` (status subresource); top-level fields given replace the stored ones. */
  patchStatus(ref: ObjectRef, status: Readonly<Record<string, unknown>>): Promise<void>;
  /** Records a Kubernetes Event about the object. */
  event(ref: ObjectRef, event: EventRecord): Promise<void>;
}

/** The finalizers a write adds and removes (a name in both is removed, then added back at the end if absent). */
export interface FinalizerChange {
  add?: readonly string[];
  remove?: readonly string[];
}

/** `gone`: the object no longer exists, so there was nothing to change. */
export type FinalizerOutcome = 'updated' | 'unchanged' | 'gone';

export const refOf = (obj: KubeObject): ObjectRef =>
  obj.metadata.namespace
    ? { kind: obj.kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace }
    : { kind: obj.kind, name: obj.metadata.name ?? '' };

/** JSON equality for status fields and annotation values (order of object keys ignored). Allocates nothing. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let defined = 0;
  for (const k in ra) {
    if (!Object.hasOwn(ra, k) || ra[k] === undefined) continue;
    if (!Object.hasOwn(rb, k) || !sameJson(ra[k], rb[k])) return false;
    defined++;
  }
  for (const k in rb) if (Object.hasOwn(rb, k) && rb[k] !== undefined) defined--;
  return defined === 0;
}

/** The status fields of `want` that differ from the object's current status (empty: nothing to write). */
export function statusChanges(
  obj: KubeObject,
  want: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const current = (obj['status'] ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(want)) if (!sameJson(current[k], v)) out[k] = v;
  return out;
}

/** The annotations of `want` that differ from the object's (a `null` in `want` removes a present key). */
export function annotationChanges(
  obj: KubeObject,
  want: Readonly<Record<string, string | null>>,
): Record<string, string | null> {
  const current = obj.metadata.annotations ?? {};
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(want)) {
    if (v === null ? k in current : current[k] !== v) out[k] = v;
  }
  return out;
}

/** The finalizer list after `change`: the others kept in order, removed ones dropped, added ones appended once. */
export function finalizersAfter(current: readonly string[], change: FinalizerChange): string[] {
  const removed = new Set(change.remove ?? []);
  const out = current.filter((f) => !removed.has(f));
  for (const f of change.add ?? []) if (!out.includes(f)) out.push(f);
  return out;
}

/** Whether `change` would change the object's finalizers (nothing to write otherwise). */
export function changesFinalizers(obj: KubeObject, change: FinalizerChange): boolean {
  const current = obj.metadata.finalizers ?? [];
  return !sameJson(current, finalizersAfter(current, change));
}

/** Applies `change` to the object's finalizers through `writer`; calls it only when that changes them. */
export async function changeFinalizers(
  writer: ObjectWriter,
  obj: KubeObject,
  change: FinalizerChange,
): Promise<void> {
  if (changesFinalizers(obj, change)) await writer.updateFinalizers(obj, change);
}

/** Adds or removes one finalizer; writes only when that changes the list. */
export function ensureFinalizer(
  writer: ObjectWriter,
  obj: KubeObject,
  finalizer: string,
  present: boolean,
): Promise<void> {
  return changeFinalizers(writer, obj, present ? { add: [finalizer] } : { remove: [finalizer] });
}
