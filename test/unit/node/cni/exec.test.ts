// A forwarded invocation run inside the agent (src/node/agent/cni-exec.ts): the request body checked, and the
// plugin's outcome with the handler called directly, its failures the same CNI error objects a plugin process
// prints after the agent's HTTP answer (node agent answered <status>).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { KubeObject } from '../../../../src/api/types.ts';
import { parseExecRequest, runForwarded } from '../../../../src/node/agent/cni-exec.ts';
import { AgentError, CniHandler } from '../../../../src/node/agent/handler.ts';
import { FakeClock } from '../../../../src/util/clock.ts';
import type { ProcessRunner } from '../../../../src/util/exec.ts';

const annotated: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'a',
    namespace: 'ns1',
    annotations: {
      'ovn.kubernetes.io/allocated': 'true',
      'ovn.kubernetes.io/ip_address': '10.0.1.2',
      'ovn.kubernetes.io/mac_address': '00:00:00:12:34:56',
      'ovn.kubernetes.io/cidr': '10.0.1.0/24',
      'ovn.kubernetes.io/gateway': '10.0.1.1',
      'ovn.kubernetes.io/logical_switch': 'net1',
      'ovn.kubernetes.io/routed': 'true',
    },
  },
};

function agent() {
  const calls: string[] = [];
  const runner: ProcessRunner = {
    run: () => Promise.resolve({ code: 0, stdout: '', stderr: '' }),
    spawn: () => Promise.reject(new Error('no spawn in this test')),
  };
  const handler = new CniHandler({
    nodeNetns: 'lab-n-w',
    ovsRundir: '/ovs',
    getPod: (ns, name) => (`${ns}/${name}` === 'ns1/a' ? annotated : undefined),
    plumber: {
      plug: (spec) => (calls.push(`plug ${spec.ifaceId}`), Promise.resolve('created')),
      unplug: (ref) => (calls.push(`unplug ${ref.hostIf}`), Promise.resolve()),
      check: () => Promise.resolve([]),
    },
    runner,
    clock: new FakeClock(),
    log: pino({ level: 'silent' }),
  });
  return { handler, calls };
}

const env = (command: string, pod = 'a', netns = '/var/run/netns/lab-p-ns1.a'): Record<string, string> => ({
  CNI_COMMAND: command,
  CNI_CONTAINERID: 'c1',
  CNI_NETNS: netns,
  CNI_IFNAME: 'eth0',
  CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=${pod}`,
  KOVN_CNI_SOCKET: '/nonexistent/never-used.sock',
});
const conf = JSON.stringify({ cniVersion: '1.0.0', name: 'kube-ovn', type: 'kube-ovn' });

void test('cni-exec request bodies: env of strings and stdin, or a decoding failure', () => {
  assert.deepEqual(parseExecRequest('{"env":{"CNI_COMMAND":"ADD","X":1},"stdin":"{}"}'), {
    env: { CNI_COMMAND: 'ADD' },
    stdin: '{}',
  });
  for (const bad of ['', 'null', '[]', '{"env":{}}', '{"env":[],"stdin":""}', '{"env":null,"stdin":""}']) {
    assert.throws(
      () => parseExecRequest(bad),
      (err: unknown) => err instanceof AgentError && err.status === 400 && err.code === 6,
      bad,
    );
  }
});

void test('a forwarded invocation: what the plugin prints and its exit code, the handler called in-process', async () => {
  const { handler, calls } = agent();
  const cases: [string, Record<string, string>, string, number, object | undefined][] = [
    [
      'VERSION',
      env('VERSION'),
      '{"cniVersion":"0.4.0"}',
      0,
      { cniVersion: '0.4.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] },
    ],
    [
      'ADD',
      env('ADD'),
      conf,
      0,
      {
        cniVersion: '1.0.0',
        interfaces: [{ name: 'eth0', mac: '00:00:00:12:34:56', sandbox: '/var/run/netns/lab-p-ns1.a' }],
        ips: [{ address: '10.0.1.2/24', gateway: '10.0.1.1', interface: 0 }],
        routes: [{ dst: '0.0.0.0/0', gw: '10.0.1.1' }],
        dns: {},
      },
    ],
    ['CHECK', env('CHECK'), conf, 0, undefined],
    ['DEL', env('DEL'), conf, 0, undefined],
    [
      'CHECK, unknown pod',
      env('CHECK', 'b'),
      conf,
      1,
      { cniVersion: '1.0.0', code: 3, msg: 'node agent answered 404', details: 'pod ns1/b not found' },
    ],
    [
      'ADD, not an ip-netns path',
      env('ADD', 'a', '/proc/1/ns/net'),
      conf,
      1,
      { code: 4, msg: 'node agent answered 400' },
    ],
    [
      'ADD, no CNI_COMMAND',
      { ...env('ADD'), CNI_COMMAND: '' },
      conf,
      1,
      { cniVersion: '1.0.0', code: 4, msg: 'CNI_COMMAND is not set' },
    ],
    ['ADD, bad JSON', env('ADD'), '{"a":}', 1, { code: 6, msg: 'failed to load netconf' }],
  ];
  for (const [what, e, stdin, exitCode, printed] of cases) {
    const outcome = await runForwarded(handler, { env: e, stdin });
    assert.equal(outcome.exitCode, exitCode, `${what}: ${outcome.stdout}`);
    if (printed === undefined) assert.equal(outcome.stdout, '', what);
    else {
      assert.ok(outcome.stdout.endsWith('}\n'), what);
      const out = JSON.parse(outcome.stdout) as Record<string, unknown>;
      const picked = Object.fromEntries(Object.keys(printed).map((k) => [k, out[k]]));
      assert.deepEqual(picked, printed, what);
    }
  }
  assert.deepEqual(
    calls.map((c) => c.split(' ')[0]),
    ['plug', 'unplug'],
  );
});
