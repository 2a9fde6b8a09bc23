/**
 * Start-up state from what exists, as Kube-OVN's InitIPAM does: before the first reconcile, IPAM is rebuilt from
 * every Subnet (router-port MACs read back from NB, so no pod is given one), then every IP object that records a pod
 * NIC (kovn's records, a StatefulSet's kept addresses, reservations), then the allocation annotations of the pod NICs
 * that have no IP object, and the nodes' and EIPs' addresses, so a restarted controller hands out nothing twice and
 * re-derives exactly the rows already in NB. Kube-OVN restores only StatefulSet and VM IP objects and the rest from
 * pods; every record counts here, so a reservation whose pod does not exist survives a restart. It also lists the
 * owners of our NB rows whose objects are gone (deleted while the controller was down), so their keys can be
 * enqueued; an IP object left by such a pod maps to its pod key when the informer lists it (`pod-ip-watch.ts`).
 */
import type { Logger } from 'pino';
import {
  ANNOTATION_ALLOCATED,
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_MAC_ADDRESS,
  annotationKey,
} from '../../api/annotations.ts';
import { isOvnProvider, nodePortName, portName } from '../../api/constants.ts';
import type { IpObject } from '../../api/kinds/ip.ts';
import { defaultSubnet } from '../../api/kinds/subnet-defaults.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { ExistingAllocation, Ipam } from '../../ipam/index.ts';
import type { DatabaseCache } from '../../ovsdb/cache.ts';
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';
import { OWNED_TABLES } from '../nb/model.ts';
import { OWNER_INDEX, ownerKey, ownerRef, subnetOwner } from '../nb/owner.ts';
import { routerPortName } from '../nb/subnet.ts';
import { attachmentOwner, ipamSpec, nicName } from './ipam-view.ts';
import { requestOf } from './ip-objects.ts';
import { attachmentProviders } from './pod-attachments.ts';
import type { NadLookup } from '../../api/nad-config.ts';
import { recordedEips } from './natgw/names.ts';

/**
 * A pod's secondary-network allocations recorded as `<provider>.kubernetes.io/{allocated,ip_address}`
 * (pod-attachments.ts, pod-ovn-attachments.ts). An OVN attachment's subnet is its `logical_switch` and it has a MAC;
 * an IPAM-only one's is the subnet serving the provider, found as the allocation finds it (the first by name): no
 * `logical_switch` names it (Kube-OVN removes that key for a non-OVN subnet, and so does kovn), and it has no MAC.
 */
function recordedAttachments(
  pod: KubeObject,
  subnets: readonly Subnet[],
  nads: NadLookup,
): ExistingAllocation[] {
  const a = pod.metadata.annotations ?? {};
  return attachmentProviders(pod, nads).flatMap((provider) => {
    const ovn = isOvnProvider(provider);
    const subnet = ovn
      ? a[annotationKey(provider, 'logical_switch')]
      : subnets.find((s) => s.spec?.provider === provider)?.metadata.name;
    const ips = a[annotationKey(provider, 'ip_address')];
    if (a[annotationKey(provider, 'allocated')] !== 'true' || !subnet || !ips) return [];
    const owner = attachmentOwner(pod.metadata.name ?? '', pod.metadata.namespace ?? '', provider);
    const mac = ovn ? a[annotationKey(provider, 'mac_address')] : undefined;
    return [{ subnet, owner, ips, ...(mac ? { mac } : {}) }];
  });
}

/** The MAC of the subnet's router port, if we created one. */
export function routerMacOf(cache: DatabaseCache<OvnNbTables>, subnet: Subnet): string | undefined {
  const name = routerPortName(subnet.spec?.vpc ?? '', subnet.metadata.name ?? '');
  const owner = subnetOwner(subnet.metadata.name ?? '');
  return cache
    .table('Logical_Router_Port')
    .index('name')
    .getAll(name)
    .find((p) => p.external_ids['kovn-owner'] === owner)?.mac;
}

/**
 * Allocations recorded by IP objects: those with an address whose name is the NIC their spec names
 * (`<podName>.<namespace>[.<provider of spec.subnet>]`, Kube-OVN's check in handleAddReservedIP); the owner is that name.
 */
