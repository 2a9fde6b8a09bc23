// IPv6 and dual stack in the gateway's pure parts: the desired state of a dual-stack gateway (EIP addresses of both
// families on its NIC with each family's prefix, the IPv6 default route and VPC routes, a dual-stack FIP/DNAT/SNAT
// making one rule per family, a family the EIP lacks refused with the field), the IPv6 rule set in both backends
// (ip6tables-restore lines; `table ip6 kovn-nat` written in the same nft transaction as the IPv4 table, or taken
// away there), and their read-back: fixtures/ip6tables-1.8.9-save.txt and fixtures/nft-1.0.6-kovn-nat6.json were
// captured from ip6tables 1.8.9 and nft 1.0.6 after applying the rendering of RULES below, and must read back in
// canonical form equal to what is wanted (an unchanged state writes nothing), while a changed rule does not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { IptablesEip } from '../../../src/api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../../../src/api/kinds/nat-rules.ts';
import type { Subnet } from '../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../src/api/kinds/vpc-nat-gateway.ts';
import { bothFamilies } from '../../../src/natgw/backends.ts';
import { desiredGateway } from '../../../src/natgw/desired.ts';
import { canonicalRuleSet, iptablesDnats, renderRuleSet } from '../../../src/natgw/iptables-rules.ts';
import { parseNftTable } from '../../../src/natgw/nft-observe.ts';
import { nftCanonical, nftDnats, nftRuleSet, renderNftScript } from '../../../src/natgw/nft-rules.ts';
import { ofFamily, ruleId, wantedDnats, type NatRule } from '../../../src/natgw/rules.ts';
import { kubeovn } from '../../support/objects.ts';

const o = { vpcIf: 'eth0', extIf: 'net1' };
const RULES: NatRule[] = [
  { kind: 'eip', name: 'e1', eip: 'fd00:e::12', prefix: 64 },
  { kind: 'eip', name: 'e2', eip: 'fd00:e::13', prefix: 64 },
  { kind: 'fip', name: 'f1', eip: 'fd00:e::13', internalIp: 'fd00:1::20' },
  {
    kind: 'dnat',
    name: 'd1',
    eip: 'fd00:e::12',
    protocol: 'tcp',
    externalPort: 8888,
    internalIp: 'fd00:1::10',
    internalPort: 80,
  },
  {
    kind: 'dnat',
    name: 'd2',
    eip: 'fd00:e::12',
    protocol: 'udp',
    externalPort: 53,
    internalIp: 'fd00:1::10',
    internalPort: 5353,
  },
  { kind: 'snat', name: 's1', eip: 'fd00:e::12', cidr: 'fd00:1::/64', prefix: 64, dev: 'net1' },
  { kind: 'snat', name: 's2', eip: 'fd00:e::12', cidr: 'fd00:1::5/128', prefix: 128, dev: 'net1' },
  { kind: 'snat', name: 's3', eip: 'fd00:e::12', cidr: '::/0', prefix: 0, dev: 'net1' },
];
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);

describe('IPv6 rules, iptables backend (ip6tables-restore)', () => {
  const doc = renderRuleSet(RULES, o);
  it('writes each rule with the IPv6 host prefix and a bracketed port target', () => {
    for (const line of [
      '-A EXCLUSIVE_DNAT -d fd00:e::13/128 -j DNAT --to-destination fd00:1::20',
      '-A EXCLUSIVE_SNAT -s fd00:1::20/128 -j SNAT --to-source fd00:e::13',
      '-A SHARED_DNAT -d fd00:e::12/128 -p tcp -m tcp --dport 8888 -j DNAT --to-destination [fd00:1::10]:80',
      '-A SHARED_SNAT -s fd00:1::5/128 -o net1 -j SNAT --to-source fd00:e::12 --random-fully',
      '-A SHARED_SNAT -o net1 -j SNAT --to-source fd00:e::12 --random-fully',
      '-A HAIRPIN_SNAT -o eth0 -m mark --mark 0x1/0x1 -m conntrack --ctstate DNAT --ctorigdst fd00:e::12 -j SNAT --to-source fd00:e::12 --random-fully',
    ])
      assert.ok(doc.split('\n').includes(line), line);
  });
  it("reads ip6tables-save's dump back equal to what was rendered", () => {
    assert.equal(canonicalRuleSet(fixture('ip6tables-1.8.9-save.txt')), canonicalRuleSet(doc));
  });
  it('a changed rule is a difference', () => {
    const moved = RULES.map((r) => (r.name === 'd1' ? { ...r, internalIp: 'fd00:1::11' } : r));
    assert.notEqual(
      canonicalRuleSet(fixture('ip6tables-1.8.9-save.txt')),
      canonicalRuleSet(renderRuleSet(moved, o)),
    );
  });
  it('finds the IPv6 DNAT and FIP translations the dump holds, keyed as the wanted ones', () => {
    assert.deepEqual(
      iptablesDnats(fixture('ip6tables-1.8.9-save.txt')).sort(byKey),
      wantedDnats(RULES).sort(byKey),
    );
  });
});

