// Kubelet-lite end to end, as root: an embedded API server, a node namespace with real OVS, the node agent with
// the real plumbing, and the kubelet calling kovn-cni and /usr/lib/cni/macvlan as a runtime does. The test plays
// the controller by writing the pod annotations itself. Covers: a failure reported (Warning Event, Pending) and
// retried until the controller's annotations arrive; Running status with podIP/hostIP; the responder (HTTP names
// the pod, UDP echo); a macvlan secondary network with our IPAM; kovn exec's core; a restart that adopts without
// churn; hostNetwork pods; deletion (and a terminating pod held by a finalizer); teardown of what is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { execInPod, PodExecError } from '../../../src/lab/exec.ts';
import { Kubelet } from '../../../src/lab/kubelet/kubelet.ts';
import { netnsExists } from '../../../src/lab/kubelet/netns.ts';
import { isResponder } from '../../../src/lab/kubelet/responders.ts';
import { hostVethName } from '../../../src/node/pod-nic.ts';
import { NodeAgent } from '../../../src/node/agent/agent.ts';
import { vsctlRun } from '../../../src/ovn/vsctl.ts';
import { KOVN_CNI, apiServer, defer, eventually, nodePath, podPath } from '../node/helpers.ts';
import { rootSkipReason, runner, startOvsNode } from '../node/ovs-node.ts';

const EXT = 'ovn-vpc-external-network.kube-system';
const primary = (ip: string, mac: string): Record<string, string> => ({
  'ovn.kubernetes.io/allocated': 'true',
  'ovn.kubernetes.io/ip_address': ip,
  'ovn.kubernetes.io/mac_address': mac,
  'ovn.kubernetes.io/cidr': '10.16.0.0/16',
  'ovn.kubernetes.io/gateway': '10.16.0.1',
  'ovn.kubernetes.io/logical_switch': 'ovn-default',
  'ovn.kubernetes.io/routed': 'true',
});
const external = {
  [`${EXT}.kubernetes.io/allocated`]: 'true',
  [`${EXT}.kubernetes.io/ip_address`]: '192.168.0.12',
  [`${EXT}.kubernetes.io/cidr`]: '192.168.0.0/24',
  [`${EXT}.kubernetes.io/gateway`]: '192.168.0.1',
};
const seedNadConfig = JSON.stringify({
  cniVersion: '0.3.0',
  type: 'macvlan',
  master: 'eth1',
  mode: 'bridge',
  ipam: { type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider: EXT },
});

interface PodStatus {
  phase?: string;
  podIP?: string;
  hostIP?: string;
  message?: string;
  conditions?: { type: string; status: string }[];
  containerStatuses?: { ready: boolean }[];
}
const statusOf = (p: KubeObject | undefined): PodStatus => p?.['status'] ?? {};

