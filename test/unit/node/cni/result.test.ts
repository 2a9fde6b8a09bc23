// The CNI result kovn-cni prints for the agent's answer, per configuration version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CniResponse } from '../../../../src/node/cni/protocol.ts';
import { parseCidrBlock } from '../../../../src/net/cidr-block.ts';
import { cniResult } from '../../../../src/node/cni/result.ts';
import { CniCode, CniError } from '../../../../src/node/cni/spec.ts';

const base: CniResponse = {
  protocol: 'IPv4',
  address: '10.0.1.2',
  mac_address: '00:00:00:aa:bb:cc',
  cidr: '10.0.1.0/24',
  gateway: '10.0.1.1',
  nicname: 'eth0',
};
const NS = '/var/run/netns/kovn-p-ns1.a';

void test('a plumbed IPv4 NIC: interface, IP with gateway, default route', () => {
  assert.deepEqual(cniResult(base, '1.0.0', NS), {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'eth0', mac: '00:00:00:aa:bb:cc', sandbox: NS }],
    ips: [{ address: '10.0.1.2/24', gateway: '10.0.1.1', interface: 0 }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.0.1.1' }],
    dns: {},
  });
});

void test('results for 0.3.x/0.4.0 configs name each IP version', () => {
  const r = cniResult(base, '0.3.1', NS);
  assert.equal(r.cniVersion, '0.3.1');
  assert.deepEqual(r.ips, [{ version: '4', address: '10.0.1.2/24', gateway: '10.0.1.1', interface: 0 }]);
});

void test('dual stack: one IP per family, one default route per gateway', () => {
  const r = cniResult(
    {
      ...base,
      protocol: 'Dual',
      address: '10.0.1.2,fd00::2',
      cidr: '10.0.1.0/24,fd00::/120',
      gateway: '10.0.1.1,fd00::1',
    },
    '1.0.0',
    NS,
  );
  assert.deepEqual(r.ips, [
    { address: '10.0.1.2/24', gateway: '10.0.1.1', interface: 0 },
    { address: 'fd00::2/120', gateway: 'fd00::1', interface: 0 },
  ]);
  assert.deepEqual(r.routes, [
    { dst: '0.0.0.0/0', gw: '10.0.1.1' },
    { dst: '::/0', gw: 'fd00::1' },
  ]);
});

void test('IPAM answer (macvlan net1): no interface, no gateway, the provider routes only', () => {
  const r = cniResult(
    {
      ...base,
      address: '192.168.0.11',
      cidr: '192.168.0.0/24',
      gateway: '',
      mac_address: '',
      nicname: '',
      routes: [{ dst: '0.0.0.0/0', gw: '192.168.0.1' }],
    },
    '0.3.0',
    NS,
  );
  assert.deepEqual(r, {
    cniVersion: '0.3.0',
    ips: [{ version: '4', address: '192.168.0.11/24' }],
    routes: [{ dst: '0.0.0.0/0', gw: '192.168.0.1' }],
    dns: {},
  });
});

void test('a route list that brings its own default replaces the gateway default of that family', () => {
  const r = cniResult(
    {
      ...base,
      routes: [
        { dst: '', gw: '10.0.1.254' },
        { dst: '172.16.0.0/16', gw: '10.0.1.1' },
      ],
    },
    '1.0.0',
    NS,
  );
  assert.deepEqual(r.routes, [
    { dst: '0.0.0.0/0', gw: '10.0.1.254' },
    { dst: '172.16.0.0/16', gw: '10.0.1.1' },
  ]);
});

void test('an address without a CIDR of its family is an I/O failure, not a half result', () => {
  assert.throws(
    () => cniResult({ ...base, address: 'fd00::2' }, '1.0.0', NS),
    (err: unknown) =>
      err instanceof CniError && err.code === CniCode.IoFailure && /no IPv6 CIDR/.test(err.details),
  );
});

void test('protocol of a CIDR list', () => {
  const cases: [string, string][] = [
    ['10.0.0.0/24', 'IPv4'],
    ['fd00::/120', 'IPv6'],
    ['10.0.0.0/24,fd00::/120', 'Dual'],
  ];
  for (const [cidr, want] of cases) assert.equal(parseCidrBlock(cidr).protocol, want);
});
