// The agent's CNI handler with a recording plumber and a fake clock: waiting for the controller, plumbing versus
// IPAM answers, idempotent DEL, CHECK, and one request at a time per pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { KubeObject } from '../../../../src/api/types.ts';
import { AgentError, CniHandler, type NicPlumber } from '../../../../src/node/agent/handler.ts';
import type { CniRequest } from '../../../../src/node/cni/protocol.ts';
import { CniCode } from '../../../../src/node/cni/spec.ts';
import type { NicSpec } from '../../../../src/node/nic-types.ts';
import { FakeClock } from '../../../../src/util/clock.ts';
import type { ProcessRunner, RunResult } from '../../../../src/util/exec.ts';
import type { CniInstruments } from '../../../../src/util/metrics/registry.ts';

const ext = 'ovn-vpc-external-network.kube-system';
const annotations = {
  'ovn.kubernetes.io/allocated': 'true',
  'ovn.kubernetes.io/ip_address': '10.0.1.2',
  'ovn.kubernetes.io/mac_address': '00:00:00:12:34:56',
  'ovn.kubernetes.io/cidr': '10.0.1.0/24',
  'ovn.kubernetes.io/gateway': '10.0.1.1',
  'ovn.kubernetes.io/logical_switch': 'net1',
  'ovn.kubernetes.io/routed': 'true',
  [`${ext}.kubernetes.io/allocated`]: 'true',
  [`${ext}.kubernetes.io/ip_address`]: '192.168.0.11',
  [`${ext}.kubernetes.io/cidr`]: '192.168.0.0/24',
  [`${ext}.kubernetes.io/gateway`]: '192.168.0.1',
  [`${ext}.kubernetes.io/routes`]: '[{"dst":"0.0.0.0/0","gw":"192.168.0.1"}]',
};

function fixture(pods: Map<string, KubeObject>, metrics?: CniInstruments) {
  const calls: string[] = [];
  const commands: string[][] = [];
  const plumber: NicPlumber = {
    plug: (spec: NicSpec) => {
      calls.push(`plug ${spec.ifaceId} ${spec.hostIf} ${spec.podNetns}/${spec.ifname}`);
      return Promise.resolve('created');
    },
    unplug: (ref) => {
      calls.push(`unplug ${ref.hostIf}`);
      return Promise.resolve();
    },
    check: (spec) => Promise.resolve(spec.mac === '00:00:00:12:34:56' ? [] : ['mac differs']),
  };
  const runner: ProcessRunner = {
    run: (cmd, args): Promise<RunResult> => {
      commands.push([cmd, ...args]);
      return Promise.resolve({ code: 0, stdout: '', stderr: '' });
    },
    spawn: () => Promise.reject(new Error('no spawn in this test')),
  };
  const clock = new FakeClock();
  const handler = new CniHandler({
    nodeNetns: 'lab-n-w',
    ovsRundir: '/ovs',
    getPod: (ns, name) => pods.get(`${ns}/${name}`),
    plumber,
    runner,
    clock,
    log: pino({ level: 'silent' }),
    waitTimeoutMs: 2_000,
    pollMs: 100,
    ...(metrics ? { metrics } : {}),
  });
  return { handler, calls, commands, clock };
}

const pod = (a: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'a', namespace: 'ns1', annotations: a },
});
const req = (over: Partial<CniRequest> = {}): CniRequest => ({
  cni_type: 'kube-ovn',
  pod_name: 'a',
  pod_namespace: 'ns1',
  container_id: 'c1',
  net_ns: '/var/run/netns/lab-p-ns1.a',
  if_name: 'eth0',
  provider: 'ovn',
  ...over,
});

void test('ADD of an annotated pod plugs eth0 and answers Kube-OVN fields', async () => {
  const { handler, calls } = fixture(new Map([['ns1/a', pod(annotations)]]));
  const res = await handler.add(req());
  assert.deepEqual(res, {
    protocol: 'IPv4',
    address: '10.0.1.2',
    mac_address: '00:00:00:12:34:56',
    cidr: '10.0.1.0/24',
    gateway: '10.0.1.1',
    nicname: 'eth0',
    routes: [],
  });
  assert.equal(calls.length, 1);
  assert.match(calls[0] ?? '', /^plug a\.ns1 [0-9a-f]{10}_h lab-p-ns1\.a\/eth0$/);
});

void test('ADD waits for the controller and succeeds once routed appears', async () => {
  const pods = new Map([['ns1/a', pod({ ...annotations, 'ovn.kubernetes.io/routed': '' })]]);
  const { handler, calls, clock } = fixture(pods);
  let done = false;
  const pending = handler.add(req()).then((r) => ((done = true), r));
  await clock.advanceAsync(500);
  assert.equal(done, false);
  pods.set('ns1/a', pod(annotations));
  await clock.advanceAsync(200);
  assert.equal((await pending).address, '10.0.1.2');
  assert.equal(calls.length, 1);
});

