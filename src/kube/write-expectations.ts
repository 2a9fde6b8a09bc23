/**
 * Expected echoes of our own writes (client-go's controller expectations, narrowed to one rule). A reconcile that
 * writes annotations, finalizers or status gets that write back as an informer update of its own object; reconciling it
 * again finds nothing to do, yet at scale it doubles the work (every pod is written once). The wrapped writer notes
 * each write, with the resourceVersion it was made against, before sending it; `isEcho` answers whether an update is
 * exactly such a write and nothing else: the update starts from that version (for the first of several notes), and the
 * new object equals the old one with the written fields applied (resourceVersion and managedFields aside). An echo
 * consumes its note; any other update (another field, another value, another starting version) drops the object's notes
 * and is reconciled as before. A failed write drops its note, so a note never hides a change it did not make; so does a
 * finalizer change the writer found nothing to do for, and one that lets a deleting object go (its echo is a delete).
 * A finalizer note holds the change (added and removed names), applied to the old object of the update it is matched
 * against, as the writer applies it to the stored object.
 */
import type { ClusterView, KubeObject } from '../api/types.ts';
import { keyForObject, keyOf, type ObjectRef } from './queue/keys.ts';
import {
  finalizersAfter,
  refOf,
  sameJson,
  type FinalizerChange,
  type FinalizerOutcome,
  type ObjectWriter,
} from './writer.ts';

type Change =
  | { annotations: Readonly<Record<string, string | null>> }
  | { finalizers: FinalizerChange }
  | { status: Readonly<Record<string, unknown>> };

interface Note {
  /**
   * The resourceVersion the write was made against, when no earlier note was pending (a later write of the same
   * reconcile may be sent before the earlier one's echo updated the cache; its base is the earlier write's result).
   */
  base: { version: string | undefined } | undefined;
  change: Change;
}

const refKey = (ref: ObjectRef): string => keyOf(ref.kind, ref.name, ref.namespace);

/**
 * `obj` with the change applied as the writer applies it (annotations merged, `null` removes; finalizers added and
 * removed by name; status merged).
 */
function applied(obj: KubeObject, change: Change): KubeObject {
  if ('finalizers' in change) {
    const finalizers = finalizersAfter(obj.metadata.finalizers ?? [], change.finalizers);
    return { ...obj, metadata: { ...obj.metadata, finalizers } };
  }
  if ('status' in change)
    return { ...obj, status: { ...(obj['status'] as object | undefined), ...change.status } };
  const annotations: Record<string, string> = { ...obj.metadata.annotations };
  for (const [k, v] of Object.entries(change.annotations)) {
    if (v === null) delete annotations[k];
    else annotations[k] = v;
  }
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

/**
 * The object without what every write changes on its own; an empty finalizer list counts as none (kube-apiserver
 * omits it, the embedded server keeps it).
 */
function content(obj: KubeObject): KubeObject {
  const {
    resourceVersion: _rv,
    managedFields: _mf,
    ...metadata
  } = obj.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  if (metadata.finalizers?.length === 0) delete metadata.finalizers;
  return { ...obj, metadata };
}

export class WriteExpectations {
  readonly #view: ClusterView;
  readonly #notes = new Map<string, Note[]>();

  constructor(view: ClusterView) {
    this.#view = view;
  }

  /** Objects with notes still waiting for their echo. */
  get pending(): number {
    return this.#notes.size;
  }

  /** True if this update of `old` into `obj` is exactly the echo of the oldest noted write (which it consumes). */
  isEcho(obj: KubeObject, old: KubeObject): boolean {
    const key = keyForObject(obj);
    const notes = this.#notes.get(key);
    const note = notes?.[0];
    if (!notes || !note) return false;
    const fromBase = note.base === undefined || note.base.version === old.metadata.resourceVersion;
    if (fromBase && sameJson(content(applied(old, note.change)), content(obj))) {
      notes.shift();
      if (notes.length === 0) this.#notes.delete(key);
      return true;
    }
    this.#notes.delete(key);
    return false;
  }

  /** A writer that notes its annotation, finalizer and status writes before sending them through `writer`. */
  wrap(writer: ObjectWriter): ObjectWriter {
    const noted = (ref: ObjectRef, change: Change, send: () => Promise<void>): Promise<void> => {
      const note = this.#note(ref, change);
      return send().catch((err: unknown) => {
        this.#drop(ref, note);
        throw err;
      });
    };
    return {
      create: (obj) => writer.create(obj),
      event: (ref, event) => writer.event(ref, event),
      patchLabels: (ref, labels) => writer.patchLabels(ref, labels),
      update: (obj) => writer.update(obj),
      remove: (ref) => writer.remove(ref),
      patchAnnotations: (ref, annotations) =>
        noted(ref, { annotations }, () => writer.patchAnnotations(ref, annotations)),
      updateFinalizers: (obj, change) => this.#finalizers(writer, obj, change),
      patchStatus: (ref, status) => noted(ref, { status }, () => writer.patchStatus(ref, status)),
    };
  }

  /** A finalizer write, noted unless it lets a deleting object go; kept only if the writer wrote. */
  async #finalizers(
    writer: ObjectWriter,
    obj: KubeObject,
    change: FinalizerChange,
  ): Promise<FinalizerOutcome> {
    const ref = refOf(obj);
    const seen = this.#view.get(ref.kind, ref.name, ref.namespace) ?? obj;
    const letsGo =
      seen.metadata.deletionTimestamp !== undefined &&
      finalizersAfter(seen.metadata.finalizers ?? [], change).length === 0;
    const note = letsGo ? undefined : this.#note(ref, { finalizers: change });
    let outcome: FinalizerOutcome;
    try {
      outcome = await writer.updateFinalizers(obj, change);
    } catch (err) {
      if (note) this.#drop(ref, note);
      throw err;
    }
    if (note && outcome !== 'updated') this.#drop(ref, note);
    return outcome;
  }

  #note(ref: ObjectRef, change: Change): Note {
    const key = refKey(ref);
    const notes = this.#notes.get(key);
    const current = this.#view.get(ref.kind, ref.name, ref.namespace);
    const note: Note = { base: notes ? undefined : { version: current?.metadata.resourceVersion }, change };
    if (notes) notes.push(note);
    else this.#notes.set(key, [note]);
    return note;
  }

  #drop(ref: ObjectRef, note: Note): void {
    const key = refKey(ref);
    const notes = this.#notes.get(key)?.filter((n) => n !== note);
    if (notes?.length) this.#notes.set(key, notes);
    else this.#notes.delete(key);
  }
}
