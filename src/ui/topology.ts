/**
 * Builds the page's Topology (topology-types.ts) from the cluster's objects, and the northbound rows when the server
 * reads them: VPCs with their router, subnets, pods, NAT gateways (EIPs and rules), VpcDns, routes (with the element
 * each next hop belongs to) and peerings; external networks apart. The flags are topology-flags.ts's. Pure.
 */
import {
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_VPC_NAT_GW,
} from '../api/annotations.ts';
import { DEFAULT_EXTERNAL_NETWORK, DEFAULT_VPC } from '../api/constants.ts';
import type { IptablesEip } from '../api/kinds/iptables-eip.ts';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import type { Vpc } from '../api/kinds/vpc.ts';
import type { KubeObject } from '../api/types.ts';
import { commaList } from '../util/comma-list.ts';
import type { ClusterObjects, NbState } from './cluster-objects.ts';
import { topologyFlags } from './topology-flags.ts';
import type {
  EipView,
  NatGatewayView,
  NatRuleView,
  PodView,
  SubnetView,
  Topology,
  VpcView,
} from './topology-types.ts';

export interface BuildOptions {
  /** The northbound rows, when the server reads them; `unavailable` when it should and cannot. */
  nb: NbState | 'unavailable' | 'off';
  trace: boolean;
  now: number;
}

const nameOf = (o: KubeObject): string => o.metadata.name ?? '';
const isReady = (o: KubeObject): boolean =>
  ((o['status'] as { ready?: boolean } | undefined)?.ready ?? false) === true;

function podView(pod: KubeObject): PodView | undefined {
  const notes = pod.metadata.annotations ?? {};
  const subnet = notes[ANNOTATION_LOGICAL_SWITCH];
  if (!subnet) return undefined;
  const spec = (pod.spec ?? {}) as { nodeName?: string };
  const conditions = ((pod['status'] as { conditions?: { type: string; status: string }[] } | undefined)
    ?.conditions ?? []) as { type: string; status: string }[];
  const namespace = pod.metadata.namespace ?? 'default';
  return {
    id: `pod/${namespace}/${nameOf(pod)}`,
    namespace,
    name: nameOf(pod),
    ips: commaList(notes[ANNOTATION_IP_ADDRESS]),
    node: spec.nodeName ?? '',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    subnet,
  };
}

/** The Subnets a NAT gateway or EIP attaches to outside OVN: external networks, drawn apart from the VPCs. */
function externalNames(o: ClusterObjects): Set<string> {
  const names = new Set<string>();
  for (const gw of o.natGateways) {
    const list = gw.spec?.externalSubnets?.length ? gw.spec.externalSubnets : [DEFAULT_EXTERNAL_NETWORK];
    for (const n of list) names.add(n);
  }
  for (const eip of o.eips) names.add(eip.spec?.externalSubnet || DEFAULT_EXTERNAL_NETWORK);
  for (const s of o.subnets) {
    const provider = s.spec?.provider ?? '';
    if (provider && provider !== 'ovn' && !provider.endsWith('.ovn') && !s.spec?.vpc) names.add(nameOf(s));
  }
  return names;
}

function subnetView(s: Subnet, pods: PodView[]): SubnetView {
  const st = s.status ?? {};
  return {
    id: `subnet/${nameOf(s)}`,
    name: nameOf(s),
    vpc: s.spec?.vpc || DEFAULT_VPC,
    cidr: s.spec?.cidrBlock ?? '',
    gateway: s.spec?.gateway ?? '',
    private: s.spec?.private ?? false,
    used: (st.v4usingIPs ?? 0) + (st.v6usingIPs ?? 0),
    available: (st.v4availableIPs ?? 0) + (st.v6availableIPs ?? 0),
    pods: pods.sort((a, b) => a.id.localeCompare(b.id)),
  };
}

