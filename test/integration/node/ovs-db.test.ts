// The node agent's own OVSDB connection (src/node/ovs-db.ts) against a real ovsdb-server and userspace
// ovs-vswitchd, as root: plugNic leaves the br-int port with the external_ids Kube-OVN's CNI sets (read back with
// ovs-vsctl), a second plug sends no transaction, a changed external id is one transaction, unplug removes the Port
// (and its Interface) from br-int, and a database that is not there makes open and a plug fail clearly. Reports how many
// processes one plug and one unplug start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { plugNic, unplugNic } from '../../../src/node/nic.ts';
import type { NicSpec } from '../../../src/node/nic-types.ts';
import { NodeOvsDb } from '../../../src/node/ovs-db.ts';
import { hostVethName } from '../../../src/node/pod-nic.ts';
import { vsctl } from '../../../src/ovn/vsctl.ts';
import { check, type ProcessRunner } from '../../../src/util/exec.ts';
import { defer, eventually, tempDir } from './helpers.ts';
import { rootSkipReason, runner, startOvsNode } from './ovs-node.ts';

/** `runner`, counting the processes it starts by command name. */
function countingRunner(): { runner: ProcessRunner; counts: Map<string, number>; total: () => number } {
  const counts = new Map<string, number>();
  const count = (cmd: string): void => void counts.set(cmd, (counts.get(cmd) ?? 0) + 1);
  return {
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    runner: {
      run: (cmd, args, options) => (count(cmd), runner.run(cmd, args, options)),
      spawn: (cmd, args, options) => (count(cmd), runner.spawn(cmd, args, options)),
    },
  };
}

const shown = (counts: Map<string, number>): string =>
  [...counts].map(([cmd, n]) => `${cmd} ${n}`).join(', ') || 'none';

void test('plugNic programs br-int through the agent OVSDB connection', async (t) => {
  const skip = await rootSkipReason();
  if (skip) return t.skip(skip);
  const node = await startOvsNode(t);
  const ovs = await NodeOvsDb.open(node.rundir);
  defer(t, () => ovs.close());
  const podNetns = await node.addPodNetns('default', 'pod-a');
  const spec: NicSpec = {
    nodeNetns: node.netns,
    ovsRundir: node.rundir,
    podNetns,
    hostIf: hostVethName('default', 'pod-a'),
    ifname: 'eth0',
    ifaceId: 'pod-a.default',
    mac: '0a:58:0a:10:00:05',
    ips: ['10.16.0.5/16'],
    gateways: ['10.16.0.1'],
    mtu: 1400,
    externalIds: { pod_name: 'pod-a', pod_namespace: 'default', ip: '10.16.0.5', vendor: 'kube-ovn' },
  };
  const get = (column: string): Promise<string> =>
    vsctl(runner, node.rundir, 'get', 'Interface', spec.hostIf, column).then((s) => s.trim());

  const plug = countingRunner();
  assert.equal(await plugNic(plug.runner, ovs, spec), 'created');
  t.diagnostic(`processes for one plug: ${plug.total()} (${shown(plug.counts)})`);
  assert.equal(plug.counts.get('ovs-vsctl') ?? 0, 0, 'no ovs-vsctl on the plug path');
  assert.equal(
    await get('external_ids'),
    '{iface-id=pod-a.default, ip="10.16.0.5", pod_name=pod-a, pod_namespace=default, vendor=kube-ovn}',
  );
  assert.ok(Number(await get('ofport')) > 0, 'ovs-vswitchd gave the port an ofport before plugNic returned');
  assert.match(await vsctl(runner, node.rundir, 'port-to-br', spec.hostIf), /^br-int$/m);

  const sent = ovs.transactions;
  const again = countingRunner();
  assert.equal(await plugNic(again.runner, ovs, spec), 'unchanged');
  assert.equal(ovs.transactions, sent, 'a second plug sends no transaction');
  t.diagnostic(`processes for an unchanged re-plug: ${again.total()} (${shown(again.counts)})`);

  const moved = { ...spec, externalIds: { ...spec.externalIds, ip: '10.16.0.6' } };
  assert.equal(await plugNic(runner, ovs, moved), 'updated');
  assert.equal(ovs.transactions, sent + 1, 'a changed external id is one transaction');
  assert.match(await get('external_ids'), /ip="10\.16\.0\.6"/);

  const unplug = countingRunner();
  await unplugNic(unplug.runner, ovs, spec);
  t.diagnostic(`processes for one unplug: ${unplug.total()} (${shown(unplug.counts)})`);
  assert.doesNotMatch(await vsctl(runner, node.rundir, 'list-ports', 'br-int'), new RegExp(spec.hostIf));
  assert.equal(
    (await vsctl(runner, node.rundir, '--columns=name', 'find', 'Interface', `name=${spec.hostIf}`)).trim(),
    '',
    'the Interface row went with its Port',
  );
  const afterUnplug = ovs.transactions;
  await unplugNic(runner, ovs, spec);
  assert.equal(ovs.transactions, afterUnplug, 'unplugging a port that is gone sends nothing');
});

void test('a node OVS database that is not there: open and a plug fail clearly, within the deadline', async (t) => {
  const rundir = join(tempDir(t), 'ovs');
  await assert.rejects(
    NodeOvsDb.open(rundir, { readyTimeoutMs: 300 }),
    /\/ovs\/db\.sock: not connected within 300 ms \(open\)/,
  );
  const ovs = NodeOvsDb.start(rundir, { readyTimeoutMs: 300 });
  defer(t, () => ovs.close());
  await assert.rejects(
    ovs.ensurePort('br-int', 'p1_h', { 'iface-id': 'p1' }),
    /\/ovs\/db\.sock: not connected within 300 ms \(add-port br-int p1_h\)/,
  );
});

void test('the connection comes back after the server drops it; a plug meanwhile waits for it', async (t) => {
  const skip = await rootSkipReason();
  if (skip) return t.skip(skip);
  const node = await startOvsNode(t);
  const ovs = await NodeOvsDb.open(node.rundir);
  defer(t, () => ovs.close());
  const ctl = ['-t', join(node.rundir, 'ovsdb-server.ctl')];
  const remote = `punix:${ovs.socket}`;
  await check(runner, 'ovs-appctl', [...ctl, 'ovsdb-server/remove-remote', remote]);
  await eventually('the connection to drop', () => Promise.resolve(ovs.connected ? undefined : true));
  const plugged = ovs.ensurePort('br-int', 'rc_h', { 'iface-id': 'rc.default' });
  await check(runner, 'ovs-appctl', [...ctl, 'ovsdb-server/add-remote', remote]);
  assert.equal(await plugged, true);
  assert.equal(ovs.reconnects, 1);
  assert.equal(
    (await vsctl(runner, node.rundir, 'get', 'Interface', 'rc_h', 'external_ids:iface-id')).trim(),
    'rc.default',
  );
});
