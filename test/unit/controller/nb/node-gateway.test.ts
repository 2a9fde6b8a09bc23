// The default VPC's node gateway rows (src/controller/nb/node-gateway.ts), table by table: the address set names
// (Kube-OVN's `<subnet>.<node>_ip4`, made an OVN identifier), the default routes per family and route table, and a
// node's reroutes at 30000 and 29000 with its pods' address sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultVpcRoutes,
  desiredNodeGateway,
  nodeGatewaySetName,
  type NodeGatewayInput,
} from '../../../../src/controller/nb/node-gateway.ts';

for (const [subnet, node, family, want] of [
  ['ovn-default', 'kube-ovn-worker', 4, 'ovn.default.kube.ovn.worker_ip4'],
  ['ovn-default', 'kube-ovn-worker', 6, 'ovn.default.kube.ovn.worker_ip6'],
  ['net1', 'n1', 4, 'net1.n1_ip4'],
  ['10-net', 'n1', 4, 'kovn.10.net.n1_ip4'],
] as const) {
  void test(`address set of ${subnet} on ${node}, IPv${family}: ${want}`, () => {
    assert.equal(nodeGatewaySetName(subnet, node, family), want);
  });
}

const routeCases: {
  name: string;
  joinGateways: string[];
  routeTables: string[];
  want: [string, string, string][];
}[] = [
  {
    name: 'IPv4: one default route',
    joinGateways: ['100.64.0.1'],
    routeTables: [],
    want: [['', '0.0.0.0/0', '100.64.0.1']],
  },
  {
    name: 'dual stack, a route table used twice: per family, main and that table',
    joinGateways: ['100.64.0.1', 'fd00:100:64::1'],
    routeTables: ['rtb', 'rtb'],
    want: [
      ['', '0.0.0.0/0', '100.64.0.1'],
      ['rtb', '0.0.0.0/0', '100.64.0.1'],
      ['', '::/0', 'fd00:100:64::1'],
      ['rtb', '::/0', 'fd00:100:64::1'],
    ],
  },
  { name: 'no gateway: none', joinGateways: [], routeTables: ['rtb'], want: [] },
];
for (const c of routeCases) {
  void test(`default routes: ${c.name}`, () => {
    const rows = defaultVpcRoutes({ ...c, router: 'ovn-cluster', tags: { vendor: 'kube-ovn' } });
    assert.deepEqual(
      rows.map((r) => [r.columns['route_table'], r.columns['ip_prefix'], r.columns['nexthop']]),
      c.want,
    );
    for (const r of rows) {
      assert.equal(r.columns['policy'], 'dst-ip');
      assert.deepEqual(r.parent, { table: 'Logical_Router', name: 'ovn-cluster' });
    }
  });
}

const base: NodeGatewayInput = {
  node: 'kube-ovn-worker',
  router: 'ovn-cluster',
  owner: 'node/kube-ovn-worker',
  joinIps: ['100.64.0.3'],
  nodeIps: ['192.0.2.12'],
  subnets: [{ name: 'ovn-default', podIps: ['10.16.0.9', '10.16.0.5', '10.16.0.9', 'fd00::5'] }],
};
const summary = (input: NodeGatewayInput) =>
  desiredNodeGateway(input).map((r) =>
    r.table === 'Address_Set'
      ? `set ${r.columns['name'] as string} = ${JSON.stringify(r.columns['addresses'])}`
      : `${r.columns['priority'] as number} ${r.columns['match'] as string} -> ${JSON.stringify(r.columns['nexthops'])}`,
  );

const nodeCases: { name: string; input: NodeGatewayInput; want: string[] }[] = [
  {
    name: "IPv4 node: its address to its ovn0, its pods' set (sorted, one family, no duplicate) to its ovn0",
    input: base,
    want: [
      '30000 ip4.dst == 192.0.2.12 -> ["100.64.0.3"]',
      'set ovn.default.kube.ovn.worker_ip4 = ["10.16.0.5","10.16.0.9"]',
      '29000 ip4.src == $ovn.default.kube.ovn.worker_ip4 -> ["100.64.0.3"]',
    ],
  },
  {
    name: 'a subnet with no pod on the node still has its (empty) set and policy',
    input: {
      ...base,
      subnets: [
        { name: 'ovn-default', podIps: [] },
        { name: 'net2', podIps: ['10.17.0.2'] },
      ],
    },
    want: [
      '30000 ip4.dst == 192.0.2.12 -> ["100.64.0.3"]',
      'set ovn.default.kube.ovn.worker_ip4 = []',
      '29000 ip4.src == $ovn.default.kube.ovn.worker_ip4 -> ["100.64.0.3"]',
      'set net2.kube.ovn.worker_ip4 = ["10.17.0.2"]',
      '29000 ip4.src == $net2.kube.ovn.worker_ip4 -> ["100.64.0.3"]',
    ],
  },
  {
    name: 'dual-stack join: both families; an IPv4-only node address gives one node policy',
    input: { ...base, joinIps: ['100.64.0.3', 'fd00:100:64::3'] },
    want: [
      '30000 ip4.dst == 192.0.2.12 -> ["100.64.0.3"]',
      'set ovn.default.kube.ovn.worker_ip4 = ["10.16.0.5","10.16.0.9"]',
      '29000 ip4.src == $ovn.default.kube.ovn.worker_ip4 -> ["100.64.0.3"]',
      'set ovn.default.kube.ovn.worker_ip6 = ["fd00::5"]',
      '29000 ip6.src == $ovn.default.kube.ovn.worker_ip6 -> ["fd00:100:64::3"]',
    ],
  },
  { name: 'no join address yet: nothing', input: { ...base, joinIps: [] }, want: [] },
];
for (const c of nodeCases) {
  void test(`node gateway: ${c.name}`, () => {
    assert.deepEqual(summary(c.input), c.want);
  });
}

void test('node gateway rows carry the owner, the node and the subnet', () => {
  const rows = desiredNodeGateway(base);
  for (const r of rows) {
    const ids = r.columns['external_ids'] as Record<string, string>;
    assert.equal(ids['kovn-owner'], 'node/kube-ovn-worker');
    assert.equal(ids['node'], 'kube-ovn-worker');
    assert.equal(ids['vendor'], 'kube-ovn');
  }
  const policy = rows.find((r) => r.columns['priority'] === 29000)!;
  assert.equal((policy.columns['external_ids'] as Record<string, string>)['subnet'], 'ovn-default');
  assert.equal(policy.columns['action'], 'reroute');
});
