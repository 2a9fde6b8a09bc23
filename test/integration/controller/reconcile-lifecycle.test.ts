// Updates and deletes against a real NB: adding a subnet, changing routeTable and spec routes, deleting pods, subnets
// and VPCs (finalizers hold them while in use) leave no stale rows; rows made by hand (no owner tag) survive; invalid
// subnets and pods in foreign namespaces are refused with a reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { OWNED_TABLES } from '../../../src/controller/nb/model.ts';
import {
  byName,
  eventually,
  ns,
  pod,
  rows,
  seed,
  settled,
  startController,
  startOvn,
  subnet,
  vpc,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';

const ownersInNb = (run: Running): string[] => {
  const owners = new Set<string>();
  for (const table of OWNED_TABLES) {
    for (const r of rows(run.client, table)) {
      const owner = r.external_ids['kovn-owner'];
      if (owner) owners.add(owner);
    }
  }
  return [...owners].sort();
};

const condition = (obj: KubeObject | undefined, type: string) =>
  (
    (obj?.['status'] as { conditions?: { type: string; status: string; reason: string; message: string }[] })
      ?.conditions ?? []
  ).find((c) => c.type === type);

void describe('updates and deletes against a real NB', { timeout: 120_000 }, () => {
  let ovn: Ovn;
  let run: Running;

  before(async () => {
    ovn = await startOvn();
    run = await startController(ovn, [...seed(), ns('ns3')]);
    await eventually(() =>
      assert.equal(
        run.get('Pod', 'vpc2-pod', 'ns2')?.metadata.annotations?.['ovn.kubernetes.io/routed'],
        'true',
      ),
    );
    await settled(run);
    // Rows made by hand: a route on a kovn router, a switch and a port on a kovn switch; none has our owner tag.
    await ovn.nbctl('lr-route-add', 'test-vpc-1', '192.168.100.0/24', '10.0.1.100');
    await ovn.nbctl('ls-add', 'manual-ls');
    await ovn.nbctl('lsp-add', 'net1', 'manual-port');
  });
  after(async () => {
    await run?.stop();
    await ovn?.cleanup();
  });

  const manualRowsSurvive = () => {
    const c = run.client;
    assert.ok(byName(c, 'Logical_Switch', 'manual-ls'), 'manual-ls survives');
    const lr = byName(c, 'Logical_Router', 'test-vpc-1')!;
    const manual = rows(c, 'Logical_Router_Static_Route').find((r) => r.ip_prefix === '192.168.100.0/24');
    assert.ok(manual && lr.static_routes.includes(manual._uuid), 'the hand-made route stays on test-vpc-1');
  };

  void test('adding a subnet to a VPC adds its rows', async () => {
    run.set(subnet('net3', { vpc: 'test-vpc-1', cidrBlock: '10.0.2.0/24', namespaces: ['ns1'] }));
    await eventually(() => {
      const lr = byName(run.client, 'Logical_Router', 'test-vpc-1')!;
      const lrp = byName(run.client, 'Logical_Router_Port', 'test-vpc-1-net3');
      assert.deepEqual(lrp?.networks, ['10.0.2.1/24']);
      assert.ok(lr.ports.includes(lrp._uuid));
      const matches = rows(run.client, 'Logical_Router_Policy')
        .filter((p) => lr.policies.includes(p._uuid))
        .map((p) => p.match)
        .sort();
      assert.deepEqual(matches, ['ip4.dst == 10.0.1.0/24', 'ip4.dst == 10.0.2.0/24']);
      assert.deepEqual((run.get('Vpc', 'test-vpc-1')!['status'] as { subnets: string[] }).subnets, [
        'net1',
        'net3',
      ]);
      assert.equal(
        run.get('Namespace', 'ns1')!.metadata.annotations?.['ovn.kubernetes.io/logical_switch'],
        'net1,net3',
      );
    });
    await settled(run);
    manualRowsSurvive();
  });

  void test('changing routeTable updates the router port, the subnet owns no route (ADR 12)', async () => {
    const net1 = run.get('Subnet', 'net1')!;
    run.set({ ...net1, spec: { ...(net1['spec'] as object), routeTable: 'rtb1' } });
    await eventually(() => {
      const lrp = byName(run.client, 'Logical_Router_Port', 'test-vpc-1-net1')!;
      assert.deepEqual(lrp.options, { route_table: 'rtb1' });
      const src = rows(run.client, 'Logical_Router_Static_Route').filter(
        (r) => r.external_ids['kovn-owner'] === 'subnet/net1',
      );
      assert.deepEqual(src, []);
    });
    const lr = byName(run.client, 'Logical_Router', 'test-vpc-1')!;
    const all = rows(run.client, 'Logical_Router_Static_Route');
    assert.ok(
      all.every((r) => lr.static_routes.includes(r._uuid) || r.external_ids['kovn-owner'] !== 'subnet/net1'),
    );
    manualRowsSurvive();
  });

  void test('changing spec static routes replaces only the VPC-owned routes', async () => {
    const v = run.get('Vpc', 'test-vpc-1')!;
    run.set({
      ...v,
      spec: {
        namespaces: ['ns1'],
        staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.0.1.250', policy: 'policyDst' }],
      },
    });
    await eventually(() => {
      const vpcRoutes = rows(run.client, 'Logical_Router_Static_Route')
        .filter((r) => r.external_ids['kovn-owner'] === 'vpc/test-vpc-1')
        .map((r) => [r.ip_prefix, r.nexthop]);
      assert.deepEqual(vpcRoutes, [['0.0.0.0/0', '10.0.1.250']]);
    });
    await settled(run);
    manualRowsSurvive();
  });

  void test('static IP annotations are honoured; the gateway address is refused with a Warning event', async () => {
    run.set(pod('fixed', 'ns1', { 'ovn.kubernetes.io/ip_address': '10.0.1.50' }));
    run.set(pod('greedy', 'ns1', { 'ovn.kubernetes.io/ip_address': '10.0.1.1' }));
    await eventually(() => {
      const lsp = byName(run.client, 'Logical_Switch_Port', 'fixed.ns1');
      assert.match(lsp?.addresses[0] ?? '', / 10\.0\.1\.50$/);
      const event = run.writer.events.find((e) => e.ref.name === 'greedy');
      assert.equal(event?.type, 'Warning');
      assert.equal(event?.reason, 'AcquireAddressFailed');
      assert.match(event?.message ?? '', /^stage=acquireAddress error=AddressConflict \(subnet net1: /);
    });
    assert.equal(byName(run.client, 'Logical_Switch_Port', 'greedy.ns1'), undefined);
    run.delete('Pod', 'fixed', 'ns1');
    run.delete('Pod', 'greedy', 'ns1');
    await eventually(() => assert.equal(byName(run.client, 'Logical_Switch_Port', 'fixed.ns1'), undefined));
  });

  void test('a dual-stack subnet in another VPC: both networks, v4 and v6 policies, a dual-stack pod port', async () => {
    run.set(ns('ns4'));
    run.set(vpc('dual-vpc', { namespaces: ['ns4'] }));
    run.set(subnet('dual', { vpc: 'dual-vpc', cidrBlock: '10.2.0.0/24,fd00:2::/120', namespaces: ['ns4'] }));
    run.set(pod('dual-pod', 'ns4'));
    await eventually(() => {
      const c = run.client;
      assert.deepEqual(byName(c, 'Logical_Router_Port', 'dual-vpc-dual')?.networks.sort(), [
        '10.2.0.1/24',
        'fd00:2::1/120',
      ]);
      const lr = byName(c, 'Logical_Router', 'dual-vpc')!;
      const matches = rows(c, 'Logical_Router_Policy')
        .filter((p) => lr.policies.includes(p._uuid))
        .map((p) => p.match)
        .sort();
      assert.deepEqual(matches, ['ip4.dst == 10.2.0.0/24', 'ip6.dst == fd00:2::/120']);
      const a = run.get('Pod', 'dual-pod', 'ns4')?.metadata.annotations ?? {};
      assert.equal(a['ovn.kubernetes.io/ip_address'], '10.2.0.2,fd00:2::2');
      assert.equal(a['ovn.kubernetes.io/routed'], 'true');
      const lsp = byName(c, 'Logical_Switch_Port', 'dual-pod.ns4')!;
      assert.deepEqual(lsp.addresses, [`${a['ovn.kubernetes.io/mac_address']} 10.2.0.2 fd00:2::2`]);
    });
    run.delete('Pod', 'dual-pod', 'ns4');
    run.delete('Subnet', 'dual');
    run.delete('Vpc', 'dual-vpc');
    await eventually(() => assert.equal(byName(run.client, 'Logical_Router', 'dual-vpc'), undefined));
    assert.ok(!ownersInNb(run).some((o) => o.includes('dual')));
  });

  void test('a pod in a namespace its subnet’s VPC does not list is refused, with a Warning event', async () => {
    run.set(pod('intruder', 'ns3', { 'ovn.kubernetes.io/logical_switch': 'net1' }));
    await eventually(() => {
      const event = run.writer.events.find((e) => e.ref.name === 'intruder');
      assert.equal(event?.type, 'Warning');
      assert.equal(event?.reason, 'NamespaceNotAllowed');
      assert.match(event?.message ?? '', /namespace ns3 is not in the namespaces of vpc test-vpc-1/);
    });
    await settled(run);
    assert.equal(byName(run.client, 'Logical_Switch_Port', 'intruder.ns3'), undefined);
    assert.equal(
      run.get('Pod', 'intruder', 'ns3')!.metadata.annotations?.['ovn.kubernetes.io/allocated'],
      undefined,
    );
  });

  void test('an invalid subnet gets Validated=False with the message and no NB rows', async () => {
    run.set(subnet('bad', { vpc: 'test-vpc-1', cidrBlock: '10.0.1.128/25' }));
    await eventually(() => {
      const c = condition(run.get('Subnet', 'bad'), 'Validated');
      assert.equal(c?.status, 'False');
      assert.match(c?.message ?? '', /overlaps subnet net1/);
    });
    await settled(run);
    assert.equal(
      condition(run.get('Subnet', 'net1'), 'Validated')?.status,
      'True',
      'the accepted subnet stays valid',
    );
    await settled(run);
    assert.equal(byName(run.client, 'Logical_Switch', 'bad'), undefined);
    run.delete('Subnet', 'bad');
    await eventually(() => assert.equal(run.get('Subnet', 'bad'), undefined));
  });

  void test('a hand-made switch holding a subnet’s name is a reported conflict, resolved once it goes', async () => {
    await ovn.nbctl('ls-add', 'net4');
    run.set(subnet('net4', { vpc: 'test-vpc-1', cidrBlock: '10.0.4.0/24', namespaces: ['ns1'] }));
    await eventually(() => {
      const ready = condition(run.get('Subnet', 'net4'), 'Ready');
      assert.equal(ready?.reason, 'NbConflict');
      assert.match(ready?.message ?? '', /Logical_Switch net4 already exists and is not managed by kovn/);
    });
    assert.equal(
      byName(run.client, 'Logical_Router_Port', 'test-vpc-1-net4'),
      undefined,
      'nothing half-done',
    );
    await ovn.nbctl('ls-del', 'net4');
    await eventually(() => {
      assert.equal(condition(run.get('Subnet', 'net4'), 'Ready')?.status, 'True');
      assert.equal(byName(run.client, 'Logical_Switch', 'net4')?.external_ids['kovn-owner'], 'subnet/net4');
    });
    run.delete('Subnet', 'net4');
    await eventually(() => assert.equal(byName(run.client, 'Logical_Switch', 'net4'), undefined));
  });

  void test('a subnet in use and a VPC with subnets cannot go; they go once emptied, leaving no rows', async () => {
    run.delete('Vpc', 'test-vpc-2');
    run.delete('Subnet', 'net2');
    await eventually(() => {
      assert.equal(condition(run.get('Vpc', 'test-vpc-2'), 'Ready')?.reason, 'DeleteBlocked');
      assert.match(
        condition(run.get('Subnet', 'net2'), 'Ready')?.message ?? '',
        /1 addresses in use \(vpc2-pod\.ns2\)/,
      );
    });
    assert.ok(byName(run.client, 'Logical_Router', 'test-vpc-2'));
    assert.ok(byName(run.client, 'Logical_Switch', 'net2'));

    run.delete('Pod', 'vpc2-pod', 'ns2');
    await eventually(() => {
      assert.equal(run.get('Subnet', 'net2'), undefined);
      assert.equal(run.get('Vpc', 'test-vpc-2'), undefined);
    });
    await settled(run);
    const owners = ownersInNb(run);
    for (const gone of ['vpc/test-vpc-2', 'subnet/net2', 'pod/ns2/vpc2-pod'])
      assert.ok(!owners.includes(gone), gone);
    assert.equal(byName(run.client, 'Logical_Router', 'test-vpc-2'), undefined);
    manualRowsSurvive();
  });

  void test('deleting a pod releases its address and port; deleting a subnet removes its rows only', async () => {
    run.set(pod('second', 'ns1', { 'ovn.kubernetes.io/logical_switch': 'net3' }));
    await eventually(() =>
      assert.equal(
        run.get('Pod', 'second', 'ns1')?.metadata.annotations?.['ovn.kubernetes.io/ip_address'],
        '10.0.2.2',
      ),
    );
    assert.ok(byName(run.client, 'Logical_Switch_Port', 'second.ns1'));
    run.delete('Pod', 'second', 'ns1');
    await eventually(() => {
      assert.equal(byName(run.client, 'Logical_Switch_Port', 'second.ns1'), undefined);
      assert.equal((run.get('Subnet', 'net3')!['status'] as { v4usingIPs: number }).v4usingIPs, 0);
    });
    run.delete('Subnet', 'net3');
    await eventually(() => assert.equal(run.get('Subnet', 'net3'), undefined));
    await settled(run);
    const c = run.client;
    assert.equal(byName(c, 'Logical_Switch', 'net3'), undefined);
    assert.equal(byName(c, 'Logical_Router_Port', 'test-vpc-1-net3'), undefined);
    const lr = byName(c, 'Logical_Router', 'test-vpc-1')!;
    const matches = rows(c, 'Logical_Router_Policy')
      .filter((p) => lr.policies.includes(p._uuid))
      .map((p) => p.match);
    assert.deepEqual(matches, ['ip4.dst == 10.0.1.0/24']);
    assert.ok(!ownersInNb(run).includes('subnet/net3'));
    assert.ok(byName(c, 'Logical_Switch_Port', 'manual-port'), 'the hand-made port on net1 survives');
    manualRowsSurvive();
  });

  void test('a field kovn ignores is named in the Vpc Validated condition, the router programmed', async () => {
    run.set(vpc('ext-vpc', { enableExternal: true }));
    await eventually(() => {
      const c = condition(run.get('Vpc', 'ext-vpc'), 'Validated');
      assert.equal(c?.status, 'True');
      assert.equal(c?.reason, 'ValidationWarning');
      assert.match(c?.message ?? '', /^spec\.enableExternal: kovn ignores this field: /);
      assert.ok(byName(run.client, 'Logical_Router', 'ext-vpc'));
    });
    run.delete('Vpc', 'ext-vpc');
    await eventually(() => assert.equal(run.get('Vpc', 'ext-vpc'), undefined));
  });
});
