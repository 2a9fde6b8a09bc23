// plugNic/unplugNic/checkNic against a real userspace OVS in throwaway namespaces (no OVN): creation (the host end
// without IPv6 link-local, the pod end with it), idempotent re-plug, drift found by checkNic and repaired by plugNic,
// a node's own port (podNetns === nodeNetns), a pod namespace recreated under the same name, and unplug. Needs root
// and Open vSwitch (skips otherwise).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNic, plugNic, unplugNic } from '../../../src/node/nic.ts';
import type { NicSpec } from '../../../src/node/nic-types.ts';
import { LinkHelper } from '../../../src/node/netlink/link-helper.ts';
import { NodeOvsDb } from '../../../src/node/ovs-db.ts';
import { vsctl } from '../../../src/ovn/vsctl.ts';
import { check } from '../../../src/util/exec.ts';
import { runner, skipReason, startOvsNode, type OvsNode } from './nic-fixture.ts';

let skip: string | undefined;
let node: OvsNode | undefined;
let ovs: NodeOvsDb;
const links = new LinkHelper();
const tag = (process.pid % 100000).toString(36);

before(async () => {
  skip = await skipReason();
  if (skip) return;
  node = await startOvsNode(tag);
  ovs = await NodeOvsDb.open(node.rundir);
});
after(async () => {
  await links.close();
  if (node) ovs.close();
  await node?.cleanup();
});

function podSpec(n: OvsNode, podNetns: string): NicSpec {
  return {
    nodeNetns: n.netns,
    ovsRundir: n.rundir,
    podNetns,
    hostIf: `${tag}a_h`,
    ifname: 'eth0',
    ifaceId: 'pod-a.default',
    mac: '0a:58:0a:10:00:05',
    ips: ['10.16.0.5/16', 'fd00:10:16::5/64'],
    gateways: ['10.16.0.1', 'fd00:10:16::1'],
    routes: [{ dst: '10.96.0.0/12', gw: '10.16.0.1' }],
    mtu: 1400,
    externalIds: { pod_name: 'pod-a', pod_namespace: 'default', ip: '10.16.0.5', vendor: 'kube-ovn' },
  };
}

const ipOut = (netns: string, ...args: string[]): Promise<string> =>
  check(runner, 'ip', ['-n', netns, ...args]);

/** `ip -6 addr show dev IF` once it lists a link-local address (at most 5 s). */
async function podLinkLocal(netns: string, ifname: string): Promise<string> {
  for (let tries = 0; ; tries++) {
    const shown = await ipOut(netns, '-6', 'addr', 'show', 'dev', ifname);
    if (/inet6 fe80::/.test(shown) || tries === 50) return shown;
    await new Promise((done) => setTimeout(done, 100));
  }
}

