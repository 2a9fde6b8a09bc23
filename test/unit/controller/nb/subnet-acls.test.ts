// A Subnet's desired ACLs (private, allowSubnets, acls) as data, and their convergence through the NB diff: the
// rows Kube-OVN writes (priorities, matches, direction, tags), changes that update or unlink exactly the ACLs they
// touch, and a converged switch that plans nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSubnet } from '../../../../src/api/kinds/subnet-defaults.ts';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import { desiredAcls } from '../../../../src/controller/nb/acl.ts';
import { planOwner } from '../../../../src/controller/nb/diff.ts';
import type { DesiredRow } from '../../../../src/controller/nb/model.ts';
import { desiredSubnet } from '../../../../src/controller/nb/subnet.ts';
import { desiredSubnetAcls, subnetAclEntries } from '../../../../src/controller/nb/subnet-acls.ts';
import { desiredVpc } from '../../../../src/controller/nb/vpc.ts';
import type { Operation } from '../../../../src/ovsdb/operations.ts';
import { cacheOf, materialize, nbTypes, type Cached } from './helpers.ts';

const JOIN = '100.64.0.0/16';
const subnet = (spec: Subnet['spec']): Subnet =>
  defaultSubnet({
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name: 'net1' },
    spec: { vpc: 'v1', cidrBlock: '10.0.1.0/24', ...spec },
  });

/** `priority direction action: match <- field` per entry, in order. */
const entries = (spec: Subnet['spec'], join = JOIN): string[] =>
  subnetAclEntries(subnet(spec), join).map(
    (a) => `${a.priority} ${a.direction} ${a.action}: ${a.match} <- ${a.field}`,
  );

const cases: { name: string; spec: Subnet['spec']; join?: string; expect: string[] }[] = [
  { name: 'not private, no acls: no ACL', spec: {}, expect: [] },
  {
    name: 'allowSubnets without private: no ACL (as Kube-OVN)',
    spec: { allowSubnets: ['10.0.2.0/24'] },
    expect: [],
  },
  {
    name: 'private: drop all, allow the subnet itself and the join network',
    spec: { private: true },
    expect: [
      '1000 to-lport drop: ip <- spec.private',
      '3000 to-lport allow-related: ip4.src == 100.64.0.0/16 <- spec.private',
      '1001 to-lport allow-related: ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.1.0/24 <- spec.private',
    ],
  },
  {
    name: 'private + allowSubnets: both directions per allowed CIDR, host bits cleared, other families skipped',
    spec: { private: true, allowSubnets: ['10.0.2.7/24', ' fd00::/64', '10.0.3.0/24'] },
    expect: [
      '1000 to-lport drop: ip <- spec.private',
      '3000 to-lport allow-related: ip4.src == 100.64.0.0/16 <- spec.private',
      '1001 to-lport allow-related: ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.1.0/24 <- spec.private',
      '1001 to-lport allow-related: (ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.2.0/24) || (ip4.src == 10.0.2.0/24 && ip4.dst == 10.0.1.0/24) <- spec.allowSubnets[0]',
      '1001 to-lport allow-related: (ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.3.0/24) || (ip4.src == 10.0.3.0/24 && ip4.dst == 10.0.1.0/24) <- spec.allowSubnets[2]',
    ],
  },
  {
    name: 'dual stack: one set per family, the join CIDR of each family',
    spec: { private: true, cidrBlock: '10.0.1.0/24,fd00:1::/64', allowSubnets: ['fd00:2::/64'] },
    join: '100.64.0.0/16,fd00:100:64::/112',
    expect: [
      '1000 to-lport drop: ip <- spec.private',
      '3000 to-lport allow-related: ip4.src == 100.64.0.0/16 <- spec.private',
      '1001 to-lport allow-related: ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.1.0/24 <- spec.private',
      '3000 to-lport allow-related: ip6.src == fd00:100:64::/112 <- spec.private',
      '1001 to-lport allow-related: ip6.src == fd00:1::/64 && ip6.dst == fd00:1::/64 <- spec.private',
      '1001 to-lport allow-related: (ip6.src == fd00:1::/64 && ip6.dst == fd00:2::/64) || (ip6.src == fd00:2::/64 && ip6.dst == fd00:1::/64) <- spec.allowSubnets[0]',
    ],
  },
  {
    name: 'acls: as written, priority 0 by default; entries admission refuses are left out',
    spec: {
      acls: [
        { direction: 'from-lport', priority: 1002, match: 'ip4.dst == 10.0.9.9', action: 'drop' },
        { direction: 'to-lport', match: 'tcp.dst == 22', action: 'reject' },
        { direction: 'sideways', match: 'ip', action: 'drop' },
        { direction: 'to-lport', match: 'ip', action: 'pass' },
        { direction: 'to-lport', action: 'drop' },
      ],
    },
    expect: [
      '1002 from-lport drop: ip4.dst == 10.0.9.9 <- spec.acls[0]',
      '0 to-lport reject: tcp.dst == 22 <- spec.acls[1]',
    ],
  },
];

