/**
 * The chaos run's objects. `flowObjects`: the two pods (one per node, one subnet of their own VPC) that carry the
 * running flows, created before the storm (the NAT gateway's configmaps and external network are the seed's manifests,
 * which run.ts applies as the NAT end-to-end test does). `stormSteps`: the storm itself as steps timed
 * over the kill span, in the order the objects depend on each other: `vpcs` VPCs with static and policy routes, two
 * subnets each with the same CIDRs in every VPC (10.10.0.0/24 and 10.10.1.0/24: overlapping across VPCs), a
 * namespace bound to each subnet; a NAT gateway in the first VPC with EIPs and DNAT, SNAT and FIP rules; `pods` pods
 * spread over the subnets and nodes in waves; deletions of pods and rules, the pods re-created under their names; and,
 * last, a patch of every VPC's policy routes (an update under fire). Pure: objects only.
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

export interface StormPatch {
  kind: string;
  name: string;
  body: Record<string, unknown>;
}

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * One step of the storm, at a fraction `at` (0..1) of the kill span: objects created (in order, each group's
 * objects concurrently), objects deleted, objects re-created under the same names once their deletion has finished
 * (new uids: what a StatefulSet does), or merge patches.
 */
export type StormStep = { at: number; name: string } & (
  { create: KubeObject[][] } | { delete: ObjectRef[] } | { recreate: KubeObject[] } | { patch: StormPatch[] }
);

const refOf = (o: KubeObject): ObjectRef => ({
  kind: o.kind,
  name: o.metadata.name ?? '',
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
});

/**
 * The storm as timed steps, spread over the kill span so that writes meet kills: the VPCs, subnets, NAT gateway,
 * EIPs and rules first; the pods in four waves; then a quarter of the early pods deleted with a DNAT and a FIP
 * rule; those pods re-created under their names; last, a patch of every VPC's policy routes (an update under fire).
 */
export function stormSteps(o: { vpcs: number; pods: number }): StormStep[] {
  const vs = Array.from({ length: o.vpcs }, (_, i) => i + 1);
  const ns = (v: number, s: 'a' | 'b') => `chaos-${v}-${s}`;
  const nat = natObjects();
  const slots = vs.flatMap((v) => [ns(v, 'a'), ns(v, 'b')]);
  const pods = Array.from({ length: o.pods }, (_, i) =>
    pod(slots[i % slots.length]!, `p-${i}`, NODES[i % NODES.length]!),
  );
  const wave = (w: number) => pods.filter((_, i) => i % 4 === w);
  // Deleted and re-created: every other pod of the first two waves.
  const churned = [...wave(0), ...wave(1)].filter((_, i) => i % 2 === 1);
  const churnedRules = nat.rules.filter((r) =>
    ['chaos-dnat-4', 'chaos-fip-2'].includes(r.metadata.name ?? ''),
  );
  return [
    {
      at: 0,
      name: 'VPCs, subnets, NAT gateway, EIPs and rules',
      create: [
        vs.flatMap((v) => [
          namespace(ns(v, 'a')),
          namespace(ns(v, 'b')),
          vpc(vpcName(v), [ns(v, 'a'), ns(v, 'b')], routesOf(v)),
        ]),
        vs.flatMap((v) => [
          subnet(subnetName(v, 'a'), vpcName(v), CIDR.a, ns(v, 'a')),
          subnet(subnetName(v, 'b'), vpcName(v), CIDR.b, ns(v, 'b')),
        ]),
        [...nat.gateway, ...nat.eips],
        nat.rules,
      ],
    },
    ...[0, 1, 2, 3].map((w) => ({ at: w * 0.15, name: `pods, wave ${w + 1}`, create: [wave(w)] })),
    { at: 0.55, name: 'pods and NAT rules deleted', delete: [...churned, ...churnedRules].map(refOf) },
    { at: 0.7, name: 'deleted pods re-created', recreate: churned },
    {
      at: 0.9,
      name: 'policy routes patched',
      patch: vs.map((v) => ({
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
    },
  ];
}

/** How many objects a step writes. */
export const stepSize = (s: StormStep): number =>
  'create' in s
    ? s.create.reduce((n, g) => n + g.length, 0)
    : 'delete' in s
      ? s.delete.length
      : 'recreate' in s
        ? s.recreate.length
        : s.patch.length;

/** The namespaces whose pods the checks look at. */
export function stormNamespaces(vpcs: number): string[] {
  return [
    FLOW_NS,
    GATEWAY_NS,
    ...Array.from({ length: vpcs }, (_, i) => [`chaos-${i + 1}-a`, `chaos-${i + 1}-b`]).flat(),
  ];
}
