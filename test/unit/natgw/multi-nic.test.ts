// A gateway on several external networks (issue 22 point 2), from the CRs to both rule backends: one NIC per entry
// of spec.externalSubnets (net1, net2, ...), each EIP on the NIC of its externalSubnet (absent: the gateway's first),
// the SNAT of an EIP leaving through that NIC and a floating IP's source translation bound to it, in the iptables
// document and in the nftables table alike; each external CIDR routed out of its own NIC, the default route out of
// the first, `spec.routes` out of the NIC that holds its next hop (a 0.0.0.0/0 entry replacing the default route);
// an EIP of a subnet the gateway has no NIC on refused with the field, the value and the NICs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IptablesEip } from '../../../src/api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../../../src/api/kinds/nat-rules.ts';
import type { Subnet } from '../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../src/api/kinds/vpc-nat-gateway.ts';
import { desiredGateway, type GatewayInputs } from '../../../src/natgw/desired.ts';
import { renderRuleSet } from '../../../src/natgw/iptables-rules.ts';
import { nftRuleSet } from '../../../src/natgw/nft-rules.ts';

const meta = (name: string) => ({ name, creationTimestamp: '2026-01-01T00:00:00Z' });
const subnet = (name: string, spec: Record<string, unknown>): Subnet =>
  ({ metadata: { name }, spec }) as Subnet;
const gateway = (spec: Record<string, unknown>): VpcNatGateway =>
  ({
    metadata: { name: 'gw1' },
    spec: { vpc: 'v1', subnet: 'lan', lanIp: '10.0.1.254', ...spec },
  }) as VpcNatGateway;
const eip = (name: string, ip: string, externalSubnet?: string): IptablesEip =>
  ({
    metadata: meta(name),
    spec: { natGwDp: 'gw1', ...(externalSubnet ? { externalSubnet } : {}) },
    status: { ip },
  }) as IptablesEip;
const snat = (name: string, e: string, cidr: string): Snat =>
  ({ metadata: meta(name), spec: { eip: e, internalCIDR: cidr } }) as Snat;
const fip = (name: string, e: string, internalIp: string): Fip =>
  ({ metadata: meta(name), spec: { eip: e, internalIp } }) as Fip;
const dnat = (name: string, e: string): Dnat =>
  ({
    metadata: meta(name),
    spec: { eip: e, externalPort: '8888', internalIp: '10.0.1.10', internalPort: '80', protocol: 'tcp' },
  }) as Dnat;