void test('plugNic creates the NIC; re-plugging changes nothing; checkNic finds drift and plugNic repairs it', async (t) => {
  if (skip || !node) return t.skip(skip);
  const pod = await node.addPod('a');
  const spec = podSpec(node, pod);
  assert.ok((await checkNic(links, ovs, spec)).length > 0, 'nothing plugged yet');
  assert.equal(await plugNic(links, ovs, spec), 'created');
  assert.deepEqual(await checkNic(links, ovs, spec), []);
  const link = await ipOut(pod, '-d', 'link', 'show', 'eth0');
  assert.match(link, /0a:58:0a:10:00:05/);
  assert.match(link, /mtu 1400/);
  assert.match(await ipOut(pod, 'route'), /default via 10\.16\.0\.1 dev eth0/);
  assert.match(await ipOut(pod, '-6', 'route'), /default via fd00:10:16::1 dev eth0/);
  assert.match(await check(runner, 'ethtool', ['-k', 'eth0'], { netns: pod }), /^tx-checksumming: off/m);
  assert.equal((await vsctl(runner, node.rundir, 'iface-to-br', spec.hostIf)).trim(), 'br-int');
  const ids = await vsctl(runner, node.rundir, 'get', 'Interface', spec.hostIf, 'external_ids');
  for (const kv of ['iface-id=pod-a.default', 'pod_name=pod-a', 'vendor=kube-ovn'])
    assert.ok(ids.includes(kv), `${kv} in ${ids}`);
  const rootLinks = await check(runner, 'ip', ['-o', 'link', 'show']);
  assert.ok(!rootLinks.includes(spec.hostIf), 'no link in the root namespace');
  // The node namespace keeps the kernel's default address generation (the lab's nodes turn it off for every link):
  // the host end alone is made without IPv6 link-local. The kernel adds a link-local when the carrier comes up (a
  // link-watch event, up to a second later), so the pod end's is awaited before the host end is looked at.
  assert.match(await ipOut(node.netns, '-d', 'link', 'show', spec.hostIf), /addrgenmode none/);
  assert.match(await ipOut(pod, '-d', 'link', 'show', 'eth0'), /addrgenmode eui64/);
  assert.match(await podLinkLocal(pod, 'eth0'), /inet6 fe80::[0-9a-f:]+\/64 scope link/);
  assert.equal(
    await ipOut(node.netns, '-6', 'addr', 'show', 'dev', spec.hostIf),
    '',
    'no IPv6 on the host end',
  );
  assert.doesNotMatch(await ipOut(node.netns, '-6', 'route', 'show', 'dev', spec.hostIf), /\S/);

  const ifindex = await ipOut(pod, '-o', 'link', 'show', 'eth0');
  assert.equal(await plugNic(links, ovs, spec), 'unchanged');
  assert.equal(await ipOut(pod, '-o', 'link', 'show', 'eth0'), ifindex, 'same link, untouched');

  await ipOut(pod, 'link', 'set', 'eth0', 'mtu', '1300');
  await ipOut(pod, 'addr', 'del', '10.16.0.5/16', 'dev', 'eth0');
  await ipOut(pod, 'addr', 'add', '10.16.0.99/16', 'dev', 'eth0');
  await check(runner, 'ethtool', ['-K', 'eth0', 'tx', 'on'], { netns: pod });
  await vsctl(runner, node.rundir, 'remove', 'Interface', spec.hostIf, 'external_ids', 'iface-id');
  const problems = await checkNic(links, ovs, spec);
  for (const p of [
    /MTU 1300/,
    /addresses/,
    /route 0\.0\.0\.0\/0 via 10\.16\.0\.1 is missing/,
    /checksum/,
    /iface-id/,
  ])
    assert.ok(
      problems.some((x) => p.test(x)),
      `${p} in ${problems.join('; ')}`,
    );
  assert.equal(await plugNic(links, ovs, spec), 'updated');
  assert.deepEqual(await checkNic(links, ovs, spec), []);

  // a changed spec (new route, no IPv6) converges too, removing what is no longer wanted
  const changed: NicSpec = {
    ...spec,
    ips: ['10.16.0.5/16'],
    gateways: ['10.16.0.1'],
    routes: [{ dst: '192.168.50.0/24' }],
  };
  assert.equal(await plugNic(links, ovs, changed), 'updated');
  assert.deepEqual(await checkNic(links, ovs, changed), []);
  assert.doesNotMatch(await ipOut(pod, 'route'), /10\.96\.0\.0/);

  await unplugNic(links, ovs, spec);
  await unplugNic(links, ovs, spec);
  assert.ok((await checkNic(links, ovs, spec)).some((p) => /does not exist/.test(p)));
  assert.equal(
    (await runner.run('ovs-vsctl', [`--db=unix:${node.rundir}/db.sock`, 'iface-to-br', spec.hostIf])).code,
    1,
  );
});

void test('a pod namespace recreated under the same name gets a fresh pair', async (t) => {
  if (skip || !node) return t.skip(skip);
  const pod = await node.addPod('b');
  const spec = { ...podSpec(node, pod), hostIf: `${tag}b_h`, ifaceId: 'pod-b.default' };
  assert.equal(await plugNic(links, ovs, spec), 'created');
  await check(runner, 'ip', ['netns', 'delete', pod]);
  await check(runner, 'ip', ['netns', 'add', pod]);
  assert.ok((await checkNic(links, ovs, spec)).some((p) => /eth0 in .* does not exist/.test(p)));
  assert.equal(await plugNic(links, ovs, spec), 'created');
  assert.deepEqual(await checkNic(links, ovs, spec), []);
  await unplugNic(links, ovs, spec);
});

void test("a node's own port: both ends in the node namespace, no default route", async (t) => {
  if (skip || !node) return t.skip(skip);
  const spec: NicSpec = {
    nodeNetns: node.netns,
    ovsRundir: node.rundir,
    podNetns: node.netns,
    hostIf: 'ovn0_h',
    ifname: 'ovn0',
    ifaceId: 'node-kube-ovn-worker',
    mac: '0a:58:64:40:00:02',
    ips: ['100.64.0.2/16'],
    gateways: ['100.64.0.1'],
    defaultRoute: false,
    routes: [{ dst: '10.16.0.0/16', gw: '100.64.0.1' }],
    mtu: 1400,
  };
  assert.equal(await plugNic(links, ovs, spec), 'created');
  assert.deepEqual(await checkNic(links, ovs, spec), []);
  assert.equal(await plugNic(links, ovs, spec), 'unchanged');
  const routes = await ipOut(node.netns, 'route');
  assert.match(routes, /10\.16\.0\.0\/16 via 100\.64\.0\.1 dev ovn0/);
  assert.doesNotMatch(routes, /default/);
  await unplugNic(links, ovs, spec);
  assert.doesNotMatch(await ipOut(node.netns, 'link'), /ovn0/);
});
