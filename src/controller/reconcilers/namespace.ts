/**
 * Namespace reconciler (Kube-OVN's pkg/controller/namespace.go): writes `ovn.kubernetes.io/logical_switch` (comma
 * list of the namespace's subnets), `ovn.kubernetes.io/cidr` (`;`-joined) and `ovn.kubernetes.io/exclude_ips`
 * (`;`-joined, each `,`-joined) on every namespace. Any Subnet or Vpc spec change can move a namespace's subnets (a
 * new default subnet, a VPC claiming it), so both enqueue every namespace; status-only updates (a Subnet's counters)
 * do not. An unchanged namespace costs a comparison and no write.
 */
import { ANNOTATION_CIDR, ANNOTATION_EXCLUDE_IPS, ANNOTATION_LOGICAL_SWITCH } from '../../api/annotations.ts';
import type { ClusterView } from '../../api/types.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import type { NetworkDeps } from './deps.ts';

import { specOrDeletionChanged, vpcClaimChanged } from './watch-predicates.ts';
import { annotationChanges, refOf } from '../../kube/writer.ts';

const allNamespaces = (_obj: unknown, view: ClusterView): string[] =>
  view.list('Namespace').map((ns) => keyOf('Namespace', ns.metadata.name ?? ''));

export function namespaceReconciler(deps: NetworkDeps): Reconciler {
  return {
    kind: 'Namespace',
    watches: [
      { kind: 'Subnet', map: allNamespaces, changed: specOrDeletionChanged },
      { kind: 'Vpc', map: allNamespaces, changed: vpcClaimChanged },
    ],
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const ns = ctx.view.get('Namespace', ctx.ref.name);
      if (!ns || ns.metadata.deletionTimestamp) return;
      const subnets = deps.catalog.namespaceSubnets(ctx.ref.name);
      const want = subnets.length
        ? {
            [ANNOTATION_LOGICAL_SWITCH]: subnets.map((s) => s.metadata.name ?? '').join(','),
            [ANNOTATION_CIDR]: subnets.map((s) => s.spec?.cidrBlock ?? '').join(';'),
            [ANNOTATION_EXCLUDE_IPS]: subnets.map((s) => (s.spec?.excludeIps ?? []).join(',')).join(';'),
          }
        : { [ANNOTATION_LOGICAL_SWITCH]: null, [ANNOTATION_CIDR]: null, [ANNOTATION_EXCLUDE_IPS]: null };
      const changes = annotationChanges(ns, want);
      if (Object.keys(changes).length) await deps.writer.patchAnnotations(refOf(ns), changes);
      return;
    },
  };
}
