// Table-driven tests of the FIP/DNAT/SNAT part of the desired state: the candidates each kind makes (live, oldest
// first, ids), the EIP-sharing refusal (a floating IP takes every connection to its EIP: no port DNAT or second FIP
// beside it, a SNAT may share it, as in Kube-OVN), and placement across kinds (oldest first whatever the kind, rules
// only on EIPs with an address here, bad values and identity clashes refused).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dnat, Fip, Snat } from '../../../src/api/kinds/nat-rules.ts';
import {
  dnatCandidates,
  eipShareRefusal,
  fipCandidates,
  placeNatRules,
  snatCandidates,
} from '../../../src/natgw/desired-nat.ts';
import { ruleId, type RuleId } from '../../../src/natgw/rules.ts';

const day = (d: number) => `2026-01-0${d}T00:00:00Z`;
const meta = (name: string, d = 1, deleting = false) => ({
  name,
  creationTimestamp: day(d),
  ...(deleting ? { deletionTimestamp: 'x' } : {}),
});
const fip = (name: string, eip: string, d?: number, ip = '10.0.1.5'): Fip =>
  ({ metadata: meta(name, d), spec: { eip, internalIp: ip } }) as Fip;
const dnat = (
  name: string,
  eip: string,
  port: string,
  d?: number,
  extra: Record<string, string> = {},
): Dnat =>
  ({
    metadata: meta(name, d),
    spec: { eip, externalPort: port, protocol: 'tcp', internalIp: '10.0.1.10', internalPort: '80', ...extra },
  }) as Dnat;
const snat = (name: string, eip: string, cidr: string, d?: number): Snat =>
  ({ metadata: meta(name, d), spec: { eip, internalCIDR: cidr } }) as Snat;
/** An EIP on net1 of a gateway with one external NIC. */
const at = (ip: string) => ({ ip, dev: 'net1', pinFip: false });
const eipIps = new Map([
  ['e1', at('192.168.0.11')],
  ['e2', at('192.168.0.12')],
]);

describe('candidates per kind', () => {
  it('live only, oldest first, ids by kind', () => {
    const gone = { ...fip('f0', 'e1'), metadata: meta('f0', 1, true) } as Fip;
    assert.deepEqual(
      fipCandidates([fip('f2', 'e1', 2), gone, fip('f1', 'e1', 3)]).map((c) => c.id),
      ['fip/f2', 'fip/f1'],
    );
    assert.deepEqual(
      dnatCandidates([dnat('b', 'e1', '80'), dnat('a', 'e1', '81')]).map((c) => c.id),
      ['dnat/a', 'dnat/b'],
    );
    assert.deepEqual(
      snatCandidates([snat('s', 'e1', '10.0.1.0/24')]).map((c) => [c.id, c.kind]),
      [['snat/s', 'snat']],
    );
  });
  it('makes the rule on the address given, or the reason the values cannot', () => {
    const [good] = dnatCandidates([dnat('d', 'e1', '8080')]);
    assert.deepEqual(good?.make(at('192.168.0.11')), [
      {
        kind: 'dnat',
        name: 'd',
        eip: '192.168.0.11',
        protocol: 'tcp',
        externalPort: 8080,
        internalIp: '10.0.1.10',
        internalPort: 80,
      },
    ]);
    const [v6] = snatCandidates([snat('s', 'e1', 'fd00::/64')]);
    assert.equal(
      v6?.make(at('192.168.0.11')),
      'internalCIDR "fd00::/64" is IPv6, but its eip has no IPv6 address',
    );
    const [bad] = snatCandidates([snat('s', 'e1', '10.0.1.0/24,10.0.2.0/24')]);
    assert.equal(
      bad?.make(at('192.168.0.11')),
      'internalCIDR "10.0.1.0/24,10.0.2.0/24" is not an IPv4 or IPv6 CIDR, nor a dual-stack pair "v4,v6"',
    );
    assert.equal(fipCandidates([fip('f', 'e1')])[0]?.claim, undefined);
  });
  it('claims are shared by the candidates of one call only', () => {
    const first = dnatCandidates([dnat('a', 'e1', '80'), dnat('b', 'e1', '80', 2)]);
    assert.equal(first[0]?.claim?.('e1'), undefined);
    assert.match(first[1]?.claim?.('e1') ?? '', /already used by dnat a/);
    const again = dnatCandidates([dnat('b', 'e1', '80', 2)]);
    assert.equal(again[0]?.claim?.('e1'), undefined);
  });
});