const subnets = [
  subnet('ovn-vpc-external-network', {
    cidrBlock: '192.168.0.0/24',
    gateway: '192.168.0.1',
    provider: 'ovn-vpc-external-network.kube-system',
  }),
  subnet('ext2', { cidrBlock: '192.168.1.0/24', gateway: '192.168.1.1', provider: 'ext2.kube-system' }),
  subnet('ext3', { cidrBlock: '192.168.3.0/24', gateway: '192.168.3.1', provider: 'ext3.kube-system' }),
  subnet('lan', { vpc: 'v1', cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1' }),
  subnet('b', { vpc: 'v1', cidrBlock: '10.0.2.0/24', gateway: '10.0.2.1' }),
];
const twoNics = (extra: Record<string, unknown> = {}) =>
  gateway({ externalSubnets: ['ovn-vpc-external-network', 'ext2'], ...extra });
const inputs = (gw: VpcNatGateway, over: Partial<GatewayInputs> = {}): GatewayInputs => ({
  gateway: gw,
  subnets,
  eips: [eip('e1', '192.168.0.12'), eip('e2', '192.168.1.12', 'ext2'), eip('f2', '192.168.1.13', 'ext2')],
  dnats: [dnat('d2', 'e2')],
  snats: [snat('s1', 'e1', '10.0.1.0/24'), snat('s2', 'e2', '10.0.1.0/24')],
  fips: [fip('fip1', 'e1', '10.0.1.5'), fip('fip2', 'f2', '10.0.1.5')],
  ...over,
});

describe('a gateway on two external networks', () => {
  const d = desiredGateway({ ...inputs(twoNics()), fips: [fip('fip2', 'f2', '10.0.1.5')] });

  it('one NIC per external subnet, in order, each with the EIPs of its subnet', () => {
    assert.deepEqual(
      d.nics.map((n) => [n.ifname, n.subnet, n.provider, n.cidr, n.addresses]),
      [
        [
          'net1',
          'ovn-vpc-external-network',
          'ovn-vpc-external-network.kube-system',
          '192.168.0.0/24',
          ['192.168.0.12/24'],
        ],
        ['net2', 'ext2', 'ext2.kube-system', '192.168.1.0/24', ['192.168.1.12/24', '192.168.1.13/24']],
      ],
    );
    assert.equal(d.extIf, 'net1');
    assert.deepEqual([...d.refused], []);
  });

  it('routes: each external CIDR out of its NIC, the default via the first, the VPC via eth0', () => {
    assert.equal(d.externalGateway, '192.168.0.1');
    assert.deepEqual(d.routes, [
      { dst: '192.168.0.0/24', dev: 'net1' },
      { dst: '192.168.1.0/24', dev: 'net2' },
      { dst: '10.0.2.0/24', via: '10.0.1.1', dev: 'eth0' },
    ]);
  });

  it('iptables: each SNAT leaves through its EIP NIC, a floating IP translates only out of its NIC', () => {
    const doc = renderRuleSet(d.rules, d);
    assert.match(
      doc,
      /^-A SHARED_SNAT -s 10\.0\.1\.0\/24 -o net1 -j SNAT --to-source 192\.168\.0\.12 --random-fully$/m,
    );
    assert.match(
      doc,
      /^-A SHARED_SNAT -s 10\.0\.1\.0\/24 -o net2 -j SNAT --to-source 192\.168\.1\.12 --random-fully$/m,
    );
    assert.match(doc, /^-A EXCLUSIVE_SNAT -s 10\.0\.1\.5\/32 -o net2 -j SNAT --to-source 192\.168\.1\.13$/m);
    assert.match(doc, /^-A EXCLUSIVE_DNAT -d 192\.168\.1\.13\/32 -j DNAT --to-destination 10\.0\.1\.5$/m);
    assert.match(doc, /^-A SHARED_DNAT -d 192\.168\.1\.12\/32 -p tcp -m tcp --dport 8888 -j DNAT/m);
  });

  it('nftables: the same, with oifname', () => {
    const chain = (name: string) => nftRuleSet(d.rules, d).chains.find((c) => c.name === name)?.rules ?? [];
    assert.deepEqual(chain('SHARED_SNAT'), [
      'ip saddr 10.0.1.0/24 oifname "net1" snat to 192.168.0.12 fully-random',
      'ip saddr 10.0.1.0/24 oifname "net2" snat to 192.168.1.12 fully-random',
    ]);
    assert.deepEqual(chain('EXCLUSIVE_SNAT'), ['ip saddr 10.0.1.5 oifname "net2" snat to 192.168.1.13']);
    assert.deepEqual(chain('EXCLUSIVE_DNAT'), ['ip daddr 192.168.1.13 dnat to 10.0.1.5']);
  });

  it('one internal address with a floating IP on each network: each bound to its own NIC', () => {
    const both = desiredGateway(inputs(twoNics()));
    const exclusive = nftRuleSet(both.rules, both).chains.find((c) => c.name === 'EXCLUSIVE_SNAT')?.rules;
    assert.deepEqual(exclusive, [
      'ip saddr 10.0.1.5 oifname "net1" snat to 192.168.0.12',
      'ip saddr 10.0.1.5 oifname "net2" snat to 192.168.1.13',
    ]);
  });
});

describe("one external network: the rules are Kube-OVN's", () => {
  it('a floating IP has no -o, a SNAT goes out of net1', () => {
    const d = desiredGateway({
      ...inputs(gateway({}), { eips: [eip('e1', '192.168.0.12')] }),
      snats: [snat('s1', 'e1', '10.0.1.0/24')],
      fips: [fip('fip1', 'e1', '10.0.1.5')],
      dnats: [],
    });
    const doc = renderRuleSet(d.rules, d);
    assert.match(doc, /^-A EXCLUSIVE_SNAT -s 10\.0\.1\.5\/32 -j SNAT --to-source 192\.168\.0\.12$/m);
    assert.match(doc, /^-A SHARED_SNAT -s 10\.0\.1\.0\/24 -o net1 -j SNAT/m);
  });
});

describe('which NIC an EIP is on', () => {
  it('no externalSubnet: the gateway first external subnet', () => {
    const d = desiredGateway(
      inputs(gateway({ externalSubnets: ['ext2', 'ovn-vpc-external-network'] }), {
        eips: [eip('e', '192.168.1.20')],
        snats: [snat('s', 'e', '10.0.1.0/24')],
      }),
    );
    assert.deepEqual(
      d.nics.map((n) => [n.ifname, n.subnet, n.addresses]),
      [
        ['net1', 'ext2', ['192.168.1.20/24']],
        ['net2', 'ovn-vpc-external-network', []],
      ],
    );
    assert.equal(d.externalGateway, '192.168.1.1');
    assert.match(renderRuleSet(d.rules, d), /-o net1 -j SNAT --to-source 192\.168\.1\.20/);
  });

  it('a subnet the gateway has no NIC on: the EIP and its rules are left out, the EIP says why', () => {
    const d = desiredGateway(
      inputs(twoNics(), {
        eips: [eip('e3', '192.168.3.5', 'ext3')],
        snats: [snat('s3', 'e3', '10.0.1.0/24')],
        dnats: [],
        fips: [],
      }),
    );
    assert.deepEqual(d.rules, []);
    assert.deepEqual(
      d.nics.flatMap((n) => n.addresses),
      [],
    );
    assert.deepEqual(
      [...d.refused],
      [
        [
          'eip/e3',
          'spec.externalSubnet: ext3 is not an external subnet of vpc-nat-gateway gw1 (it has net1 on ovn-vpc-external-network, net2 on ext2)',
        ],
      ],
    );
  });

  it('a subnet listed twice is one NIC', () => {
    const d = desiredGateway(inputs(gateway({ externalSubnets: ['ext2', 'ext2'] }), { eips: [] }));
    assert.deepEqual(
      d.nics.map((n) => n.ifname),
      ['net1'],
    );
  });
});

describe('the gateway spec.routes', () => {
  const routesOf = (routes: unknown[]) => desiredGateway(inputs(twoNics({ routes }), { eips: [] }));
  it('out of the NIC that holds the next hop, else eth0; `gateway` is the LAN gateway; IPv6 too; bad entries left out', () => {
    const d = routesOf([
      { cidr: '198.51.100.0/24', nextHopIP: '192.168.1.1' },
      { cidr: '203.0.113.7', nextHopIP: '192.168.0.1' },
      { cidr: '10.9.0.0/16', nextHopIP: 'gateway' },
      { cidr: '10.8.0.5/16', nextHopIP: '10.0.1.7' },
      { cidr: 'fd00::/64', nextHopIP: 'fd00::1' },
      { cidr: 'fd00:1::/64', nextHopIP: '10.0.1.1' },
      { cidr: 'nonsense', nextHopIP: '10.0.1.1' },
      { cidr: '10.7.0.0/16' },
    ]);
    assert.deepEqual(
      d.routes.filter((r) => r.field),
      [
        { dst: '198.51.100.0/24', via: '192.168.1.1', dev: 'net2', field: 'spec.routes[0]' },
        { dst: '203.0.113.7/32', via: '192.168.0.1', dev: 'net1', field: 'spec.routes[1]' },
        { dst: '10.9.0.0/16', via: '10.0.1.1', dev: 'eth0', field: 'spec.routes[2]' },
        { dst: '10.8.0.0/16', via: '10.0.1.7', dev: 'eth0', field: 'spec.routes[3]' },
        { dst: 'fd00::/64', via: 'fd00::1', dev: 'eth0', field: 'spec.routes[4]' },
      ],
    );
    assert.equal(d.externalGateway, '192.168.0.1');
  });
  it('a 0.0.0.0/0 entry is the default route instead of the first external gateway', () => {
    const d = routesOf([{ cidr: '0.0.0.0/0', nextHopIP: '192.168.1.1' }]);
    assert.equal(d.externalGateway, undefined);
    assert.deepEqual(d.routes.at(-1), {
      dst: '0.0.0.0/0',
      via: '192.168.1.1',
      dev: 'net2',
      field: 'spec.routes[0]',
    });
  });
});
