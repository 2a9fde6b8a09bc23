/**
 * The opening the NAT reconcilers share (guideline 1: level-triggered, keyed by name). The object comes from the
 * cache; absent or deleting, it is going: the kind's own clean-up runs first (and may block the deletion, keeping
 * the finalizer), then our finalizer is dropped; live, it gets our finalizer before anything else is written, and
 * the kind converges it.
 */
import { FINALIZER } from '../../../api/constants.ts';
import type { KubeObject } from '../../../api/types.ts';
import type {
  ReconcileContext,
  ReconcileResult,
  Reconciler,
  WatchMapping,
} from '../../../kube/reconciler.ts';
import { ensureFinalizer, type ObjectWriter } from '../../../kube/writer.ts';

export interface FinalizedKind<T extends KubeObject> {
  kind: string;
  watches: readonly WatchMapping[];
  /** Converges a live object, which already carries our finalizer. */
  converge(obj: T, ctx: ReconcileContext): Promise<ReconcileResult>;
  /**
   * Clean-up for an absent or deleting object, before its finalizer goes. A returned result blocks the deletion:
   * the finalizer stays and the key is looked at again as it says. Absent: nothing to clean up.
   */
  release?(obj: T | undefined, ctx: ReconcileContext): Promise<{ requeueAfterMs: number } | undefined>;
}

export function finalizedReconciler<T extends KubeObject>(
  writer: ObjectWriter,
  kind: FinalizedKind<T>,
): Reconciler {
  return {
    kind: kind.kind,
    watches: kind.watches,
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const obj = ctx.view.get(kind.kind, ctx.ref.name) as T | undefined;
      if (obj && !obj.metadata.deletionTimestamp) {
        await ensureFinalizer(writer, obj, FINALIZER, true);
        return kind.converge(obj, ctx);
      }
      const blocked = await kind.release?.(obj, ctx);
      if (blocked) return blocked;
      if (obj) await ensureFinalizer(writer, obj, FINALIZER, false);
      return;
    },
  };
}
