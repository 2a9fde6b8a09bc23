/**
 * Addresses for a pod's secondary networks whose IPAM is ours (Kube-OVN's `getPodKubeovnNets` for attachments):
 * each `k8s.v1.cni.cncf.io/networks` element `<namespace>/<name>` stands for provider `<name>.<namespace>`, and the
 * Subnet whose `spec.provider` is that provider (e.g. the NAT gateway's `ovn-vpc-external-network.kube-system`
 * macvlan network) hands out the address, honouring its excludeIps. The IPAM owner is the NIC's port name
 * `<pod>.<namespace>.<provider>`; the answer is written as `<provider>.kubernetes.io/{allocated,ip_address,...}`,
 * which the node agent returns to the delegating plugin (macvlan) as our IPAM. Networks without such a Subnet are
 * not ours and are skipped. Pure apart from the IPAM it is handed.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Ipam } from '../../ipam/index.ts';
import { isOvnProvider } from '../../api/constants.ts';
import { ANNOTATION_NETWORKS, annotationKey } from '../../api/annotations.ts';
import { parseNetworks } from '../../api/networks-annotation.ts';
import { attachmentOwner } from './ipam-view.ts';

export type AttachmentOutcome =
  | { kind: 'allocated'; annotations: Record<string, string>; changedSubnets: string[] }
  | { kind: 'refused'; reason: string; message: string };

/** The providers of the pod's attachments (`<name>.<namespace>`); [] when the annotation cannot be read. */
export function attachmentProviders(pod: KubeObject): string[] {
  try {
    const list = parseNetworks(
      pod.metadata.annotations?.[ANNOTATION_NETWORKS],
      pod.metadata.namespace ?? 'default',
    );
    return list.map((s) => `${s.name}.${s.namespace}`);
  } catch {
    return [];
  }
}

/** Allocates (idempotently) every attachment that one of `subnets` serves. */
export function allocateAttachments(
  pod: KubeObject,
  subnets: readonly Subnet[],
  ipam: Ipam,
): AttachmentOutcome {
  const name = pod.metadata.name ?? '';
  const namespace = pod.metadata.namespace ?? '';
  const annotations: Record<string, string> = {};
  const changedSubnets: string[] = [];
  for (const provider of attachmentProviders(pod)) {
    if (isOvnProvider(provider)) continue;
    const subnet = subnets.find((s) => s.spec?.provider === provider);
    const subnetName = subnet?.metadata.name ?? '';
    if (!subnet || !ipam.subnet(subnetName)) continue;
    const key = (k: Parameters<typeof annotationKey>[1]): string => annotationKey(provider, k);
    const existing = pod.metadata.annotations ?? {};
    const request = {
      ...(existing[key('ip_address')] ? { ips: existing[key('ip_address')] } : {}),
      ...(existing[key('mac_address')] ? { mac: existing[key('mac_address')] } : {}),
    };
    const result = ipam.allocate(subnetName, attachmentOwner(name, namespace, provider), request);
    if (!result.ok)
      return { kind: 'refused', reason: result.reason, message: `subnet ${subnetName}: ${result.message}` };
    if (result.changed) changedSubnets.push(subnetName);
    Object.assign(annotations, {
      [key('allocated')]: 'true',
      [key('ip_address')]: result.allocation.ipAddress,
      [key('mac_address')]: result.allocation.mac,
      [key('cidr')]: subnet.spec?.cidrBlock ?? '',
      [key('gateway')]: subnet.spec?.gateway ?? '',
      [key('logical_switch')]: subnetName,
    });
  }
  return { kind: 'allocated', annotations, changedSubnets };
}

/** Releases the pod's attachment addresses in every non-OVN subnet; returns the subnets released from. */
export function releaseAttachments(
  name: string,
  namespace: string,
  subnets: readonly Subnet[],
  ipam: Ipam,
): string[] {
  const released: string[] = [];
  for (const subnet of subnets) {
    const provider = subnet.spec?.provider ?? '';
    if (isOvnProvider(provider)) continue;
    const subnetName = subnet.metadata.name ?? '';
    if (ipam.release(subnetName, attachmentOwner(name, namespace, provider))) released.push(subnetName);
  }
  return released;
}
