// Vpc route and policy admission (issue #6): each rule's field path and reason, through the same admit() the API
// server and the reconciler use; the reserved priority range (ADR 12) at both ends; ECMP and bare IPs accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../../../src/api/admission.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { memoryView } from '../../../support/objects.ts';

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

const cases: { name: string; spec: Record<string, unknown>; expect: [string, string][] }[] = [
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
      ['spec.staticRoutes[3].routeTable', 'letters, digits'],
    ],
  },
  { name: 'priority 28999 is free', spec: { policyRoutes: [policy(28999)] }, expect: [] },
  {
    name: 'priority 31001 is free (above the subnet allows)',
    spec: { policyRoutes: [policy(31001)] },
    expect: [],
  },
  {
    name: 'priorities 29000 and 31000 are reserved',
    spec: { policyRoutes: [policy(29000), policy(31000, 'ip4')] },
    expect: [
      ['spec.policyRoutes[0].priority', 'reserved for kovn'],
      ['spec.policyRoutes[1].priority', 'use 0-28999 or 31001-32767'],
    ],
  },
  {
    name: 'a match OVN would refuse names the field and the reason',
    spec: { policyRoutes: [policy(100, 'ip4.src == 10.0.1.0/24 || ip4.dst == 1.1.1.1 && tcp')] },
    expect: [
      ['spec.policyRoutes[0].match', 'not a valid OVN match: column 46: && and || must be parenthesized'],
    ],
  },
  {
    name: 'same priority and match twice',
    spec: { policyRoutes: [policy(100), policy(100, 'ip4.dst == 198.51.100.9', 'allow')] },
    expect: [['spec.policyRoutes[1].match', 'same priority and match as spec.policyRoutes[0]']],
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
    const outcome = admit({ operation: 'CREATE', object: vpc(c.spec), view: memoryView([]) });
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
