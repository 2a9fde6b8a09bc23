// The topology page's model (src/ui/topology.ts, topology-flags.ts): the seed's two VPCs with overlapping subnets,
// a NAT gateway with an EIP and rules, routes whose next hops are found (or not) among pods, gateways and peers,
// and each flag the page shows, raised by exactly the state that should raise it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import type { ClusterObjects, NbState } from '../../../src/ui/cluster-objects.ts';
import { buildTopology } from '../../../src/ui/topology.ts';
import type { Topology } from '../../../src/ui/topology-types.ts';

const obj = (
  kind: string,
  name: string,
  rest: Record<string, unknown> = {},
  namespace?: string,
): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...((rest['metadata'] as object) ?? {}) },
  ...Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'metadata')),
});

const pod = (ns: string, name: string, subnet: string, ip: string, extra: Record<string, string> = {}) =>
  obj(
    'Pod',
    name,
    {
      metadata: {
        annotations: {
          'ovn.kubernetes.io/logical_switch': subnet,
          'ovn.kubernetes.io/ip_address': ip,
          ...extra,
        },
      },
      spec: { nodeName: 'kube-ovn-worker' },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    },
    ns,
  );

const notReady = (reason: string, message: string) => ({
  ready: false,
  conditions: [{ type: 'Ready', status: 'False', reason, message }],
});

