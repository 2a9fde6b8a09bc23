// The OVN match checker, table by table: expressions ovn-controller accepts (cross-checked against OVN 23.03's own
// parser through ovn-trace, see test/integration/controller/ovn-match-northd.test.ts) and ones it refuses, with the
// reason the checker gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchError } from '../../../src/api/ovn-match/parser.ts';

export const ACCEPTED = [
  'ip4.src == 10.0.1.0/24',
  'ip4.src==10.0.1.0/24 && ip4.dst==10.0.1.250',
  'ip4.dst == {10.0.1.1, 10.0.2.0/24}',
  'ip4.dst == {10.0.1.1 10.0.2.0/24,}',
  'ip4.src == 10.0.0.1/8',
  'ip4.src == 10.0.0.0/255.0.0.0',
  'ip6.dst == fd00::/64',
  'ip6.dst == fe80::1',
  'ip6.src == FD00::1',
  'tcp && tcp.dst == 80',
  'tcp.dst == 80',
  '1024 <= tcp.src <= 49151',
  '80 == tcp.dst',
  'tcp.dst >= 1024',
  'udp.dst == 53 || udp.src == 53',
  '(ip4.src == 1.2.3.4 || ip4.dst == 1.2.3.4) && tcp',
  '!ct.new',
  '!(ip4.src == 10.0.0.0/8)',
  'ip4.src != 10.0.0.0/8',
  'inport == "rt-vpc-rt-a"',
  '!(inport != "rt-vpc-rt-a")',
  'outport == {"a", "b"}',
  'eth.src == 00:00:00:00:00:01',
  'eth.dst[40]',
  'eth.dst == 01:00:00:00:00:00/01:00:00:00:00:00',
  'eth.type == 0x800',
  'ip.proto == 6',
  'ip.proto == {6, 17}',
  '!(ip.proto != 6)',
  'ip.ttl == 64',
  'icmp4',
  'icmp4.type == 8',
  'icmp',
  'icmp6.type == 128',
  'ct.est && !ct.rel',
  'ct_state == 0x2/0x2',
  'ct_mark == 1',
  'ct_label[0] == 1',
  'reg0[0..15] == 5',
  'reg9 == 1',
  'xxreg0 == ::1',
  'pkt.mark == 0x10',
  'pkt.mark != 0',
  'ip4',
  'ip',
  '1',
  '0',
  'ip.dscp == 10',
  'ip.ecn == 1',
  'ip.frag[0]',
  'ip.is_frag',
  'tcp.flags == 0x002',
  'arp.op == 1',
  'sctp.dst == 3868',
  'vlan.vid == 100',
  'nd.target == fe80::1',
  'udp.dst == {53, 5353}',
  'ip4.dst < 10.0.0.5',
  'ip4.src == 10.0.1.0/24 // comment',
  'ip4.src == 10.0.1.0/24 /* c */ && tcp',
  'is_chassis_resident("x")',
  'ip4.mcast',
  'tcp.dst == 0x50',
  'ct.trk',
  'flags.loopback == 1',
  'eth.bcast',
  '!(!ip4)',
  'ip4 == 1',
  'ip4 != 0',
];

export const REJECTED: [string, string][] = [
  ['ip4.src == 10.0.0.0/33', 'prefix /33 is longer than 32'],
  ['tcp.dst == 70000', '70000 does not fit tcp.dst (16 bits)'],
  ['ip4.src == 1.2.3.4 || ip4.dst == 1.2.3.4 && tcp', '&& and || must be parenthesized'],
  ['!ip4.src == 10.0.0.0/8', 'missing parentheses around the comparison after "!"'],
  ['inport != "rt-vpc-rt-a"', 'nominal field inport may only be tested for equality'],
  ['inport == 5', 'inport compares with a quoted port name'],
  ['eth.type != 0x800', 'nominal field eth.type'],
  ['ip.proto != 6', 'nominal field ip.proto'],
  ['ip.proto != {6, 17}', 'nominal field ip.proto'],
  ['ip.ttl > 1', 'nominal field ip.ttl takes only == and !='],
  ['icmp4.type != 8', 'nominal field icmp4.type'],
  ['ip.dscp != 10', 'nominal field ip.dscp'],
  ['reg0[16..40] == 5', 'bits 16..40 are outside reg0 (32 bits)'],
  ['pkt.mark', 'pkt.mark is a 32-bit field: compare it'],
  ['ip4.src', 'ip4.src is a 32-bit field'],
  ['inport', 'string field'],
  ['2', 'only 0 or 1 may stand alone'],
  ['ip4.src == @pg1', 'cannot compare with port group'],
  ['ip4.src == "x"', 'ip4.src is an integer field'],
  ['foo.bar == 1', 'unknown field foo.bar'],
  ['ip4.src ==', 'expected a constant but found the end'],
  ['(ip4.src == 1.2.3.4', 'expected ")" but found the end'],
  ['ip4.src == 1.2.3.4)', 'unexpected ")" after a complete expression'],
  ['tcp.flags & 2', 'unexpected character "&"'],
  ['ip4.dst == {}', 'empty set'],
  ['ip4.src == 10.0.1.256', 'not a valid number, address or MAC'],
  ['ip4.src == 10.1', 'not a valid number, address or MAC'],
  ['ct_nw_dst == 10.0.0.1', 'unknown field ct_nw_dst'],
  ['!!ip4', 'write !(!x) rather than !!x'],
  ['tcp.dst == 80/0xff', 'mask 0xff is not written like the value 80'],
  ['ip4.src = 10.0.0.1', 'unexpected character "="'],
  ['ip4.src == 10.0.0.1 and tcp', 'unexpected "and" after a complete expression'],
  ['ip4.dst < {1.2.3.4}', 'a set {...} takes only == or !='],
  ['ip4.dst < 10.0.0.0/8', '< takes a single unmasked constant'],
  ['90 > tcp.dst > 80', 'a range is written low < field < high'],
  ['ip4[0]', 'ip4 is a predicate'],
  ['ip.proto[0] == 1', 'cannot select bits of nominal field ip.proto'],
  ['ip4 == 2', 'a predicate compares only with 0 or 1'],
  ['inport == "unterminated', 'unterminated string'],
  ['ip4.src == 1.2.3.4 /* open', 'unterminated comment'],
  ['', 'a match expression is required'],
  ['   ', 'a match expression is required'],
];

void test('accepted: expressions OVN accepts', () => {
  for (const m of ACCEPTED) assert.equal(matchError(m), undefined, m);
});

void test('rejected: expressions OVN refuses, with the reason', () => {
  for (const [m, reason] of REJECTED) {
    const got = matchError(m);
    assert.ok(got?.includes(reason), `${JSON.stringify(m)}: got ${got ?? 'accepted'}, want …${reason}…`);
  }
});

void test('errors point at the column of the offending token', () => {
  assert.match(matchError('ip4.src == 10.0.0.0/8 && foo == 1') ?? '', /^column 26: unknown field foo$/);
});
