// The NB diff (planOwner) as data: converged -> no operations; the minimal inserts/updates/mutates/deletes otherwise;
// rows without our owner tag are never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSubnet } from '../../../../src/api/kinds/subnet-defaults.ts';
import { planOwner } from '../../../../src/controller/nb/diff.ts';
import { MissingParentError, NbConflictError } from '../../../../src/controller/nb/errors.ts';
import type { DesiredRow } from '../../../../src/controller/nb/model.ts';
import { desiredPod } from '../../../../src/controller/nb/pod.ts';
import { desiredSubnet } from '../../../../src/controller/nb/subnet.ts';
import { desiredVpc } from '../../../../src/controller/nb/vpc.ts';
import type { Operation } from '../../../../src/ovsdb/operations.ts';
import { cacheOf, materialize, nbTypes, nextUuid, type Cached } from './helpers.ts';

const net1 = defaultSubnet({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name: 'net1' },
  spec: { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24' },
});
const MAC = '0a:00:00:00:00:01';
const vpcRows = desiredVpc({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'test-vpc-1' } });
const subnetRows = desiredSubnet({ subnet: net1, routerMac: MAC });
const podRows = desiredPod({
  namespace: 'ns1',
  name: 'p',
  subnet: 'net1',
  mac: '0a:00:00:00:00:02',
  ips: ['10.0.1.2'],
  portSecurity: 'full',
});

function plan(owner: string, desired: readonly DesiredRow[], rows: readonly Cached[]): Operation[] {
  return planOwner({ owner, key: `Key/${owner}`, desired, cache: cacheOf(rows), types: nbTypes });
}

const summary = (ops: Operation[]) => ops.map((op) => `${op.op}${'table' in op ? ` ${op.table}` : ''}`);

void test('converged state gives no operations (vpc, subnet, pod)', () => {
  const vpcNb = materialize(vpcRows);
  const subnetNb = materialize(subnetRows, vpcNb);
  const all = materialize(podRows, subnetNb);
  assert.deepEqual(plan('vpc/test-vpc-1', vpcRows, all), []);
  assert.deepEqual(plan('subnet/net1', subnetRows, all), []);
  assert.deepEqual(plan('pod/ns1/p', podRows, all), []);
});

void test('empty NB: a subnet inserts its rows, links them into the existing router, waits on it', () => {
  const nb = materialize(vpcRows);
  const ops = plan('subnet/net1', subnetRows, nb);
  assert.deepEqual(summary(ops), [
    'comment',
    'wait Logical_Router',
    'insert Logical_Switch_Port',
    'insert Logical_Router_Port',
    'insert Logical_Router_Policy',
    'insert Logical_Switch',
    'mutate Logical_Router',
  ]);
  assert.deepEqual(ops[0], { op: 'comment', comment: 'kovn reconcile Key/subnet/net1' });
  const router = nb[0]!.row._uuid;
  const mutate = ops.at(-1)!;
  assert.ok(mutate.op === 'mutate');
  assert.deepEqual(mutate.where, [['_uuid', '==', ['uuid', router]]]);
  assert.deepEqual(mutate.mutations, [
    ['ports', 'insert', ['set', [['named-uuid', 'kovn_row2']]]],
    ['policies', 'insert', ['set', [['named-uuid', 'kovn_row3']]]],
  ]);
  // The switch is inserted with its router-type port already in `ports`.
  const ls = ops.find((op) => op.op === 'insert' && op.table === 'Logical_Switch');
  assert.ok(ls?.op === 'insert');
  assert.deepEqual(ls.row['ports'], ['set', [['named-uuid', 'kovn_row1']]]);
});

void test('no router yet: MissingParentError (the subnet waits for its VPC)', () => {
  assert.throws(() => plan('subnet/net1', subnetRows, []), MissingParentError);
});

void test('one changed column gives one update of that column only', () => {
  const nb = materialize(subnetRows, materialize(vpcRows));
  const changed = desiredSubnet({
    subnet: { ...net1, spec: { ...net1.spec, routeTable: 'rtb1' } },
    routerMac: MAC,
  });
  const ops = plan('subnet/net1', changed, nb);
  // The LRP gets options:route_table, nothing else changes (the subnet owns no route, ADR 12).
  assert.deepEqual(summary(ops), ['comment', 'update Logical_Router_Port']);
  const update = ops[1]!;
  assert.ok(update.op === 'update');
  assert.deepEqual(update.row, { options: ['map', [['route_table', 'rtb1']]] });
});

