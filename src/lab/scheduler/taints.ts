/**
 * Taints and tolerations (the TaintToleration and NodeUnschedulable filters): a node's NoSchedule and NoExecute
 * taints must each be tolerated; PreferNoSchedule never blocks. A cordoned node (`spec.unschedulable`) takes only
 * pods tolerating `node.kubernetes.io/unschedulable:NoSchedule`. Pure.
 */
import type { Node, Taint, Toleration } from './types.ts';

export const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** k8s.io/api/core/v1 Toleration.ToleratesTaint. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** The first NoSchedule/NoExecute taint of the node that no toleration tolerates. */
export function untoleratedTaint(node: Node, tolerations: readonly Toleration[]): Taint | undefined {
  return (node.spec?.taints ?? []).find(
    (taint) =>
      (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') &&
      !tolerations.some((toleration) => tolerates(toleration, taint)),
  );
}

export function cordoned(node: Node, tolerations: readonly Toleration[]): boolean {
  return node.spec?.unschedulable === true && !tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT));
}