for (const c of cases) {
  void test(`subnet ACL entries: ${c.name}`, () => {
    assert.deepEqual(entries(c.spec, c.join), c.expect);
  });
}

void test('rows: owner and parent tags, Kube-OVN subnet tag on acls entries, the drop named and logged', () => {
  const rows = desiredSubnetAcls(
    subnet({ private: true, acls: [{ direction: 'to-lport', priority: 5, match: 'udp', action: 'drop' }] }),
    JOIN,
  );
  assert.ok(rows.every((r) => r.table === 'ACL' && r.parent?.table === 'Logical_Switch'));
  assert.ok(rows.every((r) => r.parent?.name === 'net1'));
  const drop = rows.find((r) => r.columns['priority'] === 1000)!;
  assert.deepEqual(drop.columns['external_ids'], {
    parent: 'net1',
    vendor: 'kube-ovn',
    'kovn-owner': 'subnet/net1',
  });
  assert.deepEqual(
    [drop.columns['name'], drop.columns['log'], drop.columns['severity']],
    [['net1'], true, ['warning']],
  );
  const user = rows.find((r) => r.columns['priority'] === 5)!;
  assert.equal((user.columns['external_ids'] as Record<string, string>)['subnet'], 'net1');
  assert.deepEqual([user.columns['name'], user.columns['log'], user.columns['severity']], [[], false, []]);
});

void test('rows: of two entries with one direction, priority and match the later wins; long names are cut', () => {
  const rows = desiredAcls('subnet/x', { table: 'Logical_Switch', name: 'x' }, [
    { direction: 'to-lport', priority: 7, match: 'ip', action: 'drop', name: 'n'.repeat(70) },
    { direction: 'from-lport', priority: 7, match: 'ip', action: 'drop' },
    { direction: 'to-lport', priority: 7, match: 'ip', action: 'allow', name: 'n'.repeat(70) },
  ]);
  assert.deepEqual(
    rows.map((r) => `${r.columns['direction'] as string} ${r.columns['action'] as string}`),
    ['from-lport drop', 'to-lport allow'],
  );
  assert.equal((rows[1]!.columns['name'] as string[])[0], `${'n'.repeat(60)}...`);
});

// --- convergence through the NB diff ---

const MAC = '0a:00:00:00:00:01';
const vpcRows = desiredVpc({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'v1' } });
const rowsOf = (spec: Subnet['spec']): DesiredRow[] => [
  ...desiredSubnet({ subnet: subnet(spec), routerMac: MAC }),
  ...desiredSubnetAcls(subnet(spec), JOIN),
];
const plan = (desired: readonly DesiredRow[], nb: readonly Cached[]): Operation[] =>
  planOwner({ owner: 'subnet/net1', key: 'Subnet/net1', desired, cache: cacheOf(nb), types: nbTypes });
