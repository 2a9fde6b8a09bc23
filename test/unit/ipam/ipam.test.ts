import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipam } from '../../../src/ipam/ipam.ts';
import { seededRandom } from '../../../src/ipam/mac.ts';
import type { SubnetSpec } from '../../../src/ipam/subnet-spec.ts';
import type { ExistingAllocation } from '../../../src/ipam/types.ts';
import { ok, outcome } from './helpers.ts';

const ipam = (): Ipam => new Ipam({ random: seededRandom(7) });

void test('two subnets with the same CIDR (different VPCs) are independent', () => {
  const m = ipam();
  assert.ok(m.addOrUpdateSubnet({ name: 'vpc1-net', cidrBlock: '10.0.1.0/24' }).ok);
  assert.ok(m.addOrUpdateSubnet({ name: 'vpc2-net', cidrBlock: '10.0.1.0/24' }).ok);
  assert.equal(outcome(m.allocate('vpc1-net', 'a.ns1')), '10.0.1.2');
  assert.equal(outcome(m.allocate('vpc2-net', 'b.ns2')), '10.0.1.2');
  assert.equal(outcome(m.allocate('vpc2-net', 'c.ns2', { ips: '10.0.1.9' })), '10.0.1.9');
  assert.equal(outcome(m.allocate('vpc1-net', 'd.ns1', { ips: '10.0.1.9' })), '10.0.1.9');
  const conflict = m.allocate('vpc1-net', 'e.ns1', { ips: '10.0.1.2' });
  assert.ok(!conflict.ok && conflict.reason === 'AddressConflict' && conflict.owner === 'a.ns1');
  m.release('vpc1-net', 'a.ns1');
  assert.equal(m.subnet('vpc1-net')?.status().v4usingIPs, 1);
  assert.equal(m.subnet('vpc2-net')?.status().v4usingIPs, 2);
});

void test('registry: NoSubnet, lookup, release everywhere, delete subnet, invalid spec', () => {
  const m = ipam();
  const none = m.allocate('missing', 'a');
  assert.ok(!none.ok && none.reason === 'NoSubnet');
  const bad = m.addOrUpdateSubnet({ name: 'bad', cidrBlock: '10.0.0.0/40' });
  assert.ok(!bad.ok && bad.reason === 'CIDRInvalid');
  assert.equal(m.subnet('bad'), undefined);

  m.addOrUpdateSubnet({ name: 'net1', cidrBlock: '10.0.1.0/24' });
  m.addOrUpdateSubnet({ name: 'attach', cidrBlock: '172.16.0.0/24,fd00::/120' });
  ok(m.allocate('net1', 'pod.ns'));
  ok(m.allocate('attach', 'pod.ns'));
  ok(m.allocate('net1', 'other.ns'));
  assert.deepEqual(
    m.lookup('pod.ns').map((a) => `${a.subnet}=${a.ipAddress}`),
    ['net1=10.0.1.2', 'attach=172.16.0.2,fd00::2'],
  );
  assert.equal(m.get('attach', 'pod.ns')?.v6, 'fd00::2');
  assert.deepEqual(m.releaseOwnerEverywhere('pod.ns').sort(), ['attach', 'net1']);
  assert.deepEqual(m.lookup('pod.ns'), []);
  assert.deepEqual(m.releaseOwnerEverywhere('pod.ns'), []);
  assert.equal(m.release('net1', 'pod.ns'), false);

  assert.ok(m.deleteSubnet('net1'));
  assert.equal(m.deleteSubnet('net1'), false);
  assert.deepEqual(m.lookup('other.ns'), []);
  assert.deepEqual([...m.subnetNames()], ['attach']);
});

void test('registry: an update that removes a family drops owners left without addresses from the index', () => {
  const m = ipam();
  m.addOrUpdateSubnet({ name: 's', cidrBlock: '10.0.1.0/24,fd00::/120' });
  ok(m.allocate('s', 'v6only', { ips: 'fd00::9' }));
  ok(m.allocate('s', 'both'));
  assert.ok(m.addOrUpdateSubnet({ name: 's', cidrBlock: 'fd00::/120' }).ok);
  assert.ok(m.addOrUpdateSubnet({ name: 's', cidrBlock: '10.0.1.0/24' }).ok);
  assert.deepEqual(m.lookup('v6only'), []);
  assert.deepEqual(m.lookup('both'), []);
});

