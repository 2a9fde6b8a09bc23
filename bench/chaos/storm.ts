/**
 * The chaos run's objects. `flowObjects`: the two pods (one per node, one subnet of their own VPC) that carry the
 * running flows, created before the storm. `natPrerequisites`: the NAT gateway's configmaps and external network
 * (the seed's manifests, as the NAT end-to-end test applies them). `stormPhases`: the storm itself in the order the
 * objects depend on each other: `vpcs` VPCs with static and policy routes, two subnets each with the same CIDRs in
 * every VPC (10.10.0.0/24 and 10.10.1.0/24: overlapping across VPCs), a namespace bound to each subnet; a NAT
 * gateway in the first VPC with EIPs and DNAT, SNAT and FIP rules; `pods` pods spread over the subnets and nodes;
 * and, last, a patch of every VPC's policy routes (an update under fire). Pure: objects only.
 */
import type { KubeObject } from '../../src/api/types.ts';

export const NODES = ['kube-ovn-control-plane', 'kube-ovn-worker'] as const;
export const FLOW_NS = 'chaos-flow';
export const FLOW_PODS = [
  { name: 'flow-a', node: NODES[0] },
  { name: 'flow-b', node: NODES[1] },
] as const;
export const GATEWAY = 'chaos-gw';
export const GATEWAY_POD = `vpc-nat-gw-${GATEWAY}-0`;
export const GATEWAY_NS = 'kube-system';
export const EXTERNAL_SUBNET = 'ovn-vpc-external-network';

const KOVN = 'kubeovn.io/v1';
const vpcName = (v: number) => `chaos-vpc-${v}`;
const subnetName = (v: number, s: 'a' | 'b') => `chaos-${v}-${s}`;
const CIDR = { a: '10.10.0.0/24', b: '10.10.1.0/24' } as const;

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const vpc = (name: string, namespaces: string[], spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: KOVN,
  kind: 'Vpc',
  metadata: { name },
  spec: { namespaces, ...spec },
});
const subnet = (name: string, vpcOf: string, cidrBlock: string, ns: string): KubeObject => ({
  apiVersion: KOVN,
  kind: 'Subnet',
  metadata: { name },
  spec: { vpc: vpcOf, cidrBlock, protocol: 'IPv4', namespaces: [ns] },
});
export const pod = (ns: string, name: string, node: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: ns, name },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'pause' }] },
});

/** The flow pods' VPC, subnet, namespace, and the two pods. */
export function flowObjects(): KubeObject[][] {
  return [
    [namespace(FLOW_NS), vpc('chaos-flow-vpc', [FLOW_NS])],
    [subnet('chaos-flow-net', 'chaos-flow-vpc', '10.30.0.0/24', FLOW_NS)],
    FLOW_PODS.map((p) => pod(FLOW_NS, p.name, p.node)),
  ];
}

const routesOf = (v: number): Record<string, unknown> => ({
  staticRoutes: [
    ...(v === 1 ? [{ cidr: '0.0.0.0/0', nextHopIP: '10.10.0.254', policy: 'policyDst' }] : []),
    { cidr: `172.31.${v}.0/24`, nextHopIP: '10.10.0.253', policy: 'policyDst' },
    { cidr: '172.30.0.0/16', nextHopIP: '10.10.1.253', policy: 'policySrc', routeTable: 'rtb1' },
  ],
  policyRoutes: [
    { action: 'drop', match: 'ip4.src==10.10.0.0/24 && ip4.dst==10.10.0.250', priority: 11 },
    {
      action: 'reroute',
      match: 'ip4.src==10.10.1.0/24 && ip4.dst==172.29.0.0/16',
      nextHopIP: '10.10.1.252',
      priority: 10,
    },
  ],
});

