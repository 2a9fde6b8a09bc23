/**
 * The node's own port on the join subnet (`ovn0`, Kube-OVN's `InitNodeGateway`): read from the controller's Node
 * annotations (`ovn.kubernetes.io/ip_address`, `mac_address`, `cidr`, `gateway`, `port_name`), plugged in the node's
 * namespace (pod namespace = node namespace), with a route to every subnet of the default VPC via the join gateway
 * and no default route, so the node reaches default-VPC pods and nothing else. Pure.
 */
import { DEFAULT_VPC, isOvnProvider, JOIN_SUBNET, OVN_PROVIDER } from '../api/constants.ts';
import type { KubeObject } from '../api/types.ts';
import { ANNOTATION_PORT_NAME, annotationKey } from '../api/annotations.ts';
import { parseCidrBlock } from '../net/cidr-block.ts';

import type { NicRoute, NicSpec } from './nic-types.ts';
import { isV6, withPrefix } from './pod-network.ts';
import type { Netns } from './agent/netns-path.ts';

export const NODE_NIC = 'ovn0';
/** The veth end on br-int that pairs with `ovn0` (both in the node namespace). */
export const NODE_NIC_HOST_END = 'ovn0_h';

export interface NodeNicPlace {
  nodeNetns: Netns;
  ovsRundir: string;
  mtu?: number;
}

interface SubnetLike {
  metadata: { name?: string; deletionTimestamp?: string };
  spec?: { cidrBlock?: string; vpc?: string; provider?: string };
}

/** CIDRs of the default VPC's subnets other than `join` (whose prefix is on-link on ovn0). */
export function defaultVpcCidrs(subnets: readonly SubnetLike[], joinName: string = JOIN_SUBNET): string[] {
  const out: string[] = [];
  for (const s of subnets) {
    if (s.metadata.deletionTimestamp || s.metadata.name === joinName) continue;
    const vpc = s.spec?.vpc || DEFAULT_VPC;
    if (vpc !== DEFAULT_VPC || !isOvnProvider(s.spec?.provider)) continue;
    for (const part of parseCidrBlock(s.spec?.cidrBlock).parts) if (part.cidr) out.push(part.text);
  }
  return [...new Set(out)].sort();
}

export type NodeNicState = { kind: 'ready'; spec: NicSpec } | { kind: 'wait'; reason: string };

export function nodeNicSpec(
  node: KubeObject,
  subnets: readonly SubnetLike[],
  place: NodeNicPlace,
): NodeNicState {
  const a = node.metadata.annotations ?? {};
  const get = (key: 'ip_address' | 'mac_address' | 'cidr' | 'gateway'): string =>
    a[annotationKey(OVN_PROVIDER, key)] ?? '';
  const port = a[ANNOTATION_PORT_NAME] ?? '';
  const missing = [
    ...(['ip_address', 'mac_address', 'cidr', 'gateway'] as const)
      .filter((k) => !get(k))
      .map((k) => annotationKey(OVN_PROVIDER, k)),
    ...(port ? [] : [ANNOTATION_PORT_NAME]),
  ];
  if (missing.length)
    return { kind: 'wait', reason: `node ${node.metadata.name ?? ''} has no ${missing.join(', ')} yet` };
  const ips = withPrefix(get('ip_address'), get('cidr'));
  if (typeof ips === 'string') return { kind: 'wait', reason: `node ${node.metadata.name ?? ''}: ${ips}` };
  const gws = get('gateway')
    .split(',')
    .map((g) => g.trim());
  const gateways = ips
    .map((ip) => gws.find((g) => isV6(g) === isV6(ip)))
    .filter((g): g is string => g !== undefined);
  const routes: NicRoute[] = [];
  for (const cidr of defaultVpcCidrs(subnets)) {
    const gw = gateways.find((g) => isV6(g) === isV6(cidr));
    if (gw) routes.push({ dst: cidr, gw });
  }
  return {
    kind: 'ready',
    spec: {
      nodeNetns: place.nodeNetns,
      ovsRundir: place.ovsRundir,
      podNetns: place.nodeNetns,
      hostIf: NODE_NIC_HOST_END,
      ifname: NODE_NIC,
      ifaceId: port,
      mac: get('mac_address'),
      ips,
      gateways,
      routes,
      defaultRoute: false,
      ...(place.mtu === undefined ? {} : { mtu: place.mtu }),
      externalIds: { ip: ips.map((ip) => ip.split('/')[0]).join(','), vendor: 'kube-ovn' },
    },
  };
}
