import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubnetAllocator } from '../../../src/ipam/subnet.ts';
import { ok, outcome, scriptedRandom, subnet } from './helpers.ts';

void test('the seed scenario: net1 has 253 available before any pod; the first pod gets 10.0.1.2', () => {
  const net1 = subnet({ cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1', excludeIps: ['10.0.1.1'] });
  assert.deepEqual(net1.status(), {
    v4availableIPs: 253,
    v4usingIPs: 0,
    v6availableIPs: 0,
    v6usingIPs: 0,
    v4availableIPrange: '10.0.1.2-10.0.1.254',
    v4usingIPrange: '',
    v6availableIPrange: '',
    v6usingIPrange: '',
  });
  const pod = ok(net1.allocate('vpc1-pod.ns1'));
  assert.equal(pod.ipAddress, '10.0.1.2');
  assert.deepEqual(net1.status(), {
    v4availableIPs: 252,
    v4usingIPs: 1,
    v6availableIPs: 0,
    v6usingIPs: 0,
    v4availableIPrange: '10.0.1.3-10.0.1.254',
    v4usingIPrange: '10.0.1.2',
    v6availableIPrange: '',
    v6usingIPrange: '',
  });
  // The external network of examples/config-vpc/nat-gateway: the NAT gateway pod gets .11 (first free), the EIP .12.
  const ext = subnet({
    name: 'ovn-vpc-external-network',
    cidrBlock: '192.168.0.0/24',
    gateway: '192.168.0.1',
    excludeIps: ['192.168.0.1..192.168.0.10'],
  });
  assert.equal(ext.status().v4availableIPs, 244);
  assert.equal(ok(ext.allocate('vpc-nat-gw-gw1-0.kube-system')).ipAddress, '192.168.0.11');
  assert.equal(ok(ext.allocate('eipf01')).ipAddress, '192.168.0.12');
});

void test('usable range per prefix length: dynamic allocation order until exhausted, no crash on /32 or /128', () => {
  const cases: { cidrBlock: string; excludeIps?: string[]; sequence: string[]; available: number }[] = [
    { cidrBlock: '10.0.0.0/30', sequence: ['10.0.0.2'], available: 1 },
    { cidrBlock: '10.0.0.0/31', sequence: ['10.0.0.1'], available: 1 },
    { cidrBlock: '10.0.0.5/32', sequence: [], available: 0 },
    {
      cidrBlock: '10.0.0.0/29',
      excludeIps: ['10.0.0.2..10.0.0.3'],
      sequence: ['10.0.0.4', '10.0.0.5', '10.0.0.6'],
      available: 3,
    },
    { cidrBlock: 'fd00::/127', sequence: ['fd00::1'], available: 1 },
    { cidrBlock: 'fd00::/126', sequence: ['fd00::2'], available: 1 },
    { cidrBlock: 'fd00::1/128', sequence: [], available: 0 },
  ];
  for (const { cidrBlock, excludeIps, sequence, available } of cases) {
    const s = subnet({ cidrBlock, excludeIps });
    const family = cidrBlock.includes(':') ? 6 : 4;
    assert.equal(family === 4 ? s.status().v4availableIPs : s.status().v6availableIPs, available, cidrBlock);
    const got: string[] = [];
    for (let i = 0; i <= sequence.length; i++) got.push(outcome(s.allocate(`pod${i}`)));
    assert.deepEqual(got, [...sequence, 'NoAvailableAddress'], cidrBlock);
  }
});

void test('invalid cidrBlock is an outcome, not an exception', () => {
  for (const cidrBlock of [
    'abc',
    '10.0.1.0/33',
    '10.0.1.0/24,10.0.2.0/24',
    '10.0.1.0/24,fd00::/64,fd01::/64',
    '',
  ]) {
    const created = SubnetAllocator.create({ name: 's', cidrBlock });
    assert.ok(!created.ok && created.reason === 'CIDRInvalid', cidrBlock);
  }
});

void test('excludeIps covering everything: exhausted for dynamic allocation, static requests for excluded addresses still work', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/28', excludeIps: ['10.0.0.0..10.0.2.0'] });
  assert.equal(s.status().v4availableIPs, 0);
  assert.equal(s.status().v4availableIPrange, '');
  const failed = s.allocate('a');
  assert.ok(!failed.ok && failed.reason === 'NoAvailableAddress' && failed.family === 4);
  assert.equal(outcome(s.allocate('b', { ips: '10.0.1.7' })), '10.0.1.7');
  // An excluded address in use does not count as using (Kube-OVN subtracts it), nor as available.
  assert.equal(s.status().v4usingIPs, 0);
  assert.equal(s.status().v4usingIPrange, '');
});

void test('overlapping, unsorted and out-of-CIDR excludeIps are merged and clipped; invalid items are reported', () => {
  const cases: { excludeIps: string[]; available: number; range: string; first: string; issues: string[] }[] =
    [
      {
        excludeIps: ['10.0.1.20..10.0.1.30', '10.0.1.5', '10.0.1.25..10.0.1.40', '10.0.1.4', '10.0.1.1'],
        available: 230,
        range: '10.0.1.2-10.0.1.3,10.0.1.6-10.0.1.19,10.0.1.41-10.0.1.254',
        first: '10.0.1.2',
        issues: [],
      },
      {
        excludeIps: ['10.0.0.0..10.0.1.3', '10.0.1.250..10.0.2.10'],
        available: 246,
        range: '10.0.1.4-10.0.1.249',
        first: '10.0.1.4',
        issues: [],
      },
      {
        excludeIps: ['10.0.1.2..10.0.1.9', 'nonsense', '10.0.1.12', '10.0.9.9'],
        available: 244,
        range: '10.0.1.10-10.0.1.11,10.0.1.13-10.0.1.254',
        first: '10.0.1.10',
        issues: ['nonsense:invalid', '10.0.9.9:outside'],
      },
    ];
  for (const { excludeIps, available, range, first, issues } of cases) {
    const created = SubnetAllocator.create({ name: 's', cidrBlock: '10.0.1.0/24', excludeIps });
    assert.ok(created.ok);
    assert.deepEqual(
      created.issues.map((i) => `${i.item}:${i.kind}`),
      issues,
    );
    assert.equal(created.subnet.status().v4availableIPs, available);
    assert.equal(created.subnet.status().v4availableIPrange, range);
    assert.equal(outcome(created.subnet.allocate('a')), first);
  }
});

void test('dual stack: one address per family; a single static IP gets the other family dynamically', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24,fd00::/120' });
  const cases: [string, string | undefined, string][] = [
    ['a', undefined, '10.0.1.2,fd00::2'],
    ['b', '10.0.1.50', '10.0.1.50,fd00::3'],
    ['c', 'fd00::80', '10.0.1.3,fd00::80'],
    ['d', 'fd00::90/120,10.0.1.90/24', '10.0.1.90,fd00::90'],
    ['e', undefined, '10.0.1.4,fd00::4'],
  ];
  for (const [owner, ips, expected] of cases)
    assert.equal(outcome(s.allocate(owner, { ips })), expected, owner);
  const b = s.get('b');
  assert.equal(b?.v4, '10.0.1.50');
  assert.equal(b?.v6, 'fd00::3');
  const st = s.status();
  assert.equal(st.v4usingIPs, 5);
  assert.equal(st.v6usingIPs, 5);
  assert.equal(st.v4usingIPrange, '10.0.1.2-10.0.1.4,10.0.1.50,10.0.1.90');
  assert.equal(st.v6usingIPrange, 'fd00::2-fd00::4,fd00::80,fd00::90');
  assert.equal(st.v6availableIPs, 253 - 5);
});

