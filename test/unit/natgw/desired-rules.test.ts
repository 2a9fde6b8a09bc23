import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { IptablesEip } from '../../../src/api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../../../src/api/kinds/nat-rules.ts';
import type { Subnet } from '../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../src/api/kinds/vpc-nat-gateway.ts';
import { findFailing } from '../../../src/natgw/apply.ts';
import { desiredGateway, type GatewayInputs } from '../../../src/natgw/desired.ts';
import { nextReport } from '../../../src/natgw/report.ts';
import { readNatReport } from '../../../src/api/nat-report.ts';
import { canonicalRuleSet, iptablesDnats, renderRuleSet } from '../../../src/natgw/iptables-rules.ts';
import { removedDnatTargets, ruleId, wantedDnats, type RuleId } from '../../../src/natgw/rules.ts';

const meta = (name: string, t = '2026-01-01T00:00:00Z') => ({ name, creationTimestamp: t });
const subnet = (name: string, spec: Record<string, unknown>): Subnet =>
  ({ metadata: { name }, spec }) as Subnet;
const gateway = {
  metadata: { name: 'gw1' },
  spec: { vpc: 'test-vpc-1', subnet: 'net1', lanIp: '10.0.1.254' },
} as VpcNatGateway;
const eip = (name: string, ip: string | undefined, gw = 'gw1', t?: string): IptablesEip =>
  ({ metadata: meta(name, t), spec: { natGwDp: gw }, status: ip ? { ip } : {} }) as IptablesEip;
const dnat = (name: string, e: string, port: string, ip: string, t?: string, type?: string): Dnat =>
  ({
    metadata: meta(name, t),
    spec: {
      eip: e,
      externalPort: port,
      protocol: 'tcp',
      internalIp: ip,
      internalPort: '80',
      ...(type ? { type } : {}),
    },
  }) as Dnat;
const snat = (name: string, e: string, cidr: string, t?: string): Snat =>
  ({ metadata: meta(name, t), spec: { eip: e, internalCIDR: cidr } }) as Snat;
const fip = (name: string, e: string, ip: string, t?: string): Fip =>
  ({ metadata: meta(name, t), spec: { eip: e, internalIp: ip } }) as Fip;

