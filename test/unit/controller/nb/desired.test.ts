// Table-driven tests of the pure desired NB state of Vpc, Subnet and Pod, the seed scenario (examples/seed) among
// them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSubnet } from '../../../../src/api/kinds/subnet-defaults.ts';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { Vpc } from '../../../../src/api/kinds/vpc.ts';
import { desiredPod } from '../../../../src/controller/nb/pod.ts';
import { desiredSubnet } from '../../../../src/controller/nb/subnet.ts';
import { desiredVpc } from '../../../../src/controller/nb/vpc.ts';

const vpc = (name: string, spec: Vpc['spec'] = {}): Vpc => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Vpc',
  metadata: { name },
  spec,
});
const subnet = (name: string, spec: NonNullable<Subnet['spec']>): Subnet =>
  defaultSubnet({ apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name }, spec });

const tags = (owner: string, extra: Record<string, string> = {}) => ({
  ...extra,
  vendor: 'kube-ovn',
  'kovn-owner': owner,
});

void test('Vpc: one router named like the VPC, with Kube-OVN options and owner tags', () => {
  assert.deepEqual(desiredVpc(vpc('test-vpc-1')), [
    {
      table: 'Logical_Router',
      columns: {
        name: 'test-vpc-1',
        external_ids: tags('vpc/test-vpc-1'),
        options: {
          mac_binding_age_threshold: '300',
          dynamic_neigh_routers: 'true',
          always_learn_from_arp_request: 'false',
        },
      },
    },
  ]);
});

void test('Vpc: ARP learning stays on with enableExternal or peerings', () => {
  for (const spec of [
    { enableExternal: true },
    { vpcPeerings: [{ remoteVpc: 'b', localConnectIP: '1.1.1.1/30' }] },
  ]) {
    const [router] = desiredVpc(vpc('a', spec));
    assert.ok(!('always_learn_from_arp_request' in (router!.columns['options'] as object)));
  }
});

void test('Vpc: spec static and policy routes become rows on the router', () => {
  const rows = desiredVpc(
    vpc('v', {
      staticRoutes: [
        { cidr: '0.0.0.0/0', nextHopIP: '10.0.1.254', policy: 'policyDst' },
        { cidr: '172.31.0.0/24', nextHopIP: '10.0.1.253', policy: 'policySrc', routeTable: 'rtb1' },
      ],
      policyRoutes: [
        {
          priority: 100,
          match: 'ip4.src == 10.0.1.0/24',
          action: 'reroute',
          nextHopIP: '10.0.1.10, 10.0.1.11',
        },
        { priority: 90, match: 'ip4.dst == 1.1.1.1', action: 'drop' },
      ],
    }),
  ).slice(1);
  assert.deepEqual(
    rows.map((r) => [r.table, r.parent?.name, { ...r.columns, external_ids: undefined }]),
    [
      [
        'Logical_Router_Static_Route',
        'v',
        {
          ip_prefix: '0.0.0.0/0',
          nexthop: '10.0.1.254',
          policy: 'dst-ip',
          route_table: '',
          external_ids: undefined,
        },
      ],
      [
        'Logical_Router_Static_Route',
        'v',
        {
          ip_prefix: '172.31.0.0/24',
          nexthop: '10.0.1.253',
          policy: 'src-ip',
          route_table: 'rtb1',
          external_ids: undefined,
        },
      ],
      [
        'Logical_Router_Policy',
        'v',
        {
          priority: 100,
          match: 'ip4.src == 10.0.1.0/24',
          action: 'reroute',
          nexthops: ['10.0.1.10', '10.0.1.11'],
          external_ids: undefined,
        },
      ],
      [
        'Logical_Router_Policy',
        'v',
        { priority: 90, match: 'ip4.dst == 1.1.1.1', action: 'drop', nexthops: [], external_ids: undefined },
      ],
    ],
  );
});