const shape = (ops: Operation[]) =>
  ops
    .filter((op) => op.op !== 'comment' && op.op !== 'wait')
    .map((op) => {
      if (op.op === 'insert') return `insert ${op.table} ${(op.row as { match?: string }).match ?? ''}`;
      if (op.op === 'mutate')
        return `mutate ${op.table} ${op.mutations.map((m) => `${m[0]} ${m[1]} ${(m[2] as [string, unknown[]])[1].length}`).join(', ')}`;
      if (op.op === 'update') return `update ${op.table} ${Object.keys(op.row).join(',')}`;
      return `${op.op} ${'table' in op ? op.table : ''}`;
    });

const PRIVATE = { private: true, allowSubnets: ['10.0.2.0/24'] };
const transitions: { name: string; from: Subnet['spec']; to: Subnet['spec']; expect: string[] }[] = [
  { name: 'the same spec again sends nothing', from: PRIVATE, to: PRIVATE, expect: [] },
  {
    name: 'private on: four ACLs inserted and linked into the switch',
    from: {},
    to: PRIVATE,
    expect: [
      'insert ACL ip',
      'insert ACL ip4.src == 100.64.0.0/16',
      'insert ACL ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.1.0/24',
      'insert ACL (ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.2.0/24) || (ip4.src == 10.0.2.0/24 && ip4.dst == 10.0.1.0/24)',
      'mutate Logical_Switch acls insert 4',
    ],
  },
  {
    name: 'an allowSubnets entry replaced: one ACL in, one out',
    from: PRIVATE,
    to: { private: true, allowSubnets: ['10.0.3.0/24'] },
    expect: [
      'insert ACL (ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.3.0/24) || (ip4.src == 10.0.3.0/24 && ip4.dst == 10.0.1.0/24)',
      'mutate Logical_Switch acls insert 1, acls delete 1',
    ],
  },
  {
    name: 'private off: every private ACL unlinked',
    from: PRIVATE,
    to: {},
    expect: ['mutate Logical_Switch acls delete 4'],
  },
  {
    name: 'an acls entry whose action changes is updated in place',
    from: { acls: [{ direction: 'to-lport', priority: 9, match: 'ip', action: 'drop' }] },
    to: { acls: [{ direction: 'to-lport', priority: 9, match: 'ip', action: 'reject' }] },
    expect: ['update ACL action'],
  },
  {
    name: 'an acls entry removed: unlinked, the private ones kept',
    from: { ...PRIVATE, acls: [{ direction: 'to-lport', priority: 9, match: 'udp', action: 'drop' }] },
    to: PRIVATE,
    expect: ['mutate Logical_Switch acls delete 1'],
  },
];

for (const t of transitions) {
  void test(`subnet ACL convergence: ${t.name}`, () => {
    const nb = materialize(rowsOf(t.from), materialize(vpcRows));
    assert.deepEqual(shape(plan(rowsOf(t.to), nb)), t.expect);
  });
}

void test('subnet ACL convergence: an ACL on the switch without our owner tag is never touched', () => {
  const nb = materialize(rowsOf(PRIVATE), materialize(vpcRows));
  const ls = nb.find((r) => r.table === 'Logical_Switch')!;
  const foreign = { _uuid: '00000000-0000-4000-8000-00000000f00d', direction: 'to-lport', priority: 1000 };
  nb.push({
    table: 'ACL',
    row: { ...foreign, match: 'ip', action: 'drop', external_ids: { parent: 'net1' } },
  });
  ls.row['acls'] = [...(ls.row['acls'] as string[]), foreign._uuid];
  assert.deepEqual(shape(plan(rowsOf(PRIVATE), nb)), []);
  assert.deepEqual(shape(plan(rowsOf({}), nb)), ['mutate Logical_Switch acls delete 4']);
});

void test('subnet ACL convergence: a deleted subnet takes its ACLs with its switch, no unlink of its own', () => {
  const nb = materialize(rowsOf(PRIVATE), materialize(vpcRows));
  const ops = shape(plan([], nb));
  assert.ok(ops.includes('delete Logical_Switch'), ops.join('; '));
  assert.ok(!ops.some((op) => op.includes('ACL') || op.startsWith('mutate Logical_Switch')), ops.join('; '));
});
