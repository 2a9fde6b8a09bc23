// The pod status kubelet-lite writes: Running/Pending shapes, kept timestamps, no write when nothing changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { cniArgs, pluginStdin } from '../../../../src/lab/kubelet/cni.ts';
import { containerIdOf } from '../../../../src/lab/kubelet/pod.ts';
import {
  declaredPorts,
  desiredStatus,
  ipsOfResult,
  nodeInternalIP,
  statusDiffers,
} from '../../../../src/lab/kubelet/status.ts';

const pod = (status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns1', uid: 'u1' },
  spec: {
    nodeName: 'w',
    containers: [
      { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] },
      {
        name: 'side',
        image: 'busybox',
        ports: [
          { containerPort: 80, protocol: 'TCP' },
          { containerPort: 9, protocol: 'SCTP' },
        ],
      },
    ],
  },
  ...(status ? { status } : {}),
});
const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:05:00Z';

void test('declared ports: TCP and UDP, unique, sorted; SCTP is not answered', () => {
  assert.deepEqual(declaredPorts(pod()), ['tcp:80', 'udp:53']);
});

void test('a ready pod: Running, all conditions True, IPs, hostIP, running containers', () => {
  const s = desiredStatus({
    pod: pod(),
    now: T0,
    hostIP: '192.0.2.2',
    podIPs: ['10.0.1.2'],
    containerId: 'abc',
  });
  assert.equal(s['phase'], 'Running');
  assert.deepEqual(
    (s['conditions'] as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`),
    [
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ],
  );
  assert.equal(s['podIP'], '10.0.1.2');
  assert.deepEqual(s['podIPs'], [{ ip: '10.0.1.2' }]);
  assert.equal(s['hostIP'], '192.0.2.2');
  assert.deepEqual(s['hostIPs'], [{ ip: '192.0.2.2' }]);
  assert.deepEqual((s['containerStatuses'] as { name: string; ready: boolean; state: unknown }[])[0], {
    name: 'web',
    image: 'nginx',
    imageID: '',
    containerID: 'kovn://abc',
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: T0 } },
  });
});

void test('a failing sandbox: Pending, Ready False with the reason, containers waiting in ContainerCreating', () => {
  const s = desiredStatus({ pod: pod(), now: T0, podIPs: [], containerId: 'abc', failure: 'boom' });
  assert.equal(s['phase'], 'Pending');
  assert.equal(s['message'], 'boom');
  const ready = (s['conditions'] as { type: string; status: string; reason?: string }[]).find(
    (c) => c.type === 'Ready',
  );
  assert.deepEqual([ready?.status, ready?.reason], ['False', 'ContainersNotReady']);
  assert.deepEqual((s['containerStatuses'] as { state: unknown }[])[0]?.state, {
    waiting: { reason: 'ContainerCreating', message: 'boom' },
  });
  assert.equal('podIP' in s, false);
});

void test('recomputing over a written status keeps its times and finds no difference (no churn)', () => {
  const first = desiredStatus({ pod: pod(), now: T0, podIPs: ['10.0.1.2'], containerId: 'abc' });
  const written = pod(first);
  const again = desiredStatus({ pod: written, now: T1, podIPs: ['10.0.1.2'], containerId: 'abc' });
  assert.deepEqual(again, first);
  assert.equal(statusDiffers(written, again), false);
  const moved = desiredStatus({ pod: written, now: T1, podIPs: ['10.0.1.3'], containerId: 'abc' });
  assert.equal(statusDiffers(written, moved), true);
});

void test('a failure message left on the pod counts as a difference once it is ready', () => {
  const failing = pod(desiredStatus({ pod: pod(), now: T0, podIPs: [], containerId: 'abc', failure: 'x' }));
  const ready = desiredStatus({ pod: failing, now: T1, podIPs: ['10.0.1.2'], containerId: 'abc' });
  assert.equal(statusDiffers(failing, ready), true);
  const readyCond = (ready['conditions'] as { type: string; lastTransitionTime: string }[]).find(
    (c) => c.type === 'Ready',
  );
  assert.equal(readyCond?.lastTransitionTime, T1, 'a condition that flipped gets a new time');
});

void test('IPs from a CNI result, the node InternalIP, container ids, CNI_ARGS and plugin stdin', () => {
  assert.deepEqual(ipsOfResult({ ips: [{ address: '10.0.1.2/24' }, { address: 'fd00::2/120' }] }), [
    '10.0.1.2',
    'fd00::2',
  ]);
  assert.deepEqual(ipsOfResult(undefined), []);
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'w' },
    status: {
      addresses: [
        { type: 'Hostname', address: 'w' },
        { type: 'InternalIP', address: '192.0.2.3' },
      ],
    },
  };
  assert.equal(nodeInternalIP(node), '192.0.2.3');
  assert.equal(nodeInternalIP(undefined), undefined);
  assert.match(containerIdOf('3f2504e0-4f89-11d3-9a0c-0305e82c3301'), /^[0-9a-f]{64}$/);
  assert.equal(
    cniArgs({
      containerId: 'c',
      netnsPath: '/n',
      ifname: 'eth0',
      podNamespace: 'ns',
      podName: 'p',
      podUid: 'u',
    }),
    'IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p;K8S_POD_INFRA_CONTAINER_ID=c;K8S_POD_UID=u',
  );
  const list = { cniVersion: '0.4.0', name: 'n', plugins: [{ type: 'a', x: 1 }] };
  assert.deepEqual(pluginStdin(list, { type: 'a', x: 1 }, { cniVersion: '0.4.0' }), {
    type: 'a',
    x: 1,
    cniVersion: '0.4.0',
    name: 'n',
    prevResult: { cniVersion: '0.4.0' },
  });
});

void test('probes decide readiness: an unready container makes Ready and ContainersReady False, restarts count', () => {
  const s = desiredStatus({
    pod: pod(),
    now: T1,
    podIPs: ['10.0.1.2'],
    containerId: 'abc',
    probes: new Map([['side', { started: true, ready: false, restartCount: 2, startedAt: T1 }]]),
  });
  assert.equal(s['phase'], 'Running');
  const conditions = s['conditions'] as { type: string; status: string; message?: string }[];
  assert.deepEqual(
    conditions.map((c) => `${c.type}=${c.status}`),
    [
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=False',
      'ContainersReady=False',
      'PodScheduled=True',
    ],
  );
  assert.equal(conditions.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [side]');
  const containers = s['containerStatuses'] as {
    name: string;
    ready: boolean;
    restartCount: number;
    state: unknown;
  }[];
  assert.deepEqual(
    containers.map((c) => [c.name, c.ready, c.restartCount]),
    [
      ['web', true, 0],
      ['side', false, 2],
    ],
  );
  assert.deepEqual(containers[1]?.state, { running: { startedAt: T1 } });
});
