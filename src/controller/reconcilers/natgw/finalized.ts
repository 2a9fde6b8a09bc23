/**
 * The opening the NAT reconcilers share (guideline 1: level-triggered, keyed by name). The object comes from the
 * cache; absent or deleting, it is going: the kind's own clean-up runs first (and may block the deletion, keeping
 * the finalizer), then our finalizer is dropped; live, it gets our finalizer before anything else is written, and
 * the kind converges it. As Kube-OVN's handle*Finalizer: the finalizer older releases wrote (`kube-ovn-controller`)
 * is replaced by ours on a live object and removed with ours from a going one, so restored objects do not hang.
 */
import { DEPRECATED_FINALIZER, FINALIZER } from '../../../api/constants.ts';
import type { KubeObject } from '../../../api/types.ts';
import type {
  ReconcileContext,
  ReconcileResult,
  Reconciler,
  WatchMapping,
} from '../../../kube/reconciler.ts';
import {
  changeFinalizers,
  finalizersAfter,
  type FinalizerChange,
  type ObjectWriter,
} from '../../../kube/writer.ts';

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

/** The change a NAT object's finalizers get: Kube-OVN's old name always goes; ours is added when live, else goes. */
export function finalizerChange(live: boolean): FinalizerChange {
  return live
    ? { add: [FINALIZER], remove: [DEPRECATED_FINALIZER] }
    : { remove: [FINALIZER, DEPRECATED_FINALIZER] };
}

/** The finalizers a NAT object should carry: others kept in order, ours when live, Kube-OVN's old name never. */
export function wantedFinalizers(current: readonly string[], live: boolean): string[] {
  return finalizersAfter(current, finalizerChange(live));
}

function settleFinalizers(writer: ObjectWriter, obj: KubeObject, live: boolean): Promise<void> {
  return changeFinalizers(writer, obj, finalizerChange(live));
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
        await settleFinalizers(writer, obj, true);
        return kind.converge(obj, ctx);
      }
      const blocked = await kind.release?.(obj, ctx);
      if (blocked) return blocked;
      if (obj) await settleFinalizers(writer, obj, false);
      return;
    },
  };
}