void test('dual stack: exhaustion of one family fails the whole allocation and changes nothing', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24,fd00::/126' }); // v6 usable ::1-::2, gateway ::1
  assert.equal(outcome(s.allocate('a')), '10.0.1.2,fd00::2');
  const before = s.status();
  const failed = s.allocate('b');
  assert.ok(!failed.ok && failed.reason === 'NoAvailableAddress' && failed.family === 6);
  assert.deepEqual(s.status(), before);
  assert.equal(s.get('b'), undefined);
});

void test('released addresses are reused only after the free list is exhausted, lowest first', () => {
  const s = subnet({ cidrBlock: '10.0.0.0/29' }); // usable .1-.6, gateway .1
  const steps: [string, string, string][] = [
    ['alloc', 'a', '10.0.0.2'],
    ['alloc', 'b', '10.0.0.3'],
    ['alloc', 'c', '10.0.0.4'],
    ['release', 'c', ''],
    ['release', 'b', ''],
    ['alloc', 'd', '10.0.0.5'], // not .3 or .4: free list first
    ['alloc', 'e', '10.0.0.6'],
    ['alloc', 'f', '10.0.0.3'], // free exhausted: released list, lowest first
    ['release', 'a', ''],
    ['alloc', 'g', '10.0.0.4'], // .2 was released after the swap: it waits again
    ['alloc', 'h', '10.0.0.2'],
    ['alloc', 'i', 'NoAvailableAddress'],
  ];
  for (const [op, owner, expected] of steps) {
    if (op === 'release') assert.ok(s.release(owner));
    else assert.equal(outcome(s.allocate(owner)), expected, `${op} ${owner}`);
  }
  assert.equal(s.release('nobody'), false);
});

