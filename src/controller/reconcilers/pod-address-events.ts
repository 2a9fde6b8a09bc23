/**
 * The Warning Event a pod gets when it cannot have an address, in Kube-OVN's words (pkg/controller/pod.go):
 * `ValidatePodNetworkFailed` when its own `ovn.kubernetes.io/ip_address` or `mac_address` annotation is malformed
 * (util.ValidatePodNetwork, checked before any subnet is chosen: `<ip> is not a valid ovn.kubernetes.io/ip_address`,
 * several joined as Go's error aggregate joins them), and `AcquireAddressFailed` when IPAM refuses the NIC
 * (`stage=acquireAddress error=<Kube-OVN's IPAM error name>`, e.g. `AddressConflict`, `NoAvailableAddress`), followed
 * by kovn's detail in parentheses, so a search for Kube-OVN's text still finds it. Pure.
 */
import { ANNOTATION_IP_ADDRESS, ANNOTATION_MAC_ADDRESS } from '../../api/annotations.ts';
import { kubeOvnIpamError, normalizeMac, type AllocateFailure } from '../../ipam/index.ts';
import { parseCidr, parseIp } from '../../net/ip.ts';

export const ACQUIRE_ADDRESS_FAILED = 'AcquireAddressFailed';
export const VALIDATE_POD_NETWORK_FAILED = 'ValidatePodNetworkFailed';

/** The reason and message of the Warning Event. */
export interface AddressRefusal {
  reason: string;
  message: string;
}

/** IPAM's refusal of a NIC in `subnet`. A malformed request has no Kube-OVN name: kovn's text stands for it. */
export function acquireAddressFailed(subnet: string, failure: AllocateFailure): AddressRefusal {
  const name = kubeOvnIpamError(failure);
  const error = name
    ? `${name} (subnet ${subnet}: ${failure.message})`
    : `${failure.message} (subnet ${subnet})`;
  return { reason: ACQUIRE_ADDRESS_FAILED, message: `stage=acquireAddress error=${error}` };
}

/** Go's utilerrors aggregate text: one error as it is, several (each once) as `[a, b]`. */
function aggregate(errors: readonly string[]): string | undefined {
  const distinct = [...new Set(errors)];
  if (distinct.length <= 1) return distinct[0];
  return `[${distinct.join(', ')}]`;
}

/** An `ip_address` item: an address, or an address with a prefix that makes a valid CIDR. */
const validIpItem = (item: string): boolean => (item.includes('/') ? !!parseCidr(item) : !!parseIp(item));

/**
 * The pod's malformed address annotations (empty list items are skipped, as IPAM skips them), or undefined.
 * Kube-OVN's check covers more keys (ip_family, ip_pool, rates); these two are the ones kovn's IPAM reads.
 */
export function podNetworkRefusal(annotations: Readonly<Record<string, string>>): AddressRefusal | undefined {
  const errors: string[] = [];
  for (const item of (annotations[ANNOTATION_IP_ADDRESS] ?? '').split(',')) {
    if (item !== '' && !validIpItem(item)) errors.push(`${item} is not a valid ${ANNOTATION_IP_ADDRESS}`);
  }
  const mac = annotations[ANNOTATION_MAC_ADDRESS];
  if (mac && !normalizeMac(mac)) errors.push(`${mac} is not a valid ${ANNOTATION_MAC_ADDRESS}`);
  const message = aggregate(errors);
  return message === undefined ? undefined : { reason: VALIDATE_POD_NETWORK_FAILED, message };
}