const subnetCases: {
  name: string;
  subnet: Subnet;
  want: Record<string, unknown>;
}[] = [
  {
    name: 'custom VPC, IPv4 (seed scenario): switch, router port pair, 31000 allow policy, no src route (ADR 12)',
    subnet: subnet('net1', { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24', namespaces: ['ns1'] }),
    want: {
      'Logical_Switch net1': { name: 'net1', external_ids: tags('subnet/net1') },
      'Logical_Switch_Port net1-test-vpc-1 @net1': {
        name: 'net1-test-vpc-1',
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'test-vpc-1-net1' },
        external_ids: tags('subnet/net1'),
      },
      'Logical_Router_Port test-vpc-1-net1 @test-vpc-1': {
        name: 'test-vpc-1-net1',
        mac: '0a:00:00:00:00:01',
        networks: ['10.0.1.1/24'],
        options: {},
        external_ids: tags('subnet/net1'),
      },
      'Logical_Router_Policy 31000|ip4.dst == 10.0.1.0/24 @test-vpc-1': {
        priority: 31000,
        match: 'ip4.dst == 10.0.1.0/24',
        action: 'allow',
        external_ids: tags('subnet/net1', { subnet: 'net1' }),
      },
    },
  },
  {
    name: 'dual stack with a route table: both networks, v4+v6 policies, the table on the port',
    subnet: subnet('d', { vpc: 'v', cidrBlock: '10.1.0.0/24,fd00::/120', routeTable: 'rtb1' }),
    want: {
      'Logical_Switch d': { name: 'd', external_ids: tags('subnet/d') },
      'Logical_Switch_Port d-v @d': {
        name: 'd-v',
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'v-d' },
        external_ids: tags('subnet/d'),
      },
      'Logical_Router_Port v-d @v': {
        name: 'v-d',
        mac: '0a:00:00:00:00:01',
        networks: ['10.1.0.1/24', 'fd00::1/120'],
        options: { route_table: 'rtb1' },
        external_ids: tags('subnet/d'),
      },
      'Logical_Router_Policy 31000|ip4.dst == 10.1.0.0/24 @v': {
        priority: 31000,
        match: 'ip4.dst == 10.1.0.0/24',
        action: 'allow',
        external_ids: tags('subnet/d', { subnet: 'd' }),
      },
      'Logical_Router_Policy 31000|ip6.dst == fd00::/120 @v': {
        priority: 31000,
        match: 'ip6.dst == fd00::/120',
        action: 'allow',
        external_ids: tags('subnet/d', { subnet: 'd' }),
      },
    },
  },
  {
    name: 'default VPC: the same, its allow keeps traffic between subnets off the node gateways',
    subnet: subnet('ovn-default', { cidrBlock: '10.16.0.0/16' }),
    want: {
      'Logical_Switch ovn-default': { name: 'ovn-default', external_ids: tags('subnet/ovn-default') },
      'Logical_Switch_Port ovn-default-ovn-cluster @ovn-default': {
        name: 'ovn-default-ovn-cluster',
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'ovn-cluster-ovn-default' },
        external_ids: tags('subnet/ovn-default'),
      },
      'Logical_Router_Port ovn-cluster-ovn-default @ovn-cluster': {
        name: 'ovn-cluster-ovn-default',
        mac: '0a:00:00:00:00:01',
        networks: ['10.16.0.1/16'],
        options: {},
        external_ids: tags('subnet/ovn-default'),
      },
      'Logical_Router_Policy 31000|ip4.dst == 10.16.0.0/16 @ovn-cluster': {
        priority: 31000,
        match: 'ip4.dst == 10.16.0.0/16',
        action: 'allow',
        external_ids: tags('subnet/ovn-default', { subnet: 'ovn-default' }),
      },
    },
  },
];

for (const c of subnetCases) {
  void test(`Subnet: ${c.name}`, () => {
    const rows = desiredSubnet({
      subnet: c.subnet,
      routerMac: '0a:00:00:00:00:01',
    });
    const got = Object.fromEntries(
      rows.map((r) => {
        const c = r.columns as Record<string, string | number | undefined>;
        const id =
          r.table === 'Logical_Router_Policy'
            ? `${c['priority']}|${c['match']}`
            : (c['name'] ?? c['ip_prefix']);
        return [`${r.table} ${id}${r.parent ? ` @${r.parent.name}` : ''}`, r.columns];
      }),
    );
    assert.deepEqual(got, c.want);
  });
}

void test('Pod: one switch port on the subnet, addresses and port security', () => {
  const base = { namespace: 'ns1', name: 'vpc1-pod', subnet: 'net1', mac: '0a:11:22:33:44:55' };
  assert.deepEqual(desiredPod({ ...base, ips: ['10.0.1.2'], portSecurity: 'full' }), [
    {
      table: 'Logical_Switch_Port',
      parent: { table: 'Logical_Switch', name: 'net1' },
      columns: {
        name: 'vpc1-pod.ns1',
        addresses: ['0a:11:22:33:44:55 10.0.1.2'],
        port_security: ['0a:11:22:33:44:55 10.0.1.2'],
        external_ids: tags('pod/ns1/vpc1-pod', { ls: 'net1', pod: 'ns1/vpc1-pod' }),
      },
    },
  ]);
  const [dual] = desiredPod({ ...base, ips: ['10.0.1.2', 'fd00::2'], portSecurity: 'off' });
  assert.deepEqual(dual!.columns['addresses'], ['0a:11:22:33:44:55 10.0.1.2 fd00::2']);
  assert.deepEqual(dual!.columns['port_security'], []);
  const [forwarder] = desiredPod({ ...base, ips: ['10.0.1.2', 'fd00::2'], portSecurity: 'mac' });
  assert.deepEqual(forwarder!.columns['port_security'], ['0a:11:22:33:44:55'], 'MAC only: any IP');
});