describe('IPv6 rules, nftables backend (table ip6 kovn-nat)', () => {
  it('matches ip6 addresses, brackets a port target, bare host addresses', () => {
    const set = nftRuleSet(RULES, o);
    const rules = (name: string) => set.chains.find((c) => c.name === name)?.rules;
    assert.deepEqual(rules('EXCLUSIVE_DNAT'), ['ip6 daddr fd00:e::13 dnat to fd00:1::20']);
    assert.deepEqual(rules('SHARED_DNAT'), [
      'ip6 daddr fd00:e::12 tcp dport 8888 dnat to [fd00:1::10]:80',
      'ip6 daddr fd00:e::12 udp dport 53 dnat to [fd00:1::10]:5353',
    ]);
    assert.deepEqual(rules('SHARED_SNAT'), [
      'ip6 saddr fd00:1::5 oifname "net1" snat to fd00:e::12 fully-random',
      'ip6 saddr fd00:1::/64 oifname "net1" snat to fd00:e::12 fully-random',
      'ip6 saddr ::/0 oifname "net1" snat to fd00:e::12 fully-random',
    ]);
  });
  it("reads nft's JSON back equal to what was rendered", () => {
    assert.equal(
      nftCanonical(parseNftTable(fixture('nft-1.0.6-kovn-nat6.json'))),
      nftCanonical(nftRuleSet(RULES, o)),
    );
    assert.deepEqual(
      nftDnats(parseNftTable(fixture('nft-1.0.6-kovn-nat6.json'))).sort(byKey),
      wantedDnats(RULES).sort(byKey),
    );
  });
  it('a changed rule is a difference', () => {
    const moved = RULES.map((r) => (r.name === 'd1' ? { ...r, internalPort: 81 } : r));
    assert.notEqual(
      nftCanonical(parseNftTable(fixture('nft-1.0.6-kovn-nat6.json'))),
      nftCanonical(nftRuleSet(moved, o)),
    );
  });
  it('one transaction: the IPv4 table, then the IPv6 one replaced, or taken away', () => {
    const script = renderNftScript(nftRuleSet([], o), nftRuleSet(RULES, o));
    const tables = script.split('\n').filter((l) => /^(table|delete table)/.test(l));
    assert.deepEqual(tables, [
      'table ip kovn-nat {}',
      'delete table ip kovn-nat',
      'table ip kovn-nat {',
      'table ip6 kovn-nat {}',
      'delete table ip6 kovn-nat',
      'table ip6 kovn-nat {',
    ]);
    assert.ok(
      renderNftScript(nftRuleSet([], o), 'remove').endsWith(
        'table ip6 kovn-nat {}\ndelete table ip6 kovn-nat\n',
      ),
    );
    assert.ok(!renderNftScript(nftRuleSet([], o)).includes('ip6'));
  });
  it('the canonical form of both families: the IPv6 part only when there is one', () => {
    assert.equal(bothFamilies('a', ''), 'a');
    assert.equal(bothFamilies('a', 'b'), 'a\n# ipv6\nb');
  });
});

