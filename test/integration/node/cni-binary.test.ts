// The real kovn-cni binary (the shim, docs/adr/0031), called with CNI_* variables and a config on stdin as a runtime
// calls it, against a running node agent (an embedded API server supplies the pods; the NIC plumbing is a recorder,
// so this runs without root): VERSION, ADD -> result JSON after the controller's annotations arrive, DEL twice,
// CHECK, the IPAM answer for a macvlan config, CNI error objects for bad input, and for an agent that is missing,
// silent or too old; and the Node plugin (src/node/cni/main.ts) through Kube-OVN's endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { NodeAgent } from '../../../src/node/agent/agent.ts';
import type { NicPlumber } from '../../../src/node/agent/handler.ts';
import type { NicSpec } from '../../../src/node/nic-types.ts';
import { KOVN_CNI, PROJECT, apiServer, defer, callPlugin, podPath, tempDir } from './helpers.ts';

const EXT = 'ovn-vpc-external-network.kube-system';
const controllerAnnotations = {
  'ovn.kubernetes.io/allocated': 'true',
  'ovn.kubernetes.io/ip_address': '10.0.1.2',
  'ovn.kubernetes.io/mac_address': '00:00:00:12:34:56',
  'ovn.kubernetes.io/cidr': '10.0.1.0/24',
  'ovn.kubernetes.io/gateway': '10.0.1.1',
  'ovn.kubernetes.io/logical_switch': 'net1',
  'ovn.kubernetes.io/routed': 'true',
  [`${EXT}.kubernetes.io/allocated`]: 'true',
  [`${EXT}.kubernetes.io/ip_address`]: '192.168.0.11',
  [`${EXT}.kubernetes.io/cidr`]: '192.168.0.0/24',
  [`${EXT}.kubernetes.io/gateway`]: '192.168.0.1',
  [`${EXT}.kubernetes.io/logical_switch`]: 'ovn-vpc-external-network',
};

