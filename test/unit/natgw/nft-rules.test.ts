// The nftables backend's pure parts (src/natgw/nft-rules.ts, nft-observe.ts), table by table: the chains of kovn's
// table with their hooks, each rule kind's statements in Kube-OVN's layout and order, the script that replaces only
// `table ip kovn-nat`; and the reading of the kernel's JSON (fixtures/nft-1.0.6-kovn-nat.json, captured from nft
// 1.0.6 after applying the script of RULES below) into the same canonical form, where a rule we did not write, a
// counter or a set in our table is a difference.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { nftComplaint } from '../../../src/natgw/backends.ts';
import { parseNftTable, statement } from '../../../src/natgw/nft-observe.ts';
import {
  NFT_REMOVAL_SCRIPT,
  nftCanonical,
  nftDnats,
  nftRuleSet,
  renderNftScript,
  type NftRuleSet,
} from '../../../src/natgw/nft-rules.ts';
import { wantedDnats, type NatRule, type RuleId } from '../../../src/natgw/rules.ts';

const o = { vpcIf: 'eth0', extIf: 'net1' };
const RULES: NatRule[] = [
  { kind: 'eip', name: 'e1', eip: '192.168.0.12', prefix: 24 },
  { kind: 'fip', name: 'f1', eip: '192.168.0.13', internalIp: '10.0.1.20' },
  {
    kind: 'dnat',
    name: 'd1',
    eip: '192.168.0.12',
    protocol: 'tcp',
    externalPort: 8888,
    internalIp: '10.0.1.10',
    internalPort: 80,
  },
  {
    kind: 'dnat',
    name: 'd2',
    eip: '192.168.0.12',
    protocol: 'udp',
    externalPort: 53,
    internalIp: '10.0.1.10',
    internalPort: 5353,
  },
  { kind: 'snat', name: 's1', eip: '192.168.0.12', cidr: '10.0.1.0/24', prefix: 24 },
  { kind: 'snat', name: 's2', eip: '192.168.0.12', cidr: '10.0.0.5/32', prefix: 32 },
  { kind: 'snat', name: 's3', eip: '192.168.0.12', cidr: '0.0.0.0/0', prefix: 0 },
];
const fixture = readFileSync(new URL('fixtures/nft-1.0.6-kovn-nat.json', import.meta.url), 'utf8');
const chain = (set: NftRuleSet, name: string) => set.chains.find((c) => c.name === name);

describe('nftables rendering, chain by chain', () => {
  const set = nftRuleSet(RULES, o);
  const cases: { chain: string; base?: object; rules: string[] }[] = [
    {
      chain: 'VPC_MARK',
      base: { type: 'filter', hook: 'prerouting', priority: -150, policy: 'accept' },
      rules: ['iifname "eth0" meta mark set meta mark | 0x1'],
    },
    {
      chain: 'DNAT_FILTER',
      base: { type: 'nat', hook: 'prerouting', priority: -100, policy: 'accept' },
      rules: ['jump EXCLUSIVE_DNAT', 'jump SHARED_DNAT'],
    },
    { chain: 'EXCLUSIVE_DNAT', rules: ['ip daddr 192.168.0.13 dnat to 10.0.1.20'] },
    {
      chain: 'SHARED_DNAT',
      rules: [
        'ip daddr 192.168.0.12 tcp dport 8888 dnat to 10.0.1.10:80',
        'ip daddr 192.168.0.12 udp dport 53 dnat to 10.0.1.10:5353',
      ],
    },
    {
      chain: 'SNAT_FILTER',
      base: { type: 'nat', hook: 'postrouting', priority: 100, policy: 'accept' },
      rules: ['jump EXCLUSIVE_SNAT', 'jump SHARED_SNAT', 'jump HAIRPIN_SNAT'],
    },
    { chain: 'EXCLUSIVE_SNAT', rules: ['ip saddr 10.0.1.20 snat to 192.168.0.13'] },
    {
      chain: 'SHARED_SNAT',
      rules: [
        'ip saddr 10.0.0.5 oifname "net1" snat to 192.168.0.12 fully-random',
        'ip saddr 10.0.1.0/24 oifname "net1" snat to 192.168.0.12 fully-random',
        'ip saddr 0.0.0.0/0 oifname "net1" snat to 192.168.0.12 fully-random',
      ],
    },
    {
      chain: 'HAIRPIN_SNAT',
      rules: [
        'oifname "eth0" meta mark & 0x1 == 0x1 ct status dnat ct original ip daddr 192.168.0.12 snat to 192.168.0.12 fully-random',
      ],
    },
  ];
  for (const c of cases) {
    it(c.chain, () => {
      const got = chain(set, c.chain);
      assert.ok(got, `chain ${c.chain} is rendered`);
      assert.deepEqual(got.base, c.base);
      assert.deepEqual(got.rules, c.rules);
    });
  }
  it('has exactly the chains of the layout, in its order', () => {
    assert.deepEqual(
      set.chains.map((c) => c.name),
      cases.map((c) => c.chain),
    );
  });

  it('writes one transaction that names only its own table', () => {
    const script = renderNftScript(set);
    const lines = script.split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      'table ip kovn-nat {}',
      'delete table ip kovn-nat',
      'table ip kovn-nat {',
    ]);
    assert.deepEqual(
      lines.filter((l) => /^\s*(table|delete|flush|add)\b/.test(l)),
      ['table ip kovn-nat {}', 'delete table ip kovn-nat', 'table ip kovn-nat {'],
    );
    assert.ok(lines.includes('\t\ttype nat hook prerouting priority dstnat; policy accept;'));
    assert.ok(lines.includes('\t\ttype filter hook prerouting priority mangle; policy accept;'));
    assert.ok(lines.includes('\t\ttype nat hook postrouting priority srcnat; policy accept;'));
    assert.equal(NFT_REMOVAL_SCRIPT, 'table ip kovn-nat {}\ndelete table ip kovn-nat\n');
  });

  it('renders only the included rules, and a statement twice once', () => {
    const only = nftRuleSet(RULES, o, new Set<RuleId>(['dnat/d1']));
    assert.deepEqual(chain(only, 'SHARED_DNAT')?.rules, [
      'ip daddr 192.168.0.12 tcp dport 8888 dnat to 10.0.1.10:80',
    ]);
    assert.deepEqual(chain(only, 'HAIRPIN_SNAT')?.rules, []);
    assert.deepEqual(chain(only, 'VPC_MARK')?.rules, ['iifname "eth0" meta mark set meta mark | 0x1']);
    const twice = nftRuleSet(
      [
        { kind: 'snat', name: 'a', eip: '192.168.0.12', cidr: '10.0.1.0/24', prefix: 24 },
        { kind: 'snat', name: 'b', eip: '192.168.0.12', cidr: '10.0.1.0/24', prefix: 24 },
      ],
      o,
    );
    assert.equal(chain(twice, 'SHARED_SNAT')?.rules.length, 1);
  });
});

