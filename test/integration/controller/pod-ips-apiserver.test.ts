// IP objects through a controller (in this process) against the embedded API server and a real OVN NB: one per pod
// NIC with Kube-OVN's name, fields, labels and printer columns (real kubectl); updated when the pod is bound to a
// node; deleted with its pod; a user's reservation held before its pod exists, given to the pod, and kept (with its
// address) after the pod goes until the user deletes it; a StatefulSet pod's object and address kept while the
// StatefulSet keeps the ordinal, and after a controller restart (IPAM rebuilt from IP objects, and from the pod's
// annotations where its object is missing), released when the StatefulSet scales below it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { IpObject } from '../../../src/api/kinds/ip.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { ControllerProcess } from '../../../src/controller/process.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import { embeddedApiServer } from '../../support/embedded-apiserver.ts';
import {
  createObject as create,
  deleteObject as del,
  getObject as get,
  poller,
} from '../../support/lab-e2e.ts';
import { startOvn } from './reconcile-harness.ts';

const eventually = poller({ ms: 30_000, every: 100 });
/** Real kubectl, run without blocking this process (which serves the API it talks to). */
const kubectl = (kubeconfig: string, ...args: string[]) =>
  promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
const NODE = 'kube-ovn-worker';

const pod = (name: string, extra: { nodeName?: string; owner?: KubeObject } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns1',
    ...(extra.owner
      ? {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'StatefulSet',
              name: extra.owner.metadata.name ?? '',
              uid: extra.owner.metadata.uid ?? '',
              controller: true,
            },
          ],
        }
      : {}),
  },
  spec: {
    ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
    containers: [{ name: 'c', image: 'busybox' }],
  },
});
const statefulSet = (replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'ns1' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    },
  },
});