void test('kubelet-lite turns pods into working network namespaces', async (t) => {
  const skip = await rootSkipReason();
  if (skip) return t.skip(skip);
  const node = await startOvsNode(t);
  const api = await apiServer(t);
  await api.create({ kind: 'Node', metadata: { name: node.name } });
  await api.patch(
    nodePath(node.name),
    { status: { addresses: [{ type: 'InternalIP', address: '192.0.2.2' }] } },
    'status',
  );
  const agent = await NodeAgent.start({
    nodeName: node.name,
    nodeNetns: node.netns,
    ovsRundir: node.rundir,
    socket: node.layout.cniSocket(node.name),
    kubeConfig: api.kc,
    waitTimeoutMs: 2_000,
  });
  defer(t, () => agent.stop());
  const kubeletOptions = {
    nodeName: node.name,
    nodeNetns: node.netns,
    layout: node.layout,
    kubeConfig: api.kc,
    cniBinary: KOVN_CNI,
  };
  let kubelet = new Kubelet(kubeletOptions);
  defer(t, () => kubelet.stop({ teardown: true }));
  await kubelet.start();
  const get = (name: string): Promise<KubeObject | undefined> => api.get(podPath('default', name));
  const running = (name: string): Promise<KubeObject> =>
    eventually(
      `pod ${name} Running`,
      async () => {
        const p = await get(name);
        return statusOf(p).phase === 'Running' ? p : undefined;
      },
      60_000,
    );

  await t.test(
    'a pod without the controller annotations: Warning Event and Pending, then Running once they come',
    async () => {
      await api.create({
        kind: 'NetworkAttachmentDefinition',
        metadata: { name: 'ovn-vpc-external-network', namespace: 'kube-system' },
        spec: { config: seedNadConfig },
      });
      await api.create({
        kind: 'Pod',
        metadata: {
          name: 'web',
          namespace: 'default',
          annotations: { 'k8s.v1.cni.cncf.io/networks': 'kube-system/ovn-vpc-external-network' },
        },
        spec: {
          nodeName: node.name,
          containers: [
            {
              name: 'web',
              image: 'nginx',
              ports: [{ containerPort: 80 }, { containerPort: 5353, protocol: 'UDP' }],
            },
          ],
        },
      });
      const pending = await eventually(
        'a reported failure',
        async () => {
          const p = await get('web');
          return statusOf(p).phase === 'Pending' && statusOf(p).message ? p : undefined;
        },
        60_000,
      );
      assert.match(statusOf(pending).message ?? '', /waiting for the controller/);
      const events = await kubeRequest<{
        items: { reason: string; type: string; involvedObject: { name: string } }[];
      }>(api.kc, {
        method: 'GET',
        path: '/api/v1/namespaces/default/events',
      });
      assert.ok(
        events.items.some(
          (e) =>
            e.type === 'Warning' && e.reason === 'FailedCreatePodSandBox' && e.involvedObject.name === 'web',
        ),
      );
      await api.patch(podPath('default', 'web'), {
        metadata: { annotations: { ...primary('10.16.0.7', '00:00:00:16:00:07'), ...external } },
      });
      const pod = await running('web');
      const s = statusOf(pod);
      assert.equal(s.podIP, '10.16.0.7');
      assert.equal(s.hostIP, '192.0.2.2');
      assert.equal(s.message, undefined, 'the failure message is gone');
      assert.deepEqual(
        s.conditions?.filter((c) => c.status !== 'True'),
        [],
      );
      assert.equal(s.containerStatuses?.[0]?.ready, true);
    },
  );

  const webNetns = node.layout.podNetns('default', 'web');

  await t.test(
    'the responder answers HTTP naming the pod and echoes UDP, inside the pod namespace',
    async () => {
      const http = await eventually('HTTP from the responder', async () => {
        const r = await runner.run('curl', ['-s', '-m', '3', 'http://10.16.0.7/'], { netns: webNetns });
        return r.code === 0 ? r.stdout : undefined;
      });
      assert.equal(http, 'default/web\n');
      const udp = await runner.run('sh', ['-c', 'echo ping | nc -u -w1 10.16.0.7 5353'], { netns: webNetns });
      assert.equal(udp.stdout.trim(), 'ping');
    },
  );

  await t.test('the secondary network: net1 by macvlan with the address our IPAM answered', async () => {
    const addr = await runner.run('ip', ['-n', webNetns, '-br', 'addr', 'show', 'net1']);
    assert.match(addr.stdout, /192\.168\.0\.12\/24/);
    const eth0 = await runner.run('ip', ['-n', webNetns, '-br', 'link', 'show', 'eth0']);
    assert.match(eth0.stdout, /00:00:00:16:00:07/);
  });

  await t.test("kovn exec's core runs in the pod namespace and passes the exit code through", async () => {
    const base = { layout: node.layout, kubeConfig: api.kc, namespace: 'default', pod: 'web' };
    const ip = await execInPod({ ...base, command: ['ip', '-br', 'addr', 'show', 'eth0'] });
    assert.equal(ip.code, 0);
    assert.match(ip.stdout, /10\.16\.0\.7\/16/);
    assert.equal((await execInPod({ ...base, command: ['sh', '-c', 'exit 3'] })).code, 3);
    await assert.rejects(execInPod({ ...base, pod: 'nope', command: ['true'] }), PodExecError);
  });

  await t.test(
    'a restarted kubelet adopts the sandbox: same namespace, NIC, responder and pod object',
    async () => {
      const before = await get('web');
      const record = kubelet.store.read('default', 'web');
      const inode = statSync(`/var/run/netns/${webNetns}`).ino;
      const ifindex = (await runner.run('cat', ['/sys/class/net/eth0/ifindex'], { netns: webNetns })).stdout;
      await kubelet.stop();
      kubelet = new Kubelet(kubeletOptions);
      await kubelet.start();
      await new Promise((r) => setTimeout(r, 3_000));
      const after = await get('web');
      assert.equal(after?.metadata.resourceVersion, before?.metadata.resourceVersion, 'no status write');
      assert.equal(statSync(`/var/run/netns/${webNetns}`).ino, inode);
      assert.equal(
        (await runner.run('cat', ['/sys/class/net/eth0/ifindex'], { netns: webNetns })).stdout,
        ifindex,
      );
      assert.deepEqual(kubelet.store.read('default', 'web'), record);
      assert.ok(record?.responder && isResponder(record.responder.pid, 'default/web'));
    },
  );

  await t.test(
    'a hostNetwork pod: no namespace, the node IP, a responder in the node namespace',
    async () => {
      await api.create({
        kind: 'Pod',
        metadata: { name: 'hostnet', namespace: 'default' },
        spec: {
          nodeName: node.name,
          hostNetwork: true,
          containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 18081 }] }],
        },
      });
      const pod = await running('hostnet');
      assert.equal(statusOf(pod).podIP, '192.0.2.2');
      assert.equal(netnsExists(node.layout.podNetns('default', 'hostnet')), false);
      const r = await eventually('the host responder', async () => {
        const x = await runner.run('curl', ['-s', '-m', '3', 'http://127.0.0.1:18081/'], {
          netns: node.netns,
        });
        return x.code === 0 ? x.stdout : undefined;
      });
      assert.equal(r, 'default/hostnet\n');
    },
  );

  await t.test('a deleted pod: responder stopped, CNI DEL, namespace and br-int port gone', async () => {
    const pid = kubelet.store.read('default', 'web')?.responder?.pid ?? 0;
    await api.remove(podPath('default', 'web'));
    await eventually('the sandbox removed', () =>
      netnsExists(webNetns) || kubelet.store.read('default', 'web') ? undefined : true,
    );
    assert.equal(isResponder(pid, 'default/web'), false);
    const ports = await vsctlRun(runner, node.rundir, 'list-ports', 'br-int');
    assert.equal(ports.stdout.split('\n').includes(hostVethName('default', 'web')), false);
  });

  await t.test(
    'a terminating pod held by a finalizer: torn down first, then deleted by the kubelet',
    async () => {
      await api.create({
        kind: 'Pod',
        metadata: {
          name: 'held',
          namespace: 'default',
          finalizers: ['kovn.test/hold'],
          annotations: primary('10.16.0.8', '00:00:00:16:00:08'),
        },
        spec: { nodeName: node.name, containers: [{ name: 'c', image: 'x' }] },
      });
      await running('held');
      const netns = node.layout.podNetns('default', 'held');
      assert.ok(netnsExists(netns));
      await api.remove(podPath('default', 'held'));
      await eventually('the held pod torn down', () => (netnsExists(netns) ? undefined : true));
      assert.ok((await get('held'))?.metadata.deletionTimestamp, 'still held by its finalizer');
      await api.patch(podPath('default', 'held'), { metadata: { finalizers: null } });
      await eventually('the pod gone', async () => ((await get('held')) ? undefined : true));
    },
  );
});
