/**
 * A pod's NICs on OVN attachment networks (Kube-OVN's multi-NIC pods: a `k8s.v1.cni.cncf.io/networks` element whose
 * NAD is of our type, provider `<nad>.<ns>.ovn`; `getPodKubeovnNets` for `providerTypeOriginal`). Each NIC gets an
 * address and MAC in its subnet (the pod's `<provider>.kubernetes.io/logical_switch` annotation, else the subnet whose
 * `spec.provider` is the provider, else the pod's primary subnet, as Kube-OVN falls back to the default one), a
 * Logical_Switch_Port `<pod>.<ns>.<provider>` on that switch, an IP object named like the port, and the same
 * annotations as the primary NIC under the provider's prefix (`<provider>.kubernetes.io/ip_address`, ..., `routed`).
 * A static request is the pod's `<provider>.kubernetes.io/{ip_address,mac_address}`, else a reservation of the NIC.
 * Pure apart from the IPAM it is handed.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import { ANNOTATION_NETWORKS, annotationKey } from '../../api/annotations.ts';
import { parseNetworks } from '../../api/networks-annotation.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { WatchMapping } from '../../kube/reconciler.ts';
import { isOvnProvider, OVN_PROVIDER } from '../../api/constants.ts';
import type { Allocation, Ipam } from '../../ipam/index.ts';
import type { DesiredRow } from '../nb/model.ts';
import { desiredPod, type PortSecurity } from '../nb/pod.ts';
import { attachmentOwner } from './ipam-view.ts';
import { acquireAddressFailed } from './pod-address-events.ts';
import { podAnnotations } from './pod-annotations.ts';
import type { AttachmentReservations } from './pod-attachments.ts';

/** One OVN attachment NIC as allocated. */
export interface OvnNic {
  provider: string;
  /** The IPAM owner and port name, `<pod>.<ns>.<provider>`. */
  owner: string;
  subnet: Subnet;
  allocation: Allocation;
}

export type OvnAttachmentOutcome =
  | { kind: 'allocated'; nics: OvnNic[]; changedSubnets: string[] }
  | { kind: 'wait'; message: string }
  | { kind: 'refused'; reason: string; message: string };

/** The OVN attachment providers among a pod's (`<nad>.<ns>.ovn`; the default provider is the primary NIC's). */
export const ovnAttachmentProviders = (providers: readonly string[]): string[] =>
  providers.filter((p) => p !== OVN_PROVIDER && isOvnProvider(p));

/** The subnet an OVN attachment's NIC lives in, by name; undefined when none can be named. */
export function ovnAttachmentSubnetName(
  pod: KubeObject,
  provider: string,
  subnets: readonly Subnet[],
  primary: Subnet | undefined,
): string | undefined {
  const asked = pod.metadata.annotations?.[annotationKey(provider, 'logical_switch')];
  if (asked) return asked;
  return subnets.find((s) => s.spec?.provider === provider)?.metadata.name ?? primary?.metadata.name;
}

/** Allocates (idempotently) an address and MAC for every OVN attachment of the pod. */
export function allocateOvnAttachments(
  pod: KubeObject,
  providers: readonly string[],
  subnets: readonly Subnet[],
  ipam: Ipam,
  primary: Subnet | undefined,
  reservations: AttachmentReservations = () => undefined,
): OvnAttachmentOutcome {
  const name = pod.metadata.name ?? '';
  const namespace = pod.metadata.namespace ?? '';
  const annotations = pod.metadata.annotations ?? {};
  const nics: OvnNic[] = [];
  const changedSubnets: string[] = [];
  for (const provider of ovnAttachmentProviders(providers)) {
    const subnetName = ovnAttachmentSubnetName(pod, provider, subnets, primary);
    if (subnetName === undefined)
      return {
        kind: 'wait',
        message: `no subnet has provider ${provider} yet (network of the pod's attachment)`,
      };
    const subnet = subnets.find((s) => s.metadata.name === subnetName);
    if (!subnet || !ipam.subnet(subnetName))
      return { kind: 'wait', message: `subnet ${subnetName} of provider ${provider} is not ready yet` };
    const owner = attachmentOwner(name, namespace, provider);
    const reservation = reservations(owner);
    const ips =
      annotations[annotationKey(provider, 'ip_address')] ||
      (reservation?.subnet === subnetName ? reservation.request.ips : undefined);
    const mac =
      annotations[annotationKey(provider, 'mac_address')] ||
      (reservation?.subnet === subnetName ? reservation.request.mac : undefined);
    for (const other of ipam.lookup(owner)) {
      if (other.subnet === subnetName) continue;
      ipam.release(other.subnet, owner);
      changedSubnets.push(other.subnet);
    }
    const result = ipam.allocate(subnetName, owner, { ...(ips ? { ips } : {}), ...(mac ? { mac } : {}) });
    if (!result.ok) return { kind: 'refused', ...acquireAddressFailed(subnetName, result) };
    if (result.changed) changedSubnets.push(subnetName);
    nics.push({ provider, owner, subnet, allocation: result.allocation });
  }
  return { kind: 'allocated', nics, changedSubnets };
}

/** The NICs' Logical_Switch_Ports (owned by the pod, like its primary port). */
export function ovnAttachmentRows(
  pod: KubeObject,
  nics: readonly OvnNic[],
  portSecurity: (nic: OvnNic, ips: readonly string[]) => PortSecurity,
): DesiredRow[] {
  return nics.flatMap((nic) => {
    const ips = [nic.allocation.v4, nic.allocation.v6].filter((ip) => ip !== undefined);
    return desiredPod({
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      provider: nic.provider,
      subnet: nic.subnet.metadata.name ?? '',
      mac: nic.allocation.mac,
      ips,
      portSecurity: portSecurity(nic, ips),
    });
  });
}

/** The NICs' annotations, once their ports exist: the primary NIC's set under each provider's prefix. */
export function ovnAttachmentAnnotations(pod: KubeObject, nics: readonly OvnNic[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of nics) Object.assign(out, podAnnotations(pod, n.subnet, n.allocation, n.provider));
  return out;
}

/**
 * A NetworkAttachmentDefinition's change enqueues the pods whose networks annotation names it (its type decides
 * whether their NIC is an OVN port or an address only). NADs change rarely; the scan is over the cached pods.
 */
export const nadPodsWatch: WatchMapping = {
  kind: 'NetworkAttachmentDefinition',
  map: (nad, view) => {
    const name = nad.metadata.name ?? '';
    const namespace = nad.metadata.namespace ?? '';
    return view.list('Pod').flatMap((pod) => {
      const text = pod.metadata.annotations?.[ANNOTATION_NETWORKS];
      if (!text?.includes(name)) return [];
      let named = false;
      try {
        named = parseNetworks(text, pod.metadata.namespace ?? 'default').some(
          (s) => s.name === name && s.namespace === namespace,
        );
      } catch {
        return [];
      }
      return named ? [keyOf('Pod', pod.metadata.name ?? '', pod.metadata.namespace)] : [];
    });
  },
};