function seed(): ClusterObjects {
  return {
    vpcs: [
      obj('Vpc', 'test-vpc-1', {
        spec: {
          namespaces: ['ns1'],
          staticRoutes: [
            { cidr: '0.0.0.0/0', nextHopIP: '10.0.1.254', policy: 'policyDst' },
            { cidr: '192.0.2.0/24', nextHopIP: '10.0.1.99', policy: 'policyDst' },
            { cidr: '10.0.2.0/24', nextHopIP: '10.0.1.2', policy: 'policyDst' },
          ],
          policyRoutes: [
            {
              priority: 100,
              match: 'ip4.src == 10.0.1.2',
              action: 'reroute',
              nextHopIP: '10.0.1.2,10.0.1.77',
            },
          ],
          vpcPeerings: [{ remoteVpc: 'test-vpc-2', localConnectIP: '169.254.0.1/30' }],
        },
      }),
      obj('Vpc', 'test-vpc-2', {
        spec: {
          namespaces: ['ns2'],
          vpcPeerings: [{ remoteVpc: 'test-vpc-1', localConnectIP: '169.254.0.2/30' }],
          staticRoutes: [{ cidr: '10.0.9.0/24', nextHopIP: '169.254.0.1' }],
        },
      }),
    ],
    subnets: [
      obj('Subnet', 'net1', {
        spec: { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1' },
        status: { v4usingIPs: 3, v4availableIPs: 250 },
      }),
      obj('Subnet', 'net2', {
        spec: { vpc: 'test-vpc-2', cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1' },
        status: { v4usingIPs: 250, v4availableIPs: 3 },
      }),
      obj('Subnet', 'ovn-vpc-external-network', {
        spec: { cidrBlock: '172.18.0.0/16', provider: 'ovn-vpc-external-network.kube-system' },
      }),
    ],
    pods: [
      pod('ns1', 'vpc1-pod', 'net1', '10.0.1.2'),
      pod('ns2', 'vpc2-pod', 'net2', '10.0.1.2'),
      pod('kube-system', 'vpc-nat-gw-gw1-0', 'net1', '10.0.1.254', { 'ovn.kubernetes.io/vpc_nat_gw': 'gw1' }),
      obj('Pod', 'pending', { metadata: { annotations: {} } }, 'ns1'),
    ],
    natGateways: [
      obj('VpcNatGateway', 'gw1', {
        spec: { vpc: 'test-vpc-1', subnet: 'net1', lanIp: '10.0.1.254' },
        status: { ready: true },
      }),
    ],
    eips: [
      obj('IptablesEIP', 'eip1', {
        spec: { natGwDp: 'gw1' },
        status: { ready: true, ip: '172.18.0.10' },
      }),
      obj('IptablesEIP', 'eip2', {
        spec: { natGwDp: 'gw1' },
        status: notReady('Pending', 'external subnet ovn-vpc-external-network is not ready yet'),
      }),
    ],
    dnats: [
      obj('IptablesDnatRule', 'web', {
        spec: {
          eip: 'eip1',
          externalPort: '8080',
          protocol: 'tcp',
          internalIp: '10.0.1.2',
          internalPort: '80',
        },
        status: { ready: true },
      }),
      obj('IptablesDnatRule', 'clash', {
        spec: {
          eip: 'eip1',
          externalPort: '8080',
          protocol: 'tcp',
          internalIp: '10.0.1.3',
          internalPort: '80',
        },
        status: notReady('Conflict', 'eip eip1 port 8080/tcp is already used by dnat web'),
      }),
    ],
    snats: [
      obj('IptablesSnatRule', 'out', {
        spec: { eip: 'eip1', internalCIDR: '10.0.1.0/24' },
        status: { ready: true },
      }),
    ],
    fips: [],
    vpcDns: [],
  };
}

const build = (o: ClusterObjects, nb: NbState | 'off' = 'off'): Topology =>
  buildTopology(o, { nb, trace: true, now: 1 });
const vpc = (t: Topology, name: string) => t.vpcs.find((v) => v.name === name)!;
const codes = (t: Topology) => t.flags.map((f) => `${f.code} ${f.target}`).sort();

test('the seed: two VPCs, each with its own 10.0.1.0/24 subnet and pod; the external network stands apart', () => {
  const t = build(seed());
  assert.deepEqual(
    t.vpcs.map((v) => v.name),
    ['test-vpc-1', 'test-vpc-2'],
  );
  assert.deepEqual(
    vpc(t, 'test-vpc-1').subnets.map((s) => [s.id, s.cidr, s.used, s.available]),
    [['subnet/net1', '10.0.1.0/24', 3, 250]],
  );
  assert.deepEqual(
    vpc(t, 'test-vpc-2').subnets[0]!.pods.map((p) => [p.id, p.ips, p.node, p.ready]),
    [['pod/ns2/vpc2-pod', ['10.0.1.2'], 'kube-ovn-worker', true]],
  );
  assert.deepEqual(t.externals, [
    { id: 'external/ovn-vpc-external-network', name: 'ovn-vpc-external-network', cidr: '172.18.0.0/16' },
  ]);
  // A pod with no address yet is not drawn.
  assert.equal(
    vpc(t, 'test-vpc-1').subnets[0]!.pods.some((p) => p.name === 'pending'),
    false,
  );
});

test('NAT gateway: its EIPs with their rules, the rule target pod, its external network', () => {
  const gw = vpc(build(seed()), 'test-vpc-1').natGateways[0]!;
  assert.deepEqual(
    [gw.id, gw.lanIp, gw.externals, gw.ready],
    ['natgw/gw1', '10.0.1.254', ['external/ovn-vpc-external-network'], true],
  );
  const eip1 = gw.eips.find((e) => e.name === 'eip1')!;
  assert.equal(eip1.ip, '172.18.0.10');
  assert.deepEqual(
    eip1.dnat.map((r) => [r.id, r.text, r.target ?? '']),
    [
      ['dnat/clash', 'tcp 8080 -> 10.0.1.3:80', ''],
      ['dnat/web', 'tcp 8080 -> 10.0.1.2:80', 'pod/ns1/vpc1-pod'],
    ],
  );
  assert.deepEqual(
    eip1.snat.map((r) => r.text),
    ['10.0.1.0/24 -> eip'],
  );
});

test('routes point at what holds their next hop: the gateway pod counts as its gateway, a peer at its router', () => {
  const t = build(seed());
  assert.deepEqual(
    vpc(t, 'test-vpc-1').staticRoutes.map((r) => [r.field, r.target ?? '']),
    [
      ['spec.staticRoutes[0]', 'natgw/gw1'],
      ['spec.staticRoutes[1]', ''],
      ['spec.staticRoutes[2]', 'pod/ns1/vpc1-pod'],
    ],
  );
  assert.deepEqual(vpc(t, 'test-vpc-1').policyRoutes[0]!.targets, ['pod/ns1/vpc1-pod']);
  assert.deepEqual(vpc(t, 'test-vpc-2').staticRoutes[0]!.target, 'router/test-vpc-1');
  assert.deepEqual(vpc(t, 'test-vpc-1').peerings, [
    { remote: 'router/test-vpc-2', localConnectIP: '169.254.0.1/30' },
  ]);
});

test('flags: each raised by its own state, on its own element', () => {
  assert.deepEqual(codes(build(seed())), [
    'eip-not-ready eip/eip2',
    'route-nexthop-unknown router/test-vpc-1',
    'route-nexthop-unknown router/test-vpc-1',
    'rule-refused dnat/clash',
    'subnet-nearly-full subnet/net2',
  ]);
});

test('flags: a NAT gateway without a default route to it; a full subnet is an error', () => {
  const o = seed();
  const v1 = o.vpcs[0]!;
  v1.spec = { ...v1.spec, staticRoutes: v1.spec!.staticRoutes!.slice(2) };
  o.subnets[1]!.status = { v4usingIPs: 253, v4availableIPs: 0 };
  const t = build(o);
  const flag = (code: string) => t.flags.find((f) => f.code === code);
  assert.equal(flag('natgw-no-default-route')?.target, 'natgw/gw1');
  assert.match(
    flag('natgw-no-default-route')!.message,
    /no 0\.0\.0\.0\/0 static route to it \(10\.0\.1\.254\)/,
  );
  assert.equal(flag('subnet-nearly-full')?.severity, 'error');
});

test('flags: spec not yet in NB: a missing router, a missing switch, a route NB lacks; none when NB holds them', () => {
  const o = seed();
  const routes = [
    { prefix: '0.0.0.0/0', nexthop: '10.0.1.254', policy: 'dst-ip' as const, table: '' },
    { prefix: '192.0.2.0/24', nexthop: '10.0.1.99', policy: 'dst-ip' as const, table: '' },
    { prefix: '10.0.2.0/24', nexthop: '10.0.1.2', policy: 'dst-ip' as const, table: '' },
  ];
  const full: NbState = {
    routers: new Map([
      ['test-vpc-1', routes],
      ['test-vpc-2', [{ prefix: '10.0.9.0/24', nexthop: '169.254.0.1', policy: 'dst-ip', table: '' }]],
    ]),
    switches: new Set(['net1', 'net2']),
  };
  assert.equal(build(o, full).flags.filter((f) => f.code === 'nb-missing').length, 0);
  assert.equal(build(o, full).nb, 'connected');
  const partial: NbState = {
    routers: new Map([['test-vpc-1', routes.slice(1)]]),
    switches: new Set(['net2']),
  };
  const missing = build(o, partial).flags.filter((f) => f.code === 'nb-missing');
  assert.deepEqual(
    missing.map((f) => [f.target, f.message]),
    [
      ['subnet/net1', 'switch net1 is not in NB yet'],
      ['router/test-vpc-1', 'spec.staticRoutes[0] (0.0.0.0/0 via 10.0.1.254) is not in NB yet'],
      ['router/test-vpc-2', 'router test-vpc-2 is not in NB yet'],
    ],
  );
});

test('flags: a Vpc or Subnet whose Ready condition is False', () => {
  const o = seed();
  o.subnets[0]!.status = {
    ...o.subnets[0]!.status,
    conditions: [{ type: 'Ready', status: 'False', reason: 'ValidationFailed', message: 'cidr overlaps' }],
  };
  const flag = build(o).flags.find((f) => f.target === 'subnet/net1' && f.code === 'not-ready');
  assert.equal(flag?.message, 'subnet net1 is not ready (ValidationFailed): cidr overlaps');
});
