// The pure NIC comparison: desired routes, route normalisation, veth pairing and the problems listed for drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredRoutes, nicProblems, normaliseDst, type ObservedNic } from '../../../src/node/nic-state.ts';
import type { NicSpec } from '../../../src/node/nic-types.ts';

const spec: NicSpec = {
  nodeNetns: 'l-n-a',
  ovsRundir: '/tmp/x',
  podNetns: 'l-p-default.p',
  hostIf: 'abc_h',
  ifname: 'eth0',
  ifaceId: 'p.default',
  mac: '0a:58:0a:10:00:05',
  ips: ['10.16.0.5/16', 'fd00::5/64'],
  gateways: ['10.16.0.1', 'fd00::1'],
  routes: [{ dst: '10.96.0.0/12', gw: '10.16.0.1' }, { dst: '192.168.1.1' }],
  mtu: 1400,
  externalIds: { pod_name: 'p' },
};

function good(): ObservedNic {
  const link = { kind: 'veth', mtu: 1400, up: true, txChecksum: false };
  return {
    nodeNetnsExists: true,
    podNetnsExists: true,
    pod: {
      ...link,
      name: 'eth0',
      ifindex: 2,
      peerIndex: 7,
      mac: '0A:58:0A:10:00:05',
      addrs: ['fd00::5/64', '10.16.0.5/16'],
    },
    host: { ...link, name: 'abc_h', ifindex: 7, peerIndex: 2, mac: 'aa:aa:aa:aa:aa:aa', addrs: [] },
    routes: desiredRoutes(spec),
    ovs: {
      bridge: 'br-int',
      externalIds: { 'iface-id': 'p.default', pod_name: 'p', 'ovn-installed': 'true' },
      ofport: 3,
      error: undefined,
    },
  };
}

void test('desired routes: a default per gateway family, then the extra routes, normalised', () => {
  assert.deepEqual(desiredRoutes(spec), [
    { dst: '0.0.0.0/0', gw: '10.16.0.1' },
    { dst: '::/0', gw: 'fd00::1' },
    { dst: '10.96.0.0/12', gw: '10.16.0.1' },
    { dst: '192.168.1.1/32', gw: undefined },
  ]);
  assert.deepEqual(desiredRoutes({ ...spec, defaultRoute: false, routes: [] }), []);
  assert.equal(normaliseDst('default', 6), '::/0');
  assert.equal(normaliseDst('FD00::1', 6), 'fd00::1/128');
});

void test('a NIC exactly as specified has no problems (MAC case and address order do not matter)', () => {
  assert.deepEqual(nicProblems(spec, good()), []);
});

void test('every kind of drift is named', () => {
  const o = good();
  const problems = nicProblems(spec, {
    ...o,
    pod: {
      ...o.pod!,
      mtu: 1500,
      up: false,
      txChecksum: true,
      mac: '0a:58:0a:10:00:06',
      addrs: ['10.16.0.5/16'],
    },
    host: { ...o.host!, peerIndex: 9 },
    routes: [...o.routes.slice(1), { dst: '10.0.0.0/8', gw: undefined }],
    ovs: { ...o.ovs!, externalIds: { 'iface-id': 'other' }, ofport: -1 },
  });
  const want = [
    'are not one veth pair',
    'is down',
    'MTU 1500, want 1400',
    'checksum offload on',
    'has MAC 0a:58:0a:10:00:06',
    'has addresses [10.16.0.5/16]',
    'route 0.0.0.0/0 via 10.16.0.1 is missing',
    'unexpected route 10.0.0.0/8 via on-link',
    'external_ids:iface-id is "other", want "p.default"',
    'external_ids:pod_name is null',
    'has no OpenFlow port',
  ];
  for (const w of want)
    assert.ok(
      problems.some((p) => p.includes(w)),
      `${w} in\n${problems.join('\n')}`,
    );
  assert.equal(problems.length, want.length);
});

void test('missing namespaces, links and ports', () => {
  assert.deepEqual(nicProblems(spec, { ...good(), podNetnsExists: false }), [
    'pod network namespace l-p-default.p does not exist',
  ]);
  const problems = nicProblems(spec, {
    ...good(),
    pod: undefined,
    host: undefined,
    routes: [],
    ovs: undefined,
  });
  assert.deepEqual(problems, [
    'eth0 in l-p-default.p does not exist',
    'abc_h in l-n-a does not exist',
    'abc_h is not a port of br-int',
  ]);
});

void test('same-namespace pairs are matched by peer name', () => {
  const node = { ...spec, podNetns: spec.nodeNetns };
  const o = good();
  const pod = { ...o.pod!, peerName: 'abc_h' };
  const host = { ...o.host!, peerName: 'eth0' };
  assert.deepEqual(nicProblems(node, { ...o, pod, host }), []);
  assert.ok(
    nicProblems(node, { ...o, pod, host: { ...host, peerName: 'x' } }).some((p) => p.includes('veth pair')),
  );
});
