// The node agent's command line: given flags, and inside a pod the defaults (KUBE_NODE_NAME, Kube-OVN's paths).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentFlags } from '../../../../src/node/agent/flags.ts';

const required = [
  '--node',
  'w',
  '--netns',
  'lab-n-w',
  '--ovs-rundir',
  '/r',
  '--socket',
  '/s.sock',
  '--kubeconfig',
  '/k',
];

void test('required flags, both spellings, optional ones converted', () => {
  assert.deepEqual(parseAgentFlags(required), {
    node: 'w',
    netns: 'lab-n-w',
    ovsRundir: '/r',
    socket: '/s.sock',
    kubeconfig: '/k',
    logLevel: 'info',
    enableTproxy: false,
    metricsAddr: '127.0.0.1:10665',
  });
  const f = parseAgentFlags([
    ...required.slice(2),
    '--node=x',
    '--wait-timeout',
    '5',
    '--mtu=1400',
    '--log-level',
    'debug',
  ]);
  assert.equal(f.node, 'x');
  assert.equal(f.waitTimeoutMs, 5000);
  assert.equal(f.mtu, 1400);
  assert.equal(f.logLevel, 'debug');
});

void test('--enable-tproxy: off by default; alone, =true or =false; --tproxy-socket', () => {
  const cases: [string[], boolean][] = [
    [[], false],
    [['--enable-tproxy'], true],
    [['--enable-tproxy', '--mtu', '1400'], true],
    [['--enable-tproxy=true'], true],
    [['--enable-tproxy=false'], false],
    [['--enable-tproxy', 'false'], false],
  ];
  for (const [extra, want] of cases)
    assert.equal(parseAgentFlags([...required, ...extra]).enableTproxy, want, extra.join(' '));
  assert.equal(parseAgentFlags([...required, '--tproxy-socket=/t.sock']).tproxySocket, '/t.sock');
  assert.throws(
    () => parseAgentFlags([...required, '--enable-tproxy=yes']),
    /--enable-tproxy: "yes" is not true or false/,
  );
});

void test('refusals name the flag', () => {
  const cases: [string[], RegExp][] = [
    [required.slice(2), /missing --node/],
    [[...required, '--bogus', '1'], /unknown flag --bogus/],
    [[...required, '--mtu', '0'], /--mtu/],
    [[...required, 'stray'], /unexpected argument "stray"/],
    [[...required.slice(0, -1)], /--kubeconfig needs a value/],
  ];
  for (const [argv, want] of cases) assert.throws(() => parseAgentFlags(argv, {}), want, argv.join(' '));
});

void test("no flags in a pod: the downward API's node name, the agent's own namespace, Kube-OVN's paths", () => {
  assert.deepEqual(parseAgentFlags([], { KUBE_NODE_NAME: 'worker-1' }), {
    node: 'worker-1',
    ovsRundir: '/var/run/openvswitch',
    socket: '/run/openvswitch/kube-ovn-daemon.sock',
    logLevel: 'info',
    enableTproxy: false,
    metricsAddr: '127.0.0.1:10665',
  });
  assert.equal(
    parseAgentFlags(['--node=lab-w'], { KUBE_NODE_NAME: 'worker-1' }).node,
    'lab-w',
    '--node wins',
  );
  assert.throws(() => parseAgentFlags([], {}), /missing --node \(and KUBE_NODE_NAME is not set\)/);
  assert.throws(() => parseAgentFlags([], { KUBE_NODE_NAME: '' }), /missing --node/);
});

void test("--metrics-addr defaults to Kube-OVN's cni port on loopback; --metrics-url-file", () => {
  const cases: [string[], string, string | undefined][] = [
    [[], '127.0.0.1:10665', undefined],
    [['--metrics-addr=127.0.0.1:0'], '127.0.0.1:0', undefined],
    [['--metrics-addr', '0.0.0.0:9000', '--metrics-url-file=/m.url'], '0.0.0.0:9000', '/m.url'],
  ];
  for (const [extra, addr, file] of cases) {
    const f = parseAgentFlags([...required, ...extra]);
    assert.equal(f.metricsAddr, addr, extra.join(' '));
    assert.equal(f.metricsUrlFile, file, extra.join(' '));
  }
});