function ruleViews<T extends KubeObject>(
  rules: readonly T[],
  eip: string,
  kind: 'dnat' | 'snat' | 'fip',
  text: (spec: Record<string, string | undefined>) => string,
  podOfIp: ReadonlyMap<string, string>,
): NatRuleView[] {
  return rules
    .filter((r) => (r.spec as { eip?: string } | undefined)?.eip === eip)
    .map((r) => {
      const spec = (r.spec ?? {}) as Record<string, string | undefined>;
      const target = podOfIp.get(spec['internalIp'] ?? '');
      return {
        id: `${kind}/${nameOf(r)}`,
        name: nameOf(r),
        ready: isReady(r),
        text: text(spec),
        ...(target ? { target } : {}),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

function eipView(eip: IptablesEip, o: ClusterObjects, podOfIp: ReadonlyMap<string, string>): EipView {
  const name = nameOf(eip);
  return {
    id: `eip/${name}`,
    name,
    ip: eip.status?.ip || eip.spec?.v4ip || '',
    external: `external/${eip.spec?.externalSubnet || DEFAULT_EXTERNAL_NETWORK}`,
    ready: isReady(eip),
    dnat: ruleViews(
      o.dnats,
      name,
      'dnat',
      (s) =>
        `${s['protocol'] ?? ''} ${s['externalPort'] ?? ''} -> ${s['internalIp'] ?? ''}:${s['internalPort'] ?? ''}`,
      podOfIp,
    ),
    snat: ruleViews(o.snats, name, 'snat', (s) => `${s['internalCIDR'] ?? ''} -> eip`, podOfIp),
    fip: ruleViews(o.fips, name, 'fip', (s) => `eip <-> ${s['internalIp'] ?? ''}`, podOfIp),
  };
}

function natGatewayView(
  gw: VpcNatGateway,
  o: ClusterObjects,
  podOfIp: ReadonlyMap<string, string>,
): NatGatewayView {
  const name = nameOf(gw);
  const externals = gw.spec?.externalSubnets?.length ? gw.spec.externalSubnets : [DEFAULT_EXTERNAL_NETWORK];
  return {
    id: `natgw/${name}`,
    name,
    vpc: gw.spec?.vpc ?? '',
    subnet: gw.spec?.subnet ?? '',
    lanIp: gw.spec?.lanIp || gw.status?.lanIp || '',
    externals: externals.map((e) => `external/${e}`),
    ready: isReady(gw),
    eips: o.eips
      .filter((e) => e.spec?.natGwDp === name)
      .map((e) => eipView(e, o, podOfIp))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Address -> the pod holding it among one VPC's subnets (addresses overlap across VPCs, never within one). */
function podsIn(subnets: readonly SubnetView[]): Map<string, string> {
  const pods = new Map<string, string>();
  for (const s of subnets) for (const p of s.pods) for (const ip of p.ips) pods.set(ip, p.id);
  return pods;
}

/**
 * Address -> the element holding it in one VPC: its pods (a NAT gateway's pod counts as its gateway, `gatewayOf`
 * maps pod ids to gateway names), and the gateways' LAN addresses.
 */
function holdersIn(vpc: VpcView, gatewayOf: ReadonlyMap<string, string>): Map<string, string> {
  const holders = new Map<string, string>();
  for (const s of vpc.subnets) {
    for (const p of s.pods) {
      const gateway = gatewayOf.get(p.id);
      for (const ip of p.ips) holders.set(ip, gateway ? `natgw/${gateway}` : p.id);
    }
  }
  for (const gw of vpc.natGateways) if (gw.lanIp) holders.set(gw.lanIp, gw.id);
  return holders;
}

function withRoutes(vpc: VpcView, spec: Vpc['spec'], holders: ReadonlyMap<string, string>): void {
  vpc.staticRoutes = (spec?.staticRoutes ?? []).map((r, i) => {
    const target = holders.get(r.nextHopIP);
    return {
      field: `spec.staticRoutes[${i}]`,
      policy: r.policy === 'policySrc' ? 'policySrc' : 'policyDst',
      cidr: r.cidr,
      nextHopIP: r.nextHopIP,
      routeTable: r.routeTable ?? '',
      ...(target ? { target } : {}),
    };
  });
  vpc.policyRoutes = (spec?.policyRoutes ?? []).map((p, i) => {
    const nextHopIPs = commaList(p.nextHopIP);
    return {
      field: `spec.policyRoutes[${i}]`,
      priority: p.priority ?? 0,
      match: p.match ?? '',
      action: p.action ?? '',
      nextHopIPs,
      targets: nextHopIPs.flatMap((ip) => holders.get(ip) ?? []),
    };
  });
}

export function buildTopology(o: ClusterObjects, options: BuildOptions): Topology {
  const externals = externalNames(o);
  const podsBySubnet = new Map<string, PodView[]>();
  const gatewayOf = new Map<string, string>();
  for (const pod of o.pods) {
    const view = podView(pod);
    if (!view || externals.has(view.subnet)) continue;
    const list = podsBySubnet.get(view.subnet);
    if (list) list.push(view);
    else podsBySubnet.set(view.subnet, [view]);
    const gateway = pod.metadata.annotations?.[ANNOTATION_VPC_NAT_GW];
    if (gateway) gatewayOf.set(view.id, gateway);
  }
  const vpcNames = new Set([...o.vpcs.map(nameOf)]);
  const subnets = o.subnets
    .filter((s) => !externals.has(nameOf(s)))
    .map((s) => subnetView(s, podsBySubnet.get(nameOf(s)) ?? []));
  for (const s of subnets) vpcNames.add(s.vpc);
  const vpcs: VpcView[] = [...vpcNames].sort().map((name) => {
    const spec = o.vpcs.find((v) => nameOf(v) === name)?.spec;
    const own = subnets.filter((s) => s.vpc === name).sort((a, b) => a.name.localeCompare(b.name));
    const podOfIp = podsIn(own);
    const vpc: VpcView = {
      id: `vpc/${name}`,
      routerId: `router/${name}`,
      name,
      isDefault: name === DEFAULT_VPC,
      namespaces: spec?.namespaces ?? [],
      subnets: own,
      natGateways: o.natGateways
        .filter((g) => g.spec?.vpc === name)
        .map((g) => natGatewayView(g, o, podOfIp))
        .sort((a, b) => a.id.localeCompare(b.id)),
      dns: o.vpcDns
        .filter((d) => d.spec?.vpc === name)
        .map((d) => ({
          id: `dns/${nameOf(d)}`,
          name: nameOf(d),
          subnet: d.spec?.subnet ?? '',
          active: d.status?.active ?? false,
        })),
      staticRoutes: [],
      policyRoutes: [],
      peerings: (spec?.vpcPeerings ?? []).flatMap((p) =>
        p.remoteVpc ? [{ remote: `router/${p.remoteVpc}`, localConnectIP: p.localConnectIP ?? '' }] : [],
      ),
    };
    withRoutes(vpc, spec, holdersIn(vpc, gatewayOf));
    return vpc;
  });
  for (const vpc of vpcs) peerTargets(vpc, vpcs);
  const topology: Topology = {
    builtAt: options.now,
    nb: typeof options.nb === 'string' ? options.nb : 'connected',
    trace: options.trace,
    vpcs,
    externals: [...externals].sort().map((name) => ({
      id: `external/${name}`,
      name,
      cidr: o.subnets.find((s) => nameOf(s) === name)?.spec?.cidrBlock ?? '',
    })),
    flags: [],
  };
  topology.flags = topologyFlags(topology, o, typeof options.nb === 'string' ? undefined : options.nb);
  return topology;
}

/** A route whose next hop is a peer VPC's end of a peering points at that peer's router. */
function peerTargets(vpc: VpcView, all: readonly VpcView[]): void {
  const peerIps = new Map<string, string>();
  for (const peer of all) {
    for (const p of peer.peerings) {
      const ip = p.localConnectIP.split('/')[0];
      if (p.remote === vpc.routerId && ip) peerIps.set(ip, peer.routerId);
    }
  }
  for (const r of vpc.staticRoutes) {
    const peer = peerIps.get(r.nextHopIP);
    if (!r.target && peer) r.target = peer;
  }
}
