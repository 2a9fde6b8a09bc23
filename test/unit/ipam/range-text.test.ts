import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr, type Cidr } from '../../../src/net/ip.ts';
import {
  formatExcludeItems,
  formatRangeString,
  parseExcludeIps,
  parseExcludeItem,
} from '../../../src/ipam/range-text.ts';

const cidrs = (...texts: string[]): Cidr[] => texts.map((t) => parseCidr(t)!);

void test('parseExcludeIps: merged, sorted, clipped to the usable range, split by family', () => {
  const cases: { cidr: string[]; items: string[]; v4: string; v6: string }[] = [
    { cidr: ['10.0.1.0/24'], items: [], v4: '', v6: '' },
    { cidr: ['10.0.1.0/24'], items: ['10.0.1.1'], v4: '10.0.1.1', v6: '' },
    {
      cidr: ['10.0.1.0/24'],
      items: ['10.0.1.20..10.0.1.30', '10.0.1.5', '10.0.1.25..10.0.1.40', '10.0.1.4'],
      v4: '10.0.1.4-10.0.1.5,10.0.1.20-10.0.1.40',
      v6: '',
    },
    { cidr: ['10.0.1.0/24'], items: ['10.0.1.9..10.0.1.9'], v4: '10.0.1.9', v6: '' },
    // clipped: the network and broadcast addresses and anything outside the CIDR never count
    {
      cidr: ['10.0.1.0/24'],
      items: ['10.0.0.0..10.0.1.3', '10.0.1.250..10.0.2.10'],
      v4: '10.0.1.1-10.0.1.3,10.0.1.250-10.0.1.254',
      v6: '',
    },
    { cidr: ['10.0.1.0/24'], items: ['10.0.1.0', '10.0.1.255'], v4: '', v6: '' },
    { cidr: ['10.0.1.0/31'], items: ['10.0.1.0..10.0.1.1'], v4: '10.0.1.0-10.0.1.1', v6: '' },
    {
      cidr: ['10.0.1.0/24', 'fd00::/120'],
      items: ['fd00::10..fd00::1f', '10.0.1.7', 'fd00::5'],
      v4: '10.0.1.7',
      v6: 'fd00::5,fd00::10-fd00::1f',
    },
    { cidr: ['fd00::/120'], items: ['fd00::..fd00::2', 'fd00::ff'], v4: '', v6: 'fd00::1-fd00::2' },
  ];
  for (const { cidr, items, v4, v6 } of cases) {
    const parsed = parseExcludeIps(items, cidrs(...cidr));
    assert.equal(formatRangeString(4, parsed.v4), v4, JSON.stringify(items));
    assert.equal(formatRangeString(6, parsed.v6), v6, JSON.stringify(items));
  }
});

void test('parseExcludeIps reports bad items instead of throwing and keeps the good ones', () => {
  const items = [
    '10.0.1.300',
    '10.0.1.9..10.0.1.2',
    'fd00::1..10.0.1.3',
    '10.0.1.1..10.0.1.2..10.0.1.3',
    '',
    'FD00::1',
    '10.0.2.5',
    'fd00::9',
    '10.0.1.50',
  ];
  const parsed = parseExcludeIps(items, cidrs('10.0.1.0/24'));
  assert.equal(formatRangeString(4, parsed.v4), '10.0.1.50');
  assert.deepEqual(
    parsed.issues.map((i) => [i.item, i.kind]),
    [
      ['10.0.1.300', 'invalid'],
      ['10.0.1.9..10.0.1.2', 'invalid'],
      ['fd00::1..10.0.1.3', 'invalid'],
      ['10.0.1.1..10.0.1.2..10.0.1.3', 'invalid'],
      ['', 'invalid'],
      ['FD00::1', 'invalid'],
      ['10.0.2.5', 'outside'],
      ['fd00::9', 'outside'],
    ],
  );
  const bad = parseExcludeItem('10.0.1.1..x');
  assert.ok(!bad.ok);
  assert.match(bad.message, /10\.0\.1\.1\.\.x in excludeIps: "x" is not a valid IP address/);
});

void test('range strings and excludeIps items in Kube-OVN notation', () => {
  const parsed = parseExcludeIps(
    ['10.0.1.2..10.0.1.9', '10.0.1.12', '10.0.1.10..10.0.1.10'],
    cidrs('10.0.1.0/24'),
  );
  assert.equal(formatRangeString(4, parsed.v4), '10.0.1.2-10.0.1.10,10.0.1.12');
  assert.deepEqual(formatExcludeItems(4, parsed.v4), ['10.0.1.2..10.0.1.10', '10.0.1.12']);
});
