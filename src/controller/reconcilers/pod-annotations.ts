/**
 * The annotations the controller writes on a pod (default provider; Kube-OVN's reconcileAllocateSubnets and
 * reconcileRouteSubnets, pkg/controller/pod.go): the allocation the CNI configures the NIC from (`allocated`,
 * `ip_address`, `mac_address`, `cidr`, `gateway`, `logical_switch`, `pod_nic_type` unless the pod has one, and
 * `logical_router` when the subnet names a VPC, which every defaulted OVN subnet does), and `routed: "true"` once its
 * switch port exists in NB, in the same patch (Kube-OVN writes it in a second one; the pod ends up the same).
 * Kube-OVN skips `logical_router` on an underlay (`vlan`) subnet; kovn has no underlay, so every OVN subnet is
 * routed by its VPC and says so (ADR 19). Pure.
 */
import {
  ANNOTATION_ALLOCATED,
  ANNOTATION_CIDR,
  ANNOTATION_GATEWAY,
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_ROUTER,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_POD_NIC_TYPE,
  ANNOTATION_ROUTED,
} from '../../api/annotations.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Allocation } from '../../ipam/index.ts';

/** `--pod-nic-type` default. */
export const DEFAULT_POD_NIC_TYPE = 'veth-pair';

/** Annotations for an allocated pod whose switch port exists. */
export function podAnnotations(
  pod: KubeObject,
  subnet: Subnet,
  allocation: Allocation,
): Record<string, string> {
  const vpc = subnet.spec?.vpc;
  return {
    [ANNOTATION_ALLOCATED]: 'true',
    [ANNOTATION_IP_ADDRESS]: allocation.ipAddress,
    [ANNOTATION_MAC_ADDRESS]: allocation.mac,
    [ANNOTATION_CIDR]: subnet.spec?.cidrBlock ?? '',
    [ANNOTATION_GATEWAY]: subnet.spec?.gateway ?? '',
    [ANNOTATION_LOGICAL_SWITCH]: subnet.metadata.name ?? '',
    ...(vpc ? { [ANNOTATION_LOGICAL_ROUTER]: vpc } : {}),
    [ANNOTATION_POD_NIC_TYPE]: pod.metadata.annotations?.[ANNOTATION_POD_NIC_TYPE] || DEFAULT_POD_NIC_TYPE,
    [ANNOTATION_ROUTED]: 'true',
  };
}

/** The static request a pod carries (user-set, or our own earlier allocation read back). */
export function podRequest(pod: KubeObject): { ips?: string; mac?: string } {
  const a = pod.metadata.annotations ?? {};
  return {
    ...(a[ANNOTATION_IP_ADDRESS] ? { ips: a[ANNOTATION_IP_ADDRESS] } : {}),
    ...(a[ANNOTATION_MAC_ADDRESS] ? { mac: a[ANNOTATION_MAC_ADDRESS] } : {}),
  };
}
