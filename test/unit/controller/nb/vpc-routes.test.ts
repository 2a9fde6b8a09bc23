// Spec routes and policies as NB rows, and the diffs between specs (issue #6): ECMP groups (same table, policy and
// prefix, several next hops) are several rows; bare IPs and non-canonical prefixes are normalised so a converged
// VPC sends nothing; changing, reordering or removing entries touches only those entries; foreign rows stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vpc, VpcSpec } from '../../../../src/api/kinds/vpc.ts';
import { planOwner } from '../../../../src/controller/nb/diff.ts';
import { identityOf, type DesiredRow } from '../../../../src/controller/nb/model.ts';
import { desiredVpc, policyNextHops } from '../../../../src/controller/nb/vpc.ts';
import { normalizePrefix } from '../../../../src/net/ip.ts';
import type { Operation } from '../../../../src/ovsdb/operations.ts';
import { cacheOf, materialize, nbTypes, nextUuid, type Cached } from './helpers.ts';

const vpc = (spec: VpcSpec): Vpc => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Vpc',
  metadata: { name: 'v' },
  spec,
});
const plan = (desired: readonly DesiredRow[], rows: readonly Cached[]): Operation[] =>
  planOwner({ owner: 'vpc/v', key: 'Vpc/v', desired, cache: cacheOf(rows), types: nbTypes });
const summary = (ops: Operation[]) => ops.map((op) => `${op.op}${'table' in op ? ` ${op.table}` : ''}`);
const routes = (rows: DesiredRow[]) =>
  rows.filter((r) => r.table === 'Logical_Router_Static_Route').map((r) => identityOf(r.table, r.columns));

