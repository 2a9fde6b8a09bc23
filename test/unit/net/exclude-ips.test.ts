// The excludeIps list a Subnet is stored with, as Kube-OVN's formatExcludeIPs writes it back
// (kubeovn/kube-ovn pkg/controller/subnet.go at 1533681d7: formatExcludeIPRanges merges overlapping items with
// filterRepeatIPRange, the gateways are appended when no item covers them, then sort.Strings). Rows cite
// pkg/controller/subnet_test.go Test_formatSubnet where they come from it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeExcludeIps } from '../../../src/net/exclude-ips.ts';
import { parseIp } from '../../../src/net/ip.ts';

const ip = (text: string) => {
  const parsed = parseIp(text);
  assert.ok(parsed, text);
  return parsed;
};

describe('normalizeExcludeIps: the order and merging Kube-OVN writes back', () => {
  const rows: { name: string; items: string[]; gateways: string[]; want: string[] }[] = [
    {
      name: 'Test_formatSubnet "simple subnet with cidr block only": the gateway alone',
      items: [],
      gateways: ['192.168.0.1'],
      want: ['192.168.0.1'],
    },
    {
      name: 'Test_formatSubnet "complete subnet": a covered gateway is not added again',
      items: ['192.168.0.1', '192.168.0.255'],
      gateways: ['192.168.0.255'],
      want: ['192.168.0.1', '192.168.0.255'],
    },
    {
      name: 'sorted as strings (sort.Strings): .100 before .20',
      items: ['10.0.1.20', '10.0.1.100'],
      gateways: ['10.0.1.1'],
      want: ['10.0.1.1', '10.0.1.100', '10.0.1.20'],
    },
    {
      name: 'overlapping items merge (filterRepeatIPRange)',
      items: ['10.0.1.8..10.0.1.20', '10.0.1.5..10.0.1.10', '10.0.1.9'],
      gateways: ['10.0.1.1'],
      want: ['10.0.1.1', '10.0.1.5..10.0.1.20'],
    },
    {
      name: 'adjacent items stay apart (only overlaps merge)',
      items: ['10.0.1.6..10.0.1.9', '10.0.1.2..10.0.1.5'],
      gateways: ['10.0.1.1'],
      want: ['10.0.1.1', '10.0.1.2..10.0.1.5', '10.0.1.6..10.0.1.9'],
    },
    {
      name: 'a one-address range is written as the address',
      items: ['10.0.1.7..10.0.1.7'],
      gateways: ['10.0.1.1'],
      want: ['10.0.1.1', '10.0.1.7'],
    },
    {
      name: 'dual stack: both gateways, both families in one string order',
      items: ['fd00::5', '10.0.1.9'],
      gateways: ['10.0.1.1', 'fd00::1'],
      want: ['10.0.1.1', '10.0.1.9', 'fd00::1', 'fd00::5'],
    },
    {
      name: 'items outside the CIDR are kept as written (Kube-OVN clips only when counting)',
      items: ['10.9.9.9'],
      gateways: ['10.0.1.1'],
      want: ['10.0.1.1', '10.9.9.9'],
    },
    {
      name: 'an unparseable item is kept verbatim, last, for validation to report',
      items: ['nonsense', '10.0.1.9'],
      gateways: ['10.0.1.1'],
      want: ['10.0.1.1', '10.0.1.9', 'nonsense'],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const once = normalizeExcludeIps(row.items, row.gateways.map(ip));
      assert.deepEqual(once, row.want);
      assert.deepEqual(normalizeExcludeIps(once, row.gateways.map(ip)), once, 'a fixed point');
    });
  }
});