void test('IP objects follow their pod NICs through the API server', { timeout: 240_000 }, async (t) => {
  const lab = await embeddedApiServer(t);
  const ovn = await startOvn();
  const kc = lab.kubeConfig;
  let controller: ControllerProcess | undefined;
  const start = async () => {
    controller = new ControllerProcess({
      kubeConfig: kc,
      nbRemotes: [ovn.nbUnix],
      leaderElection: false,
      logger: pino({ level: process.env['KOVN_TEST_LOG'] ?? 'silent' }),
    });
    await controller.start();
  };
  t.after(async () => {
    await controller?.stop();
    await ovn.cleanup();
  });
  const ipOf = async (name: string) => (await get(kc, 'IP', name)) as IpObject | undefined;
  const annotation = async (name: string, key: string) =>
    (await get(kc, 'Pod', name, 'ns1'))?.metadata.annotations?.[`ovn.kubernetes.io/${key}`];
  const usingRange = async () =>
    ((await get(kc, 'Subnet', 's1'))?.['status'] as { v4usingIPrange?: string } | undefined)?.v4usingIPrange;
  const gone = (kind: string, name: string, namespace?: string) =>
    eventually(`${kind} ${name} gone`, async () => !(await get(kc, kind, name, namespace)));

  await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
  await create(kc, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
  await create(kc, {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Vpc',
    metadata: { name: 'v1' },
    spec: { namespaces: ['ns1'] },
  });
  await create(kc, {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name: 's1' },
    spec: { vpc: 'v1', cidrBlock: '10.0.1.0/24', protocol: 'IPv4', namespaces: ['ns1'] },
  });
  await start();

  // Created with the pod: Kube-OVN's name, fields and labels; no finalizer; kubectl shows the columns.
  await create(kc, pod('a', { nodeName: NODE }));
  const a = await eventually('a.ns1', () => ipOf('a.ns1'));
  const mac = await annotation('a', 'mac_address');
  assert.deepEqual(a.spec, {
    podName: 'a',
    namespace: 'ns1',
    subnet: 's1',
    attachSubnets: [],
    nodeName: NODE,
    ipAddress: '10.0.1.2',
    v4IpAddress: '10.0.1.2',
    v6IpAddress: '',
    attachIps: [],
    macAddress: mac,
    attachMacs: [],
    containerID: '',
    podType: '',
  });
  assert.deepEqual(a.metadata.labels, {
    'ovn.kubernetes.io/subnet': 's1',
    'ovn.kubernetes.io/node-name': NODE,
    s1: '',
    'ovn.kubernetes.io/ip_reserved': 'false',
  });
  assert.equal(a.metadata.finalizers, undefined);
  const table = await kubectl(lab.server.kubeconfigPath, 'get', 'ips');
  assert.match(table.stdout, /^NAME\s+V4IP\s+V6IP\s+MAC\s+NODE\s+SUBNET/m);
  assert.match(
    table.stdout,
    new RegExp(`^a\\.ns1\\s+10\\.0\\.1\\.2\\s+${mac ?? ''}\\s+${NODE}\\s+s1\\s*$`, 'm'),
  );

  // Updated when the pod is bound to a node.
  await create(kc, pod('b'));
  await eventually('b.ns1 without a node', async () => (await ipOf('b.ns1'))?.spec?.nodeName === '');
  await kubeRequest(kc, {
    method: 'POST',
    path: objectPath('Pod', 'b', 'ns1', 'binding'),
    body: {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'b' },
      target: { kind: 'Node', name: NODE },
    },
  });
  await eventually('b.ns1 on its node', async () => {
    const b = await ipOf('b.ns1');
    return b?.spec?.nodeName === NODE && b.metadata.labels?.['ovn.kubernetes.io/node-name'] === NODE;
  });

  // A reservation before its pod: held and filled in, given to the pod, kept when the pod goes.
  await create(kc, {
    apiVersion: 'kubeovn.io/v1',
    kind: 'IP',
    metadata: { name: 'r.ns1' },
    spec: { podName: 'r', namespace: 'ns1', subnet: 's1', v4IpAddress: '10.0.1.20' },
  });
  const r = await eventually('r.ns1 held', async () => {
    const ip = await ipOf('r.ns1');
    return ip?.metadata.labels?.['ovn.kubernetes.io/ip_reserved'] === 'true' && ip.spec?.macAddress
      ? ip
      : undefined;
  });
  assert.equal(r.spec?.ipAddress, '10.0.1.20');
  await eventually('10.0.1.20 in use', async () => (await usingRange())?.includes('10.0.1.20'));
  await create(kc, pod('r', { nodeName: NODE }));
  await eventually('r at 10.0.1.20', async () => (await annotation('r', 'routed')) === 'true');
  assert.equal(await annotation('r', 'ip_address'), '10.0.1.20');
  assert.equal(await annotation('r', 'mac_address'), r.spec?.macAddress);

  // A StatefulSet's pod.
  const sts = await create(kc, statefulSet(1));
  await create(kc, pod('web-0', { nodeName: NODE, owner: sts }));
  const web = await eventually('web-0.ns1', async () => {
    const ip = await ipOf('web-0.ns1');
    return ip?.spec?.podType === 'StatefulSet' ? ip : undefined;
  });
  assert.equal(web.spec?.ipAddress, '10.0.1.4');

  // Deleted with the pod; the reservation and the StatefulSet's object stay, with their addresses.
  for (const name of ['a', 'r', 'web-0']) await del(kc, 'Pod', name, 'ns1');
  await gone('IP', 'a.ns1');
  await eventually('a released', async () => !(await usingRange())?.includes('10.0.1.2,'));
  assert.equal((await ipOf('r.ns1'))?.spec?.ipAddress, '10.0.1.20');
  assert.equal((await ipOf('web-0.ns1'))?.spec?.ipAddress, '10.0.1.4');
  assert.equal(await usingRange(), '10.0.1.3-10.0.1.4,10.0.1.20');

  // A restart: b's object deleted while no controller runs; IPAM comes back from the objects and b's annotations.
  await controller!.stop();
  await del(kc, 'IP', 'b.ns1');
  await gone('IP', 'b.ns1');
  await start();
  await eventually('b.ns1 written again', async () => (await ipOf('b.ns1'))?.spec?.ipAddress === '10.0.1.3');
  await create(kc, pod('web-0', { nodeName: NODE, owner: sts }));
  await eventually('web-0 routed', async () => (await annotation('web-0', 'routed')) === 'true');
  assert.equal(await annotation('web-0', 'ip_address'), '10.0.1.4', 'the kept address, from its IP object');
  await create(kc, pod('c', { nodeName: NODE }));
  await eventually('c routed', async () => (await annotation('c', 'routed')) === 'true');
  assert.equal(await annotation('c', 'ip_address'), '10.0.1.2', 'neither the kept nor the reserved address');

  // Scaled below the ordinal: the StatefulSet's object goes; the reservation goes only when the user deletes it.
  await del(kc, 'Pod', 'web-0', 'ns1');
  await kubeRequest(kc, {
    method: 'PATCH',
    path: objectPath('StatefulSet', 'web', 'ns1'),
    body: { spec: { replicas: 0 } },
  });
  await gone('IP', 'web-0.ns1');
  assert.ok(await ipOf('r.ns1'), 'the reservation is still there');
  await del(kc, 'IP', 'r.ns1');
  await eventually('only b and c in use', async () => (await usingRange()) === '10.0.1.2-10.0.1.3');
});
