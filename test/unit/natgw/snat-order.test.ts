// The SHARED_SNAT order, pinned against Kube-OVN's e2e "[7] SHARED_SNAT rules are ordered by longest-prefix-first"
// (test/e2e/iptables-vpc-nat-gw/e2e_test.go) and its add_snat (dist/images/vpcnatgateway/nat-gateway.sh, which
// inserts a rule after every rule as long or longer): most specific first whatever the creation order, kept after a
// deletion, a bare address as /32; within one length the older rule first (rules come oldest first, as
// desired-nat.ts places them). Both backends: the iptables document's SHARED_SNAT lines and the nftables table's
// SHARED_SNAT chain hold the same order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderRuleSet } from '../../../src/natgw/iptables-rules.ts';
import { nftRuleSet } from '../../../src/natgw/nft-rules.ts';
import type { NatRule } from '../../../src/natgw/rules.ts';

const snat = (name: string, eip: string, cidr: string): NatRule => ({
  kind: 'snat',
  name,
  eip,
  cidr,
  prefix: Number(cidr.split('/')[1]),
});
const sharedSnat = (rules: NatRule[]): string[] =>
  renderRuleSet(rules, { vpcIf: 'eth0', extIf: 'net1' })
    .split('\n')
    .filter((l) => l.startsWith('-A SHARED_SNAT'))
    .map((l) => `${/-s (\S+)/.exec(l)?.[1] ?? ''} ${/--to-source (\S+)/.exec(l)?.[1] ?? ''}`);
/** The same from the nft table; a bare address there is a /32. */
const sharedSnatNft = (rules: NatRule[]): string[] =>
  (
    nftRuleSet(rules, { vpcIf: 'eth0', extIf: 'net1' }).chains.find((c) => c.name === 'SHARED_SNAT')?.rules ??
    []
  ).map((t) => {
    const cidr = /ip saddr (\S+)/.exec(t)?.[1] ?? '';
    return `${cidr.includes('/') ? cidr : `${cidr}/32`} ${/snat to (\S+)/.exec(t)?.[1] ?? ''}`;
  });

describe('SHARED_SNAT order', () => {
  const s16 = snat('order-snat-16', '192.168.0.16', '172.31.0.0/16');
  const s20 = snat('order-snat-20', '192.168.0.20', '172.31.0.0/20');
  const s24 = snat('order-snat-24', '192.168.0.24', '172.31.0.0/24');
  const host = snat('order-snat-host', '192.168.0.5', '10.0.0.5/32');
  const cases: { name: string; rules: NatRule[]; want: string[] }[] = [
    {
      name: 'created broadest first: /24, /20, /16',
      rules: [s16, s20, s24],
      want: ['172.31.0.0/24 192.168.0.24', '172.31.0.0/20 192.168.0.20', '172.31.0.0/16 192.168.0.16'],
    },
    {
      name: 'the /20 removed: /24 before /16 still',
      rules: [s16, s24],
      want: ['172.31.0.0/24 192.168.0.24', '172.31.0.0/16 192.168.0.16'],
    },
    {
      name: 'a bare host address (/32) before the /24',
      rules: [s16, s24, host],
      want: ['10.0.0.5/32 192.168.0.5', '172.31.0.0/24 192.168.0.24', '172.31.0.0/16 192.168.0.16'],
    },
    {
      name: 'one CIDR on two EIPs: the older rule first, whatever the addresses',
      rules: [snat('older', '192.168.0.30', '10.0.1.0/24'), snat('newer', '192.168.0.12', '10.0.1.0/24')],
      want: ['10.0.1.0/24 192.168.0.30', '10.0.1.0/24 192.168.0.12'],
    },
  ];
  for (const c of cases) {
    it(`iptables: ${c.name}`, () => assert.deepEqual(sharedSnat(c.rules), c.want));
    it(`nftables: ${c.name}`, () => assert.deepEqual(sharedSnatNft(c.rules), c.want));
  }
});
