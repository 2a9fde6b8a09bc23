// Real plumbing, as root: a node namespace with its own ovsdb-server, userspace ovs-vswitchd and br-int; the node
// agent with the real NIC plumbing (nic.ts); the kovn-cni binary called in the node namespace as a runtime calls
// it. Checks the node's ovn0 from its Node annotations, a pod's eth0 (MAC, address, routes, checksum offload,
// br-int port with its iface-id), CHECK, DEL (twice), and the real macvlan plugin using our IPAM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { hostVethName } from '../../../src/node/pod-nic.ts';
import { NodeAgent } from '../../../src/node/agent/agent.ts';
import { vsctlRun } from '../../../src/ovn/vsctl.ts';
import { KOVN_CNI, apiServer, defer, callPlugin, eventually, nodePath, podPath, tempDir } from './helpers.ts';
import { ipJson, rootSkipReason, runner, startOvsNode } from './ovs-node.ts';

const EXT = 'ovn-vpc-external-network.kube-system';
interface Addr {
  ifname: string;
  address: string;
  addr_info: { local: string; prefixlen: number; scope: string }[];
}
interface Route {
  dst: string;
  gateway?: string;
  dev: string;
}

void test('node agent plumbing with real OVS, kovn-cni and macvlan', async (t) => {
  const skip = await rootSkipReason();
  if (skip) return t.skip(skip);
  const node = await startOvsNode(t);
  const api = await apiServer(t);
  const agent = await NodeAgent.start({
    nodeName: node.name,
    nodeNetns: node.netns,
    ovsRundir: node.rundir,
    socket: node.layout.cniSocket(node.name),
    kubeConfig: api.kc,
    waitTimeoutMs: 10_000,
  });
  defer(t, () => agent.stop());
  await agent.synced();
  const conf = { cniVersion: '1.0.0', name: 'kube-ovn', type: 'kube-ovn', server_socket: agent.socket };

  await t.test(
    'ovn0: the join address in the node namespace, routes to the default VPC, no default route',
    async () => {
      await api.create({
        kind: 'Subnet',
        metadata: { name: 'ovn-default' },
        spec: { cidrBlock: '10.16.0.0/16', vpc: 'ovn-cluster' },
      });
      await api.create({ kind: 'Node', metadata: { name: node.name } });
      await api.patch(nodePath(node.name), {
        metadata: {
          annotations: {
            'ovn.kubernetes.io/allocated': 'true',
            'ovn.kubernetes.io/ip_address': '100.64.0.2',
            'ovn.kubernetes.io/mac_address': '00:00:00:64:00:02',
            'ovn.kubernetes.io/cidr': '100.64.0.0/16',
            'ovn.kubernetes.io/gateway': '100.64.0.1',
            'ovn.kubernetes.io/logical_switch': 'join',
            'ovn.kubernetes.io/port_name': `node-${node.name}`,
          },
        },
      });
      const link = await eventually('ovn0 with its address', async () => {
        const links = await ipJson<(Addr & { address: string })[]>(node.netns, 'addr', 'show');
        const ovn0 = links.find((l) => l.ifname === 'ovn0');
        return ovn0?.addr_info.some((a) => a.local === '100.64.0.2') ? ovn0 : undefined;
      });
      assert.equal(link.address, '00:00:00:64:00:02');
      const routes = await eventually('the route to ovn-default via the join gateway', async () => {
        const all = await ipJson<Route[]>(node.netns, 'route', 'show');
        return all.some((r) => r.dst === '10.16.0.0/16' && r.gateway === '100.64.0.1' && r.dev === 'ovn0')
          ? all
          : undefined;
      });
      assert.ok(!routes.some((r) => r.dst === 'default'), 'no default route in the node namespace');
      const iface = await vsctlRun(
        runner,
        node.rundir,
        'get',
        'Interface',
        'ovn0_h',
        'external_ids:iface-id',
      );
      assert.equal(iface.stdout.trim().replace(/"/g, ''), `node-${node.name}`);
      await api.create({ kind: 'Subnet', metadata: { name: 'extra' }, spec: { cidrBlock: '10.17.0.0/16' } });
      await eventually(
        'a route to a new default-VPC subnet',
        async () =>
          (await ipJson<Route[]>(node.netns, 'route', 'show')).some((r) => r.dst === '10.17.0.0/16') ||
          undefined,
      );
    },
  );

  const podNetns = await node.addPodNetns('default', 'p1');
  const netnsPath = `/var/run/netns/${podNetns}`;
  const pod = { namespace: 'default', name: 'p1' };

  await t.test(
    'ADD: eth0 with the annotated MAC, address and default route; a br-int port with the iface-id',
    async () => {
      await api.create({
        kind: 'Pod',
        metadata: {
          name: 'p1',
          namespace: 'default',
          annotations: {
            'ovn.kubernetes.io/allocated': 'true',
            'ovn.kubernetes.io/ip_address': '10.16.0.5',
            'ovn.kubernetes.io/mac_address': '00:00:00:16:00:05',
            'ovn.kubernetes.io/cidr': '10.16.0.0/16',
            'ovn.kubernetes.io/gateway': '10.16.0.1',
            'ovn.kubernetes.io/logical_switch': 'ovn-default',
            'ovn.kubernetes.io/routed': 'true',
            [`${EXT}.kubernetes.io/allocated`]: 'true',
            [`${EXT}.kubernetes.io/ip_address`]: '192.168.0.11',
            [`${EXT}.kubernetes.io/cidr`]: '192.168.0.0/24',
            [`${EXT}.kubernetes.io/gateway`]: '192.168.0.1',
            [`${EXT}.kubernetes.io/routes`]: '[{"dst":"0.0.0.0/0","gw":"192.168.0.1"}]',
          },
        },
        spec: { nodeName: node.name, containers: [{ name: 'c', image: 'x' }] },
      });
      const r = await callPlugin(
        KOVN_CNI,
        { command: 'ADD', conf, netns: netnsPath, pod },
        { runIn: node.netns },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = JSON.parse(r.stdout) as { ips: { address: string }[]; interfaces: { mac: string }[] };
      assert.equal(result.ips[0]?.address, '10.16.0.5/16');
      const eth0 = (await ipJson<Addr[]>(podNetns, 'addr', 'show', 'eth0'))[0];
      assert.equal(eth0?.address, '00:00:00:16:00:05');
      assert.deepEqual(
        eth0?.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`),
        ['10.16.0.5/16'],
      );
      const routes = await ipJson<Route[]>(podNetns, 'route', 'show');
      assert.ok(
        routes.some((x) => x.dst === 'default' && x.gateway === '10.16.0.1' && x.dev === 'eth0'),
        JSON.stringify(routes),
      );
      const offload = await runner.run('ethtool', ['-k', 'eth0'], { netns: podNetns });
      assert.match(offload.stdout, /tx-checksumming: off/);
      const hostIf = hostVethName('default', 'p1');
      const id = await vsctlRun(runner, node.rundir, 'get', 'Interface', hostIf, 'external_ids:iface-id');
      assert.equal(id.stdout.trim().replace(/"/g, ''), 'p1.default');
    },
  );

  await t.test('CHECK passes on the plumbed NIC and fails once it is changed behind our back', async () => {
    assert.equal(
      (await callPlugin(KOVN_CNI, { command: 'CHECK', conf, netns: netnsPath, pod }, { runIn: node.netns }))
        .code,
      0,
    );
    await runner.run('ip', ['-n', podNetns, 'addr', 'add', '10.99.0.1/24', 'dev', 'eth0']);
    const r = await callPlugin(
      KOVN_CNI,
      { command: 'CHECK', conf, netns: netnsPath, pod },
      { runIn: node.netns },
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /10\.99\.0\.1/);
    const again = await callPlugin(
      KOVN_CNI,
      { command: 'ADD', conf, netns: netnsPath, pod },
      { runIn: node.netns },
    );
    assert.equal(again.code, 0, 'ADD converges the NIC again');
    assert.equal(
      (await callPlugin(KOVN_CNI, { command: 'CHECK', conf, netns: netnsPath, pod }, { runIn: node.netns }))
        .code,
      0,
    );
  });

  await t.test(
    'macvlan with ipam kube-ovn gets the annotated address and the provider default route',
    async () => {
      const bin = join(tempDir(t), 'bin');
      mkdirSync(bin);
      symlinkSync(KOVN_CNI, join(bin, 'kube-ovn'));
      const nad = {
        cniVersion: '0.3.0',
        name: 'ovn-vpc-external-network',
        type: 'macvlan',
        master: 'eth1',
        mode: 'bridge',
        ipam: { type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider: EXT },
      };
      const env = { CNI_PATH: `${bin}:/usr/lib/cni`, KOVN_CNI_SOCKET: agent.socket };
      const r = await callPlugin(
        '/usr/lib/cni/macvlan',
        { command: 'ADD', conf: nad, netns: netnsPath, ifname: 'net1', pod, env },
        { runIn: node.netns },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const net1 = (await ipJson<Addr[]>(podNetns, 'addr', 'show', 'net1'))[0];
      assert.deepEqual(
        net1?.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`),
        ['192.168.0.11/24'],
      );
      const routes = await ipJson<Route[]>(podNetns, 'route', 'show', 'default');
      assert.deepEqual(
        routes.map((x) => `${x.gateway ?? ''} ${x.dev}`),
        ['192.168.0.1 net1'],
        'the old default route via eth0 made room for the provider one',
      );
      const del = await callPlugin(
        '/usr/lib/cni/macvlan',
        { command: 'DEL', conf: nad, netns: netnsPath, ifname: 'net1', pod, env },
        { runIn: node.netns },
      );
      assert.equal(del.code, 0, del.stdout + del.stderr);
      assert.equal(
        (await runner.run('ip', ['-n', podNetns, 'link', 'show', 'net1'])).code !== 0,
        true,
        'net1 removed',
      );
    },
  );

  await t.test('DEL removes the port and the veth; a second DEL succeeds', async () => {
    const hostIf = hostVethName('default', 'p1');
    for (let i = 0; i < 2; i++) {
      const r = await callPlugin(
        KOVN_CNI,
        { command: 'DEL', conf, netns: netnsPath, pod },
        { runIn: node.netns },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
    }
    assert.notEqual((await runner.run('ip', ['-n', node.netns, 'link', 'show', hostIf])).code, 0);
    assert.notEqual((await runner.run('ip', ['-n', podNetns, 'link', 'show', 'eth0'])).code, 0);
    const port = await vsctlRun(runner, node.rundir, 'list-ports', 'br-int');
    assert.equal(port.stdout.split('\n').includes(hostIf), false);
    await api.remove(podPath('default', 'p1'));
  });
});
