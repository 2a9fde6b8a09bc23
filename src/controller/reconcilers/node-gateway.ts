/**
 * What a Node's gateway rows (nb/node-gateway.ts) read from the caches, and which changes call for them again: the
 * default VPC's overlay subnets (the join subnet aside), the addresses of their pods bound to the node, and the node's
 * own addresses; and the default VPC's default routes. A pod enqueues its node when it is bound, addressed, moved or gone; a default-VPC Subnet's spec
 * change enqueues every node.
 */
import { ANNOTATION_IP_ADDRESS, ANNOTATION_LOGICAL_SWITCH } from '../../api/annotations.ts';
import { isOvnProvider } from '../../api/constants.ts';
import { defaultSubnet } from '../../api/kinds/subnet-defaults.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { WatchMapping } from '../../kube/reconciler.ts';
import { commaList } from '../../util/comma-list.ts';
import type { DesiredRow } from '../nb/model.ts';
import { defaultVpcRoutes, type NodeGatewayInput } from '../nb/node-gateway.ts';
import { ownerTags, vpcOwner } from '../nb/owner.ts';
import { podGone } from './pending-pods.ts';
import { specOrDeletionChanged } from './watch-predicates.ts';

export interface GatewayNetwork {
  clusterRouter: string;
  /** The join subnet's name. */
  nodeSwitch: string;
}

const nodeNameOf = (pod: KubeObject): string =>
  (pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '';

/** The default VPC's overlay subnets whose pods leave through their node (not the join subnet, not deleting). */
export function gatewaySubnets(view: ClusterView, network: GatewayNetwork): Subnet[] {
  return (view.list('Subnet') as Subnet[]).filter(
    (s) =>
      isOvnProvider(s.spec?.provider) &&
      (s.spec?.vpc || network.clusterRouter) === network.clusterRouter &&
      s.metadata.name !== network.nodeSwitch &&
      !s.metadata.deletionTimestamp,
  );
}

/** The node's addresses as its status reports them (InternalIP). */
export function nodeAddresses(node: KubeObject): string[] {
  const addresses = (node['status'] as { addresses?: { type?: string; address?: string }[] } | undefined)
    ?.addresses;
  return (addresses ?? []).flatMap((a) => (a.type === 'InternalIP' && a.address ? [a.address] : []));
}

/** The default VPC's default routes to the join gateway (nb/node-gateway.ts); none for a custom VPC. */
export function defaultVpcGatewayRoutes(
  view: ClusterView,
  network: GatewayNetwork,
  vpc: string,
): DesiredRow[] {
  const join = view.get('Subnet', network.nodeSwitch) as Subnet | undefined;
  if (vpc !== network.clusterRouter || !join || join.metadata.deletionTimestamp) return [];
  return defaultVpcRoutes({
    joinGateways: commaList(defaultSubnet(join).spec?.gateway),
    routeTables: (view.list('Subnet') as Subnet[]).flatMap((s) =>
      (s.spec?.vpc || network.clusterRouter) === vpc && s.spec?.routeTable ? [s.spec.routeTable] : [],
    ),
    router: vpc,
    tags: ownerTags(vpcOwner(vpc)),
  });
}

/** The input of a node's gateway rows, all but the node's join addresses and the owner. */
export function nodeGatewayWorld(
  view: ClusterView,
  network: GatewayNetwork,
  node: KubeObject,
): Pick<NodeGatewayInput, 'nodeIps' | 'subnets'> {
  const name = node.metadata.name ?? '';
  const subnets = new Map(gatewaySubnets(view, network).map((s) => [s.metadata.name ?? '', [] as string[]]));
  for (const pod of view.list('Pod')) {
    if (nodeNameOf(pod) !== name || podGone(pod)) continue;
    const ips = subnets.get(pod.metadata.annotations?.[ANNOTATION_LOGICAL_SWITCH] ?? '');
    ips?.push(...commaList(pod.metadata.annotations?.[ANNOTATION_IP_ADDRESS]));
  }
  return {
    nodeIps: nodeAddresses(node),
    subnets: [...subnets].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, podIps]) => ({ name: s, podIps })),
  };
}

/** What of a pod its node's gateway rows read. */
const podGatewayFacts = (pod: KubeObject): string =>
  JSON.stringify([
    nodeNameOf(pod),
    podGone(pod),
    pod.metadata.annotations?.[ANNOTATION_LOGICAL_SWITCH],
    pod.metadata.annotations?.[ANNOTATION_IP_ADDRESS],
  ]);

/** The Node reconciler's watches for the gateway rows. */
export function nodeGatewayWatches(network: GatewayNetwork): WatchMapping[] {
  return [
    {
      kind: 'Pod',
      map: (pod) => (nodeNameOf(pod) ? [keyOf('Node', nodeNameOf(pod))] : []),
      changed: (pod, old) => podGatewayFacts(pod) !== podGatewayFacts(old),
    },
    {
      kind: 'Subnet',
      // the join subnet has a watch of its own (node.ts); the others matter in the default VPC only
      map: (subnet, view) =>
        subnet.metadata.name !== network.nodeSwitch &&
        ((subnet as Subnet).spec?.vpc || network.clusterRouter) === network.clusterRouter
          ? view.list('Node').map((n) => keyOf('Node', n.metadata.name ?? ''))
          : [],
      changed: specOrDeletionChanged,
    },
  ];
}