void test('idempotent per owner: asking again returns the same addresses and MAC, unchanged', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24,fd00::/120' });
  const first = s.allocate('a');
  assert.ok(first.ok && first.changed);
  const status = s.status();
  for (const request of [
    {},
    { ips: first.allocation.ipAddress },
    { ips: first.allocation.v4 },
    { mac: first.allocation.mac.toUpperCase() },
  ]) {
    const again = s.allocate('a', request);
    assert.ok(again.ok && !again.changed, JSON.stringify(request));
    assert.deepEqual(again.allocation, first.allocation);
  }
  assert.deepEqual(s.status(), status);
  assert.equal(outcome(s.allocate('b')), '10.0.1.3,fd00::3');
});

void test('static IP requests: conflicts name the holder, the gateway is refused, out-of-range and malformed are outcomes', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24', gateway: '10.0.1.254' });
  assert.equal(outcome(s.allocate('a')), '10.0.1.1', 'a custom gateway frees the first address');
  const cases: [string, string, string, Record<string, string>?][] = [
    ['b', '10.0.1.1', 'AddressConflict', { owner: 'a', ip: '10.0.1.1' }],
    ['b', '10.0.1.254', 'GatewayConflict', { ip: '10.0.1.254' }],
    ['b', '10.0.2.5', 'AddressOutOfRange'],
    ['b', '10.0.1.0', 'AddressOutOfRange'],
    ['b', '10.0.1.255', 'AddressOutOfRange'],
    ['b', 'fd00::5', 'AddressOutOfRange'],
    ['b', 'abc', 'InvalidAddress'],
    ['b', '10.0.1.5,10.0.1.6', 'InvalidAddress'],
    ['b', '10.0.1.9/24', '10.0.1.9'],
    ['a', '10.0.1.1', '10.0.1.1'],
  ];
  for (const [owner, ips, expected, fields] of cases) {
    const result = s.allocate(owner, { ips });
    assert.equal(outcome(result), expected, ips);
    for (const [k, v] of Object.entries(fields ?? {}))
      assert.equal((result as unknown as Record<string, string>)[k], v, `${ips} ${k}`);
  }
});

void test('static IP change: the new address is taken, the old one goes to the released list', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24' });
  assert.equal(outcome(s.allocate('a')), '10.0.1.2');
  const moved = s.allocate('a', { ips: '10.0.1.50' });
  assert.ok(moved.ok && moved.changed && moved.allocation.ipAddress === '10.0.1.50');
  assert.equal(outcome(s.allocate('b')), '10.0.1.3');
  assert.equal(s.ownerOfIp('10.0.1.2'), undefined);
  assert.equal(s.ownerOfIp('10.0.1.50'), 'a');
  assert.equal(s.status().v4usingIPrange, '10.0.1.3,10.0.1.50');
});

void test('a static request taken from the released list or excluded set is honoured', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.100..10.0.1.110'] });
  ok(s.allocate('a'));
  s.release('a'); // 10.0.1.2 in the released list
  assert.equal(outcome(s.allocate('b', { ips: '10.0.1.2' })), '10.0.1.2');
  assert.equal(outcome(s.allocate('c', { ips: '10.0.1.105' })), '10.0.1.105');
  const st = s.status();
  assert.equal(st.v4usingIPs, 1, 'an excluded address in use is not counted');
  assert.equal(st.v4usingIPrange, '10.0.1.2');
  assert.equal(st.v4availableIPs, 253 - 11 - 1);
  s.release('c'); // an excluded address is not returned to the pool
  assert.equal(s.status().v4availableIPs, 253 - 11 - 1);
  for (let i = 0; i < 250; i++) {
    const r = s.allocate(`p${i}`);
    if (!r.ok) break;
    assert.ok(!/^10\.0\.1\.1(0[0-9]|10)$/.test(r.allocation.ipAddress), r.allocation.ipAddress);
  }
});