void test('rebuild restores recorded allocations: same state as allocating them one by one, then allocation continues', () => {
  const subnets: SubnetSpec[] = [
    { name: 'net1', cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.1', '10.0.1.200..10.0.1.210'] },
    { name: 'dual', cidrBlock: '10.0.2.0/24,fd00::/120' },
  ];
  const allocations: ExistingAllocation[] = [
    { subnet: 'net1', owner: 'a', ips: '10.0.1.5', mac: '02:00:00:00:00:0a' },
    { subnet: 'net1', owner: 'b', ips: '10.0.1.2', mac: '02:00:00:00:00:0b' },
    { subnet: 'net1', owner: 'c', ips: '10.0.1.205', mac: '02:00:00:00:00:0c' },
    { subnet: 'dual', owner: 'd', ips: ['10.0.2.7', 'fd00::7'], mac: '02:00:00:00:00:0d' },
  ];
  const rebuilt = ipam();
  const report = rebuilt.rebuild(subnets, allocations);
  assert.deepEqual(report.allocations, []);
  assert.equal(report.restored, 4);

  const sequential = ipam();
  for (const spec of subnets) sequential.addOrUpdateSubnet(spec);
  for (const { subnet, owner, ips, mac } of allocations) ok(sequential.allocate(subnet, owner, { ips, mac }));
  for (const name of ['net1', 'dual']) {
    assert.deepEqual(rebuilt.subnet(name)?.status(), sequential.subnet(name)?.status(), name);
  }
  for (const owner of ['a', 'b', 'c', 'd']) assert.deepEqual(rebuilt.lookup(owner), sequential.lookup(owner));
  assert.equal(rebuilt.subnet('net1')?.status().v4usingIPrange, '10.0.1.2,10.0.1.5');
  assert.equal(outcome(rebuilt.allocate('net1', 'e')), '10.0.1.3');
  assert.equal(outcome(rebuilt.allocate('dual', 'f')), '10.0.2.2,fd00::2');
});

void test('rebuild reports what it cannot restore and fills missing families after placing every recorded address', () => {
  const m = ipam();
  const report = m.rebuild(
    [
      { name: 'net1', cidrBlock: '10.0.1.0/24', excludeIps: ['bogus'] },
      { name: 'dual', cidrBlock: '10.0.2.0/24,fd00::/120' },
      { name: 'broken', cidrBlock: '10.0.3.0/99' },
    ],
    [
      { subnet: 'net1', owner: 'a', ips: '10.0.1.5' },
      { subnet: 'net1', owner: 'b', ips: '10.0.1.5' },
      { subnet: 'net1', owner: 'g', ips: '10.0.1.1' },
      { subnet: 'net1', owner: 'x', ips: 'not-an-ip' },
      { subnet: 'net1', owner: 'm', ips: '10.0.1.6', mac: 'zz' },
      { subnet: 'gone', owner: 'c', ips: '10.9.9.9' },
      { subnet: 'broken', owner: 'k', ips: '10.0.3.4' },
      // d recorded only IPv4 (the subnet became dual stack); e holds fd00::2, the lowest free IPv6 address.
      { subnet: 'dual', owner: 'd', ips: '10.0.2.9' },
      { subnet: 'dual', owner: 'e', ips: '10.0.2.10,fd00::2' },
      // the same owner twice: the second record wins, as an allocate call would
      { subnet: 'dual', owner: 'f', ips: '10.0.2.11,fd00::11' },
      { subnet: 'dual', owner: 'f', ips: '10.0.2.12,fd00::12' },
    ],
  );
  assert.deepEqual(
    report.subnets.map((s) => s.subnet),
    ['broken'],
  );
  assert.deepEqual(
    report.specIssues.map((s) => `${s.subnet}:${s.issue.item}`),
    ['net1:bogus'],
  );
  assert.deepEqual(
    report.allocations.map((a) => `${a.subnet}/${a.owner}:${a.failure.reason}`),
    [
      'net1/b:AddressConflict',
      'net1/g:GatewayConflict',
      'net1/x:InvalidAddress',
      'net1/m:InvalidMac',
      'gone/c:NoSubnet',
      'broken/k:NoSubnet',
    ],
  );
  assert.equal(m.get('net1', 'a')?.ipAddress, '10.0.1.5');
  assert.match(m.get('net1', 'a')?.mac ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'a missing MAC is generated');
  assert.equal(m.get('dual', 'd')?.ipAddress, '10.0.2.9,fd00::3');
  assert.equal(m.get('dual', 'e')?.ipAddress, '10.0.2.10,fd00::2');
  assert.equal(m.get('dual', 'f')?.ipAddress, '10.0.2.12,fd00::12');
  assert.equal(m.subnet('dual')?.ownerOfIp('fd00::11'), undefined);
  assert.equal(m.subnet('dual')?.status().v6usingIPrange, 'fd00::2-fd00::3,fd00::12');
  assert.equal(report.restored, 4);
});

void test('rebuild replaces previous state', () => {
  const m = ipam();
  m.addOrUpdateSubnet({ name: 'old', cidrBlock: '10.0.1.0/24' });
  ok(m.allocate('old', 'a'));
  m.rebuild([{ name: 'new', cidrBlock: '10.0.2.0/24' }], []);
  assert.deepEqual([...m.subnetNames()], ['new']);
  assert.deepEqual(m.lookup('a'), []);
});
