/**
 * How reconcilers write back to Kubernetes: status, annotations, finalizers, Events, and creating the default
 * network objects. A small interface so the reconcilers run unchanged against the in-memory informer store
 * (tests, `test/support/writer-memory.ts`) and against an API server. Writers are only called when something differs, so a
 * converged controller writes nothing.
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
  /** Replaces `metadata.finalizers` (removing the last one from a deleting object lets it go). */
  setFinalizers(ref: ObjectRef, finalizers: readonly string[]): Promise<void>;
  /** Merge-patches `status` (status subresource); top-level fields given replace the stored ones. */
  patchStatus(ref: ObjectRef, status: Readonly<Record<string, unknown>>): Promise<void>;
  /** Records a Kubernetes Event about the object. */
  event(ref: ObjectRef, event: EventRecord): Promise<void>;
}

export const refOf = (obj: KubeObject): ObjectRef =>
  obj.metadata.namespace
    ? { kind: obj.kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace }
    : { kind: obj.kind, name: obj.metadata.name ?? '' };

/** JSON equality for status fields and annotation values (order of object keys ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
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

/** Adds or removes one finalizer; writes only when that changes the list. */
export async function ensureFinalizer(
  writer: ObjectWriter,
  obj: KubeObject,
  finalizer: string,
  present: boolean,
): Promise<void> {
  const list = obj.metadata.finalizers ?? [];
  if (list.includes(finalizer) === present) return;
  await writer.setFinalizers(
    refOf(obj),
    present ? [...list, finalizer] : list.filter((f) => f !== finalizer),
  );
}