void test('ADD gives up after the bounded wait with a message naming what is missing', async () => {
  const { handler, clock } = fixture(new Map([['ns1/a', pod({})]]));
  const pending = handler.add(req());
  const failed = assert.rejects(pending, (err: unknown) => {
    assert.ok(err instanceof AgentError);
    assert.equal(err.code, CniCode.TryAgainLater);
    assert.match(
      err.message,
      /pod ns1\/a: gave up after 2 s waiting for the controller: no address allocated/,
    );
    return true;
  });
  await clock.advanceAsync(2_500);
  await failed;
});

void test('ADD for an unknown pod also waits, then fails', async () => {
  const { handler, clock } = fixture(new Map());
  const failed = assert.rejects(handler.add(req()), /not known to this node's agent/);
  await clock.advanceAsync(2_500);
  await failed;
});

void test('ADD as macvlan IPAM: no plumbing, the provider address and routes, the old default route removed', async () => {
  const { handler, calls, commands } = fixture(new Map([['ns1/a', pod(annotations)]]));
  const res = await handler.add(req({ cni_type: 'macvlan', provider: ext, if_name: 'net1' }));
  assert.deepEqual(res, {
    protocol: 'IPv4',
    address: '192.168.0.11',
    mac_address: '',
    cidr: '192.168.0.0/24',
    gateway: '',
    nicname: '',
    routes: [{ dst: '0.0.0.0/0', gw: '192.168.0.1' }],
  });
  assert.deepEqual(calls, []);
  assert.deepEqual(commands, [['ip', '-n', 'lab-p-ns1.a', '-4', 'route', 'del', 'default']]);
});

void test('ADD refuses a netns path that ip netns did not make', async () => {
  const { handler } = fixture(new Map([['ns1/a', pod(annotations)]]));
  await assert.rejects(handler.add(req({ net_ns: '/proc/123/ns/net' })), (err: unknown) => {
    assert.ok(err instanceof AgentError);
    assert.equal(err.code, CniCode.InvalidEnvironment);
    return true;
  });
});

void test('DEL unplugs by name, also for pods it never saw, and leaves IPAM-only NICs alone', async () => {
  const { handler, calls } = fixture(new Map());
  await handler.del(req());
  await handler.del(req());
  await handler.del(req({ cni_type: 'macvlan', provider: ext, if_name: 'net1' }));
  assert.equal(calls.length, 2);
  assert.equal(calls[0], calls[1]);
});

void test('CHECK compares the NIC with the annotations', async () => {
  const pods = new Map([['ns1/a', pod(annotations)]]);
  const { handler } = fixture(pods);
  await handler.check(req());
  pods.set('ns1/a', pod({ ...annotations, 'ovn.kubernetes.io/mac_address': '00:00:00:00:00:01' }));
  await assert.rejects(handler.check(req()), /mac differs/);
  pods.clear();
  await assert.rejects(
    handler.check(req()),
    (err: unknown) => err instanceof AgentError && err.code === CniCode.UnknownContainer,
  );
});

void test('requests for one pod run one at a time, in order', async () => {
  const pods = new Map([['ns1/a', pod({ ...annotations, 'ovn.kubernetes.io/routed': '' })]]);
  const { handler, calls, clock } = fixture(pods);
  const add = handler.add(req());
  const del = handler.del(req());
  await clock.advanceAsync(300);
  assert.equal(calls.length, 0, 'DEL waits for the ADD in progress');
  pods.set('ns1/a', pod(annotations));
  await clock.advanceAsync(200);
  await add;
  await del;
  assert.deepEqual(
    calls.map((c) => c.split(' ')[0]),
    ['plug', 'unplug'],
  );
});

void test('metrics: each request by op and result, and the stages it went through', async () => {
  const seen: string[] = [];
  const metrics: CniInstruments = {
    finished: (op, result) => seen.push(`${op} ${result}`),
    stage: (op, stage) => seen.push(`${op}/${stage}`),
  };
  const cases: [string, (f: ReturnType<typeof fixture>) => Promise<unknown>, string[]][] = [
    ['plumbed ADD', (f) => f.handler.add(req()), ['add/wait_annotations', 'add/plug', 'add success']],
    [
      'IPAM-only ADD',
      (f) => f.handler.add(req({ cni_type: 'macvlan', provider: ext })),
      ['add/wait_annotations', 'add/ipam_answer', 'add success'],
    ],
    ['DEL', (f) => f.handler.del(req()), ['del/unplug', 'del success']],
    ['unknown pod on CHECK', (f) => f.handler.check(req({ pod_name: 'b' })).catch(() => {}), ['check error']],
  ];
  for (const [name, act, want] of cases) {
    seen.length = 0;
    await act(fixture(new Map([['ns1/a', pod(annotations)]]), metrics));
    assert.deepEqual(seen, want, name);
  }
});
