// Vpc route and policy admission (issue #6): each rule's field path and reason, through the same admit() the API
// server and the reconciler use; every priority Kube-OVN accepts is accepted, with a warning in the range it keeps
// for its own policies (29000-31000, ADR 12) naming what the per-subnet allows at 31000 do to it; ECMP and bare IPs
// accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const vpc = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Vpc',
  metadata: { name: 'v' },
  spec,
});
const policy = (priority: number, match = 'ip4.dst == 198.51.100.9', action = 'drop') => ({
  priority,
  match,
  action,
});

const subnets = [
  kubeovn('Subnet', 'net1', { vpc: 'v', cidrBlock: '10.0.1.0/24' }),
  kubeovn('Subnet', 'elsewhere', { vpc: 'w', cidrBlock: '10.0.9.0/24' }),
  kubeovn('Subnet', 'ovn-default', { cidrBlock: '10.16.0.0/16' }),
];

const cases: {
  name: string;
  spec: Record<string, unknown>;
  expect: [string, string][];
  /** Expected warnings (absent: none). */
  warn?: [string, string][];
  /** The Vpc's name (default `v`, a custom VPC with subnet net1). */
  vpcName?: string;
}[] = [
  {
    name: 'ECMP: two next hops for one prefix, a bare IP cidr',
    spec: {
      staticRoutes: [
        { cidr: '0.0.0.0/0', nextHopIP: '10.0.3.11' },
        { cidr: '0.0.0.0/0', nextHopIP: '10.0.3.12' },
        { cidr: '10.0.1.10', nextHopIP: '10.0.3.12', policy: 'policySrc', routeTable: 'rtb' },
      ],
    },
    expect: [],
  },
  {
    name: 'bad cidr, bad hop, family mismatch, bad table name',
    spec: {
      staticRoutes: [
        { cidr: '10.0.0.0/33', nextHopIP: '10.0.3.11' },
        { cidr: '10.0.0.0/8', nextHopIP: 'ten' },
        { cidr: 'fd00::/64', nextHopIP: '10.0.3.11' },
        { cidr: '10.0.0.0/8', nextHopIP: '10.0.3.11', routeTable: 'a b' },
      ],
    },
    expect: [
      ['spec.staticRoutes[0].cidr', 'not a valid CIDR'],
      ['spec.staticRoutes[1].nextHopIP', 'not a valid IP address'],
      ['spec.staticRoutes[2].nextHopIP', 'IP family differs'],
    ],
    warn: [['spec.staticRoutes[3].routeTable', 'OVN takes it as written']],
  },
  { name: 'priority 28999 is free', spec: { policyRoutes: [policy(28999)] }, expect: [] },
  {
    name: 'priority 31001 is free (above the subnet allows)',
    spec: { policyRoutes: [policy(31001)] },
    expect: [],
  },
  {
    // Was refused ("reserved for kovn's own policies"): Kube-OVN accepts them, so kovn writes them as given.
    name: 'priorities 29000-30999 warn that traffic to the VPC subnets never reaches them',
    spec: { policyRoutes: [policy(29000), policy(30000, 'ip4.src == 10.0.1.0/24', 'reroute')] },
    expect: [['spec.policyRoutes[1].nextHopIP', 'reroute needs']],
    warn: [
      [
        'spec.policyRoutes[0].priority',
        "traffic to the VPC's own subnets is allowed there and never reaches",
      ],
      ['spec.policyRoutes[1].priority', '29000-31000 is the range Kube-OVN keeps'],
    ],
  },
  {
    name: 'priority 30000 alone is accepted, with the warning',
    spec: {
      policyRoutes: [
        { ...policy(30000, 'ip4.src == 10.0.1.0/24'), action: 'reroute', nextHopIP: '10.0.1.254' },
      ],
    },
    expect: [],
    warn: [['spec.policyRoutes[0].priority', 'below the allow policies at 31000']],
  },
  {
    name: 'priority 31000, another match: OVN applies one of the two where both match',
    spec: { policyRoutes: [policy(31000, 'ip4')] },
    expect: [],
    warn: [['spec.policyRoutes[0].priority', 'which one is undefined']],
  },
  {
    name: "priority 31000 with a subnet allow's own match, another action: named",
    spec: { policyRoutes: [policy(31000, 'ip4.dst==10.0.1.0/24')] },
    expect: [],
    warn: [['spec.policyRoutes[0].priority', 'same priority and match as the allow policy of subnet net1']],
  },
  {
    name: "priority 31000 with a subnet allow's match and action: same effect",
    spec: { policyRoutes: [policy(31000, 'ip4.dst == 10.0.1.0/24', 'allow')] },
    expect: [],
    warn: [['spec.policyRoutes[0].priority', 'to the same effect']],
  },
  {
    name: 'in the default VPC too: below the allow policies of its subnets',
    vpcName: 'ovn-cluster',
    spec: { policyRoutes: [policy(30000)] },
    expect: [],
    warn: [['spec.policyRoutes[0].priority', '30000 is below the allow policies at 31000']],
  },
  {
    name: 'a subnet naming no VPC has its allow in the default VPC',
    vpcName: 'ovn-cluster',
    spec: { policyRoutes: [policy(31000, 'ip4.dst == 10.16.0.0/16')] },
    expect: [],
    warn: [['spec.policyRoutes[0].priority', 'as the allow policy of subnet ovn-default']],
  },
  { name: 'priority 0 is free', spec: { policyRoutes: [policy(0)] }, expect: [] },
  {
    name: 'a match OVN would refuse names the field and the reason',
    spec: { policyRoutes: [policy(100, 'ip4.src == 10.0.1.0/24 || ip4.dst == 1.1.1.1 && tcp')] },
    expect: [
      ['spec.policyRoutes[0].match', 'not a valid OVN match: column 46: && and || must be parenthesized'],
    ],
  },
  {
    // Was refused: the later entry replaces the earlier, as in Kube-OVN (controller/nb/vpc.ts).
    name: 'same priority and match twice',
    spec: { policyRoutes: [policy(100), policy(100, 'ip4.dst == 198.51.100.9', 'allow')] },
    expect: [],
    warn: [['spec.policyRoutes[1].match', 'only this later entry is programmed']],
  },
  {
    name: 'a peering without a peer',
    spec: { vpcPeerings: [{ localConnectIP: '169.254.0.1/30' }] },
    expect: [],
    warn: [['spec.vpcPeerings[0].remoteVpc', 'connects nothing']],
  },
  {
    name: 'reroute with mixed families',
    spec: {
      policyRoutes: [{ priority: 100, match: 'ip4', action: 'reroute', nextHopIP: '10.0.3.11,fd00::1' }],
    },
    expect: [['spec.policyRoutes[0].nextHopIP', 'must all be IPv4 or all IPv6']],
  },
];

for (const c of cases) {
  void test(`vpc routes: ${c.name}`, () => {
    const object = { ...vpc(c.spec), metadata: { name: c.vpcName ?? 'v' } };
    const outcome = admit({ operation: 'CREATE', object, view: memoryView(subnets) });
    assert.deepEqual(
      outcome.warnings.map((w) => w.field).sort(),
      (c.warn ?? []).map(([f]) => f).sort(),
      outcome.warnings.map((w) => w.message).join('; '),
    );
    for (const [field, fragment] of c.warn ?? []) {
      const found = outcome.warnings.find((w) => w.field === field)!;
      assert.ok(found.message.includes(fragment), `${field}: ${found.message}`);
    }
    if (!c.expect.length) return assert.ok(outcome.allowed, outcome.allowed ? '' : outcome.message);
    assert.ok(!outcome.allowed);
    if (outcome.allowed) return;
    assert.deepEqual(
      outcome.issues.map((i) => i.field).sort(),
      c.expect.map(([f]) => f).sort(),
      outcome.message,
    );
    for (const [field, fragment] of c.expect) {
      const issue = outcome.issues.find((i) => i.field === field)!;
      assert.ok(issue.message.includes(fragment), `${field}: ${issue.message}`);
    }
  });
}
