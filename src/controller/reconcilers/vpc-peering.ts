/**
 * The Vpc reconciler's peering part: which VPCs a change must enqueue (a Vpc's peers both ways, and the peers of a
 * Subnet's VPC, since a subnet on the connect CIDR keeps the link down on both sides), the peering ports' MACs
 * (kept from NB, generated once: ADR 6), and the `Peered` condition saying what became of each peering (linked,
 * waiting for the peer to declare it, or refused and why), absent while the VPC declares none.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { generateMac } from '../../ipam/index.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { WatchMapping } from '../../kube/reconciler.ts';
import type { DatabaseCache } from '../../ovsdb/cache.ts';
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';
import type { RandomBytes } from '../../ipam/index.ts';
import { vpcOwner } from '../nb/owner.ts';
import { peerNames, type PeeringLink } from '../nb/vpc-peering.ts';
import type { ConditionInput } from './conditions.ts';
import { specOrDeletionChanged } from './watch-predicates.ts';

export const PEERED_CONDITION = 'Peered';

/** The VPCs `vpc` names as peers and the VPCs that name it. */
export function peersBothWays(vpc: string, view: ClusterView): string[] {
  const named = (obj: KubeObject | undefined) => (obj ? peerNames(obj) : []);
  const naming = view
    .list('Vpc')
    .filter((v) => named(v).includes(vpc))
    .map((v) => v.metadata.name ?? '');
  return [...new Set([...named(view.get('Vpc', vpc)), ...naming])].filter((n) => n !== vpc);
}

/** A Vpc change enqueues the VPCs it names and those naming it (old and new versions: a dropped peer too). */
export function peerVpcWatch(): WatchMapping {
  return {
    kind: 'Vpc',
    map: (obj, view) => {
      const name = obj.metadata.name ?? '';
      return [...new Set([...peerNames(obj), ...peersBothWays(name, view)])]
        .filter((n) => n !== name)
        .map((n) => keyOf('Vpc', n));
    },
    changed: specOrDeletionChanged,
  };
}

/** The peers of a Subnet's VPC (a subnet on a connect CIDR keeps the link down on both sides). */
export function subnetPeerKeys(subnet: KubeObject, view: ClusterView, clusterRouter: string): string[] {
  return peersBothWays((subnet as Subnet).spec?.vpc || clusterRouter, view).map((n) => keyOf('Vpc', n));
}

/** The MAC of each peering port: the one NB holds for this owner's port of that name, else a new one. */
export function peeringPortMacs(
  cache: DatabaseCache<OvnNbTables>,
  random: RandomBytes,
  vpc: string,
): (port: string) => string {
  const owner = vpcOwner(vpc);
  return (port) =>
    cache
      .table('Logical_Router_Port')
      .index('name')
      .getAll(port)
      .find((p) => p.external_ids['kovn-owner'] === owner)?.mac ?? generateMac(random, () => false);
}

/** `Peered`: True when every peering is linked; else False, refused ones before waiting ones in the message. */
export function peeringCondition(links: readonly PeeringLink[]): ConditionInput | undefined {
  if (!links.length) return undefined;
  const refused = links.filter((l) => l.state === 'refused');
  const waiting = links.filter((l) => l.state === 'waiting');
  const linked = links.filter((l) => l.state === 'linked').map((l) => l.remoteVpc);
  if (!refused.length && !waiting.length) {
    return {
      type: PEERED_CONDITION,
      status: 'True',
      reason: 'PeeringsLinked',
      message: `linked to vpc ${linked.join(', ')}`,
    };
  }
  const message = [...refused, ...waiting]
    .map((l) => (l.state === 'linked' ? '' : `${l.remoteVpc}: ${l.message}`))
    .join('; ');
  return {
    type: PEERED_CONDITION,
    status: 'False',
    reason: refused.length ? 'PeeringRefused' : 'PeerWaiting',
    message,
  };
}
