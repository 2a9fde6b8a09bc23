// Pod annotations -> the network of one provider, and on to the NicSpec the plumbing realises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portName } from '../../../src/api/constants.ts';
import { annotationKey } from '../../../src/api/annotations.ts';
import { hostIfName, hostVethName, nicRoutes, podNicSpec } from '../../../src/node/pod-nic.ts';
import { parseRoutes, podNetwork, takesDefaultRoute, withPrefix } from '../../../src/node/pod-network.ts';

const allocated = {
  'ovn.kubernetes.io/allocated': 'true',
  'ovn.kubernetes.io/ip_address': '10.0.1.2',
  'ovn.kubernetes.io/mac_address': '00:00:00:12:34:56',
  'ovn.kubernetes.io/cidr': '10.0.1.0/24',
  'ovn.kubernetes.io/gateway': '10.0.1.1',
  'ovn.kubernetes.io/logical_switch': 'net1',
  'ovn.kubernetes.io/routed': 'true',
};
const ext = 'ovn-vpc-external-network.kube-system';

void test('provider annotation keys and port names (Kube-OVN spelling)', () => {
  assert.equal(annotationKey('ovn', 'ip_address'), 'ovn.kubernetes.io/ip_address');
  assert.equal(annotationKey(ext, 'routes'), `${ext}.kubernetes.io/routes`);
  assert.equal(portName('vpc1-pod', 'ns1'), 'vpc1-pod.ns1');
  assert.equal(portName('gw', 'kube-system', 'ovn-nad.default.ovn'), 'gw.kube-system.ovn-nad.default.ovn');
});

void test('addresses get the prefix length of their family', () => {
  const cases: [string, string, string[] | RegExp][] = [
    ['10.0.1.2', '10.0.1.0/24', ['10.0.1.2/24']],
    ['10.0.1.2,fd00::2', '10.0.1.0/24,fd00::/120', ['10.0.1.2/24', 'fd00::2/120']],
    ['fd00::2', '10.0.1.0/24', /no IPv6 CIDR/],
    ['', '10.0.1.0/24', /no address/],
  ];
  for (const [ip, cidr, want] of cases) {
    const got = withPrefix(ip, cidr);
    if (want instanceof RegExp) assert.match(String(got), want);
    else assert.deepEqual(got, want);
  }
});

void test('routes annotation: JSON list of {dst, gw}; missing dst is the default route', () => {
  assert.deepEqual(parseRoutes(undefined), []);
  assert.deepEqual(parseRoutes('[{"dst":"10.96.0.0/12","gw":"10.0.1.1"},{"gw":"192.168.0.1"}]'), [
    { dst: '10.96.0.0/12', gw: '10.0.1.1' },
    { dst: '0.0.0.0/0', gw: '192.168.0.1' },
  ]);
  assert.deepEqual(parseRoutes('[{"dst":"","gw":"fd00::1"}]'), [{ dst: '::/0', gw: 'fd00::1' }]);
  for (const bad of ['{', '{}', '[1]', '[{"dst":1}]']) assert.equal(typeof parseRoutes(bad), 'string', bad);
});

void test('default route: the annotation decides, else only eth0', () => {
  const cases: [Record<string, string>, string, boolean][] = [
    [{}, 'eth0', true],
    [{}, 'net1', false],
    [{ 'p.kubernetes.io/default_route': 'true' }, 'net1', true],
    [{ 'p.kubernetes.io/default_route': 'false' }, 'eth0', false],
  ];
  for (const [a, ifname, want] of cases)
    assert.equal(takesDefaultRoute(a, 'p', ifname), want, `${ifname} ${JSON.stringify(a)}`);
});

void test('readiness: wait for allocated, the address and (for the default-route NIC of an OVN network) routed', () => {
  const cases: [string, Record<string, string>, string, string, 'ready' | 'wait' | 'invalid'][] = [
    ['nothing yet', {}, 'ovn', 'eth0', 'wait'],
    ['allocated, not routed', { ...allocated, 'ovn.kubernetes.io/routed': '' }, 'ovn', 'eth0', 'wait'],
    ['complete', allocated, 'ovn', 'eth0', 'ready'],
    [
      'no MAC on an OVN network',
      { ...allocated, 'ovn.kubernetes.io/mac_address': '' },
      'ovn',
      'eth0',
      'wait',
    ],
    ['bad routes', { ...allocated, 'ovn.kubernetes.io/routes': 'nope' }, 'ovn', 'eth0', 'invalid'],
    [
      'address outside the CIDR families',
      { ...allocated, 'ovn.kubernetes.io/ip_address': 'fd00::5' },
      'ovn',
      'eth0',
      'invalid',
    ],
    [
      'external provider: no MAC, no routed needed',
      {
        [`${ext}.kubernetes.io/allocated`]: 'true',
        [`${ext}.kubernetes.io/ip_address`]: '192.168.0.11',
        [`${ext}.kubernetes.io/cidr`]: '192.168.0.0/24',
        [`${ext}.kubernetes.io/gateway`]: '192.168.0.1',
      },
      ext,
      'net1',
      'ready',
    ],
  ];
  for (const [name, a, provider, ifname, want] of cases)
    assert.equal(podNetwork(a, provider, ifname).kind, want, name);
});