void test('deleting an owner: roots deleted, children unlinked from foreign parents only', () => {
  const nb = materialize(subnetRows, materialize(vpcRows));
  const ops = plan('subnet/net1', [], nb);
  assert.deepEqual(summary(ops), ['comment', 'mutate Logical_Router', 'delete Logical_Switch']);
  const mutate = ops[1]!;
  assert.ok(mutate.op === 'mutate');
  assert.deepEqual(
    mutate.mutations.map((m) => m[0]),
    ['ports', 'policies'],
  );
});

void test('rows without our owner tag are never touched', () => {
  const foreignRoute: Cached = {
    table: 'Logical_Router_Static_Route',
    row: {
      _uuid: nextUuid(),
      ip_prefix: '192.168.0.0/24',
      nexthop: '10.0.1.100',
      route_table: '',
      external_ids: {},
    },
  };
  const nb = materialize(vpcRows);
  nb[0]!.row['static_routes'] = [foreignRoute.row._uuid];
  const all = [...nb, foreignRoute];
  assert.deepEqual(plan('vpc/test-vpc-1', vpcRows, all), []);
  const ops = plan('vpc/test-vpc-1', [], all);
  assert.deepEqual(summary(ops), ['comment', 'delete Logical_Router']);
});

void test('a same-named row of another owner (or untagged) is a conflict, not adopted', () => {
  const foreign: Cached = {
    table: 'Logical_Switch',
    row: { _uuid: nextUuid(), name: 'net1', external_ids: {} },
  };
  const nb = [...materialize(vpcRows), foreign];
  assert.throws(() => plan('subnet/net1', subnetRows, nb), NbConflictError);
});

void test('a pod port moved to another switch is relinked, not recreated', () => {
  const net2 = desiredSubnet({
    subnet: defaultSubnet({ ...net1, metadata: { name: 'net2' } }),
    routerMac: '0a:00:00:00:00:09',
  });
  const nb = materialize(podRows, materialize(net2, materialize(subnetRows, materialize(vpcRows))));
  const moved = desiredPod({
    namespace: 'ns1',
    name: 'p',
    subnet: 'net2',
    mac: '0a:00:00:00:00:02',
    ips: ['10.0.1.2'],
    portSecurity: 'full',
  });
  const ops = plan('pod/ns1/p', moved, nb);
  assert.deepEqual(summary(ops), [
    'comment',
    'update Logical_Switch_Port',
    'mutate Logical_Switch',
    'mutate Logical_Switch',
  ]);
});

void test('duplicate rows of one identity: the extra one is removed', () => {
  const nb = materialize(subnetRows, materialize(vpcRows));
  const policy = nb.find((r) => r.table === 'Logical_Router_Policy')!;
  const dup: Cached = { table: policy.table, row: { ...policy.row, _uuid: nextUuid() } };
  nb[0]!.row['policies'] = [...(nb[0]!.row['policies'] as string[]), dup.row._uuid];
  const ops = plan('subnet/net1', subnetRows, [...nb, dup]);
  assert.deepEqual(summary(ops), ['comment', 'mutate Logical_Router']);
});

void test("a user policy with the priority and match of a subnet's allow: both rows are programmed", () => {
  // Admission accepts it with a warning (api/kinds/vpc-routes.ts); the NB writer matches rows within one owner only,
  // so the VPC's row is inserted beside the subnet's, and neither owner touches or removes the other's.
  const userPolicy = desiredVpc({
    apiVersion: 'kubeovn.io/v1',
    kind: 'Vpc',
    metadata: { name: 'test-vpc-1' },
    spec: { policyRoutes: [{ priority: 31000, match: 'ip4.dst == 10.0.1.0/24', action: 'drop' }] },
  });
  const nb = materialize(subnetRows, materialize(vpcRows));
  assert.deepEqual(summary(plan('vpc/test-vpc-1', userPolicy, nb)), [
    'comment',
    'insert Logical_Router_Policy',
    'mutate Logical_Router',
  ]);
  const both = materialize(
    userPolicy.filter((r) => r.table === 'Logical_Router_Policy'),
    nb,
  );
  const policies = both.filter((r) => r.table === 'Logical_Router_Policy');
  assert.deepEqual(policies.map((p) => `${String(p.row['priority'])} ${String(p.row['action'])}`).sort(), [
    '31000 allow',
    '31000 drop',
  ]);
  assert.deepEqual(plan('vpc/test-vpc-1', userPolicy, both), []);
  assert.deepEqual(plan('subnet/net1', subnetRows, both), []);
});