describe('eipShareRefusal', () => {
  type User = { id: RuleId; kind: 'fip' | 'dnat' | 'snat' };
  const cases: { name: string; users: User[]; kind: User['kind']; want: string | undefined }[] = [
    { name: 'first user', users: [], kind: 'fip', want: undefined },
    { name: 'DNAT beside SNAT', users: [{ id: 'snat/s', kind: 'snat' }], kind: 'dnat', want: undefined },
    { name: 'SNAT beside a FIP', users: [{ id: 'fip/f', kind: 'fip' }], kind: 'snat', want: undefined },
    { name: 'a FIP beside a SNAT', users: [{ id: 'snat/s', kind: 'snat' }], kind: 'fip', want: undefined },
    {
      name: 'a DNAT beside a FIP',
      users: [{ id: 'fip/f', kind: 'fip' }],
      kind: 'dnat',
      want: 'eip e1 is used by floating IP f, which takes every connection to it',
    },
    {
      name: 'a FIP beside a DNAT, past a SNAT',
      users: [
        { id: 'snat/s', kind: 'snat' },
        { id: 'dnat/d', kind: 'dnat' },
      ],
      kind: 'fip',
      want: 'a floating IP takes every connection to its eip; eip e1 is used by dnat/d',
    },
    {
      name: 'a second FIP (Kube-OVN wording)',
      users: [{ id: 'fip/f', kind: 'fip' }],
      kind: 'fip',
      want: 'eip e1 is used by the other fip f',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(eipShareRefusal(c.users, c.kind, 'e1'), c.want));
});

describe('placeNatRules', () => {
  const cases: {
    name: string;
    fips?: Fip[];
    dnats?: Dnat[];
    snats?: Snat[];
    rules: RuleId[];
    refused: Record<string, RegExp>;
  }[] = [
    {
      name: 'a FIP and a SNAT share an EIP (as in Kube-OVN)',
      fips: [fip('f', 'e1', 2)],
      snats: [snat('s', 'e1', '10.0.1.0/24', 1)],
      rules: ['snat/s', 'fip/f'],
      refused: {},
    },
    {
      name: 'oldest first across kinds: an older DNAT keeps the EIP from a FIP, even past a SNAT',
      fips: [fip('f', 'e1', 3)],
      dnats: [dnat('d', 'e1', '80', 2)],
      snats: [snat('s', 'e1', '10.0.1.0/24', 1)],
      rules: ['snat/s', 'dnat/d'],
      refused: { 'fip/f': /a floating IP takes every connection to its eip; eip e1 is used by dnat\/d/ },
    },
    {
      name: 'a FIP beside a SNAT still keeps the EIP from a later DNAT',
      fips: [fip('f', 'e1', 2)],
      dnats: [dnat('d', 'e1', '80', 3)],
      snats: [snat('s', 'e1', '10.0.1.0/24', 1)],
      rules: ['snat/s', 'fip/f'],
      refused: { 'dnat/d': /used by floating IP f/ },
    },
    {
      name: 'an older FIP keeps the EIP from a DNAT; the other EIP is free',
      fips: [fip('f', 'e1', 1)],
      dnats: [dnat('d', 'e1', '80', 2), dnat('d2', 'e2', '80', 3)],
      rules: ['fip/f', 'dnat/d2'],
      refused: { 'dnat/d': /used by floating IP f/ },
    },
    {
      name: 'a bad value is refused and does not hold the EIP',
      fips: [fip('bad', 'e1', 1, '10.0.1.300'), fip('good', 'e1', 2)],
      rules: ['fip/good'],
      refused: { 'fip/bad': /is not an IPv4 or IPv6 address/ },
    },
    {
      name: 'identity clashes: the later DNAT and SNAT are refused',
      dnats: [dnat('d1', 'e1', '80', 1), dnat('d2', 'e1', '80', 2)],
      snats: [snat('s1', 'e1', '10.0.1.0/24', 1), snat('s2', 'e1', '10.0.1.0/24', 2)],
      rules: ['dnat/d1', 'snat/s1'],
      refused: { 'dnat/d2': /already used by dnat d1/, 'snat/s2': /snat s1 already translates/ },
    },
    {
      name: 'an EIP without an address here: not tried',
      fips: [fip('f', 'e9')],
      dnats: [dnat('d', 'e9', '80')],
      rules: [],
      refused: {},
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const candidates = [
        ...fipCandidates(c.fips ?? []),
        ...dnatCandidates(c.dnats ?? []),
        ...snatCandidates(c.snats ?? []),
      ];
      const placed = placeNatRules(candidates, eipIps);
      assert.deepEqual(placed.rules.map(ruleId), c.rules);
      assert.deepEqual([...placed.refused.keys()].sort(), Object.keys(c.refused).sort());
      for (const [id, pattern] of Object.entries(c.refused))
        assert.match(placed.refused.get(id as RuleId) ?? '', pattern);
    });
  it('places each rule on its EIP address', () => {
    const placed = placeNatRules(fipCandidates([fip('f', 'e2')]), eipIps);
    assert.deepEqual(placed.rules, [{ kind: 'fip', name: 'f', eip: '192.168.0.12', internalIp: '10.0.1.5' }]);
  });
});
