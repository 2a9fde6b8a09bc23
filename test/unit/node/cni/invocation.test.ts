// CNI invocation parsing: the CNI_* environment, CNI_ARGS and the two kinds of configuration kovn-cni reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCniArgs, parseEnv, parseNetConf, podOf } from '../../../../src/node/cni/invocation.ts';
import { CniCode, CniError } from '../../../../src/node/cni/spec.ts';

const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CniError, `expected a CniError, got ${String(err)}`);
    return err.code;
  }
  return undefined;
};

void test('CNI_ARGS: KEY=VALUE pairs separated by ";"', () => {
  const cases: [string | undefined, Record<string, string>][] = [
    [undefined, {}],
    ['', {}],
    [
      'IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=p',
      { IgnoreUnknown: '1', K8S_POD_NAMESPACE: 'ns1', K8S_POD_NAME: 'p' },
    ],
    ['A=x=y;', { A: 'x=y' }],
    ['A=;B=2', { A: '', B: '2' }],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseCniArgs(input), want, String(input));
  assert.equal(
    codeOf(() => parseCniArgs('novalue')),
    CniCode.InvalidEnvironment,
  );
});

void test('environment: the variables each command needs', () => {
  const full = {
    CNI_CONTAINERID: 'c1',
    CNI_NETNS: '/var/run/netns/x',
    CNI_IFNAME: 'eth0',
    CNI_PATH: '/a:/b',
  };
  const ok: [Record<string, string>, string][] = [
    [{ CNI_COMMAND: 'VERSION' }, 'VERSION'],
    [{ CNI_COMMAND: 'ADD', ...full }, 'ADD'],
    [{ CNI_COMMAND: 'CHECK', ...full }, 'CHECK'],
    [{ CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0' }, 'DEL'],
  ];
  for (const [env, command] of ok) assert.equal(parseEnv(env).command, command);
  assert.deepEqual(parseEnv({ CNI_COMMAND: 'ADD', ...full }).path, ['/a', '/b']);
  const bad: Record<string, string>[] = [
    {},
    { CNI_COMMAND: 'GC' },
    { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0' },
    { CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c1' },
  ];
  for (const env of bad)
    assert.equal(
      codeOf(() => parseEnv(env)),
      CniCode.InvalidEnvironment,
      JSON.stringify(env),
    );
});

void test('the pod comes from K8S_POD_NAMESPACE and K8S_POD_NAME', () => {
  const inv = parseEnv({
    CNI_COMMAND: 'DEL',
    CNI_CONTAINERID: 'c',
    CNI_IFNAME: 'eth0',
    CNI_ARGS: 'K8S_POD_NAMESPACE=a;K8S_POD_NAME=b',
  });
  assert.deepEqual(podOf(inv), { namespace: 'a', name: 'b' });
  const noName = parseEnv({
    CNI_COMMAND: 'DEL',
    CNI_CONTAINERID: 'c',
    CNI_IFNAME: 'eth0',
    CNI_ARGS: 'K8S_POD_NAMESPACE=a',
  });
  assert.equal(
    codeOf(() => podOf(noName)),
    CniCode.InvalidNetworkConfig,
  );
});

void test('config: type kube-ovn (we plumb) and ipam.type kube-ovn (we only answer the address)', () => {
  const cases: [string, Record<string, unknown>, Partial<ReturnType<typeof parseNetConf>>][] = [
    [
      'primary with defaults',
      { cniVersion: '1.0.0', name: 'kube-ovn', type: 'kube-ovn', server_socket: '/s.sock' },
      { ipamOnly: false, provider: 'ovn', serverSocket: '/s.sock', routes: [] },
    ],
    [
      'primary without a socket falls back to Kube-OVN default',
      { cniVersion: '0.3.1', type: 'kube-ovn' },
      { serverSocket: '/run/openvswitch/kube-ovn-daemon.sock', cniVersion: '0.3.1' },
    ],
    [
      'attachment of an OVN provider with routes',
      { type: 'kube-ovn', provider: 'ovn-nad.default.ovn', routes: [{ dst: '10.0.0.0/8', gw: '10.1.0.1' }] },
      {
        provider: 'ovn-nad.default.ovn',
        routes: [{ dst: '10.0.0.0/8', gw: '10.1.0.1' }],
        cniVersion: '1.0.0',
      },
    ],
    [
      'macvlan with our IPAM (the seed NAD)',
      {
        cniVersion: '0.3.0',
        type: 'macvlan',
        master: 'eth1',
        mode: 'bridge',
        ipam: {
          type: 'kube-ovn',
          server_socket: '/run/openvswitch/kube-ovn-daemon.sock',
          provider: 'ovn-vpc-external-network.kube-system',
        },
      },
      {
        ipamOnly: true,
        type: 'macvlan',
        provider: 'ovn-vpc-external-network.kube-system',
        serverSocket: '/run/openvswitch/kube-ovn-daemon.sock',
      },
    ],
    [
      'type kovn, our own name for the plugin, reaches the agent as kube-ovn',
      { cniVersion: '1.0.0', type: 'kovn', provider: 'attnet.ns1.ovn' },
      { ipamOnly: false, type: 'kube-ovn', provider: 'attnet.ns1.ovn' },
    ],
    [
      'ipam.type kovn inside another plugin',
      { cniVersion: '1.0.0', type: 'macvlan', ipam: { type: 'kovn', provider: 'ext.kube-system' } },
      { ipamOnly: true, type: 'macvlan', provider: 'ext.kube-system' },
    ],
  ];
  for (const [name, conf, want] of cases) {
    const got = parseNetConf(JSON.stringify(conf));
    for (const [k, v] of Object.entries(want))
      assert.deepEqual(got[k as keyof typeof got], v, `${name}: ${k}`);
  }
});

void test('config: KOVN_CNI_SOCKET (the lab node runtime) wins over server_socket', () => {
  const conf = JSON.stringify({
    type: 'macvlan',
    ipam: { type: 'kube-ovn', server_socket: '/x.sock', provider: 'p.ns' },
  });
  assert.equal(
    parseNetConf(conf, { KOVN_CNI_SOCKET: '/lab/node/cni.sock' }).serverSocket,
    '/lab/node/cni.sock',
  );
});

void test('config: refusals carry the spec error codes', () => {
  const cases: [string, number][] = [
    ['not json', CniCode.DecodingFailure],
    ['[1]', CniCode.DecodingFailure],
    [JSON.stringify({ cniVersion: '0.2.0', type: 'kube-ovn' }), CniCode.IncompatibleVersion],
    [JSON.stringify({ cniVersion: '1.0.0' }), CniCode.InvalidNetworkConfig],
    [JSON.stringify({ type: 'macvlan', ipam: { type: 'host-local' } }), CniCode.InvalidNetworkConfig],
    [JSON.stringify({ type: 'macvlan', ipam: { type: 'kube-ovn' } }), CniCode.InvalidNetworkConfig],
    [JSON.stringify({ type: 'kube-ovn', routes: 'x' }), CniCode.InvalidNetworkConfig],
    [JSON.stringify({ type: 'kube-ovn', routes: [{}] }), CniCode.InvalidNetworkConfig],
  ];
  for (const [stdin, code] of cases)
    assert.equal(
      codeOf(() => parseNetConf(stdin)),
      code,
      stdin,
    );
});
