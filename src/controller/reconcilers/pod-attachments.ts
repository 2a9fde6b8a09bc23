/**
 * Addresses for a pod's secondary networks whose IPAM is ours (Kube-OVN's `getPodKubeovnNets` for attachments):
 * each `k8s.v1.cni.cncf.io/networks` element `<namespace>/<name>` whose NAD is not of our type stands for provider
 * `<name>.<namespace>` (one of our type, `<name>.<namespace>.ovn`, is an OVN NIC: pod-ovn-attachments.ts), and the
 * Subnet whose `spec.provider` is that provider (e.g. the NAT gateway's `ovn-vpc-external-network.kube-system`
 * macvlan network) hands out the address, honouring its excludeIps. The IPAM owner is the NIC's port name
 * `<pod>.<namespace>.<provider>`; the answer is written as Kube-OVN writes it for a non-OVN subnet
 * (reconcileAllocateSubnets): `<provider>.kubernetes.io/{allocated,ip_address,cidr,gateway}`, with `mac_address`,
 * `logical_switch` and `pod_nic_type` removed, and the node agent returns it to the delegating plugin (macvlan) as
 * our IPAM. Such a NIC has no MAC (Kube-OVN asks IPAM for none): a requested one is ignored, and the one IPAM keeps
 * internally is never published (`attachmentNics` reports it empty, for the IP object). Networks without such a
 * Subnet are not ours and are skipped. A reservation of the NIC in that Subnet (a user's IP object) is the request
 * for what the pod's annotations leave unsaid. Pure apart from the IPAM it is handed.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Allocation, Ipam } from '../../ipam/index.ts';
import { isOvnProvider } from '../../api/constants.ts';
import { ANNOTATION_NETWORKS, annotationKey } from '../../api/annotations.ts';
import { parseNetworks } from '../../api/networks-annotation.ts';
import { attachmentProvider, type NadLookup } from '../../api/nad-config.ts';
import { attachmentOwner } from './ipam-view.ts';
import { acquireAddressFailed } from './pod-address-events.ts';
import type { NicReservation } from './pod-subnet.ts';

export type AttachmentOutcome =
  | { kind: 'allocated'; annotations: Record<string, string | null>; changedSubnets: string[] }
  | { kind: 'refused'; reason: string; message: string };

/**
 * The providers of the pod's attachments: `<name>.<namespace>.ovn` for a NAD of our type (found through `nads`),
 * else `<name>.<namespace>`; [] when the annotation cannot be read.
 */
export function attachmentProviders(pod: KubeObject, nads?: NadLookup): string[] {
  try {
    const list = parseNetworks(
      pod.metadata.annotations?.[ANNOTATION_NETWORKS],
      pod.metadata.namespace ?? 'default',
    );
    return list.map((s) => attachmentProvider(s.namespace, s.name, nads));
  } catch {
    return [];
  }
}

/** An attachment's NIC as IPAM holds it. */
export interface AttachmentNic {
  provider: string;
  owner: string;
  subnet: string;
  allocation: Allocation;
}

/** The reservation of an attachment NIC, by its IPAM owner (`<pod>.<namespace>.<provider>`). */
export type AttachmentReservations = (owner: string) => NicReservation | undefined;

/** The pod's attachment NICs that one of `subnets` serves and IPAM holds an address for. */
export function attachmentNics(
  pod: KubeObject,
  subnets: readonly Subnet[],
  ipam: Pick<Ipam, 'get'>,
  nads?: NadLookup,
): AttachmentNic[] {
  const name = pod.metadata.name ?? '';
  const namespace = pod.metadata.namespace ?? '';
  return attachmentProviders(pod, nads).flatMap((provider) => {
    const subnet = isOvnProvider(provider)
      ? undefined
      : subnets.find((s) => s.spec?.provider === provider)?.metadata.name;
    const owner = attachmentOwner(name, namespace, provider);
    const allocation = subnet === undefined ? undefined : ipam.get(subnet, owner);
    if (subnet === undefined || !allocation) return [];
    return [{ provider, owner, subnet, allocation: { ...allocation, mac: '' } }];
  });
}

/** Allocates (idempotently) every attachment that one of `subnets` serves. */
export function allocateAttachments(
  pod: KubeObject,
  subnets: readonly Subnet[],
  ipam: Ipam,
  reservations: AttachmentReservations = () => undefined,
  nads?: NadLookup,
): AttachmentOutcome {
  const name = pod.metadata.name ?? '';
  const namespace = pod.metadata.namespace ?? '';
  const annotations: Record<string, string | null> = {};
  const changedSubnets: string[] = [];
  for (const provider of attachmentProviders(pod, nads)) {
    if (isOvnProvider(provider)) continue;
    const subnet = subnets.find((s) => s.spec?.provider === provider);
    const subnetName = subnet?.metadata.name ?? '';
    if (!subnet || !ipam.subnet(subnetName)) continue;
    const key = (k: Parameters<typeof annotationKey>[1]): string => annotationKey(provider, k);
    const existing = pod.metadata.annotations ?? {};
    const owner = attachmentOwner(name, namespace, provider);
    const reservation = reservations(owner);
    const ips =
      existing[key('ip_address')] || (reservation?.subnet === subnetName && reservation.request.ips);
    const result = ipam.allocate(subnetName, owner, ips ? { ips } : {});
    if (!result.ok) return { kind: 'refused', ...acquireAddressFailed(subnetName, result) };
    if (result.changed) changedSubnets.push(subnetName);
    Object.assign(annotations, {
      [key('allocated')]: 'true',
      [key('ip_address')]: result.allocation.ipAddress,
      [key('mac_address')]: null,
      [key('cidr')]: subnet.spec?.cidrBlock ?? '',
      [key('gateway')]: subnet.spec?.gateway ?? '',
      [key('logical_switch')]: null,
      [key('pod_nic_type')]: null,
    });
  }
  return { kind: 'allocated', annotations, changedSubnets };
}