void test('static MACs: normalised, conflicts name the holder, reserved MACs refused, failure changes nothing', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24', reservedMacs: ['0a:00:00:00:00:01'] });
  assert.equal(ok(s.allocate('a', { mac: 'AA-BB-CC-DD-EE-01' })).mac, 'aa:bb:cc:dd:ee:01');
  const before = s.status();
  const conflict = s.allocate('b', { ips: '10.0.1.77', mac: 'aa:bb:cc:dd:ee:01' });
  assert.ok(!conflict.ok && conflict.reason === 'MacConflict' && conflict.owner === 'a');
  assert.deepEqual(s.status(), before, 'the static IP of a refused request stays free');
  assert.equal(s.ownerOfIp('10.0.1.77'), undefined);
  const reserved = s.allocate('b', { mac: '0A:00:00:00:00:01' });
  assert.ok(!reserved.ok && reserved.reason === 'MacReserved');
  const invalid = s.allocate('b', { mac: 'aa:bb:cc' });
  assert.ok(!invalid.ok && invalid.reason === 'InvalidMac');
  // Changing an owner's MAC frees the old one.
  assert.equal(ok(s.allocate('a', { mac: 'aa:bb:cc:dd:ee:02' })).mac, 'aa:bb:cc:dd:ee:02');
  assert.equal(s.ownerOfMac('AA:BB:CC:DD:EE:02'), 'a');
  assert.equal(ok(s.allocate('b', { mac: 'aa:bb:cc:dd:ee:01' })).mac, 'aa:bb:cc:dd:ee:01');
  // Releasing an owner frees its MAC.
  assert.ok(s.release('b'));
  assert.equal(s.ownerOfMac('aa:bb:cc:dd:ee:01'), undefined);
  assert.equal(ok(s.allocate('c', { mac: 'aa:bb:cc:dd:ee:01' })).mac, 'aa:bb:cc:dd:ee:01');
});

void test('generated MACs: locally administered unicast, never reserved, never a duplicate in the subnet', () => {
  const random = scriptedRandom(
    [0x0b, 0, 0, 0, 0, 1], // → 0a:00:00:00:00:01, reserved: skipped
    [0xff, 1, 2, 3, 4, 5], // → fe:01:02:03:04:05
    [0xfe, 1, 2, 3, 4, 5], // → fe:01:02:03:04:05 again: duplicate, skipped
    [0x01, 9, 9, 9, 9, 9], // → 02:09:09:09:09:09
  );
  const s = subnet({ cidrBlock: '10.0.1.0/24', reservedMacs: ['0a:00:00:00:00:01'] }, random);
  assert.equal(ok(s.allocate('a')).mac, 'fe:01:02:03:04:05');
  assert.equal(ok(s.allocate('b')).mac, '02:09:09:09:09:09');
  const stuck = subnet({ cidrBlock: '10.0.2.0/24' }, scriptedRandom([2, 0, 0, 0, 0, 0]));
  ok(stuck.allocate('a'));
  assert.throws(() => stuck.allocate('b'), /not random/, 'a random source that never varies is a bug');
});

