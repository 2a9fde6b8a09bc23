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

/** For a Vpc: what decides the namespaces it claims and their fallback subnet (spec, deletion, default switch). */
export function vpcClaimChanged(obj: KubeObject, old: KubeObject): boolean {
  const defaultSwitch = (vpc: KubeObject) =>
    (vpc['status'] as { defaultLogicalSwitch?: string } | undefined)?.defaultLogicalSwitch ?? '';
  return specOrDeletionChanged(obj, old) || defaultSwitch(obj) !== defaultSwitch(old);
}