const base: GatewayInputs = {
  gateway,
  subnets: [
    subnet('ovn-vpc-external-network', {
      cidrBlock: '192.168.0.0/24',
      gateway: '192.168.0.1',
      provider: 'x.kube-system',
    }),
    subnet('net1', { cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1', vpc: 'test-vpc-1' }),
    subnet('net2', { cidrBlock: '10.0.2.0/24', gateway: '10.0.2.1', vpc: 'test-vpc-1' }),
    subnet('other', { cidrBlock: '10.0.3.0/24', gateway: '10.0.3.1', vpc: 'test-vpc-2' }),
  ],
  eips: [
    eip('e1', '192.168.0.11'),
    eip('e2', '192.168.0.12'),
    eip('e3', undefined),
    eip('eo', '192.168.0.20', 'gw2'),
  ],
  dnats: [],
  snats: [],
  fips: [],
};

describe('desired gateway state', () => {
  it('holds its own EIPs with an address, routes the VPC other subnets via the LAN gateway', () => {
    const d = desiredGateway(base);
    assert.deepEqual(
      d.nics.map((n) => [n.ifname, n.subnet, n.addresses]),
      [['net1', 'ovn-vpc-external-network', ['192.168.0.11/24', '192.168.0.12/24']]],
    );
    assert.equal(d.externalGateway, '192.168.0.1');
    assert.deepEqual(d.routes, [
      { dst: '192.168.0.0/24', dev: 'net1' },
      { dst: '10.0.2.0/24', via: '10.0.1.1', dev: 'eth0' },
    ]);
  });

  const cases: { name: string; input: Partial<GatewayInputs>; applied: RuleId[]; refused: RuleId[] }[] = [
    {
      name: 'DNAT and SNAT share an EIP',
      input: { dnats: [dnat('d1', 'e1', '8888', '10.0.1.10')], snats: [snat('s1', 'e1', '10.0.1.0/24')] },
      applied: ['dnat/d1', 'snat/s1'],
      refused: [],
    },
    {
      name: 'a second FIP on one EIP is refused (the older keeps it)',
      input: { fips: [fip('f2', 'e2', '10.0.1.6', '2026-01-02T00:00:00Z'), fip('f1', 'e2', '10.0.1.5')] },
      applied: ['fip/f1'],
      refused: ['fip/f2'],
    },
    {
      name: 'a DNAT beside a FIP is refused',
      input: {
        fips: [fip('f1', 'e2', '10.0.1.5')],
        dnats: [dnat('d1', 'e2', '80', '10.0.1.10', '2026-01-03T00:00:00Z')],
      },
      applied: ['fip/f1'],
      refused: ['dnat/d1'],
    },
    {
      // Was refused ("a FIP needs its EIP alone"): Kube-OVN programs both, and so does kovn now (ADR 2).
      name: 'a FIP on an EIP in use by SNAT is programmed beside it',
      input: {
        snats: [snat('s1', 'e1', '10.0.1.0/24')],
        fips: [fip('f1', 'e1', '10.0.1.5', '2026-01-03T00:00:00Z')],
      },
      applied: ['fip/f1', 'snat/s1'],
      refused: [],
    },
    {
      // Was "to one target: both fine": the controller and admission refuse an exclusive duplicate whatever its
      // target (Kube-OVN: both must be share), and now the gateway agrees (nat-identity.ts).
      name: 'one DNAT identity: later exclusive ones are refused, to another target or the same',
      input: {
        dnats: [
          dnat('d1', 'e1', '8888', '10.0.1.10'),
          dnat('d2', 'e1', '8888', '10.0.1.11', '2026-01-02T00:00:00Z'),
          dnat('d3', 'e1', '8888', '10.0.1.10', '2026-01-03T00:00:00Z'),
        ],
      },
      applied: ['dnat/d1'],
      refused: ['dnat/d2', 'dnat/d3'],
    },
    {
      name: 'share DNATs of one identity: to one target both are kept, to another the later is refused',
      input: {
        dnats: [
          dnat('d1', 'e1', '8888', '10.0.1.10', undefined, 'share'),
          dnat('d2', 'e1', '8888', '10.0.1.10', '2026-01-02T00:00:00Z', 'share'),
          dnat('d3', 'e1', '8888', '10.0.1.11', '2026-01-03T00:00:00Z', 'share'),
        ],
      },
      applied: ['dnat/d1', 'dnat/d2'],
      refused: ['dnat/d3'],
    },
    {
      name: 'the external port is a number: "080" is port 80',
      input: {
        dnats: [
          dnat('d1', 'e1', '80', '10.0.1.10'),
          dnat('d2', 'e1', '080', '10.0.1.10', '2026-01-02T00:00:00Z'),
        ],
      },
      applied: ['dnat/d1'],
      refused: ['dnat/d2'],
    },
    {
      name: 'a SNAT identity (EIP, normalised CIDR) is held by the first SNAT',
      input: {
        snats: [snat('s1', 'e1', '10.0.1.7/32'), snat('s2', 'e1', '10.0.1.7', '2026-01-02T00:00:00Z')],
      },
      applied: ['snat/s1'],
      refused: ['snat/s2'],
    },
    {
      name: 'rules on an EIP without an address, or of another gateway, are not tried',
      input: { dnats: [dnat('d1', 'e3', '80', '10.0.1.10'), dnat('d2', 'eo', '80', '10.0.1.10')] },
      applied: [],
      refused: [],
    },
    {
      name: 'bad values are refused with the field',
      input: { snats: [snat('s1', 'e1', 'fd00::/64')], fips: [fip('f1', 'e2', '10.0.1.300')] },
      applied: [],
      refused: ['snat/s1', 'fip/f1'],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const d = desiredGateway({ ...base, ...c.input });
      assert.deepEqual(
        d.rules
          .filter((r) => r.kind !== 'eip')
          .map(ruleId)
          .sort(),
        [...c.applied].sort(),
      );
      assert.deepEqual([...d.refused.keys()].sort(), [...c.refused].sort());
    });

  it('a bare IP SNAT becomes /32; deleting rules are left out', () => {
    const gone = {
      ...snat('s2', 'e1', '10.0.1.0/24'),
      metadata: { ...meta('s2'), deletionTimestamp: 'x' },
    } as Snat;
    const d = desiredGateway({ ...base, snats: [snat('s1', 'e1', '10.0.1.7'), gone] });
    assert.deepEqual(
      d.rules.filter((r) => r.kind === 'snat').map((r) => r.kind === 'snat' && r.cidr),
      ['10.0.1.7/32'],
    );
  });
});

describe('rule set rendering', () => {
  let d: ReturnType<typeof desiredGateway>;
  let text: string;
  before(() => {
    d = desiredGateway({
      ...base,
      dnats: [dnat('d1', 'e1', '8888', '10.0.1.10')],
      snats: [snat('wide', 'e1', '10.0.0.0/16'), snat('narrow', 'e1', '10.0.1.0/24')],
      fips: [fip('f1', 'e2', '10.0.1.5')],
    });
    text = renderRuleSet(d.rules, d);
  });
  it('puts SNAT longest prefix first and FIP before port DNAT', () => {
    const lines = text.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    assert.ok(at('-s 10.0.1.0/24 -o net1') < at('-s 10.0.0.0/16 -o net1'));
    assert.ok(at('-A DNAT_FILTER -j EXCLUSIVE_DNAT') < at('-A DNAT_FILTER -j SHARED_DNAT'));
    assert.ok(lines.includes('-A EXCLUSIVE_DNAT -d 192.168.0.12/32 -j DNAT --to-destination 10.0.1.5'));
    assert.ok(
      lines.includes(
        '-A SHARED_DNAT -d 192.168.0.11/32 -p tcp -m tcp --dport 8888 -j DNAT --to-destination 10.0.1.10:80',
      ),
    );
    assert.equal(lines.filter((l) => l.startsWith('-A HAIRPIN_SNAT')).length, 2);
  });
  it('renders only the included rules and reads back equal in canonical form', () => {
    const only = renderRuleSet(d.rules, d, new Set<RuleId>(['dnat/d1']));
    assert.ok(!only.includes('SNAT --to-source 192.168.0.11 --random-fully\n-A SHARED_SNAT'));
    assert.ok(!only.includes('EXCLUSIVE_DNAT -d'));
    const shuffled = text
      .split('\n')
      .reverse()
      .join('\n')
      .replace(/^(COMMIT|\*nat|\*mangle)$/gm, '');
    assert.notEqual(canonicalRuleSet(text), canonicalRuleSet(only));
    assert.equal(canonicalRuleSet(text), canonicalRuleSet(text.replace(/\[0:0\]/g, '[5:300]')));
    assert.ok(shuffled.length > 0);
  });
});

describe('bisection and report', () => {
  it('finds exactly the failing rules', async () => {
    const d = desiredGateway({
      ...base,
      dnats: ['1', '2', '3', '4', '5'].map((n) => dnat(`d${n}`, 'e1', `80${n}`, '10.0.1.10')),
    });
    const bad = new Set<RuleId>(['dnat/d2', 'dnat/d5']);
    let tests = 0;
    const failing = await findFailing(d.rules, (ids) => {
      tests++;
      return Promise.resolve([...ids].some((id) => bad.has(id)) ? 'refused' : undefined);
    });
    assert.deepEqual([...failing.keys()].sort(), ['dnat/d2', 'dnat/d5']);
    assert.ok(tests < 2 * d.rules.length);
  });
  it('writes a new generation only when the outcome changes', () => {
    const first = nextReport(undefined, { 'eip/e1': { ok: true } });
    assert.equal(first, '{"generation":1,"rules":{"eip/e1":{"ok":true}}}');
    const current = readNatReport({ 'kovn.io/nat-applied': first ?? '' });
    assert.equal(nextReport(current, { 'eip/e1': { ok: true } }), undefined);
    const changed = nextReport(current, { 'eip/e1': { ok: false, reason: 'x' } }) ?? '';
    assert.equal((JSON.parse(changed) as { generation: number }).generation, 2);
  });
});

describe('conntrack flush targets', () => {
  it('names the EIPs whose DNAT or FIP lines went away or changed, nothing else', () => {
    const saved = [
      '-A SHARED_DNAT -d 192.168.0.11/32 -p tcp -m tcp --dport 8888 -j DNAT --to-destination 10.0.1.10:80',
      '-A SHARED_DNAT -d 192.168.0.12/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.1.10:80',
      '-A EXCLUSIVE_DNAT -d 192.168.0.13/32 -j DNAT --to-destination 10.0.1.5',
      '-A SHARED_SNAT -s 10.0.1.0/24 -o net1 -j SNAT --to-source 192.168.0.14 --random-fully',
    ].join('\n');
    const wanted = [
      '-A SHARED_DNAT -d 192.168.0.11/32 -p tcp -m tcp --dport 8888 -j DNAT --to-destination 10.0.1.11:80',
      '-A SHARED_DNAT -d 192.168.0.12/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.1.10:80',
    ].join('\n');
    assert.deepEqual(removedDnatTargets(iptablesDnats(saved), iptablesDnats(wanted)), [
      '192.168.0.11',
      '192.168.0.13',
    ]);
    assert.deepEqual(removedDnatTargets(iptablesDnats(wanted), iptablesDnats(wanted)), []);
  });
  it('reads a rendered set back as the translations its rules hold', () => {
    const d = desiredGateway({
      ...base,
      dnats: [dnat('d1', 'e1', '8888', '10.0.1.10')],
      fips: [fip('f1', 'e2', '10.0.1.5')],
    });
    const wanted = wantedDnats(d.rules);
    assert.deepEqual(
      wanted.map((e) => e.key),
      ['192.168.0.11 tcp 8888 10.0.1.10:80', '192.168.0.12 * * 10.0.1.5'],
    );
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
    assert.deepEqual(iptablesDnats(renderRuleSet(d.rules, d)).sort(byKey), [...wanted].sort(byKey));
    assert.deepEqual(removedDnatTargets(iptablesDnats(renderRuleSet(d.rules, d)), wanted), []);
  });
});
