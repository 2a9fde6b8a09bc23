// A Subnet's `private`, `allowSubnets` and `acls` against a real NB and ovn-northd: the ACL rows Kube-OVN writes land
// on the subnet's switch with our owner tags, northd turns them into logical flows (so OVN parsed each match),
// changing the fields updates exactly the ACLs they touch, re-applying the same spec sends no transaction, turning
// them off removes them, and a hand-made ACL on the same switch survives all of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../../../src/ovsdb/operations.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import {
  byName,
  eventually,
  rows,
  seed,
  settled,
  startController,
  startOvn,
  subnet,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';

const NET1 = { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24', protocol: 'IPv4', namespaces: ['ns1'] };

/** `priority direction action match` of the ACLs in net1's `acls` set, sorted. */
function switchAcls(run: Running): string[] {
  const ls = byName(run.client, 'Logical_Switch', 'net1');
  const linked = new Set(ls?.acls ?? []);
  return rows(run.client, 'ACL')
    .filter((a) => linked.has(a._uuid))
    .map((a) => `${a.priority} ${a.direction} ${a.action} ${a.match}`)
    .sort();
}

const PRIVATE_BASE = [
  '1000 to-lport drop ip',
  '1001 to-lport allow-related ip4.src == 10.0.1.0/24 && ip4.dst == 10.0.1.0/24',
  '3000 to-lport allow-related ip4.src == 100.64.0.0/16',
];
const allowFrom = (cidr: string) =>
  `1001 to-lport allow-related (ip4.src == 10.0.1.0/24 && ip4.dst == ${cidr}) || (ip4.src == ${cidr} && ip4.dst == 10.0.1.0/24)`;

void describe('subnet ACLs against a real NB', { timeout: 120_000 }, () => {
  let ovn: Ovn;
  let run: Running;
  /** The transactions the controller sent for Subnet/net1. */
  const sent: Operation[][] = [];

  before(async () => {
    ovn = await startOvn();
    run = await startController(ovn, seed());
    const transact = run.client.transact.bind(run.client);
    run.client.transact = (ops, options) => {
      if (ops.some((op) => op.op === 'comment' && op.comment === 'kovn reconcile Subnet/net1'))
        sent.push([...ops]);
      return transact(ops, options);
    };
    await eventually(() => assert.ok(byName(run.client, 'Logical_Switch', 'net1')));
    await settled(run);
    await ovn.nbctl('acl-add', 'net1', 'to-lport', '500', 'udp.dst == 9', 'drop');
  });
  after(async () => {
    await run?.stop();
    await ovn?.cleanup();
  });

  const lflows = () =>
    check(processRunner, 'ovn-sbctl', [`--db=${ovn.central.sbRemotes[0]!}`, 'lflow-list', 'net1'], {
      env: ovsEnv(ovn.dir),
    });
  const hand = '500 to-lport drop udp.dst == 9';

  void test('private + allowSubnets: the ACLs Kube-OVN writes, tagged, and in the logical flows', async () => {
    run.set(subnet('net1', { ...NET1, private: true, allowSubnets: ['10.0.5.0/24'] }));
    await eventually(() =>
      assert.deepEqual(switchAcls(run), [...PRIVATE_BASE, allowFrom('10.0.5.0/24'), hand].sort()),
    );
    const ours = rows(run.client, 'ACL').filter((a) => a.external_ids['kovn-owner'] === 'subnet/net1');
    assert.equal(ours.length, 4);
    assert.ok(
      ours.every((a) => a.external_ids['parent'] === 'net1' && a.external_ids['vendor'] === 'kube-ovn'),
    );
    await eventually(() => {
      const status = run.get('Subnet', 'net1')?.['status'] as
        { conditions?: { type: string; reason: string }[] } | undefined;
      const ready = status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.reason, 'SetPrivateLogicalSwitchSuccess', "Kube-OVN's reason for a private subnet");
    });
    const drop = ours.find((a) => a.action === 'drop')!;
    assert.deepEqual([drop.name, drop.log, drop.severity], ['net1', true, 'warning']);
    await eventually(async () => {
      const flows = await lflows();
      assert.match(
        flows,
        /ls_out_acl.*priority=4000 *, match=\(reg0\[7\] == 1 && \(ip4\.src == 100\.64\.0\.0\/16\)\)/,
      );
      assert.match(
        flows,
        /ls_out_acl.*priority=2001.*ip4\.src == 10\.0\.5\.0\/24 && ip4\.dst == 10\.0\.1\.0\/24/,
      );
    });
  });

  void test('the same spec again sends nothing', async () => {
    await settled(run);
    const before = sent.length;
    const uuids = rows(run.client, 'ACL')
      .map((a) => a._uuid)
      .sort();
    run.set(subnet('net1', { ...NET1, private: true, allowSubnets: ['10.0.5.0/24'] }));
    await settled(run);
    assert.equal(sent.length, before, 'no transaction for an unchanged spec');
    assert.deepEqual(
      rows(run.client, 'ACL')
        .map((a) => a._uuid)
        .sort(),
      uuids,
    );
  });

  void test('changing allowSubnets replaces one ACL and keeps the others', async () => {
    const kept = rows(run.client, 'ACL')
      .filter((a) => a.match === 'ip')
      .map((a) => a._uuid);
    run.set(subnet('net1', { ...NET1, private: true, allowSubnets: ['10.0.6.0/24', '10.0.7.0/24'] }));
    await eventually(() =>
      assert.deepEqual(
        switchAcls(run),
        [...PRIVATE_BASE, allowFrom('10.0.6.0/24'), allowFrom('10.0.7.0/24'), hand].sort(),
      ),
    );
    assert.deepEqual(
      rows(run.client, 'ACL')
        .filter((a) => a.match === 'ip')
        .map((a) => a._uuid),
      kept,
    );
  });

  void test('acls entries: added, their action updated in place, removed', async () => {
    const entry = { direction: 'from-lport', priority: 1200, match: 'ip4.dst == 10.0.9.9', action: 'drop' };
    run.set(subnet('net1', { ...NET1, acls: [entry] }));
    await eventually(() =>
      assert.deepEqual(switchAcls(run), ['1200 from-lport drop ip4.dst == 10.0.9.9', hand]),
    );
    const row = rows(run.client, 'ACL').find((a) => a.priority === 1200)!;
    assert.equal(row.external_ids['subnet'], 'net1');
    await eventually(async () =>
      assert.match(await lflows(), /ls_in_acl .*priority=2200 .*ip4\.dst == 10\.0\.9\.9/),
    );

    run.set(subnet('net1', { ...NET1, acls: [{ ...entry, action: 'reject' }] }));
    await eventually(() =>
      assert.deepEqual(switchAcls(run), ['1200 from-lport reject ip4.dst == 10.0.9.9', hand]),
    );
    assert.ok(
      rows(run.client, 'ACL').some((a) => a._uuid === row._uuid),
      'updated, not replaced',
    );
    run.set(subnet('net1', NET1));
    await eventually(() => assert.deepEqual(switchAcls(run), [hand]));
    await eventually(() =>
      assert.ok(!rows(run.client, 'ACL').some((a) => a.priority === 1200), 'garbage-collected'),
    );
  });
});