describe("reading the kernel's JSON", () => {
  it('reads the applied table back equal to what was rendered', () => {
    const held = parseNftTable(fixture);
    assert.deepEqual(held.foreign, []);
    assert.equal(nftCanonical(held), nftCanonical(nftRuleSet(RULES, o)));
  });
  it('a different wanted set is a difference', () => {
    const fewer = nftRuleSet(
      RULES.filter((r) => r.name !== 's3'),
      o,
    );
    assert.notEqual(nftCanonical(parseNftTable(fixture)), nftCanonical(fewer));
  });

  /** The fixture with one more entry, or one rule's expressions changed. */
  const edited = (edit: (entries: Record<string, unknown>[]) => void): string => {
    const doc = JSON.parse(fixture) as { nftables: Record<string, unknown>[] };
    edit(doc.nftables);
    return JSON.stringify(doc);
  };
  const ruleOf = (entries: Record<string, unknown>[], chainName: string) =>
    entries.find((e) => (e['rule'] as { chain?: string } | undefined)?.chain === chainName)!['rule'] as {
      expr: unknown[];
    };
  const cases: { name: string; text: string }[] = [
    {
      name: 'a counter added to our rule',
      text: edited((es) =>
        ruleOf(es, 'EXCLUSIVE_DNAT').expr.splice(1, 0, { counter: { packets: 3, bytes: 180 } }),
      ),
    },
    {
      name: 'a rule we did not write',
      text: edited((es) =>
        es.push({
          rule: {
            family: 'ip',
            table: 'kovn-nat',
            chain: 'SHARED_DNAT',
            handle: 99,
            expr: [{ accept: null }],
          },
        }),
      ),
    },
    {
      name: 'a set in our table',
      text: edited((es) =>
        es.push({ set: { family: 'ip', name: 'x', table: 'kovn-nat', type: 'ipv4_addr' } }),
      ),
    },
    {
      name: 'a base chain at another priority',
      text: edited((es) => {
        const c = es.find((e) => (e['chain'] as { name?: string } | undefined)?.name === 'DNAT_FILTER')!;
        (c['chain'] as { prio: number }).prio = -99;
      }),
    },
    {
      name: 'an expression nft-observe does not know',
      text: edited((es) => ruleOf(es, 'SHARED_SNAT').expr.unshift({ limit: { rate: 1, per: 'second' } })),
    },
  ];
  for (const c of cases) {
    it(`${c.name} is a difference`, () => {
      assert.notEqual(nftCanonical(parseNftTable(c.text)), nftCanonical(nftRuleSet(RULES, o)));
    });
  }

  it("reads the older nft's conntrack form and flag lists the same", () => {
    assert.equal(
      statement({
        match: {
          op: '==',
          left: { ct: { key: 'daddr', family: 'ip', dir: 'original' } },
          right: '192.168.0.12',
        },
      }),
      'ct original ip daddr 192.168.0.12',
    );
    assert.equal(
      statement({ match: { op: '==', left: { ct: { key: 'status' } }, right: 'dnat' } }),
      'ct status dnat',
    );
    assert.equal(
      statement({ snat: { addr: '192.168.0.12', flags: ['fully-random'] } }),
      'snat to 192.168.0.12 fully-random',
    );
  });
  it('refuses what is not the JSON of nft -j', () => {
    assert.throws(() => parseNftTable('{"tables": []}'), /no "nftables" list/);
  });
  it('finds the DNAT and FIP translations the table holds', () => {
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
    assert.deepEqual(nftDnats(parseNftTable(fixture)).sort(byKey), wantedDnats(RULES).sort(byKey));
  });
  it("names nft's error and the rule it is about", () => {
    const stderr = [
      '/dev/stdin:17:3-60: Error: Could not resolve hostname: Name or service not known',
      '\t\tip daddr 192.168.0.12 tcp dport 1 dnat to 10.0.1.999:80',
      '\t\t                                          ^^^^^^^^^^^^^',
    ].join('\n');
    assert.equal(
      nftComplaint({ code: 1, stdout: '', stderr }),
      'nft: Could not resolve hostname: Name or service not known: ip daddr 192.168.0.12 tcp dport 1 dnat to 10.0.1.999:80',
    );
  });
});
