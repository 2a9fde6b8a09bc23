/**
 * A StatefulSet pod keeps its addresses when it goes (Kube-OVN's `isStatefulSetPodToDel`, pkg/controller/pod.go,
 * releases them only when the StatefulSet is deleted or scaled below the pod's ordinal), so a re-created `<sts>-<i>`
 * — a NAT gateway pod, for one — comes back with the same addresses on every network. The pod is gone when this is
 * asked, so the StatefulSet is found by the name `<sts>-<ordinal>` in the pod's namespace; what is known of the pod
 * (its `ownerReferences` while it is cached, else its IP object's `spec.podType`) must say it was a StatefulSet's,
 * and only when nothing is known does the name alone decide. The watch re-examines the pods a StatefulSet may hold
 * when it is deleted or its replicas change, so kept addresses are released then.
 */
import { POD_TYPE_STATEFULSET } from '../../api/kinds/ip.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { WatchMapping } from '../../kube/reconciler.ts';

const replicasOf = (sts: KubeObject): number =>
  (sts.spec as { replicas?: number } | undefined)?.replicas ?? 1;

/**
 * Whether a gone pod's addresses stay with its StatefulSet. `podType`: the pod's (`ip-objects.ts` podTypeOf) or its
 * IP object's `spec.podType`; undefined when neither is known.
 */
export function keptForStatefulSet(
  view: ClusterView,
  namespace: string,
  name: string,
  podType?: string,
): boolean {
  if (podType !== undefined && podType !== POD_TYPE_STATEFULSET) return false;
  const m = /^(.+)-(\d+)$/.exec(name);
  if (!m) return false;
  const sts = view.get('StatefulSet', m[1]!, namespace);
  return !!sts && !sts.metadata.deletionTimestamp && Number(m[2]) < replicasOf(sts);
}

/** Pod keys of a StatefulSet's ordinals (called with the old and the new object on an update). */
export const statefulSetPodsWatch: WatchMapping = {
  kind: 'StatefulSet',
  map: (sts) =>
    Array.from({ length: replicasOf(sts) }, (_, i) =>
      keyOf('Pod', `${sts.metadata.name ?? ''}-${i}`, sts.metadata.namespace),
    ),
  changed: (sts, old) => replicasOf(sts) !== replicasOf(old) || !!sts.metadata.deletionTimestamp,
};
