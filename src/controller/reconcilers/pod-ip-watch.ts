/**
 * The Pod reconciler's watch on IP objects: an object maps to the pod it names (`spec.namespace`/`spec.podName`),
 * so a reservation made before its pod is held at once, a record deleted or edited behind a live pod's back is
 * written again, and one left by a pod deleted while no controller ran (seen when the informer lists) is cleaned up.
 * An object that already records its live pod's NIC exactly (the echo of the reconciler's own write), or one gone
 * whose pod is gone and whose NIC holds no address (the echo of its deletion), maps to nothing, so each write costs
 * no second reconcile.
 */
import type { IpObject } from '../../api/kinds/ip.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { Ipam } from '../../ipam/index.ts';
import type { WatchMapping } from '../../kube/reconciler.ts';
import { sameJson } from '../../kube/writer.ts';
import { ipObjectWrite, podKeyOf, podTypeOf } from './ip-objects.ts';
import { podGone } from './pending-pods.ts';

type IpamReads = Pick<Ipam, 'get' | 'lookup'>;

/**
 * Whether the pod need not look: this version of the object is the cached one and records its live pod's NIC as IPAM
 * holds it, or the object is gone, and so are its pod and the NIC's addresses.
 */
export function nothingToDo(ip: IpObject, view: ClusterView, ipam: IpamReads): boolean {
  const name = ip.metadata.name ?? '';
  const { podName = '', namespace = '', subnet = '' } = ip.spec ?? {};
  const pod = view.get('Pod', podName, namespace);
  const cached = view.get('IP', name);
  if (!cached) return (!pod || podGone(pod)) && ipam.lookup(name).length === 0;
  if (cached.metadata.resourceVersion !== ip.metadata.resourceVersion) return false;
  const allocation = ipam.get(subnet, name);
  if (!pod || podGone(pod) || !allocation) return false;
  const nodeName = (pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '';
  const nic = { name, podName, namespace, subnet, nodeName, podType: podTypeOf(pod), allocation };
  return ipObjectWrite(nic, ip) === undefined;
}

const contentChanged = (obj: KubeObject, old: KubeObject): boolean =>
  !sameJson(obj['spec'], old['spec']) ||
  !sameJson(obj.metadata.labels ?? {}, old.metadata.labels ?? {}) ||
  Boolean(obj.metadata.deletionTimestamp) !== Boolean(old.metadata.deletionTimestamp);

export function podIpWatch(ipam: IpamReads): WatchMapping {
  return {
    kind: 'IP',
    newOnly: true,
    changed: contentChanged,
    map: (obj, view) => {
      const ip = obj as IpObject;
      const key = podKeyOf(ip);
      return key && !nothingToDo(ip, view, ipam) ? [key] : [];
    },
  };
}