void test('the network read from a complete pod', () => {
  const state = podNetwork(
    { ...allocated, 'ovn.kubernetes.io/routes': '[{"dst":"172.16.0.0/16","gw":"10.0.1.254"}]' },
    'ovn',
    'eth0',
    [{ dst: '10.96.0.0/12', gw: '10.0.1.1' }],
  );
  assert.equal(state.kind, 'ready');
  if (state.kind !== 'ready') return;
  assert.deepEqual(state.network, {
    provider: 'ovn',
    ips: ['10.0.1.2/24'],
    ipAddress: '10.0.1.2',
    cidr: '10.0.1.0/24',
    gateway: '10.0.1.1',
    gateways: ['10.0.1.1'],
    mac: '00:00:00:12:34:56',
    logicalSwitch: 'net1',
    defaultRoute: true,
    routes: [
      { dst: '10.96.0.0/12', gw: '10.0.1.1' },
      { dst: '172.16.0.0/16', gw: '10.0.1.254' },
    ],
  });
});

void test('explicit routes: the gateway default unless the routes bring one for that family', () => {
  const cases: [Parameters<typeof nicRoutes>[0], { dst: string; gw?: string }[]][] = [
    [{ gateways: ['10.0.1.1'], routes: [], defaultRoute: true }, [{ dst: '0.0.0.0/0', gw: '10.0.1.1' }]],
    [{ gateways: ['10.0.1.1'], routes: [], defaultRoute: false }, []],
    [
      {
        gateways: ['10.0.1.1', 'fd00::1'],
        routes: [{ dst: '0.0.0.0/0', gw: '10.0.1.254' }],
        defaultRoute: true,
      },
      [
        { dst: '::/0', gw: 'fd00::1' },
        { dst: '0.0.0.0/0', gw: '10.0.1.254' },
      ],
    ],
  ];
  for (const [input, want] of cases) assert.deepEqual(nicRoutes(input), want, JSON.stringify(input));
});

void test('NicSpec of a pod eth0: lab host veth name, LSP name as iface-id, Kube-OVN external_ids', () => {
  const state = podNetwork(allocated, 'ovn', 'eth0');
  assert.equal(state.kind, 'ready');
  if (state.kind !== 'ready') return;
  const spec = podNicSpec(state.network, {
    nodeNetns: 'lab-n-w',
    ovsRundir: '/lab/nodes/w/ovs',
    podNetns: 'lab-p-ns1.a',
    podName: 'a',
    podNamespace: 'ns1',
    ifname: 'eth0',
  });
  assert.deepEqual(spec, {
    nodeNetns: 'lab-n-w',
    ovsRundir: '/lab/nodes/w/ovs',
    podNetns: 'lab-p-ns1.a',
    hostIf: hostVethName('ns1', 'a'),
    ifname: 'eth0',
    ifaceId: 'a.ns1',
    mac: '00:00:00:12:34:56',
    ips: ['10.0.1.2/24'],
    gateways: ['10.0.1.1'],
    routes: [{ dst: '0.0.0.0/0', gw: '10.0.1.1' }],
    defaultRoute: false,
    externalIds: {
      pod_name: 'a',
      pod_namespace: 'ns1',
      pod_netns: 'lab-p-ns1.a',
      ip: '10.0.1.2',
      vendor: 'kube-ovn',
    },
  });
});

void test('host veth names: eth0 uses the lab layout name, other NICs a distinct name of the same size', () => {
  assert.equal(hostIfName('ns', 'p', 'eth0'), hostVethName('ns', 'p'));
  const net1 = hostIfName('ns', 'p', 'net1');
  assert.notEqual(net1, hostIfName('ns', 'p', 'eth0'));
  assert.match(net1, /^[0-9a-f]{10}_h$/);
});
