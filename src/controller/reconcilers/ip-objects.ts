/**
 * The IP object (kubeovn.io/v1 IP, cluster-scoped) that records one pod NIC's allocation, as Kube-OVN's
 * createOrUpdateIPCR (pkg/controller/ip.go) writes it: named like the NIC's port (`<pod>.<namespace>`, or
 * `<pod>.<namespace>.<provider>` for an attachment), every spec field written (podName, namespace, subnet, nodeName,
 * ipAddress, v4IpAddress, v6IpAddress, macAddress, podType, empty attach lists; each NIC has its own object), and
 * the labels `ovn.kubernetes.io/subnet`, `ovn.kubernetes.io/node-name`, `<subnet>: ""` and
 * `ovn.kubernetes.io/ip_reserved`. Who an object belongs to is that last label: `"false"` (every object kovn creates)
 * goes with its pod; any other object that names a pod NIC is a reservation (a user's, made before the pod): its
 * address is held for that NIC, it is labelled `"true"` and filled in, and kovn never deletes it. No finalizer and no
 * owner reference (a cluster-scoped object cannot have a namespaced owner): see ADR 19. Pure.
 */
import { LABEL_IP_RESERVED, LABEL_NODE_NAME, LABEL_SUBNET } from '../../api/annotations.ts';
import { API_VERSION, portName } from '../../api/constants.ts';
import { POD_TYPE_STATEFULSET, type IpObject } from '../../api/kinds/ip.ts';
import type { KubeObject } from '../../api/types.ts';
import type { AllocateRequest, Allocation } from '../../ipam/index.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import { sameJson } from '../../kube/writer.ts';

/** What one IP object records: a NIC, its pod and its allocation. */
export interface NicRecord {
  /** The NIC's port name, which is the object's name. */
  name: string;
  podName: string;
  namespace: string;
  subnet: string;
  nodeName: string;
  podType: string;
  allocation: Pick<Allocation, 'v4' | 'v6' | 'ipAddress' | 'mac'>;
}

export type IpObjectWrite = { verb: 'create' | 'update'; object: IpObject };

/** The longest label name (and value) Kubernetes accepts: longer subnet or node names are not written as labels. */
const LABEL_MAX = 63;

/** `spec.podType` of a pod: `StatefulSet` when a StatefulSet owns it (Kube-OVN's isStatefulSetPod), else empty. */
export function podTypeOf(pod: KubeObject): string {
  const name = pod.metadata.name ?? '';
  const owned = (pod.metadata.ownerReferences ?? []).some(
    (o) => o.kind === 'StatefulSet' && o.apiVersion.startsWith('apps/') && name.startsWith(o.name),
  );
  return owned ? POD_TYPE_STATEFULSET : '';
}

/** True for an object that goes with its pod (`ip_reserved: "false"`); any other is a reservation. */
export const goesWithPod = (ip: KubeObject): boolean => ip.metadata.labels?.[LABEL_IP_RESERVED] === 'false';

/** A live reservation for the pod's NIC: a user's object (not `ip_reserved: "false"`) naming this pod. */
export function isReservationFor(ip: IpObject | undefined, podName: string, namespace: string): boolean {
  return (
    !!ip &&
    !ip.metadata.deletionTimestamp &&
    !goesWithPod(ip) &&
    ip.spec?.podName === podName &&
    ip.spec.namespace === namespace
  );
}

/**
 * The addresses an object asks for: `ipAddress`, else `v4IpAddress`/`v6IpAddress`; its MAC unless `withMac` is
 * false (a NIC on a non-OVN subnet has none: Kube-OVN's ipAcquireAddress ignores the field there).
 */
export function requestOf(ip: IpObject, withMac = true): AllocateRequest {
  const spec = ip.spec ?? {};
  const ips = spec.ipAddress || [spec.v4IpAddress, spec.v6IpAddress].filter(Boolean).join(',');
  const mac = withMac ? spec.macAddress : undefined;
  return { ...(ips ? { ips } : {}), ...(mac ? { mac } : {}) };
}

/** The pod key an object names (`spec.namespace`/`spec.podName`), if it names one. */
export function podKeyOf(ip: IpObject): string | undefined {
  const { podName, namespace } = ip.spec ?? {};
  return podName && namespace ? keyOf('Pod', podName, namespace) : undefined;
}

/**
 * A pod's NIC records: its primary NIC `<pod>.<namespace>` (none when kovn is not the pod's primary network) and each
 * attachment NIC (named by its IPAM owner).
 */
export function podNicRecords(
  pod: KubeObject,
  primary: { subnet: string; allocation: NicRecord['allocation'] } | undefined,
  attachments: readonly { owner: string; subnet: string; allocation: NicRecord['allocation'] }[],
): NicRecord[] {
  const podName = pod.metadata.name ?? '';
  const namespace = pod.metadata.namespace ?? '';
  const nodeName = (pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '';
  const common = { podName, namespace, nodeName, podType: podTypeOf(pod) };
  return [
    ...(primary ? [{ name: portName(podName, namespace), ...common, ...primary }] : []),
    ...attachments.map(({ owner, subnet, allocation }) => ({ name: owner, ...common, subnet, allocation })),
  ];
}

function labelsFor(nic: NicRecord, current: IpObject | undefined): Record<string, string> {
  const labels: Record<string, string> = { ...current?.metadata.labels };
  const oldSubnet = current?.spec?.subnet;
  if (oldSubnet && oldSubnet !== nic.subnet && labels[oldSubnet] === '') delete labels[oldSubnet];
  labels[LABEL_SUBNET] = nic.subnet;
  if (nic.nodeName.length <= LABEL_MAX) labels[LABEL_NODE_NAME] = nic.nodeName;
  if (nic.subnet.length <= LABEL_MAX) labels[nic.subnet] = '';
  labels[LABEL_IP_RESERVED] = current && !goesWithPod(current) ? 'true' : 'false';
  return labels;
}

/** The object recording the NIC: a new one, or `current` (a kovn record or a reservation) with the NIC's fields. */
export function ipObjectFor(nic: NicRecord, current?: IpObject): IpObject {
  const { allocation } = nic;
  const spec = {
    podName: nic.podName,
    namespace: nic.namespace,
    subnet: nic.subnet,
    attachSubnets: [],
    nodeName: nic.nodeName,
    ipAddress: allocation.ipAddress,
    v4IpAddress: allocation.v4 ?? '',
    v6IpAddress: allocation.v6 ?? '',
    attachIps: [],
    macAddress: allocation.mac,
    attachMacs: [],
    containerID: current?.spec?.containerID ?? '',
    podType: nic.podType,
  };
  const labels = labelsFor(nic, current);
  if (current) return { ...current, metadata: { ...current.metadata, labels }, spec };
  return { apiVersion: API_VERSION, kind: 'IP', metadata: { name: nic.name, labels }, spec };
}

/** The one write that makes the NIC's object right, or undefined when `current` already is. */
export function ipObjectWrite(nic: NicRecord, current: IpObject | undefined): IpObjectWrite | undefined {
  const object = ipObjectFor(nic, current);
  if (!current) return { verb: 'create', object };
  const same =
    sameJson(current.spec, object.spec) && sameJson(current.metadata.labels ?? {}, object.metadata.labels);
  return same ? undefined : { verb: 'update', object };
}
