// A NetworkPolicy against a real NB and ovn-northd: its port group holds the selected pods' switch ports, its address
// set the peers' addresses, its ACLs (Kube-OVN's priorities) are in the port group and northd turns them into logical
// flows (so OVN parsed every match); re-applying the same policy sends nothing; a peer's label change updates only the
// address set, a selected pod's the port group; deleting the policy removes every row it owned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import type { Operation } from '../../../src/ovsdb/operations.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import {
  byName,
  eventually,
  pod,
  rows,
  seed,
  settled,
  startController,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';
import { startOvn } from './reconcile-harness.ts';

const PG = 'allow.web.ns1';
const SET = `${PG}.ingress.allow.IPv4.0`;
const labelled = (name: string, labels: Record<string, string>): KubeObject => {
  const p = pod(name, 'ns1');
  return { ...p, metadata: { ...p.metadata, labels } };
};
const allowWeb: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-web', namespace: 'ns1' },
  spec: {
    podSelector: { matchLabels: { app: 'api' } },
    policyTypes: ['Ingress'],
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ],
  },
};

void describe('NetworkPolicy against a real NB', { timeout: 120_000 }, () => {
  let ovn: Ovn;
  let run: Running;
  const sent: Operation[][] = [];
  const ipOf = (name: string) =>
    run.get('Pod', name, 'ns1')?.metadata.annotations?.['ovn.kubernetes.io/ip_address'];
  const portGroup = () => rows(run.client, 'Port_Group').find((p) => p.name === PG);
  const addressSet = () => rows(run.client, 'Address_Set').find((s) => s.name === SET);
  const policyAcls = () => {
    const linked = new Set(portGroup()?.acls ?? []);
    return rows(run.client, 'ACL')
      .filter((a) => linked.has(a._uuid))
      .map((a) => `${a.priority} ${a.direction} ${a.action} ${a.match}`)
      .sort();
  };

  before(async () => {
    ovn = await startOvn();
    run = await startController(ovn, [
      ...seed(),
      labelled('api', { app: 'api' }),
      labelled('web', { app: 'web' }),
      labelled('other', { app: 'other' }),
    ]);
    const transact = run.client.transact.bind(run.client);
    run.client.transact = (ops, options) => {
      if (
        ops.some((op) => op.op === 'comment' && op.comment === 'kovn reconcile NetworkPolicy/ns1/allow-web')
      )
        sent.push([...ops]);
      return transact(ops, options);
    };
    await eventually(() => assert.ok(ipOf('api') && ipOf('web') && ipOf('other')));
    await settled(run);
  });
  after(async () => {
    await run?.stop();
    await ovn?.cleanup();
  });

  void test('port group, address set and ACLs as Kube-OVN writes them, in the logical flows', async () => {
    run.set(allowWeb);
    const apiPort = () => byName(run.client, 'Logical_Switch_Port', 'api.ns1')?._uuid;
    await eventually(() => {
      assert.deepEqual(portGroup()?.ports, [apiPort()]);
      assert.deepEqual(addressSet()?.addresses, [ipOf('web')]);
      assert.deepEqual(policyAcls(), [
        `2000 to-lport drop outport == @${PG} && ip`,
        `2001 to-lport allow-related outport == @${PG} && ip && ip4.src == $${SET} && tcp.dst == 80`,
        `3000 to-lport allow-related outport == @${PG} && ip4.src == 100.64.0.0/16`,
      ]);
    });
    assert.equal(portGroup()?.external_ids['kovn-owner'], 'np/ns1/allow-web');
    await eventually(async () => {
      const flows = await check(
        processRunner,
        'ovn-sbctl',
        [`--db=${ovn.central.sbRemotes[0]!}`, 'lflow-list', 'net1'],
        {
          env: ovsEnv(ovn.dir),
        },
      );
      assert.match(flows, /ls_out_acl.*tcp\.dst == 80/);
      assert.match(flows, /ls_out_acl.*ip4\.src == \$allow\.web\.ns1\.ingress\.allow\.IPv4\.0/);
    });
  });

  void test('the same policy again sends nothing', async () => {
    await settled(run);
    const before = sent.length;
    run.set({ ...allowWeb, metadata: { ...allowWeb.metadata, annotations: { touched: 'yes' } } });
    run.set(labelled('other', { app: 'other', tier: 'x' }));
    await settled(run);
    assert.equal(sent.length, before);
  });

  void test('a peer losing its label empties the set; a pod gaining the selected label joins the group', async () => {
    await settled(run);
    const before = sent.length;
    const web = run.get('Pod', 'web', 'ns1')!;
    run.set({ ...web, metadata: { ...web.metadata, labels: { app: 'not-web' } } });
    await eventually(() => assert.deepEqual(addressSet()?.addresses ?? [], []));
    await settled(run);
    const changed = sent
      .slice(before)
      .flat()
      .filter((op) => op.op !== 'comment');
    assert.deepEqual(
      changed.map((op) => `${op.op} ${'table' in op ? op.table : ''}`),
      ['update Address_Set'],
    );
    const other = run.get('Pod', 'other', 'ns1')!;
    run.set({ ...other, metadata: { ...other.metadata, labels: { app: 'api' } } });
    await eventually(() => assert.equal(portGroup()?.ports.length, 2));
  });

  void test('deleting the policy removes its port group, address sets and ACLs', async () => {
    run.delete('NetworkPolicy', 'allow-web', 'ns1');
    await eventually(() => {
      assert.equal(portGroup(), undefined);
      assert.equal(addressSet(), undefined);
      assert.equal(
        rows(run.client, 'ACL').filter((a) => a.external_ids['kovn-owner'] === 'np/ns1/allow-web').length,
        0,
      );
    });
  });
});
