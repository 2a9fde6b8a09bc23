/**
 * Update predicates for watches (`WatchMapping.changed`): most reconcilers that watch another kind read its spec and
 * whether it is being deleted, never the status the owning reconciler keeps rewriting (a Subnet's counters change
 * with every pod), so a status-only update enqueues nothing for them.
 */
import type { KubeObject } from '../../api/types.ts';
import { sameJson } from '../../kube/writer.ts';

/** The spec or the deletion mark changed. */
export function specOrDeletionChanged(obj: KubeObject, old: KubeObject): boolean {
  return (
    Boolean(obj.metadata.deletionTimestamp) !== Boolean(old.metadata.deletionTimestamp) ||
    !sameJson(obj['spec'], old['spec'])
  );
}

/** The spec, the status or the deletion mark changed: not a metadata-only update (a finalizer, an annotation). */
export function specStatusOrDeletionChanged(obj: KubeObject, old: KubeObject): boolean {
  return specOrDeletionChanged(obj, old) || !sameJson(obj['status'], old['status']);
}

/** The labels or the deletion mark changed: not an annotation-only update (the Namespace reconciler's own). */
export function labelsOrDeletionChanged(obj: KubeObject, old: KubeObject): boolean {
  return (
    Boolean(obj.metadata.deletionTimestamp) !== Boolean(old.metadata.deletionTimestamp) ||
    !sameJson(obj.metadata.labels ?? {}, old.metadata.labels ?? {})
  );
}

/** For a Vpc: what decides the namespaces it claims and their fallback subnet (spec, deletion, default switch). */
export function vpcClaimChanged(obj: KubeObject, old: KubeObject): boolean {
  const defaultSwitch = (vpc: KubeObject) =>
    (vpc['status'] as { defaultLogicalSwitch?: string } | undefined)?.defaultLogicalSwitch ?? '';
  return specOrDeletionChanged(obj, old) || defaultSwitch(obj) !== defaultSwitch(old);
}