void test('kovn-cni against a running node agent', async (t) => {
  const api = await apiServer(t);
  const dir = tempDir(t);
  const socket = join(dir, 'cni.sock');
  const plugged: NicSpec[] = [];
  const unplugged: string[] = [];
  const plumber: NicPlumber = {
    plug: (spec) => (plugged.push(spec), Promise.resolve('created')),
    unplug: (ref) => (unplugged.push(ref.hostIf), Promise.resolve()),
    check: () => Promise.resolve([]),
  };
  const agent = await NodeAgent.start({
    nodeName: 'w1',
    nodeNetns: 'lab-n-w1',
    ovsRundir: join(dir, 'ovs'),
    socket,
    kubeConfig: api.kc,
    plumber,
    waitTimeoutMs: 5_000,
  });
  defer(t, () => agent.stop());
  await agent.synced();
  const pod = { namespace: 'default', name: 'p1' };
  const netns = '/var/run/netns/lab-p-default.p1';
  const conf = { cniVersion: '1.0.0', name: 'kube-ovn', type: 'kube-ovn', server_socket: socket };

  await t.test('VERSION answers without the agent', async () => {
    const r = await callPlugin(KOVN_CNI, { command: 'VERSION', conf: { cniVersion: '0.4.0' } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      cniVersion: '0.4.0',
      supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0'],
    });
  });

  await t.test('ADD waits for the controller, then prints the CNI result', async () => {
    await api.create({
      kind: 'Pod',
      metadata: { name: 'p1', namespace: 'default' },
      spec: { nodeName: 'w1', containers: [{ name: 'c', image: 'x' }] },
    });
    const adding = callPlugin(KOVN_CNI, { command: 'ADD', conf, netns, pod });
    await new Promise((r) => setTimeout(r, 300));
    await api.patch(podPath('default', 'p1'), { metadata: { annotations: controllerAnnotations } });
    const r = await adding;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'eth0', mac: '00:00:00:12:34:56', sandbox: netns }],
      ips: [{ address: '10.0.1.2/24', gateway: '10.0.1.1', interface: 0 }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.0.1.1' }],
      dns: {},
    });
    assert.equal(plugged.length, 1);
    assert.equal(plugged[0]?.ifaceId, 'p1.default');
    assert.equal(plugged[0]?.podNetns, 'lab-p-default.p1');
  });

  await t.test('CHECK succeeds silently', async () => {
    const r = await callPlugin(KOVN_CNI, { command: 'CHECK', conf, netns, pod });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
  });

  await t.test(
    'as macvlan IPAM: the provider address, no plumbing, the socket from KOVN_CNI_SOCKET',
    async () => {
      const macvlan = {
        cniVersion: '0.3.0',
        type: 'macvlan',
        master: 'eth1',
        ipam: { type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider: EXT },
      };
      const r = await callPlugin(KOVN_CNI, {
        command: 'ADD',
        conf: macvlan,
        netns,
        ifname: 'net1',
        pod,
        env: { KOVN_CNI_SOCKET: socket },
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), {
        cniVersion: '0.3.0',
        ips: [{ version: '4', address: '192.168.0.11/24' }],
        dns: {},
      });
      assert.equal(plugged.length, 1, 'nothing plumbed for IPAM');
    },
  );

  await t.test("the Node plugin (main.ts) through Kube-OVN's endpoints: ADD, CHECK, DEL", async () => {
    const nodePlugin = join(dir, 'kovn-cni-node');
    writeFileSync(
      nodePlugin,
      `#!/bin/sh\nexec ${join(PROJECT, 'node_modules/.bin/node')} ${join(PROJECT, 'src/node/cni/main.ts')}\n`,
    );
    chmodSync(nodePlugin, 0o755);
    const add = await callPlugin(nodePlugin, { command: 'ADD', conf, netns, pod });
    assert.equal(add.code, 0, add.stdout + add.stderr);
    assert.deepEqual(JSON.parse(add.stdout), {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'eth0', mac: '00:00:00:12:34:56', sandbox: netns }],
      ips: [{ address: '10.0.1.2/24', gateway: '10.0.1.1', interface: 0 }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.0.1.1' }],
      dns: {},
    });
    assert.equal(plugged.length, 2);
    for (const command of ['CHECK', 'DEL'] as const) {
      const r = await callPlugin(nodePlugin, { command, conf, netns, pod });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
    }
    assert.equal(unplugged.length, 1, 'DEL reached the agent');
    unplugged.length = 0;
  });

  await t.test('DEL succeeds, again, and for a pod that never existed', async () => {
    for (const who of [pod, pod, { namespace: 'default', name: 'never' }]) {
      const r = await callPlugin(KOVN_CNI, { command: 'DEL', conf, netns, pod: who });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
    }
    assert.equal(unplugged.length, 3);
  });

  await t.test('bad input: CNI error objects on stdout, exit 1', async () => {
    const cases: [Parameters<typeof callPlugin>[1], number, RegExp][] = [
      [{ command: 'ADD', conf: 'not json', netns, pod }, 6, /failed to load netconf/],
      [{ command: 'ADD', conf: { ...conf, cniVersion: '0.1.0' }, netns, pod }, 1, /not supported/],
      [{ command: 'ADD', conf, netns }, 7, /Invalid Configuration/],
      [
        { command: 'ADD', conf: { ...conf, server_socket: join(dir, 'nobody.sock') }, netns, pod },
        11,
        /RPC failed/,
      ],
      [{ command: 'ADD', conf, netns: '/proc/1/ns/net', pod }, 4, /node agent answered 400/],
    ];
    for (const [call, code, msg] of cases) {
      const r = await callPlugin(KOVN_CNI, call);
      assert.equal(r.code, 1, `${JSON.stringify(call)}: ${r.stdout}`);
      const err = JSON.parse(r.stdout) as { code: number; msg: string; cniVersion: string };
      assert.equal(err.code, code, r.stdout);
      assert.match(err.msg, msg);
    }
    const noEnv = await callPlugin(KOVN_CNI, { command: 'ADD', conf, pod, env: { CNI_CONTAINERID: '' } });
    assert.equal((JSON.parse(noEnv.stdout) as { code: number }).code, 4);
    const badJson = await callPlugin(KOVN_CNI, {
      command: 'ADD',
      conf: '{"type": }',
      netns,
      pod,
      env: { KOVN_CNI_SOCKET: socket },
    });
    assert.equal(badJson.code, 1);
    assert.deepEqual(
      { ...(JSON.parse(badJson.stdout) as object), details: undefined },
      { cniVersion: '1.0.0', code: 6, msg: 'failed to load netconf', details: undefined },
      'a config that looks like an object reaches the agent, which cannot parse it',
    );
  });

  const errorOf = (r: { code: number; stdout: string }): { code: number; msg: string; details: string } => {
    assert.equal(r.code, 1, r.stdout);
    return JSON.parse(r.stdout) as { code: number; msg: string; details: string };
  };

  await t.test('no agent at the socket: try again later, naming the socket, at once', async () => {
    const missing = join(dir, 'missing.sock');
    const started = Date.now();
    const err = errorOf(
      await callPlugin(KOVN_CNI, { command: 'ADD', conf, netns, pod, env: { KOVN_CNI_SOCKET: missing } }),
    );
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    assert.deepEqual(err, {
      cniVersion: '1.0.0',
      code: 11,
      msg: 'RPC failed',
      details: `node agent at ${missing}: connect: No such file or directory`,
    });
  });

  await t.test(
    'an agent that accepts and never answers: the deadline (KOVN_CNI_DEADLINE) ends the call',
    async () => {
      const silent = join(dir, 'silent.sock');
      const held: net.Socket[] = [];
      const server = net.createServer((c) => void held.push(c));
      await new Promise<void>((r) => server.listen(silent, r));
      defer(t, () => new Promise<void>((r) => (held.forEach((c) => c.destroy()), server.close(() => r()))));
      const started = Date.now();
      const err = errorOf(
        await callPlugin(KOVN_CNI, {
          command: 'DEL',
          conf,
          netns,
          pod,
          env: { KOVN_CNI_SOCKET: silent, KOVN_CNI_DEADLINE: '1' },
        }),
      );
      const took = Date.now() - started;
      assert.ok(took >= 900 && took < 5_000, `took ${took} ms`);
      assert.deepEqual([err.code, err.details], [11, `node agent at ${silent}: no answer within 1 s`]);
    },
  );

  await t.test(
    'an agent without the cni-exec endpoint (a Kube-OVN daemon): try again later, with its status',
    async () => {
      const old = join(dir, 'kube-ovn.sock');
      const server = http.createServer((_req, res) =>
        res.writeHead(404, { 'Content-Length': 19 }).end('404 page not found\n'),
      );
      await new Promise<void>((r) => server.listen(old, r));
      defer(t, () => new Promise<void>((r) => server.close(() => r())));
      const err = errorOf(
        await callPlugin(KOVN_CNI, { command: 'ADD', conf, netns, pod, env: { KOVN_CNI_SOCKET: old } }),
      );
      assert.equal(err.code, 11);
      assert.equal(
        err.details,
        `node agent at ${old}: answered 404 without kovn-cni-exit-code: 404 page not found\n`,
      );
    },
  );
});
