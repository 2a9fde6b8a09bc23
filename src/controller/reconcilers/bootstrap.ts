/**
 * Start-up state from what exists, as Kube-OVN's InitIPAM does: before the first reconcile, IPAM is rebuilt from
 * every Subnet (router-port MACs read back from NB, so no pod is given one) and every pod's allocation annotations, so a
 * restarted controller hands out nothing twice and re-derives exactly the rows already in NB. It also lists the owners
 * of our NB rows whose objects are gone (deleted while the controller was down), so their keys can be enqueued.
 */
import type { Logger } from 'pino';
import {
  ANNOTATION_ALLOCATED,
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_MAC_ADDRESS,
  annotationKey,
} from '../../api/annotations.ts';
import { nodePortName } from '../../api/constants.ts';
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
import { attachmentProviders } from './pod-attachments.ts';
import { recordedEips } from './natgw/names.ts';

/** A pod's secondary-network allocations recorded as `<provider>.kubernetes.io/*` (pod-attachments.ts). */
function recordedAttachments(pod: KubeObject): ExistingAllocation[] {
  const a = pod.metadata.annotations ?? {};
  return attachmentProviders(pod).flatMap((provider) => {
    const subnet = a[annotationKey(provider, 'logical_switch')];
    const ips = a[annotationKey(provider, 'ip_address')];
    if (a[annotationKey(provider, 'allocated')] !== 'true' || !subnet || !ips) return [];
    const owner = attachmentOwner(pod.metadata.name ?? '', pod.metadata.namespace ?? '', provider);
    return [{ subnet, owner, ips, mac: a[annotationKey(provider, 'mac_address')] }];
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

/** Allocations recorded on pods and nodes (`allocated=true` with an address and switch). */
export function recordedAllocations(view: ClusterView): ExistingAllocation[] {
  const pods = view.list('Pod').flatMap((pod) => {
    const a = pod.metadata.annotations ?? {};
    const subnet = a[ANNOTATION_LOGICAL_SWITCH];
    const ips = a[ANNOTATION_IP_ADDRESS];
    if (a[ANNOTATION_ALLOCATED] !== 'true' || !subnet || !ips) return [];
    const owner = nicName(pod.metadata.name ?? '', pod.metadata.namespace ?? '');
    return [{ subnet, owner, ips, mac: a[ANNOTATION_MAC_ADDRESS] }, ...recordedAttachments(pod)];
  });
  const nodes = view.list('Node').flatMap((node) => {
    const a = node.metadata.annotations ?? {};
    const subnet = a[ANNOTATION_LOGICAL_SWITCH];
    const ips = a[ANNOTATION_IP_ADDRESS];
    if (a[ANNOTATION_ALLOCATED] !== 'true' || !subnet || !ips) return [];
    return [{ subnet, owner: nodePortName(node.metadata.name ?? ''), ips, mac: a[ANNOTATION_MAC_ADDRESS] }];
  });
  return [...pods, ...nodes, ...recordedEips(view)];
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
      'IPAM rebuilt from subnets and pod annotations',
    );
    const orphans = orphanKeys(this.#cache, view);
    if (orphans.length) {
      log.info({ keys: orphans }, 'NB rows of deleted objects: enqueueing their owners');
      this.#onOrphans(orphans);
    }
  }
}