export function recordedIpObjects(view: ClusterView): ExistingAllocation[] {
  return (view.list('IP') as IpObject[]).flatMap((ip) => {
    const { podName, namespace, subnet } = ip.spec ?? {};
    const { ips, mac } = requestOf(ip);
    const found = subnet ? view.get('Subnet', subnet) : undefined;
    if (ip.metadata.deletionTimestamp || !podName || !namespace || !found || !ips) return [];
    const provider = defaultSubnet(found).spec?.provider;
    const owner = portName(podName, namespace, provider);
    return owner === ip.metadata.name ? [{ subnet: subnet!, owner, ips, mac }] : [];
  });
}

/** Allocations recorded by IP objects, then on pods (NICs without one) and nodes (`allocated=true`, address, switch). */
export function recordedAllocations(view: ClusterView): ExistingAllocation[] {
  const fromIps = recordedIpObjects(view);
  const recorded = new Set(fromIps.map((a) => a.owner));
  const subnets = (view.list('Subnet') as Subnet[])
    .filter((s) => !isOvnProvider(s.spec?.provider))
    .sort((x, y) => (x.metadata.name ?? '').localeCompare(y.metadata.name ?? ''));
  const nads: NadLookup = (namespace, name) => view.get('NetworkAttachmentDefinition', name, namespace);
  const pods = view.list('Pod').flatMap((pod) => {
    const a = pod.metadata.annotations ?? {};
    const subnet = a[ANNOTATION_LOGICAL_SWITCH];
    const ips = a[ANNOTATION_IP_ADDRESS];
    const owner = nicName(pod.metadata.name ?? '', pod.metadata.namespace ?? '');
    // No primary record in non-primary mode (or before the first allocation); attachments are recorded on their own.
    const primary =
      a[ANNOTATION_ALLOCATED] === 'true' && subnet && ips
        ? [{ subnet, owner, ips, mac: a[ANNOTATION_MAC_ADDRESS] }]
        : [];
    return [...primary, ...recordedAttachments(pod, subnets, nads)].filter((nic) => !recorded.has(nic.owner));
  });
  const nodes = view.list('Node').flatMap((node) => {
    const a = node.metadata.annotations ?? {};
    const subnet = a[ANNOTATION_LOGICAL_SWITCH];
    const ips = a[ANNOTATION_IP_ADDRESS];
    if (a[ANNOTATION_ALLOCATED] !== 'true' || !subnet || !ips) return [];
    return [{ subnet, owner: nodePortName(node.metadata.name ?? ''), ips, mac: a[ANNOTATION_MAC_ADDRESS] }];
  });
  return [...fromIps, ...pods, ...nodes, ...recordedEips(view)];
}

/** Keys of objects that own NB rows but no longer exist. */
export function orphanKeys(cache: DatabaseCache<OvnNbTables>, view: ClusterView): string[] {
  const keys = new Set<string>();
  for (const table of OWNED_TABLES) {
    for (const owner of cache.table(table).index(OWNER_INDEX).keys()) {
      const ref = ownerRef(owner);
      const key = ownerKey(owner);
      if (ref && key && !view.get(ref.kind, ref.name, ref.namespace)) keys.add(key);
    }
  }
  return [...keys].sort();
}

export class IpamBootstrap {
  #done = false;
  readonly #ipam: Ipam;
  readonly #cache: DatabaseCache<OvnNbTables>;
  readonly #onOrphans: (keys: string[]) => void;

  constructor(ipam: Ipam, cache: DatabaseCache<OvnNbTables>, onOrphans: (keys: string[]) => void) {
    this.#ipam = ipam;
    this.#cache = cache;
    this.#onOrphans = onOrphans;
  }

  /** Runs once (synchronously, so concurrent workers cannot interleave with it). */
  ensure(view: ClusterView, log: Logger): void {
    if (this.#done) return;
    this.#done = true;
    const subnets = (view.list('Subnet') as Subnet[]).map(defaultSubnet).filter((s) => s.spec?.cidrBlock);
    const specs = subnets.map((s) => {
      const mac = routerMacOf(this.#cache, s);
      return ipamSpec(s, mac ? [mac] : []);
    });
    const report = this.#ipam.rebuild(specs, recordedAllocations(view));
    log.info(
      {
        subnets: specs.length,
        restored: report.restored,
        failed: report.allocations,
        badSubnets: report.subnets,
      },
      'IPAM rebuilt from subnets, IP objects and pod annotations',
    );
    const orphans = orphanKeys(this.#cache, view);
    if (orphans.length) {
      log.info({ keys: orphans }, 'NB rows of deleted objects: enqueueing their owners');
      this.#onOrphans(orphans);
    }
  }
}
