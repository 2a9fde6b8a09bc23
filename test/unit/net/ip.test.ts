import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cidrContains,
  cidrsOverlap,
  defaultGateway,
  formatCidr,
  formatIp,
  parseCidr,
  parseCidrOrIp,
  parseIp,
  usableRange,
} from '../../../src/net/ip.ts';

test('parseIp accepts dotted quads and lower-case IPv6, refuses the rest', () => {
  const cases: [string, string | undefined][] = [
    ['10.0.1.5', '10.0.1.5'],
    ['0.0.0.0', '0.0.0.0'],
    ['fd00::1', 'fd00::1'],
    ['fd00:0:0::0:1', 'fd00::1'],
    ['FD00::1', undefined],
    ['10.0.1', undefined],
    ['10.0.1.256', undefined],
    ['010.0.1.5', undefined],
    [' 10.0.1.5', undefined],
    ['10.0.1.5/24', undefined],
    ['abc', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of cases) {
    const ip = parseIp(input);
    assert.equal(ip && formatIp(ip.family, ip.value), expected, input);
  }
});

test('parseCidr normalises to the network address and keeps what was written', () => {
  const cidr = parseCidr('10.0.1.5/24');
  assert.ok(cidr);
  assert.equal(formatCidr(cidr), '10.0.1.0/24');
  assert.equal(formatIp(4, cidr.address), '10.0.1.5');
  assert.equal(formatCidr(parseCidr('fd00::5/64')!), 'fd00::/64');
  for (const bad of ['10.0.1.0', '10.0.1.0/33', 'fd00::/129', '10.0.1.0/', '10.0.1.0/2x', 'x/24']) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

test('parseCidrOrIp takes a bare address as a host route', () => {
  assert.equal(formatCidr(parseCidrOrIp('10.0.1.9')!), '10.0.1.9/32');
  assert.equal(formatCidr(parseCidrOrIp('fd00::9')!), 'fd00::9/128');
  assert.equal(formatCidr(parseCidrOrIp('0.0.0.0/0')!), '0.0.0.0/0');
});

test('usable ranges and default gateways, /30 /31 /32 and IPv6', () => {
  const show = (text: string) => {
    const cidr = parseCidr(text)!;
    const { first, last } = usableRange(cidr);
    return `${formatIp(cidr.family, first)}-${formatIp(cidr.family, last)} gw ${formatIp(cidr.family, defaultGateway(cidr))}`;
  };
  assert.equal(show('10.0.1.0/24'), '10.0.1.1-10.0.1.254 gw 10.0.1.1');
  assert.equal(show('10.0.1.0/30'), '10.0.1.1-10.0.1.2 gw 10.0.1.1');
  assert.equal(show('10.0.1.0/31'), '10.0.1.0-10.0.1.1 gw 10.0.1.0');
  assert.equal(show('fd00::/126'), 'fd00::1-fd00::2 gw fd00::1');
  assert.equal(show('fd00::/127'), 'fd00::-fd00::1 gw fd00::');
});

test('contains and overlap respect families and boundaries', () => {
  const a = parseCidr('10.0.0.0/16')!;
  const b = parseCidr('10.0.255.0/24')!;
  const c = parseCidr('10.1.0.0/24')!;
  assert.ok(cidrsOverlap(a, b));
  assert.ok(!cidrsOverlap(a, c));
  assert.ok(!cidrsOverlap(a, parseCidr('::/0')!));
  assert.ok(cidrContains(a, parseIp('10.0.255.255')!));
  assert.ok(!cidrContains(a, parseIp('10.1.0.0')!));
});
