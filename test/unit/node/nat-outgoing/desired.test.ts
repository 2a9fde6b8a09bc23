// natOutgoing's desired state from Subnets (src/node/nat-outgoing/desired.ts), table-driven: which CIDRs go into
// Kube-OVN's ovn40subnets / ovn40subnets-nat (and ovn60...), which families need nothing, and the rule document.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { desiredNatOutgoing, renderNat, type SubnetLike } from '../../../../src/node/nat-outgoing/desired.ts';

const subnet = (
  name: string,
  cidrBlock: string,
  spec: SubnetLike['spec'] = {},
  deleting = false,
): SubnetLike => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { cidrBlock, vpc: 'ovn-cluster', provider: 'ovn', ...spec },
});
const join = subnet('join', '100.64.0.0/16');

const cases: {
  name: string;
  subnets: SubnetLike[];
  v4?: { all: string[]; nat: string[] };
  v6?: { all: string[]; nat: string[] };
}[] = [
  {
    name: 'no natOutgoing subnet: nothing in either family',
    subnets: [join, subnet('ovn-default', '10.16.0.0/16')],
  },
  {
    name: 'one natOutgoing subnet: all default-VPC CIDRs (join too) and the NAT one',
    subnets: [
      join,
      subnet('ovn-default', '10.16.0.0/16', { natOutgoing: true }),
      subnet('s2', '10.17.0.0/16'),
    ],
    v4: { all: ['10.16.0.0/16', '10.17.0.0/16', '100.64.0.0/16'], nat: ['10.16.0.0/16'] },
  },
  {
    name: 'custom-VPC subnets count for neither set (natOutgoing is ignored there, as in Kube-OVN)',
    subnets: [
      join,
      subnet('ovn-default', '10.16.0.0/16', { natOutgoing: true }),
      subnet('t1', '10.0.1.0/24', { vpc: 'vpc1', natOutgoing: true }),
    ],
    v4: { all: ['10.16.0.0/16', '100.64.0.0/16'], nat: ['10.16.0.0/16'] },
  },
  {
    name: 'natOutgoing only in a custom VPC: nothing',
    subnets: [join, subnet('t1', '10.0.1.0/24', { vpc: 'vpc1', natOutgoing: true })],
  },
  {
    name: 'an empty vpc is the default VPC; a non-OVN provider and a subnet being deleted do not count',
    subnets: [
      join,
      subnet('a', '10.16.0.0/16', { vpc: '', natOutgoing: true }),
      subnet('macvlan', '172.18.0.0/16', { vpc: '', provider: 'net1.ns1', natOutgoing: true }),
      subnet('gone', '10.18.0.0/16', { natOutgoing: true }, true),
    ],
    v4: { all: ['10.16.0.0/16', '100.64.0.0/16'], nat: ['10.16.0.0/16'] },
  },
  {
    name: 'dual stack: each family its own sets; a family without a natOutgoing CIDR needs nothing',
    subnets: [
      subnet('join', '100.64.0.0/16,fd00:100:64::/112'),
      subnet('d', '10.16.0.0/16,fd00:10:16::/64', { natOutgoing: true }),
      subnet('v4only', '10.20.0.0/16', { natOutgoing: true }),
      subnet('v6plain', 'fd00:20::/64'),
    ],
    v4: { all: ['10.16.0.0/16', '10.20.0.0/16', '100.64.0.0/16'], nat: ['10.16.0.0/16', '10.20.0.0/16'] },
    v6: {
      all: ['fd00:100:64::/112', 'fd00:10:16::/64', 'fd00:20::/64'].sort(),
      nat: ['fd00:10:16::/64'],
    },
  },
];

describe('desiredNatOutgoing', () => {
  for (const c of cases)
    it(c.name, () => {
      const state = desiredNatOutgoing(c.subnets);
      for (const [family, want] of [
        [4, c.v4],
        [6, c.v6],
      ] as const) {
        const got = state[family];
        if (!want) {
          assert.equal(got, undefined, `IPv${family}`);
          continue;
        }
        assert.ok(got, `IPv${family}`);
        assert.deepEqual(
          got.sets.map((s) => [s.name, s.temp, s.type, s.family, s.members]),
          [
            [`ovn${family}0subnets`, `ovn${family}1subnets`, 'hash:net', family, want.all],
            [`ovn${family}0subnets-nat`, `ovn${family}1subnets-nat`, 'hash:net', family, want.nat],
          ],
        );
        assert.equal(got.document, renderNat(family));
      }
    });
});

describe('renderNat', () => {
  it("writes Kube-OVN's rules in iptables-save's spelling", () => {
    assert.equal(
      renderNat(6),
      [
        '*nat',
        ':OVN-POSTROUTING - [0:0]',
        ':OVN-MASQUERADE - [0:0]',
        '-A OVN-POSTROUTING -p tcp -m tcp --tcp-flags SYN NONE -m conntrack --ctstate NEW -j RETURN',
        '-A OVN-POSTROUTING -m set --match-set ovn60subnets-nat src -m set ! --match-set ovn60subnets dst -j OVN-MASQUERADE',
        '-A OVN-MASQUERADE -j MARK --set-xmark 0x0/0xffffffff',
        '-A OVN-MASQUERADE -j MASQUERADE',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });
});