void test('normalizePrefix: bare IPs become host routes, host bits are cleared, junk is kept', () => {
  for (const [input, want] of [
    ['10.0.1.5', '10.0.1.5/32'],
    ['10.0.1.5/24', '10.0.1.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['fd00::1', 'fd00::1/128'],
    ['fd00:0:0::1/64', 'fd00::/64'],
    [' 10.0.0.0/8 ', '10.0.0.0/8'],
    ['nonsense', 'nonsense'],
  ]) {
    assert.equal(normalizePrefix(input!), want, input);
  }
});

void test('policyNextHops: reroute only; trimmed, canonical, deduplicated, sorted', () => {
  assert.deepEqual(policyNextHops('reroute', '10.0.1.11, 10.0.1.10,10.0.1.11'), ['10.0.1.10', '10.0.1.11']);
  assert.deepEqual(policyNextHops('reroute', 'fd00:0::2'), ['fd00::2']);
  assert.deepEqual(policyNextHops('drop', '10.0.1.10'), []);
});

void test('an ECMP group: same table, policy and prefix with two next hops gives two rows', () => {
  const rows = desiredVpc(
    vpc({
      staticRoutes: [
        { cidr: '198.51.100.0/24', nextHopIP: '10.0.3.11', policy: 'policyDst' },
        { cidr: '198.51.100.0/24', nextHopIP: '10.0.3.12', policy: 'policyDst' },
        { cidr: '198.51.100.0/24', nextHopIP: '10.0.3.12', policy: 'policySrc' },
        { cidr: '198.51.100.0/24', nextHopIP: '10.0.3.12', policy: 'policyDst', routeTable: 'rtb' },
        { cidr: '10.0.1.7', nextHopIP: '10.0.3.11', policy: 'policySrc' },
      ],
    }),
  );
  assert.deepEqual(routes(rows), [
    '|dst-ip|198.51.100.0/24|10.0.3.11',
    '|dst-ip|198.51.100.0/24|10.0.3.12',
    '|src-ip|198.51.100.0/24|10.0.3.12',
    'rtb|dst-ip|198.51.100.0/24|10.0.3.12',
    '|src-ip|10.0.1.7/32|10.0.3.11',
  ]);
});

const base: VpcSpec = {
  staticRoutes: [
    { cidr: '0.0.0.0/0', nextHopIP: '10.0.3.11', policy: 'policyDst' },
    { cidr: '198.51.100.0/28', nextHopIP: '10.0.3.12', policy: 'policyDst' },
    { cidr: '10.0.1.10', nextHopIP: '10.0.3.12', policy: 'policySrc' },
  ],
  policyRoutes: [
    { priority: 100, match: 'ip4.dst == 198.51.100.9', action: 'drop' },
    { priority: 90, match: 'ip4.src == 10.0.1.0/24', action: 'reroute', nextHopIP: '10.0.3.11,10.0.3.12' },
  ],
};

const cases: { name: string; spec: VpcSpec; want: string[] }[] = [
  { name: 'the same spec again: nothing', spec: base, want: [] },
  {
    name: 'reordered entries: nothing',
    spec: {
      staticRoutes: [...base.staticRoutes!].reverse(),
      policyRoutes: [...base.policyRoutes!].reverse(),
    },
    want: [],
  },
  {
    name: 'a bare IP written as /32 and hops reordered: nothing',
    spec: {
      staticRoutes: [
        base.staticRoutes![0]!,
        base.staticRoutes![1]!,
        { ...base.staticRoutes![2]!, cidr: '10.0.1.10/32' },
      ],
      policyRoutes: [
        base.policyRoutes![0]!,
        { ...base.policyRoutes![1]!, nextHopIP: '10.0.3.12, 10.0.3.11' },
      ],
    },
    want: [],
  },
  {
    name: "one route's next hop changed: one insert, one unlink",
    spec: {
      ...base,
      staticRoutes: [{ ...base.staticRoutes![0]!, nextHopIP: '10.0.3.13' }, ...base.staticRoutes!.slice(1)],
    },
    want: ['comment', 'insert Logical_Router_Static_Route', 'mutate Logical_Router'],
  },
  {
    name: "one policy's action changed: one update of that column",
    spec: { ...base, policyRoutes: [{ ...base.policyRoutes![0]!, action: 'allow' }, base.policyRoutes![1]!] },
    want: ['comment', 'update Logical_Router_Policy'],
  },
  {
    name: 'an ECMP hop added: one insert linked into the router',
    spec: {
      ...base,
      staticRoutes: [
        ...base.staticRoutes!,
        { cidr: '0.0.0.0/0', nextHopIP: '10.0.3.12', policy: 'policyDst' },
      ],
    },
    want: ['comment', 'insert Logical_Router_Static_Route', 'mutate Logical_Router'],
  },
  {
    name: 'one route and one policy removed: one unlink mutation',
    spec: { staticRoutes: base.staticRoutes!.slice(1), policyRoutes: base.policyRoutes!.slice(1) },
    want: ['comment', 'mutate Logical_Router'],
  },
];

for (const c of cases) {
  void test(`diff: ${c.name}`, () => {
    const nb = materialize(desiredVpc(vpc(base)));
    const ops = plan(desiredVpc(vpc(c.spec)), nb);
    assert.deepEqual(summary(ops), c.want);
    const mutate = ops.find((op) => op.op === 'mutate');
    if (c.name.includes('removed') && mutate?.op === 'mutate') {
      assert.deepEqual(
        mutate.mutations.map((m) => [m[0], m[1], (m[2] as [string, unknown[]])[1].length]),
        [
          ['policies', 'delete', 1],
          ['static_routes', 'delete', 1],
        ].sort(),
      );
    }
  });
}

void test('routes and policies without our owner tag are never touched', () => {
  const nb = materialize(desiredVpc(vpc(base)));
  const foreign: Cached = {
    table: 'Logical_Router_Static_Route',
    row: {
      _uuid: nextUuid(),
      ip_prefix: '0.0.0.0/0',
      nexthop: '10.0.3.11',
      route_table: '',
      external_ids: {},
    },
  };
  const foreignPolicy: Cached = {
    table: 'Logical_Router_Policy',
    row: {
      _uuid: nextUuid(),
      priority: 100,
      match: 'ip4.dst == 198.51.100.9',
      action: 'drop',
      external_ids: {},
    },
  };
  nb[0]!.row['static_routes'] = [...(nb[0]!.row['static_routes'] as string[]), foreign.row._uuid];
  nb[0]!.row['policies'] = [...(nb[0]!.row['policies'] as string[]), foreignPolicy.row._uuid];
  const all = [...nb, foreign, foreignPolicy];
  assert.deepEqual(plan(desiredVpc(vpc(base)), all), []);
  const ops = plan(desiredVpc(vpc({})), all);
  const mutate = ops.find((op) => op.op === 'mutate');
  assert.ok(mutate?.op === 'mutate');
  const removed = mutate.mutations.flatMap((m) => (m[2] as [string, [string, string][]])[1].map((a) => a[1]));
  assert.equal(removed.length, 5);
  assert.ok(!removed.includes(foreign.row._uuid) && !removed.includes(foreignPolicy.row._uuid));
});