void test('update: newly excluded or out-of-CIDR addresses stay with their owner and are not recycled', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24' });
  ok(s.allocate('a'));
  ok(s.allocate('b'));
  assert.ok(s.update({ name: 'net1', cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.3'] }).ok);
  assert.equal(s.get('b')?.ipAddress, '10.0.1.3');
  assert.equal(outcome(s.allocate('b')), '10.0.1.3', 'idempotent even though now excluded');
  assert.deepEqual(
    [s.status().v4usingIPs, s.status().v4availableIPs, s.status().v4usingIPrange],
    [1, 251, '10.0.1.2'],
  );
  s.release('b');
  assert.equal(s.status().v4availableIPs, 251);
  assert.equal(outcome(s.allocate('c')), '10.0.1.4');

  assert.ok(s.update({ name: 'net1', cidrBlock: '10.0.2.0/24' }).ok);
  assert.equal(s.get('a')?.ipAddress, '10.0.1.2');
  assert.deepEqual(
    [s.status().v4usingIPs, s.status().v4availableIPs, s.status().v4availableIPrange],
    [0, 253, '10.0.2.2-10.0.2.254'],
  );
  s.release('a');
  s.release('c');
  assert.equal(s.status().v4availableIPs, 253);
  assert.equal(outcome(s.allocate('d')), '10.0.2.2');
  assert.equal(outcome(s.allocate('e', { ips: '10.0.1.2' })), 'AddressOutOfRange');
});

void test('update: an unchanged family keeps its released list; a changed one rebuilds its free list (as the reference)', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24' });
  ok(s.allocate('a'));
  s.release('a');
  assert.ok(
    s.update({ name: 'net1', cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.1'] }).ok,
    'same reserved set: gateway only',
  );
  assert.equal(outcome(s.allocate('b')), '10.0.1.3');
  s.release('b');
  assert.ok(s.update({ name: 'net1', cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.200'] }).ok);
  assert.equal(outcome(s.allocate('c')), '10.0.1.2');
});

void test('update: adding a family fills it on the next request; removing one drops it; invalid update changes nothing', () => {
  const s = subnet({ cidrBlock: '10.0.1.0/24' });
  ok(s.allocate('a'));
  assert.ok(s.update({ name: 'net1', cidrBlock: '10.0.1.0/24,fd00::/120' }).ok);
  assert.equal(s.get('a')?.ipAddress, '10.0.1.2');
  const filled = s.allocate('a');
  assert.ok(filled.ok && filled.changed && filled.allocation.ipAddress === '10.0.1.2,fd00::2');
  ok(s.allocate('v6only', { ips: 'fd00::9' }));
  assert.ok(s.update({ name: 'net1', cidrBlock: 'fd00::/120' }).ok);
  assert.equal(s.get('a')?.ipAddress, 'fd00::2');
  const removed = s.update({ name: 'net1', cidrBlock: '10.0.1.0/24' });
  assert.ok(removed.ok);
  assert.deepEqual(removed.dropped.sort(), ['a', 'v6only']);
  assert.equal(s.get('a'), undefined, 'an owner left without addresses is dropped');
  assert.deepEqual([...s.owners()], []);
  const bad = s.update({ name: 'net1', cidrBlock: 'nope' });
  assert.ok(!bad.ok && bad.reason === 'CIDRInvalid');
  assert.equal(s.status().v4availableIPs, 253);
});

void test('status: fragmented ranges and exact IPv6 counters', () => {
  const s = subnet({ cidrBlock: '10.0.0.0/28', excludeIps: ['10.0.0.8'] });
  for (const owner of ['a', 'b', 'c', 'd', 'e']) ok(s.allocate(owner));
  s.release('b');
  s.release('d');
  assert.deepEqual(s.status(), {
    v4availableIPs: 9,
    v4usingIPs: 3,
    v6availableIPs: 0,
    v6usingIPs: 0,
    v4availableIPrange: '10.0.0.3,10.0.0.5,10.0.0.7,10.0.0.9-10.0.0.14',
    v4usingIPrange: '10.0.0.2,10.0.0.4,10.0.0.6',
    v6availableIPrange: '',
    v6usingIPrange: '',
  });

  const v6 = subnet({ cidrBlock: 'fd00::/64' });
  ok(v6.allocate('a'));
  assert.equal(v6.counts().v6available, (1n << 64n) - 2n - 1n - 1n);
  assert.equal(v6.status().v6availableIPrange, 'fd00::3-fd00::ffff:ffff:ffff:fffe');
  assert.equal(v6.status().v6usingIPrange, 'fd00::2');
  const json = JSON.stringify(v6.statusPatch());
  assert.match(json, /"v6availableIPs":18446744073709551612,/);
  assert.match(json, /"v6usingIPs":1,/);
  assert.match(json, /"v4availableIPs":0,/);
});

void test('update with the spec it already has changes nothing, even after the caller edits its arrays', () => {
  const excludeIps = ['10.0.1.10'];
  const s = subnet({ cidrBlock: '10.0.1.0/24', excludeIps });
  ok(s.allocate('a'));
  s.release('a');
  const same = s.update({ name: 'net1', cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.10'] });
  assert.ok(same.ok && same.dropped.length === 0);
  assert.equal(outcome(s.allocate('b')), '10.0.1.3', 'the released list survives: nothing was rebuilt');
  excludeIps.push('10.0.1.4'); // the caller's array, changed after create: not what the subnet was made from
  assert.ok(s.update({ name: 'net1', cidrBlock: '10.0.1.0/24', excludeIps }).ok);
  assert.equal(outcome(s.allocate('c')), '10.0.1.2', 'a changed spec is applied (free list rebuilt)');
  assert.equal(outcome(s.allocate('d')), '10.0.1.5', 'and its new exclusion honoured');
  const bad = s.update({ name: 'net1', cidrBlock: 'nonsense' });
  assert.ok(!bad.ok);
  assert.ok(
    !s.update({ name: 'net1', cidrBlock: 'nonsense' }).ok,
    'a refused spec is parsed (and refused) again',
  );
});