function natObjects(): { gateway: KubeObject[]; eips: KubeObject[]; rules: KubeObject[] } {
  const eip = (name: string): KubeObject => ({
    apiVersion: KOVN,
    kind: 'IptablesEIP',
    metadata: { name },
    spec: { natGwDp: GATEWAY },
  });
  const rule = (kind: string, name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: KOVN,
    kind,
    metadata: { name },
    spec,
  });
  const dnats = [8001, 8002, 8003, 8004].map((port, i) =>
    rule('IptablesDnatRule', `chaos-dnat-${i + 1}`, {
      eip: 'chaos-eip-d',
      externalPort: String(port),
      internalIp: `10.10.0.${10 + i}`,
      internalPort: '80',
      protocol: i % 2 ? 'udp' : 'tcp',
    }),
  );
  return {
    gateway: [
      {
        apiVersion: KOVN,
        kind: 'VpcNatGateway',
        metadata: { name: GATEWAY },
        spec: {
          vpc: vpcName(1),
          subnet: subnetName(1, 'a'),
          lanIp: '10.10.0.254',
          selector: [`kubernetes.io/hostname: ${NODES[1]}`],
          externalSubnets: [EXTERNAL_SUBNET],
        },
      },
    ],
    eips: ['chaos-eip-d', 'chaos-eip-s', 'chaos-eip-s2', 'chaos-eip-f', 'chaos-eip-f2'].map(eip),
    rules: [
      ...dnats,
      rule('IptablesSnatRule', 'chaos-snat-a', { eip: 'chaos-eip-s', internalCIDR: CIDR.a }),
      rule('IptablesSnatRule', 'chaos-snat-b', { eip: 'chaos-eip-s2', internalCIDR: CIDR.b }),
      rule('IptablesSnatRule', 'chaos-snat-host', { eip: 'chaos-eip-d', internalCIDR: '10.10.0.7/32' }),
      rule('IptablesFIPRule', 'chaos-fip-1', { eip: 'chaos-eip-f', internalIp: '10.10.0.5' }),
      rule('IptablesFIPRule', 'chaos-fip-2', { eip: 'chaos-eip-f2', internalIp: '10.10.1.5' }),
    ],
  };
}

export interface StormPhase {
  name: string;
  objects: KubeObject[];
}

export interface StormPatch {
  kind: string;
  name: string;
  body: Record<string, unknown>;
}

/** The storm's objects by phase (a phase's objects may depend on the earlier phases'), and the patches at the end. */
export function stormPhases(o: { vpcs: number; pods: number }): {
  phases: StormPhase[];
  patches: StormPatch[];
} {
  const vs = Array.from({ length: o.vpcs }, (_, i) => i + 1);
  const ns = (v: number, s: 'a' | 'b') => `chaos-${v}-${s}`;
  const nat = natObjects();
  const slots = vs.flatMap((v) => [ns(v, 'a'), ns(v, 'b')]);
  const pods = Array.from({ length: o.pods }, (_, i) =>
    pod(slots[i % slots.length]!, `p-${i}`, NODES[i % NODES.length]!),
  );
  return {
    phases: [
      {
        name: 'namespaces and VPCs',
        objects: vs.flatMap((v) => [
          namespace(ns(v, 'a')),
          namespace(ns(v, 'b')),
          vpc(vpcName(v), [ns(v, 'a'), ns(v, 'b')], routesOf(v)),
        ]),
      },
      {
        name: 'subnets',
        objects: vs.flatMap((v) => [
          subnet(subnetName(v, 'a'), vpcName(v), CIDR.a, ns(v, 'a')),
          subnet(subnetName(v, 'b'), vpcName(v), CIDR.b, ns(v, 'b')),
        ]),
      },
      { name: 'NAT gateway and EIPs', objects: [...nat.gateway, ...nat.eips] },
      { name: 'NAT rules and pods', objects: [...nat.rules, ...pods] },
    ],
    patches: vs.map((v) => ({
      kind: 'Vpc',
      name: vpcName(v),
      body: {
        spec: {
          policyRoutes: [
            ...(routesOf(v)['policyRoutes'] as unknown[]),
            { action: 'allow', match: `ip4.dst==172.28.${v}.0/24`, priority: 12 },
          ],
        },
      },
    })),
  };
}

/** The namespaces whose pods the checks look at. */
export function stormNamespaces(vpcs: number): string[] {
  return [
    FLOW_NS,
    GATEWAY_NS,
    ...Array.from({ length: vpcs }, (_, i) => [`chaos-${i + 1}-a`, `chaos-${i + 1}-b`]).flat(),
  ];
}