describe('the desired state of a dual-stack gateway', () => {
  const subnet = (name: string, spec: Record<string, unknown>): Subnet => kubeovn('Subnet', name, spec);
  const subnets = [
    subnet('ovn-vpc-external-network', {
      cidrBlock: '192.168.0.0/24,fd00:e::/64',
      gateway: '192.168.0.1,fd00:e::1',
      provider: 'ovn-vpc-external-network.kube-system',
    }),
    subnet('lan', { vpc: 'v1', cidrBlock: '10.0.1.0/24,fd00:1::/64', gateway: '10.0.1.1,fd00:1::1' }),
    subnet('app', { vpc: 'v1', cidrBlock: '10.0.2.0/24,fd00:2::/64', gateway: '10.0.2.1,fd00:2::1' }),
    subnet('ext6', { cidrBlock: 'fd00:f::/64', gateway: 'fd00:f::1' }),
  ];
  const gateway = kubeovn('VpcNatGateway', 'gw1', {
    vpc: 'v1',
    subnet: 'lan',
    lanIp: '10.0.1.254',
  }) as VpcNatGateway;
  const eip = (name: string, status: Record<string, string>, d = 1): IptablesEip => ({
    ...kubeovn('IptablesEIP', name, { natGwDp: 'gw1' }),
    metadata: { name, creationTimestamp: `2026-01-0${d}T00:00:00Z` },
    status,
  });
  const eips = [
    eip('dual', { ip: '192.168.0.12', v6ip: 'fd00:e::12' }),
    eip('v6', { v6ip: 'fd00:e::13' }, 2),
    eip('v4', { ip: '192.168.0.14' }, 3),
  ];
  const rule = <T>(kind: string, name: string, spec: Record<string, unknown>, d = 1) =>
    ({ ...kubeovn(kind, name, spec), metadata: { name, creationTimestamp: `2026-01-0${d}T00:00:00Z` } }) as T;
  const d = desiredGateway({
    gateway,
    subnets,
    eips,
    fips: [rule<Fip>('IptablesFIPRule', 'f-dual', { eip: 'v6', internalIp: 'fd00:1::20' })],
    dnats: [
      rule<Dnat>('IptablesDnatRule', 'd-dual', {
        eip: 'dual',
        externalPort: '8888',
        internalIp: '10.0.1.10,fd00:1::10',
        internalPort: '80',
        protocol: 'tcp',
      }),
      rule<Dnat>('IptablesDnatRule', 'd-no-v6', {
        eip: 'v4',
        externalPort: '80',
        internalIp: 'fd00:1::10',
        internalPort: '80',
      }),
    ],
    snats: [
      rule<Snat>('IptablesSnatRule', 's-dual', { eip: 'dual', internalCIDR: '10.0.1.0/24,fd00:1::/64' }),
      rule<Snat>('IptablesSnatRule', 's-v6', { eip: 'v6', internalCIDR: 'fd00:2::/64' }),
    ],
  });
  it("holds each EIP address on the NIC with its family's prefix length", () => {
    assert.deepEqual(d.nics[0]?.addresses, [
      '192.168.0.12/24',
      'fd00:e::12/64',
      'fd00:e::13/64',
      '192.168.0.14/24',
    ]);
    assert.equal(d.nics[0]?.cidr6, 'fd00:e::/64');
  });
  it('routes both families: the default routes, the external CIDRs, the VPC subnets via the LAN gateways', () => {
    assert.equal(d.externalGateway, '192.168.0.1');
    assert.equal(d.externalGateway6, 'fd00:e::1');
    assert.deepEqual(d.routes, [
      { dst: '192.168.0.0/24', dev: 'net1' },
      { dst: 'fd00:e::/64', dev: 'net1' },
      { dst: '10.0.2.0/24', via: '10.0.1.1', dev: 'eth0' },
      { dst: 'fd00:2::/64', via: 'fd00:1::1', dev: 'eth0' },
    ]);
  });
  it('a dual-stack rule is one rule per family, each on the EIP address of its family', () => {
    const of = (id: string) =>
      d.rules.filter((r) => ruleId(r) === id).map((r) => `${r.eip} ${JSON.stringify(r)}`);
    assert.deepEqual(
      d.rules.filter((r) => r.kind === 'dnat').map((r) => [r.eip, r.kind === 'dnat' && r.internalIp]),
      [
        ['192.168.0.12', '10.0.1.10'],
        ['fd00:e::12', 'fd00:1::10'],
      ],
    );
    assert.equal(of('snat/s-dual').length, 2);
    assert.deepEqual(ofFamily(d.rules, 6).map(ruleId).sort(), [
      'dnat/d-dual',
      'eip/dual',
      'eip/v6',
      'fip/f-dual',
      'snat/s-dual',
      'snat/s-v6',
    ]);
  });
  it('a rule naming a family its EIP has no address of is refused, with the field', () => {
    assert.deepEqual(
      [...d.refused],
      [['dnat/d-no-v6', 'internalIp "fd00:1::10" is IPv6, but its eip has no IPv6 address']],
    );
  });
  it('an IPv6-only external subnet: an IPv6 EIP, the IPv6 default route, no IPv4 one', () => {
    const only6 = desiredGateway({
      gateway: { ...gateway, spec: { ...gateway.spec, externalSubnets: ['ext6'] } } as VpcNatGateway,
      subnets,
      eips: [{ ...eip('e6', { v6ip: 'fd00:f::5' }), spec: { natGwDp: 'gw1', externalSubnet: 'ext6' } }],
      fips: [],
      dnats: [],
      snats: [],
    });
    assert.deepEqual(only6.nics[0]?.addresses, ['fd00:f::5/64']);
    assert.equal(only6.externalGateway, undefined);
    assert.equal(only6.externalGateway6, 'fd00:f::1');
    assert.deepEqual(only6.rules, [{ kind: 'eip', name: 'e6', eip: 'fd00:f::5', prefix: 64, dev: 'net1' }]);
  });
  it('an IPv6 address on an IPv4-only subnet is refused, naming the status field', () => {
    const wrong = desiredGateway({
      gateway,
      subnets: [subnet('ovn-vpc-external-network', { cidrBlock: '192.168.0.0/24', gateway: '192.168.0.1' })],
      eips: [eip('x', { ip: '192.168.0.12', v6ip: 'fd00:e::12' })],
      fips: [],
      dnats: [],
      snats: [],
    });
    assert.equal(
      wrong.refused.get('eip/x'),
      'status.v6ip: address fd00:e::12 is not an IPv6 address of external subnet ovn-vpc-external-network',
    );
  });
});
