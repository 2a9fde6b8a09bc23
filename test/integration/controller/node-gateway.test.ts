// The default VPC's distributed gateway against a real NB and ovn-northd: with two Nodes and pods in ovn-default,
// ovn-cluster gets the default route to the join gateway, the subnets' 31000 allows, and per node the 30000 reroute
// of its address and the 29000 reroute of its pods' address set (`ovn.default.<node>_ip4`) to the node's join
// address; northd compiles them; the sets follow pods as they come, move and go; a deleted Node takes its rows with it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import {
  byName,
  eventually,
  pod,
  rows,
  seed,
  settled,
  startController,
  startOvn,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';

const node = (name: string, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});
const boundPod = (name: string, nodeName: string): KubeObject => {
  const p = pod(name, 'default');
  return { ...p, spec: { ...(p['spec'] as object), nodeName } };
};

/** `priority match -> nexthops` of ovn-cluster's policies, sorted. */
function clusterPolicies(run: Running): string[] {
  const lr = byName(run.client, 'Logical_Router', 'ovn-cluster');
  return rows(run.client, 'Logical_Router_Policy')
    .filter((p) => lr?.policies.includes(p._uuid))
    .map((p) => `${p.priority} ${p.match} ${p.action}${p.nexthops.length ? ` ${p.nexthops.join(',')}` : ''}`)
    .sort();
}
const setOf = (run: Running, name: string) =>
  rows(run.client, 'Address_Set')
    .find((s) => s.name === name)
    ?.addresses.slice()
    .sort();
const annotation = (obj: KubeObject | undefined, key: string) => obj?.metadata.annotations?.[key] ?? '';

void describe('default VPC egress through the nodes, against a real NB', { timeout: 120_000 }, () => {
  let ovn: Ovn;
  let run: Running;
  const joinIp = (name: string) => annotation(run.get('Node', name), 'ovn.kubernetes.io/ip_address');
  const podIp = (name: string) => annotation(run.get('Pod', name, 'default'), 'ovn.kubernetes.io/ip_address');

  before(async () => {
    ovn = await startOvn();
    run = await startController(ovn, [
      ...seed(),
      node('kube-ovn-control-plane', '192.0.2.11'),
      node('kube-ovn-worker', '192.0.2.12'),
      boundPod('web1', 'kube-ovn-worker'),
      boundPod('web2', 'kube-ovn-worker'),
      boundPod('cp1', 'kube-ovn-control-plane'),
    ]);
    await eventually(() => assert.ok(joinIp('kube-ovn-worker') && podIp('web2') && podIp('cp1')));
    await settled(run);
  });
  after(async () => {
    await run?.stop();
    await ovn?.cleanup();
  });

  test('ovn-cluster: default route, allows, and each node reroutes its address and its pods to its ovn0', async () => {
    const [cp, worker] = [joinIp('kube-ovn-control-plane'), joinIp('kube-ovn-worker')];
    assert.notEqual(cp, worker);
    await eventually(() =>
      assert.deepEqual(clusterPolicies(run), [
        `29000 ip4.src == $ovn.default.kube.ovn.control.plane_ip4 reroute ${cp}`,
        `29000 ip4.src == $ovn.default.kube.ovn.worker_ip4 reroute ${worker}`,
        `30000 ip4.dst == 192.0.2.11 reroute ${cp}`,
        `30000 ip4.dst == 192.0.2.12 reroute ${worker}`,
        '31000 ip4.dst == 10.16.0.0/16 allow',
        '31000 ip4.dst == 100.64.0.0/16 allow',
      ]),
    );
    const lr = byName(run.client, 'Logical_Router', 'ovn-cluster')!;
    const routes = rows(run.client, 'Logical_Router_Static_Route').filter((r) =>
      lr.static_routes.includes(r._uuid),
    );
    assert.deepEqual(
      routes.map((r) => `${r.ip_prefix} via ${r.nexthop}`),
      ['0.0.0.0/0 via 100.64.0.1'],
    );
    assert.deepEqual(setOf(run, 'ovn.default.kube.ovn.worker_ip4'), [podIp('web1'), podIp('web2')].sort());
    assert.deepEqual(setOf(run, 'ovn.default.kube.ovn.control.plane_ip4'), [podIp('cp1')]);
  });

  test('northd compiles the reroutes into logical flows of ovn-cluster', async () => {
    const sb = ovn.central.sbRemotes[0]!;
    await eventually(async () => {
      const flows = await check(processRunner, 'ovn-sbctl', [`--db=${sb}`, 'lflow-list', 'ovn-cluster'], {
        env: ovsEnv(ovn.dir),
      });
      const reroutes = flows
        .split('\n')
        .filter((l) => l.includes('lr_in_policy') && l.includes('priority=29000'));
      assert.equal(reroutes.length, 2, flows.slice(0, 2000));
      assert.ok(reroutes.some((l) => l.includes('$ovn.default.kube.ovn.worker_ip4')));
    });
  });

  test('the address sets follow the pods: a new pod joins its node, a deleted one leaves', async () => {
    run.set(boundPod('web3', 'kube-ovn-worker'));
    await eventually(() => assert.ok(podIp('web3')));
    await eventually(() =>
      assert.deepEqual(
        setOf(run, 'ovn.default.kube.ovn.worker_ip4'),
        [podIp('web1'), podIp('web2'), podIp('web3')].sort(),
      ),
    );
    const gone = podIp('web1');
    run.delete('Pod', 'web1', 'default');
    await eventually(() => assert.ok(!setOf(run, 'ovn.default.kube.ovn.worker_ip4')?.includes(gone)));
    assert.deepEqual(setOf(run, 'ovn.default.kube.ovn.control.plane_ip4'), [podIp('cp1')]);
  });

  test('a deleted Node takes its policies and sets with it; the other node keeps its own', async () => {
    run.delete('Node', 'kube-ovn-control-plane');
    await eventually(() => {
      assert.equal(setOf(run, 'ovn.default.kube.ovn.control.plane_ip4'), undefined);
      assert.ok(clusterPolicies(run).every((p) => !p.includes('control.plane') && !p.includes('192.0.2.11')));
    });
    assert.ok(clusterPolicies(run).some((p) => p.includes('$ovn.default.kube.ovn.worker_ip4')));
  });
});
