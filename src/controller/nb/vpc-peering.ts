/**
 * A Vpc's half of each peering link (Kube-OVN's CreatePeerRouterPort, pkg/ovs/ovn-nb-logical_router_port.go): the
 * Logical_Router_Port `<vpc>-<remoteVpc>` on this VPC's router, `networks` = the `localConnectIP` parts
 * (`169.254.0.1/30`), a MAC kept from the existing port (else generated once, as Kube-OVN's GenerateMac: random,
 * locally administered) and `peer = <remoteVpc>-<vpc>`, the port the peer VPC's reconcile writes. Kube-OVN writes its
 * half as soon as one side declares the peering (a port whose peer does not exist, which carries nothing); kovn links
 * only when both sides name each other and agree (api/kinds/vpc-peering.ts: one network per family, two addresses,
 * no subnet of either VPC on it), decided from the same two objects on both sides, so the halves come and go
 * together, and either side dropping its entry (or the peer VPC going) removes the link. Pure.
 */
import type { Vpc } from '../../api/kinds/vpc.ts';
import {
  type PeeredVpc,
  pairMismatch,
  parseConnectIp,
  peeringWith,
  subnetOverlap,
  subnetsOf,
  unpeerable,
} from '../../api/kinds/vpc-peering.ts';
import type { ClusterView } from '../../api/types.ts';
import type { DesiredRow } from './model.ts';
import { ownerTags, vpcOwner } from './owner.ts';

export type PeeringLink =
  | { remoteVpc: string; state: 'linked'; networks: string[] }
  | { remoteVpc: string; state: 'waiting' | 'refused'; message: string };

export const peeringPortName = (vpc: string, remoteVpc: string): string => `${vpc}-${remoteVpc}`;

/** The peer VPCs named in the spec, each once, in the order first named. */
export function peerNames(vpc: PeeredVpc): string[] {
  const names = (vpc.spec?.vpcPeerings ?? []).map((p) => p.remoteVpc ?? '').filter((n) => n !== '');
  return [...new Set(names)];
}

function linkOf(vpc: Vpc, remote: string, view: ClusterView): PeeringLink {
  const name = vpc.metadata.name ?? '';
  const local = peeringWith(vpc, remote)!.peering.localConnectIP;
  const refused = (message: string): PeeringLink => ({ remoteVpc: remote, state: 'refused', message });
  const why = unpeerable(name, remote);
  if (why) return refused(why);
  const parsed = parseConnectIp(local);
  if (!parsed.ok) return refused(`localConnectIP ${local ?? ''}: ${parsed.reason}`);
  const peer = view.get('Vpc', remote) as Vpc | undefined;
  if (!peer || peer.metadata.deletionTimestamp) {
    return {
      remoteVpc: remote,
      state: 'waiting',
      message: `waiting for peer VPC ${remote} to exist and declare the peering`,
    };
  }
  const back = peeringWith(peer, name);
  if (!back) {
    return {
      remoteVpc: remote,
      state: 'waiting',
      message: `waiting for peer VPC ${remote} to declare the peering`,
    };
  }
  const mismatch = pairMismatch(local, remote, back.peering.localConnectIP);
  if (mismatch) return refused(mismatch);
  // Both VPCs' subnets, on both sides, so both halves reach the same verdict.
  const overlap =
    subnetOverlap(local, [...subnetsOf(view, name), ...subnetsOf(view, remote)]) ??
    subnetOverlap(back.peering.localConnectIP, [...subnetsOf(view, name), ...subnetsOf(view, remote)]);
  if (overlap) return refused(overlap);
  return { remoteVpc: remote, state: 'linked', networks: parsed.addresses.map((a) => a.network) };
}

/** What becomes of each peering of `vpc` (one per peer VPC; the later entry of several). */
export function peeringLinks(vpc: Vpc, view: ClusterView): PeeringLink[] {
  return peerNames(vpc).map((remote) => linkOf(vpc, remote, view));
}

/** This VPC's port of every linked peering; `macOf` gives the port's MAC (the existing one, else a new one). */
export function desiredPeeringPorts(
  vpc: string,
  links: readonly PeeringLink[],
  macOf: (port: string) => string,
): DesiredRow[] {
  const tags = ownerTags(vpcOwner(vpc));
  return links.flatMap((link) => {
    if (link.state !== 'linked') return [];
    const name = peeringPortName(vpc, link.remoteVpc);
    return [
      {
        table: 'Logical_Router_Port',
        parent: { table: 'Logical_Router', name: vpc },
        columns: {
          name,
          mac: macOf(name),
          networks: link.networks,
          peer: peeringPortName(link.remoteVpc, vpc),
          external_ids: tags,
        },
      },
    ];
  });
}
