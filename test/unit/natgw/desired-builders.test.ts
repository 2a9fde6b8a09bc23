// Table-driven tests of the per-concern builders desiredGateway composes: the gateway's EIPs (bound, with an IPv4
// address of a known external subnet, live, oldest first), the routes to the VPC's other subnets, the external
// next hop, and the order the gateway decides in (age.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IptablesEip } from '../../../src/api/kinds/iptables-eip.ts';
import type { Subnet } from '../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../src/api/kinds/vpc-nat-gateway.ts';
import { liveOldestFirst, older, type AgedObject } from '../../../src/api/kinds/age.ts';
import { externalGateway, gatewayEips, vpcRoutes } from '../../../src/natgw/desired.ts';

const subnet = (name: string, spec: Record<string, unknown>, deleting = false): Subnet =>
  ({ metadata: { name, ...(deleting ? { deletionTimestamp: 'x' } : {}) }, spec }) as Subnet;
const gateway = (spec: Record<string, unknown>): VpcNatGateway =>
  ({ metadata: { name: 'gw1' }, spec }) as VpcNatGateway;
const eip = (
  name: string,
  ip: string | undefined,
  extra: { gw?: string; subnet?: string; t?: string; deleting?: boolean } = {},
): IptablesEip =>
  ({
    metadata: {
      name,
      creationTimestamp: extra.t ?? '2026-01-01T00:00:00Z',
      ...(extra.deleting ? { deletionTimestamp: 'x' } : {}),
    },
    spec: { natGwDp: extra.gw ?? 'gw1', ...(extra.subnet ? { externalSubnet: extra.subnet } : {}) },
    status: ip ? { ip } : {},
  }) as IptablesEip;

const external = subnet('ovn-vpc-external-network', { cidrBlock: '192.168.0.0/24', gateway: '192.168.0.1' });
const other = subnet('ext2', { cidrBlock: '172.16.0.0/16,fd00::/64', gateway: '172.16.0.1' });
const v6only = subnet('ext6', { cidrBlock: 'fd01::/64' });

describe('gatewayEips', () => {
  // A gateway on two external networks (net1, net2) and a third listed subnet that has no IPv4.
  const twoNics = gateway({ externalSubnets: ['ovn-vpc-external-network', 'ext2', 'ext6'] });
  const cases: {
    name: string;
    gateway?: VpcNatGateway;
    eips: IptablesEip[];
    addresses: string[];
    ips: [string, { ip: string; dev: string; pinFip: boolean }][];
    refused: string[];
  }[] = [
    {
      name: 'bound EIPs with an address, oldest first, each on the NIC of its subnet with its prefix',
      gateway: twoNics,
      eips: [
        eip('b', '192.168.0.12', { t: '2026-01-02T00:00:00Z' }),
        eip('a', '172.16.0.5', { subnet: 'ext2' }),
      ],
      addresses: ['172.16.0.5/16 net2', '192.168.0.12/24 net1'],
      ips: [
        ['a', { ip: '172.16.0.5', dev: 'net2', pinFip: true }],
        ['b', { ip: '192.168.0.12', dev: 'net1', pinFip: true }],
      ],
      refused: [],
    },
    {
      name: 'no externalSubnet: the gateway first external subnet; one NIC: floating IPs not pinned',
      gateway: gateway({ externalSubnets: ['ext2'] }),
      eips: [eip('a', '172.16.0.5')],
      addresses: ['172.16.0.5/16 net1'],
      ips: [['a', { ip: '172.16.0.5', dev: 'net1', pinFip: false }]],
      refused: [],
    },
    {
      name: 'another gateway, no address yet, or being deleted: left out without a reason',
      eips: [
        eip('o', '192.168.0.20', { gw: 'gw2' }),
        eip('n', undefined),
        eip('d', '192.168.0.21', { deleting: true }),
      ],
      addresses: [],
      ips: [],
      refused: [],
    },
    {
      name: 'an IPv6 address, a subnet the gateway has no NIC on, or a NIC subnet without IPv4: refused',
      gateway: twoNics,
      eips: [
        eip('v6', 'fd00::5'),
        eip('lost', '10.9.0.5', { subnet: 'nope' }),
        eip('six', '192.168.0.30', { subnet: 'ext6' }),
      ],
      addresses: [],
      ips: [],
      refused: ['eip/lost', 'eip/six', 'eip/v6'],
    },
    {
      name: 'an EIP of a known external subnet that is not one of the gateway NICs: refused',
      eips: [eip('a', '172.16.0.5', { subnet: 'ext2' })],
      addresses: [],
      ips: [],
      refused: ['eip/a'],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = gatewayEips({
        gateway: c.gateway ?? gateway({}),
        eips: c.eips,
        subnets: [external, other, v6only],
      });
      assert.deepEqual(
        got.rules.map((r) => `${r.eip}/${r.prefix} ${r.dev ?? ''}`),
        c.addresses,
      );
      assert.deepEqual([...got.ips], c.ips);
      assert.deepEqual([...got.refused.keys()].sort(), c.refused);
    });
  it('says why an EIP is refused: the field, the value, the NICs the gateway has', () => {
    const got = gatewayEips({
      gateway: twoNics,
      eips: [eip('v6', 'fd00::5'), eip('lost', '10.9.0.5', { subnet: 'nope' })],
      subnets: [external, other],
    });
    assert.equal(
      got.refused.get('eip/v6'),
      'status.ip: address fd00::5 is not an IPv4 address of external subnet ovn-vpc-external-network',
    );
    assert.equal(
      got.refused.get('eip/lost'),
      'spec.externalSubnet: nope is not an external subnet of vpc-nat-gateway gw1 (it has net1 on ovn-vpc-external-network, net2 on ext2, net3 on ext6)',
    );
  });
});

