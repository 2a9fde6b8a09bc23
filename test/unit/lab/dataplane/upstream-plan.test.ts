import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { externalNetworks, unwantedNetns } from '../../../../src/lab/dataplane/upstream-plan.ts';

const subnet = (name: string, provider: string, extra: Record<string, unknown> = {}): Subnet =>
  ({
    metadata: { name },
    spec: { cidrBlock: '192.168.0.0/24', gateway: '192.168.0.1', provider, ...extra },
  }) as Subnet;
const nad = (name: string, config: unknown): KubeObject => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, namespace: 'kube-system' },
  spec: { config: typeof config === 'string' ? config : JSON.stringify(config) },
});
const macvlan = (master: string, ipam = 'kube-ovn') => ({
  cniVersion: '0.3.0',
  type: 'macvlan',
  master,
  mode: 'bridge',
  ipam: { type: ipam, provider: 'x' },
});

describe('lab external networks from Subnets and NADs', () => {
  const cases: { name: string; subnets: Subnet[]; nads: KubeObject[]; want: string[] }[] = [
    {
      name: 'the seed: a non-OVN provider meets its macvlan NAD',
      subnets: [subnet('ovn-vpc-external-network', 'ovn-vpc-external-network.kube-system')],
      nads: [nad('ovn-vpc-external-network', macvlan('eth1'))],
      want: ['ovn-vpc-external-network 192.168.0.1/24 eth1'],
    },
    {
      name: 'an OVN provider is not external',
      subnets: [subnet('a', 'ovn')],
      nads: [nad('a', macvlan('eth1'))],
      want: [],
    },
    {
      name: 'a NAD whose IPAM is not ours, or without a master, or unreadable',
      subnets: [subnet('a', 'a.kube-system'), subnet('b', 'b.kube-system'), subnet('c', 'c.kube-system')],
      nads: [
        nad('a', macvlan('eth1', 'host-local')),
        nad('b', { ...macvlan('eth1'), master: undefined }),
        nad('c', '{'),
      ],
      want: [],
    },
    {
      name: 'a master claimed twice goes to the first subnet by name',
      subnets: [
        subnet('zz', 'zz.kube-system'),
        subnet('aa', 'aa.kube-system', { gateway: '172.20.0.1', cidrBlock: '172.20.0.0/16' }),
      ],
      nads: [nad('zz', macvlan('eth1')), nad('aa', macvlan('eth1'))],
      want: ['aa 172.20.0.1/16 eth1'],
    },
    { name: 'no NAD yet', subnets: [subnet('a', 'a.kube-system')], nads: [], want: [] },
    {
      name: 'a dual-stack subnet: the IPv6 gateway with the IPv6 prefix too',
      subnets: [
        subnet('a', 'a.kube-system', {
          cidrBlock: '192.168.2.0/24,fd00:e2::/64',
          gateway: '192.168.2.1,fd00:e2::1',
        }),
      ],
      nads: [nad('a', macvlan('eth1'))],
      want: ['a 192.168.2.1/24 fd00:e2::1/64 eth1'],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = externalNetworks(c.subnets, c.nads).map((n) =>
        [n.subnet, n.gatewayAddress, n.gatewayAddress6, n.master].filter(Boolean).join(' '),
      );
      assert.deepEqual(got, c.want);
    });
});

describe('lab upstream namespaces no longer wanted', () => {
  const net = (subnet: string) => ({ subnet, gatewayAddress: '192.168.0.1/24', master: 'eth1' });
  const upstreamNetns = (subnet: string) => `lab-x-${subnet}`;
  const cases: { name: string; made: string[]; want: string[]; gone: string[] }[] = [
    { name: 'nothing made', made: [], want: ['a'], gone: [] },
    { name: 'all still wanted', made: ['lab-x-a', 'lab-x-b'], want: ['b', 'a'], gone: [] },
    { name: 'a subnet gone', made: ['lab-x-a', 'lab-x-b'], want: ['b'], gone: ['lab-x-a'] },
    {
      name: 'none wanted any more, in the order made',
      made: ['lab-x-b', 'lab-x-a'],
      want: [],
      gone: ['lab-x-b', 'lab-x-a'],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      assert.deepEqual(unwantedNetns(c.made, c.want.map(net), upstreamNetns), c.gone);
    });
});
