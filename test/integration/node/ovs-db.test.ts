// The node agent's own OVSDB connection (src/node/ovs-db.ts) against a real ovsdb-server and userspace
// ovs-vswitchd, as root: plugNic leaves the br-int port with the external_ids Kube-OVN's CNI sets (read back with
// ovs-vsctl), a second plug sends no transaction, a changed external id is one transaction, unplug removes the Port
// (and its Interface) from br-int, and a database that is not there makes open and a plug fail clearly. Links go through
// the agent's link helper (no process per plug): counts its round trips per plug and unplug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { plugNic, unplugNic } from '../../../src/node/nic.ts';
import type { NicSpec } from '../../../src/node/nic-types.ts';
import { NodeOvsDb } from '../../../src/node/ovs-db.ts';
import { hostVethName } from '../../../src/node/pod-nic.ts';
import { vsctl } from '../../../src/ovn/vsctl.ts';
import { check } from '../../../src/util/exec.ts';
import { LinkHelper } from '../../../src/node/netlink/link-helper.ts';
import { defer, eventually, tempDir } from './helpers.ts';
import { rootSkipReason, runner, startOvsNode } from './ovs-node.ts';

void test('plugNic programs br-int through the agent OVSDB connection', async (t) => {
  const skip = await rootSkipReason();
  if (skip) return t.skip(skip);
  const node = await startOvsNode(t);
  const ovs = await NodeOvsDb.open(node.rundir);
  defer(t, () => ovs.close());
  const links = new LinkHelper();
  defer(t, () => links.close());
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

  assert.equal(await plugNic(links, ovs, spec), 'created');
  t.diagnostic(`link helper round trips for one plug: ${links.requests}`);
  // Two reads (both ends absent), then the pair in one request and its configuration in another.
  assert.equal(links.requests, 4, 'a first plug is four link-helper requests');
  assert.equal(
    await get('external_ids'),
    '{iface-id=pod-a.default, ip="10.16.0.5", pod_name=pod-a, pod_namespace=default, vendor=kube-ovn}',
  );
  assert.ok(Number(await get('ofport')) > 0, 'ovs-vswitchd gave the port an ofport before plugNic returned');
  assert.match(await vsctl(runner, node.rundir, 'port-to-br', spec.hostIf), /^br-int$/m);

  const sent = ovs.transactions;
  const before = links.requests;
  assert.equal(await plugNic(links, ovs, spec), 'unchanged');
  assert.equal(ovs.transactions, sent, 'a second plug sends no transaction');
  assert.equal(
    links.requests - before,
    3,
    'an unchanged re-plug reads both ends and the routes, and changes nothing',
  );

  const moved = { ...spec, externalIds: { ...spec.externalIds, ip: '10.16.0.6' } };
  assert.equal(await plugNic(links, ovs, moved), 'updated');
  assert.equal(ovs.transactions, sent + 1, 'a changed external id is one transaction');
  assert.match(await get('external_ids'), /ip="10\.16\.0\.6"/);

  const beforeUnplug = links.requests;
  await unplugNic(links, ovs, spec);
  t.diagnostic(`link helper round trips for one unplug: ${links.requests - beforeUnplug}`);
  assert.doesNotMatch(await vsctl(runner, node.rundir, 'list-ports', 'br-int'), new RegExp(spec.hostIf));
  assert.equal(
    (await vsctl(runner, node.rundir, '--columns=name', 'find', 'Interface', `name=${spec.hostIf}`)).trim(),
    '',
    'the Interface row went with its Port',
  );
  const afterUnplug = ovs.transactions;
  await unplugNic(links, ovs, spec);
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

void test('plugs asked for together share transactions; a bad one in a batch fails alone', async (t) => {
  const skip = await rootSkipReason();
  if (skip) return t.skip(skip);
  const node = await startOvsNode(t);
  const ovs = await NodeOvsDb.open(node.rundir);
  defer(t, () => ovs.close());
  const names = Array.from({ length: 12 }, (_, i) => `bt${i}_h`);
  const start = ovs.transactions;
  const plugged = await Promise.all(
    names.map((n) => ovs.ensurePort('br-int', n, { 'iface-id': `${n}.default` })),
  );
  assert.deepEqual(
    plugged,
    names.map(() => true),
  );
  const sent = ovs.transactions - start;
  t.diagnostic(`12 plugs at once: ${sent} transaction(s)`);
  assert.ok(sent <= 3, `12 plugs at once took ${sent} transactions`);
  assert.ok(ovs.batched >= 1, 'at least one transaction carried several plugs');
  const ports = await vsctl(runner, node.rundir, 'list-ports', 'br-int');
  for (const n of names) assert.match(ports, new RegExp(`^${n}$`, 'm'));

  const mixed = await Promise.allSettled([
    ovs.ensurePort('br-int', 'ok1_h', { 'iface-id': 'ok1.default' }),
    ovs.ensurePort('br-nope', 'bad_h', { 'iface-id': 'bad.default' }),
    ovs.ensurePort('br-int', 'ok2_h', { 'iface-id': 'ok2.default' }),
  ]);
  assert.equal(mixed[0].status, 'fulfilled');
  assert.equal(mixed[2].status, 'fulfilled');
  assert.equal(mixed[1].status, 'rejected');
  assert.match(String(mixed[1].reason), /add-port br-nope bad_h: no bridge named br-nope/);
  assert.match(await vsctl(runner, node.rundir, 'list-ports', 'br-int'), /^ok2_h$/m);

  const beforeRemove = ovs.transactions;
  await Promise.all([...names, 'ok1_h', 'ok2_h'].map((n) => ovs.removePort('br-int', n)));
  assert.ok(ovs.transactions - beforeRemove <= 3, 'removals at once share transactions too');
  assert.equal((await vsctl(runner, node.rundir, 'list-ports', 'br-int')).trim(), '');
});
