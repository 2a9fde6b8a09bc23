// Vpc `vpcPeerings` against a real NB and ovn-northd (issue 16 point 4): a peering declared on one side only makes no
// port and says so on the Vpc; declared on both, each VPC's router gets its owner-tagged port with the peer set (northd
// makes the pair a patch); the same spec again sends no transaction and keeps the MACs; dropping the entry on either
// side removes both ports; a VPC left without peerings loses the Peered condition.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import type { Operation } from '../../../src/ovsdb/operations.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import {
  byName,
  eventually,
  settled,
  startController,
  startOvn,
  subnet,
  vpc,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';

const PEER_1 = { remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' };
const PEER_2 = { remoteVpc: 'vpc-1', localConnectIP: '169.254.0.2/30' };
const ROUTE_1 = { cidr: '172.31.0.0/16', nextHopIP: '169.254.0.2', policy: 'policyDst' };
const ROUTE_2 = { cidr: '10.0.0.0/16', nextHopIP: '169.254.0.1', policy: 'policyDst' };

interface Condition {
  type: string;
  status: string;
  reason: string;
  message?: string;
}
const statusOf = (run: Running, name: string) =>
  (run.get('Vpc', name)?.['status'] ?? {}) as { conditions?: Condition[]; vpcPeerings?: string[] };
const peered = (run: Running, name: string) =>
  statusOf(run, name).conditions?.find((c) => c.type === 'Peered');

void describe('vpc peering against a real NB', { timeout: 120_000 }, () => {
  let ovn: Ovn;
  let run: Running;
  /** The transactions the controller sent for the two VPCs. */
  const sent: Operation[][] = [];

  before(async () => {
    ovn = await startOvn();
    const objects: KubeObject[] = [
      vpc('vpc-1', {}),
      vpc('vpc-2', {}),
      subnet('net1', { vpc: 'vpc-1', cidrBlock: '10.0.0.0/16', protocol: 'IPv4' }),
      subnet('net2', { vpc: 'vpc-2', cidrBlock: '172.31.0.0/16', protocol: 'IPv4' }),
    ];
    run = await startController(ovn, objects);
    const transact = run.client.transact.bind(run.client);
    run.client.transact = (ops, options) => {
      if (ops.some((op) => op.op === 'comment' && /kovn reconcile Vpc\/vpc-[12]$/.test(op.comment)))
        sent.push([...ops]);
      return transact(ops, options);
    };
    await eventually(() => assert.ok(byName(run.client, 'Logical_Switch_Port', 'net2-vpc-2')));
    await settled(run);
  });
  after(async () => {
    await run?.stop();
    await ovn?.cleanup();
  });

  const portType = (port: string) =>
    check(
      processRunner,
      'ovn-sbctl',
      [
        `--db=${ovn.central.sbRemotes[0]!}`,
        '--bare',
        '--columns=type',
        'find',
        'Port_Binding',
        `logical_port=${port}`,
      ],
      { env: ovsEnv(ovn.dir) },
    );

  void test('declared on one side: no port, and the Vpc says it waits for the peer', async () => {
    run.set(vpc('vpc-1', { vpcPeerings: [PEER_1], staticRoutes: [ROUTE_1] }));
    await eventually(() =>
      assert.deepEqual(peered(run, 'vpc-1'), {
        ...peered(run, 'vpc-1'),
        status: 'False',
        reason: 'PeerWaiting',
        message: 'vpc-2: waiting for peer VPC vpc-2 to declare the peering',
      }),
    );
    await settled(run);
    assert.equal(byName(run.client, 'Logical_Router_Port', 'vpc-1-vpc-2'), undefined);
  });

  void test('declared on both sides: a port on each router, peered, owner-tagged, a patch in SB', async () => {
    run.set(vpc('vpc-2', { vpcPeerings: [PEER_2], staticRoutes: [ROUTE_2] }));
    await eventually(() => {
      const one = byName(run.client, 'Logical_Router_Port', 'vpc-1-vpc-2');
      const two = byName(run.client, 'Logical_Router_Port', 'vpc-2-vpc-1');
      assert.ok(one && two);
      assert.deepEqual(
        [one.networks, one.peer, two.networks, two.peer],
        [['169.254.0.1/30'], 'vpc-2-vpc-1', ['169.254.0.2/30'], 'vpc-1-vpc-2'],
      );
      assert.equal(one.external_ids['kovn-owner'], 'vpc/vpc-1');
      assert.equal(two.external_ids['kovn-owner'], 'vpc/vpc-2');
      assert.match(one.mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      const router = byName(run.client, 'Logical_Router', 'vpc-1')!;
      assert.ok(router.ports.includes(one._uuid));
    });
    for (const name of ['vpc-1', 'vpc-2']) {
      await eventually(() => {
        assert.equal(peered(run, name)?.status, 'True');
        assert.deepEqual(statusOf(run, name).vpcPeerings, [name === 'vpc-1' ? 'vpc-2' : 'vpc-1']);
      });
    }
    await eventually(async () => assert.equal((await portType('vpc-1-vpc-2')).trim(), 'patch'));
  });

  void test('the same specs again send nothing and keep the MACs', async () => {
    await settled(run);
    const before = sent.length;
    const macs = ['vpc-1-vpc-2', 'vpc-2-vpc-1'].map((p) => byName(run.client, 'Logical_Router_Port', p)!.mac);
    run.set(vpc('vpc-1', { vpcPeerings: [PEER_1], staticRoutes: [ROUTE_1] }));
    run.set(vpc('vpc-2', { vpcPeerings: [PEER_2], staticRoutes: [ROUTE_2] }));
    await settled(run);
    assert.equal(sent.length, before, 'no transaction for unchanged specs');
    assert.deepEqual(
      ['vpc-1-vpc-2', 'vpc-2-vpc-1'].map((p) => byName(run.client, 'Logical_Router_Port', p)!.mac),
      macs,
    );
  });

  void test('one side drops its entry: both ports go, the other side waits again', async () => {
    run.set(vpc('vpc-2', { staticRoutes: [ROUTE_2] }));
    await eventually(() => {
      assert.equal(byName(run.client, 'Logical_Router_Port', 'vpc-1-vpc-2'), undefined);
      assert.equal(byName(run.client, 'Logical_Router_Port', 'vpc-2-vpc-1'), undefined);
    });
    await eventually(() => {
      assert.equal(peered(run, 'vpc-1')?.reason, 'PeerWaiting');
      assert.deepEqual(statusOf(run, 'vpc-1').vpcPeerings, []);
      assert.equal(peered(run, 'vpc-2'), undefined);
    });
  });

  void test('declared again then dropped on the other side: the link comes and goes with it', async () => {
    run.set(vpc('vpc-2', { vpcPeerings: [PEER_2], staticRoutes: [ROUTE_2] }));
    await eventually(() => assert.ok(byName(run.client, 'Logical_Router_Port', 'vpc-2-vpc-1')));
    run.set(vpc('vpc-1', { staticRoutes: [ROUTE_1] }));
    await eventually(() => {
      assert.equal(byName(run.client, 'Logical_Router_Port', 'vpc-1-vpc-2'), undefined);
      assert.equal(byName(run.client, 'Logical_Router_Port', 'vpc-2-vpc-1'), undefined);
      assert.equal(peered(run, 'vpc-1'), undefined);
      assert.equal(peered(run, 'vpc-2')?.reason, 'PeerWaiting');
    });
  });
});
