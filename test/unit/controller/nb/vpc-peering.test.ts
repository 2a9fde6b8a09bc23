// The peering links of a Vpc (issue 16 point 4), table-driven: which peerings link (both sides declare each other
// and agree), wait or are refused, the same verdict from either side; the port each linked side writes; the Peered
// condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Vpc } from '../../../../src/api/kinds/vpc.ts';
import {
  desiredPeeringPorts,
  peeringLinks,
  type PeeringLink,
} from '../../../../src/controller/nb/vpc-peering.ts';
import { peeringCondition, peersBothWays } from '../../../../src/controller/reconcilers/vpc-peering.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const vpc = (name: string, vpcPeerings: { remoteVpc?: string; localConnectIP?: string }[], extra = {}): Vpc =>
  kubeovn('Vpc', name, { vpcPeerings }, extra);
const net1 = kubeovn('Subnet', 'net1', { vpc: 'vpc-1', cidrBlock: '10.0.0.0/16' });
const net2 = kubeovn('Subnet', 'net2', { vpc: 'vpc-2', cidrBlock: '172.31.0.0/16' });

const one = vpc('vpc-1', [{ remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' }]);
const two = vpc('vpc-2', [{ remoteVpc: 'vpc-1', localConnectIP: '169.254.0.2/30' }]);

const cases: { name: string; objects: KubeObject[]; expect: PeeringLink[]; mirrored?: boolean }[] = [
  {
    name: 'both sides declare each other: linked, on both sides',
    objects: [one, two, net1, net2],
    expect: [{ remoteVpc: 'vpc-2', state: 'linked', networks: ['169.254.0.1/30'] }],
    mirrored: true,
  },
  {
    name: 'the peer does not exist',
    objects: [one],
    expect: [
      {
        remoteVpc: 'vpc-2',
        state: 'waiting',
        message: 'waiting for peer VPC vpc-2 to exist and declare the peering',
      },
    ],
  },
  {
    name: 'the peer does not declare it',
    objects: [one, vpc('vpc-2', [])],
    expect: [
      { remoteVpc: 'vpc-2', state: 'waiting', message: 'waiting for peer VPC vpc-2 to declare the peering' },
    ],
  },
  {
    name: 'the peer is being deleted',
    objects: [
      one,
      vpc('vpc-2', two.spec!.vpcPeerings!, { metadata: { name: 'vpc-2', deletionTimestamp: 't' } }),
    ],
    expect: [
      {
        remoteVpc: 'vpc-2',
        state: 'waiting',
        message: 'waiting for peer VPC vpc-2 to exist and declare the peering',
      },
    ],
  },
  {
    name: 'the sides disagree: refused on both sides',
    objects: [one, vpc('vpc-2', [{ remoteVpc: 'vpc-1', localConnectIP: '169.254.0.6/30' }])],
    expect: [
      {
        remoteVpc: 'vpc-2',
        state: 'refused',
        message:
          "169.254.0.1/30 and vpc vpc-2's 169.254.0.6/30 are not in one network: both ends of a peering need addresses in the same CIDR",
      },
    ],
  },
  {
    name: 'a subnet of the peer on the connect CIDR (created after the peering): refused on both sides',
    objects: [one, two, kubeovn('Subnet', 'late', { vpc: 'vpc-2', cidrBlock: '169.254.0.0/24' })],
    expect: [
      {
        remoteVpc: 'vpc-2',
        state: 'refused',
        message:
          "overlaps subnet late (169.254.0.0/24) of vpc vpc-2: the link's addresses would be routed as the subnet's",
      },
    ],
  },
  {
    name: 'dual stack: one network per family',
    objects: [
      vpc('vpc-1', [{ remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30, fd00:0:0::1/126' }]),
      vpc('vpc-2', [{ remoteVpc: 'vpc-1', localConnectIP: '169.254.0.2/30,fd00::2/126' }]),
    ],
    expect: [{ remoteVpc: 'vpc-2', state: 'linked', networks: ['169.254.0.1/30', 'fd00::1/126'] }],
  },
  {
    name: 'itself, and the default VPC: refused',
    objects: [
      vpc('vpc-1', [
        { remoteVpc: 'vpc-1', localConnectIP: '169.254.0.1/30' },
        { remoteVpc: 'ovn-cluster', localConnectIP: '169.254.1.1/30' },
      ]),
    ],
    expect: [
      { remoteVpc: 'vpc-1', state: 'refused', message: 'a VPC cannot peer with itself: no link is made' },
      {
        remoteVpc: 'ovn-cluster',
        state: 'refused',
        message: 'VPC peering connects custom VPCs only (as Kube-OVN documents): no link is made',
      },
    ],
  },
  {
    name: 'the same peer twice: the later entry',
    objects: [
      vpc('vpc-1', [
        { remoteVpc: 'vpc-2', localConnectIP: '169.254.9.1/30' },
        { remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' },
        { localConnectIP: '169.254.7.1/30' },
      ]),
      two,
    ],
    expect: [{ remoteVpc: 'vpc-2', state: 'linked', networks: ['169.254.0.1/30'] }],
  },
];

for (const c of cases) {
  void test(`peering links: ${c.name}`, () => {
    const view = memoryView(c.objects);
    const subject = c.objects[0] as Vpc;
    assert.deepEqual(peeringLinks(subject, view), c.expect);
    if (!c.mirrored) return;
    const peer = view.get('Vpc', c.expect[0]!.remoteVpc) as Vpc;
    assert.deepEqual(
      peeringLinks(peer, view).map((l) => l.state),
      c.expect.map((l) => l.state),
    );
  });
}

void test('peering ports: one LRP per linked peering, named and peered as Kube-OVN names them', () => {
  const links: PeeringLink[] = [
    { remoteVpc: 'vpc-2', state: 'linked', networks: ['169.254.0.1/30'] },
    { remoteVpc: 'vpc-3', state: 'waiting', message: 'waiting' },
  ];
  assert.deepEqual(
    desiredPeeringPorts('vpc-1', links, (port) => (port === 'vpc-1-vpc-2' ? '0a:00:00:00:00:01' : 'x')),
    [
      {
        table: 'Logical_Router_Port',
        parent: { table: 'Logical_Router', name: 'vpc-1' },
        columns: {
          name: 'vpc-1-vpc-2',
          mac: '0a:00:00:00:00:01',
          networks: ['169.254.0.1/30'],
          peer: 'vpc-2-vpc-1',
          external_ids: { vendor: 'kube-ovn', 'kovn-owner': 'vpc/vpc-1' },
        },
      },
    ],
  );
});

void test('Peered condition: absent without peerings, True when all link, else refused before waiting', () => {
  assert.equal(peeringCondition([]), undefined);
  assert.deepEqual(peeringCondition([{ remoteVpc: 'b', state: 'linked', networks: [] }]), {
    type: 'Peered',
    status: 'True',
    reason: 'PeeringsLinked',
    message: 'linked to vpc b',
  });
  assert.deepEqual(
    peeringCondition([
      { remoteVpc: 'b', state: 'linked', networks: [] },
      { remoteVpc: 'c', state: 'waiting', message: 'waiting for peer VPC c to declare the peering' },
      { remoteVpc: 'd', state: 'refused', message: 'why' },
    ]),
    {
      type: 'Peered',
      status: 'False',
      reason: 'PeeringRefused',
      message: 'd: why; c: waiting for peer VPC c to declare the peering',
    },
  );
});

void test('peers both ways: the VPCs a Vpc names and those naming it', () => {
  const view = memoryView([
    vpc('a', [{ remoteVpc: 'b' }]),
    vpc('c', [{ remoteVpc: 'a' }]),
    vpc('d', [{ remoteVpc: 'e' }]),
  ]);
  assert.deepEqual(peersBothWays('a', view).sort(), ['b', 'c']);
  assert.deepEqual(peersBothWays('e', view), ['d']);
});
