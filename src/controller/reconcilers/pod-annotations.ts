/**
 * The annotations the controller writes on a pod (default provider; Kube-OVN's pkg/controller/pod.go): the
 * allocation the CNI configures the NIC from, and `routed: "true"` once its switch port exists in NB. Pure.
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
  ANNOTATION_PORT_SECURITY,
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
  return {
    [ANNOTATION_ALLOCATED]: 'true',
    [ANNOTATION_IP_ADDRESS]: allocation.ipAddress,
    [ANNOTATION_MAC_ADDRESS]: allocation.mac,
    [ANNOTATION_CIDR]: subnet.spec?.cidrBlock ?? '',
    [ANNOTATION_GATEWAY]: subnet.spec?.gateway ?? '',
    [ANNOTATION_LOGICAL_SWITCH]: subnet.metadata.name ?? '',
    [ANNOTATION_LOGICAL_ROUTER]: subnet.spec?.vpc ?? '',
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

/** Port security is on unless the pod opts out with `ovn.kubernetes.io/port_security: "false"`. */
export const portSecurityOf = (pod: KubeObject): boolean =>
  pod.metadata.annotations?.[ANNOTATION_PORT_SECURITY] !== 'false';
