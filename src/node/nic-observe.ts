/**
 * Reads a pod NIC's actual state: both veth ends with their addresses, kind, peer and transmit checksum offload, the
 * pod interface's routes (all through the agent's link helper, netlink) and the OVS interface row (bridge,
 * external_ids, ofport, error) from the agent's OVSDB cache (ovs-db.ts). Everything absent is reported as absent,
 * never thrown; nic-state.ts compares it with the spec.
 */
import { netnsExists } from './agent/netns-path.ts';
import type { LinkOps } from './netlink/link-helper.ts';
import type { ObservedNic } from './nic-state.ts';
import type { NicSpec } from './nic-types.ts';
import type { NodeOvsDb } from './ovs-db.ts';

/** Observes everything `nicProblems` compares. */
export async function observeNic(links: LinkOps, ovs: NodeOvsDb, spec: NicSpec): Promise<ObservedNic> {
  const nodeNetnsExists = netnsExists(spec.nodeNetns);
  const podNetnsExists = spec.podNetns === spec.nodeNetns ? nodeNetnsExists : netnsExists(spec.podNetns);
  const pod = podNetnsExists ? await links.readLink(spec.podNetns, spec.ifname) : undefined;
  return {
    nodeNetnsExists,
    podNetnsExists,
    pod,
    host: nodeNetnsExists ? await links.readLink(spec.nodeNetns, spec.hostIf) : undefined,
    routes: pod ? await links.readRoutes(spec.podNetns, spec.ifname) : [],
    ovs: await ovs.portState(spec.hostIf),
  };
}
