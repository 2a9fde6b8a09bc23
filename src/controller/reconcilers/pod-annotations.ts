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
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_MAC_ADDRESS,
  annotationKey,
  type ProviderKey,
} from '../../api/annotations.ts';
import { OVN_PROVIDER } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Allocation } from '../../ipam/index.ts';

/** `--pod-nic-type` default. */
export const DEFAULT_POD_NIC_TYPE = 'veth-pair';

/**
 * Annotations for an allocated NIC whose switch port exists: the primary NIC's (`ovn.kubernetes.io/...`) or, with
 * `provider`, an OVN attachment's (`<provider>.kubernetes.io/...`, pod-ovn-attachments.ts).
 */
export function podAnnotations(
  pod: KubeObject,
  subnet: Subnet,
  allocation: Allocation,
  provider: string = OVN_PROVIDER,
): Record<string, string> {
  const key = (k: ProviderKey): string => annotationKey(provider, k);
  const vpc = subnet.spec?.vpc;
  return {
    [key('allocated')]: 'true',
    [key('ip_address')]: allocation.ipAddress,
    [key('mac_address')]: allocation.mac,
    [key('cidr')]: subnet.spec?.cidrBlock ?? '',
    [key('gateway')]: subnet.spec?.gateway ?? '',
    [key('logical_switch')]: subnet.metadata.name ?? '',
    ...(vpc ? { [key('logical_router')]: vpc } : {}),
    [key('pod_nic_type')]: pod.metadata.annotations?.[key('pod_nic_type')] || DEFAULT_POD_NIC_TYPE,
    [key('routed')]: 'true',
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
