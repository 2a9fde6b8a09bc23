// Subnet natOutgoing in the lab with real traffic (issue 16 point 6; ADR 26, 27). The outside host is the node
// network's 192.0.2.1 (on the underlay bridge), where an HTTP server answers with the peer address it sees. A pod in
// ovn-default (natOutgoing: true, as Kube-OVN's default) on each node reaches it and is seen with its own node's
// address (192.0.2.11 / .12: each pod leaves through its node); a pod in eg-plain (a default-VPC subnet without
// natOutgoing) leaves with its own address and gets no answer (the outside host cannot route back to it), until
// natOutgoing is turned on, and again none once it is turned off. A custom-VPC pod does not reach the outside host at
// all. `kovn exec --node-network` runs on that host. `kovn trace` shows the default route and the node's reroute that carry the packet to its node. The lab (temp
// KOVN_HOME, random id) and the server are removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { NODE_NETWORK_HOST } from '../../../src/lab/dataplane/underlay.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  inNetns,
  inPodNetns,
  kubeApi,
  labDown,
  labHome,
  labUp,
  poller,
  runKovn,
  runningPodIp,
  skipUnlessRoot as skip,
  webPodAt,
} from '../../support/lab-e2e.ts';

const PORT = 8080;
const NODE_IP = { 'kube-ovn-control-plane': '192.0.2.11', 'kube-ovn-worker': '192.0.2.12' } as const;

let home: string;
let layout: LabLayout;
let kc: KubeConfig;
let server: ChildProcess | undefined;

const kovn = (...args: string[]) => runKovn(home, args);
const eventually = poller({ ms: 60_000, every: 300 });
const { create } = kubeApi(() => kc);
/** The address the outside host saw the request from, or '' when no answer came. */
const seenFrom = (ns: string, pod: string): string => {
  const r = inPodNetns(
    layout,
    ns,
    pod,
    ['curl', '-s', '--max-time', '2', `http://${NODE_NETWORK_HOST}:${PORT}/`],
    10_000,
  );
  return r.status === 0 ? r.stdout.trim() : '';
};
const patchSubnet = (name: string, spec: Record<string, unknown>) =>
  kubeRequest(kc, { method: 'PATCH', path: objectPath('Subnet', name), body: { spec } });
const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const subnet = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: { protocol: 'IPv4', ...spec },
});

void describe('natOutgoing in the lab, with real traffic', { skip, timeout: 900_000 }, () => {
  before(async () => {
    ({ home, layout } = labHome('kovn-nat-outgoing-', 'o'));
    kc = labUp(home, layout);
    // The outside host's server: the peer address of each request is its answer.
    const answer = `require('node:http').createServer((q, r) => r.end(q.socket.remoteAddress)).listen(${PORT}, '${NODE_NETWORK_HOST}')`;
    server = spawn('ip', ['netns', 'exec', layout.underlayNetns, process.execPath, '-e', answer], {
      stdio: 'ignore',
    });
    await eventually(
      'the outside host serves',
      () =>
        inNetns(
          layout.underlayNetns,
          ['curl', '-s', '--max-time', '1', `http://${NODE_NETWORK_HOST}:${PORT}/`],
          5_000,
        ).status === 0 || undefined,
    );
    for (const ns of ['eg', 'eg-plain', 'eg-vpc']) await create(namespace(ns));
    await create(subnet('eg-plain', { cidrBlock: '10.41.0.0/24', namespaces: ['eg-plain'] }));
    await create({
      apiVersion: 'kubeovn.io/v1',
      kind: 'Vpc',
      metadata: { name: 'eg-vpc' },
      spec: { namespaces: ['eg-vpc'] },
    });
    await create(subnet('eg-vpc-net', { vpc: 'eg-vpc', cidrBlock: '10.42.0.0/24', namespaces: ['eg-vpc'] }));
    await create(
      webPodAt({
        name: 'w',
        namespace: 'eg',
        subnet: 'ovn-default',
        ip: '10.16.200.10',
        node: 'kube-ovn-worker',
      }),
    );
    await create(
      webPodAt({
        name: 'cp',
        namespace: 'eg',
        subnet: 'ovn-default',
        ip: '10.16.200.11',
        node: 'kube-ovn-control-plane',
      }),
    );
    await create(
      webPodAt({
        name: 'plain',
        namespace: 'eg-plain',
        subnet: 'eg-plain',
        ip: '10.41.0.10',
        node: 'kube-ovn-worker',
      }),
    );
    await create(webPodAt({ name: 'tenant', namespace: 'eg-vpc', subnet: 'eg-vpc-net', ip: '10.42.0.10' }));
    for (const [ns, name] of [
      ['eg', 'w'],
      ['eg', 'cp'],
      ['eg-plain', 'plain'],
      ['eg-vpc', 'tenant'],
    ] as const)
      await runningPodIp(kc, eventually, ns, name);
  });

  after(() => {
    server?.kill();
    if (home) labDown(home, layout);
  });

  it('a pod in ovn-default reaches the outside host from its own node address, on either node', async () => {
    await eventually(
      'worker pod answered from 192.0.2.12',
      () => seenFrom('eg', 'w') === NODE_IP['kube-ovn-worker'] || undefined,
    );
    await eventually(
      'control-plane pod answered from 192.0.2.11',
      () => seenFrom('eg', 'cp') === NODE_IP['kube-ovn-control-plane'] || undefined,
    );
  });

  it('without natOutgoing the pod leaves with its own address and gets no answer; turning it on and off follows', async () => {
    assert.equal(seenFrom('eg-plain', 'plain'), '', 'no answer without natOutgoing');
    await patchSubnet('eg-plain', { natOutgoing: true });
    await eventually(
      'plain answered from its node once natOutgoing is on',
      () => seenFrom('eg-plain', 'plain') === NODE_IP['kube-ovn-worker'] || undefined,
    );
    await patchSubnet('eg-plain', { natOutgoing: false });
    await eventually(
      'no answer again once natOutgoing is off',
      () => seenFrom('eg-plain', 'plain') === '' || undefined,
    );
  });

  it('kovn exec --node-network runs on the outside host', () => {
    const r = kovn('exec', '--node-network', '--', 'ip', '-4', '-o', 'addr', 'show', 'br0');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`inet ${NODE_NETWORK_HOST.replaceAll('.', '\\.')}/24`));
  });

  it('a custom-VPC pod does not reach the node network', () => {
    assert.equal(seenFrom('eg-vpc', 'tenant'), '');
  });

  it('kovn trace shows the default route and the node reroute that take the packet to its node', () => {
    const t = kovn('trace', 'eg/w', NODE_NETWORK_HOST, '--tcp', String(PORT));
    assert.equal(t.code, 0, t.out);
    assert.match(t.out, /route: +dst-ip 0\.0\.0\.0\/0 via 100\.64\.0\.1 .*kovn: the default VPC's way out/);
    assert.match(
      t.out,
      /policy: +priority 29000 reroute via 100\.64\.\d+\.\d+: ip4\.src == \$ovn\.default\.kube\.ovn\.worker_ip4 \(kovn: a node's pods leave/,
    );
    assert.match(t.out, /verdict: +delivered to node-kube-ovn-worker/);
  });
});