describe('vpcRoutes', () => {
  const lan = subnet('lan', { vpc: 'v1', cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1' });
  const cases: { name: string; gateway: VpcNatGateway; subnets: Subnet[]; routes: string[] }[] = [
    {
      name: "the VPC's other subnets, IPv4 part, sorted, via the LAN gateway",
      gateway: gateway({ vpc: 'v1', subnet: 'lan' }),
      subnets: [
        subnet('c', { vpc: 'v1', cidrBlock: '10.0.3.0/24,fd03::/64' }),
        lan,
        subnet('b', { vpc: 'v1', cidrBlock: '10.0.2.0/24' }),
        subnet('x', { vpc: 'v2', cidrBlock: '10.9.0.0/24' }),
      ],
      routes: ['10.0.2.0/24 via 10.0.1.1', '10.0.3.0/24 via 10.0.1.1'],
    },
    {
      name: 'deleting and IPv6-only subnets are left out',
      gateway: gateway({ vpc: 'v1', subnet: 'lan' }),
      subnets: [
        lan,
        subnet('b', { vpc: 'v1', cidrBlock: '10.0.2.0/24' }, true),
        subnet('c', { vpc: 'v1', cidrBlock: 'fd03::/64' }),
      ],
      routes: [],
    },
    {
      name: 'no LAN gateway: no routes',
      gateway: gateway({ vpc: 'v1', subnet: 'lan' }),
      subnets: [
        subnet('lan', { vpc: 'v1', cidrBlock: '10.0.1.0/24' }),
        subnet('b', { vpc: 'v1', cidrBlock: '10.0.2.0/24' }),
      ],
      routes: [],
    },
    {
      name: 'no LAN subnet: no routes',
      gateway: gateway({ vpc: 'v1', subnet: 'missing' }),
      subnets: [subnet('b', { vpc: 'v1', cidrBlock: '10.0.2.0/24' })],
      routes: [],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = vpcRoutes(c.gateway, c.subnets);
      assert.ok(got.every((r) => r.dev === 'eth0'));
      assert.deepEqual(
        got.map((r) => `${r.dst} via ${r.via}`),
        c.routes,
      );
    });
});

describe('externalGateway', () => {
  const cases: {
    name: string;
    spec: Record<string, unknown>;
    subnets: Subnet[];
    want: string | undefined;
  }[] = [
    { name: 'the default external subnet', spec: {}, subnets: [external], want: '192.168.0.1' },
    {
      name: 'the first external subnet named',
      spec: { externalSubnets: ['ext2', 'ovn-vpc-external-network'] },
      subnets: [external, other],
      want: '172.16.0.1',
    },
    {
      name: 'an empty name is the default',
      spec: { externalSubnets: [''] },
      subnets: [external],
      want: '192.168.0.1',
    },
    {
      name: 'a subnet without a gateway',
      spec: { externalSubnets: ['ext6'] },
      subnets: [v6only],
      want: undefined,
    },
    { name: 'an unknown subnet', spec: { externalSubnets: ['nope'] }, subnets: [external], want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(externalGateway(gateway(c.spec), c.subnets), c.want));
});

describe('age order', () => {
  const o = (name: string, t?: string, deleting = false): AgedObject => ({
    metadata: {
      name,
      ...(t ? { creationTimestamp: t } : {}),
      ...(deleting ? { deletionTimestamp: 'x' } : {}),
    },
  });
  const cases: { name: string; a: AgedObject; b: AgedObject; sign: number }[] = [
    {
      name: 'older creation first',
      a: o('z', '2026-01-01T00:00:00Z'),
      b: o('a', '2026-01-02T00:00:00Z'),
      sign: -1,
    },
    {
      name: 'same time: by name',
      a: o('b', '2026-01-01T00:00:00Z'),
      b: o('a', '2026-01-01T00:00:00Z'),
      sign: 1,
    },
    { name: 'no time sorts first', a: o('b'), b: o('a', '2026-01-01T00:00:00Z'), sign: -1 },
    { name: 'the same object', a: o('a', 't'), b: o('a', 't'), sign: 0 },
  ];
  for (const c of cases) it(c.name, () => assert.equal(Math.sign(older(c.a, c.b)), c.sign));
  it('liveOldestFirst leaves deleting objects out and does not sort its input', () => {
    const input = [o('c', '3'), o('b', '2', true), o('a', '1')];
    assert.deepEqual(
      liveOldestFirst(input).map((x) => x.metadata.name),
      ['a', 'c'],
    );
    assert.deepEqual(
      input.map((x) => x.metadata.name),
      ['c', 'b', 'a'],
    );
  });
});
