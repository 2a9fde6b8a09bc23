// Kube-OVN parity of IPAM, through the whole path a Subnet takes: its stored defaults (gateway, excludeIps as
// Kube-OVN's formatSubnet writes them back), then the allocator. Each row cites the Kube-OVN test or code it comes
// from (kubeovn/kube-ovn at 1533681d7): test/e2e/kube-ovn/subnet/subnet.go, test/e2e/kube-ovn/ipam/ipam.go,
// pkg/ipam/ipam_test.go, and for the expected values pkg/controller/subnet_status.go (calcSubnetStatusIP:
// available = AddressCount - |ExpandExcludeIPs(excludeIps)| - using; range strings from IPAM minus excludeIps) and
// pkg/ipam/subnet.go (lowest free first; released addresses only once the free list is empty).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSubnet } from '../../../src/api/kinds/subnet-defaults.ts';
import { kubeOvnIpamError } from '../../../src/ipam/errors.ts';
import { SubnetAllocator } from '../../../src/ipam/subnet.ts';
import type { SubnetIpStatus } from '../../../src/ipam/types.ts';
import { kubeovn } from '../../support/objects.ts';
import { seededRandom } from '../../../src/ipam/mac.ts';
import { outcome } from './helpers.ts';

/** The Subnet's spec as stored (Kube-OVN's formatSubnet defaults applied), and its allocator. */
function stored(spec: Record<string, unknown>): { spec: Record<string, unknown>; ipam: SubnetAllocator } {
  const defaulted = defaultSubnet(kubeovn('Subnet', 'net1', { vpc: 'v', ...spec }));
  const s = defaulted.spec as { cidrBlock: string; gateway: string; excludeIps: string[] };
  const created = SubnetAllocator.create(
    { name: 'net1', cidrBlock: s.cidrBlock, gateway: s.gateway, excludeIps: s.excludeIps },
    { random: seededRandom(7) },
  );
  assert.ok(created.ok);
  return { spec: s, ipam: created.subnet };
}

const v4 = (s: SubnetIpStatus) => [s.v4availableIPs, s.v4availableIPrange, s.v4usingIPs, s.v4usingIPrange];
const v6 = (s: SubnetIpStatus) => [s.v6availableIPs, s.v6availableIPrange, s.v6usingIPs, s.v6usingIPrange];

describe('Subnet status after excludeIps normalisation, as Kube-OVN computes it', () => {
  type Row = {
    name: string;
    spec: Record<string, unknown>;
    pods?: (string | undefined)[];
    v4?: unknown[];
    v6?: unknown[];
  };
  const rows: Row[] = [
    {
      name: 'e2e subnet "should create subnet with only cidr provided": 254 - gateway',
      spec: { cidrBlock: '10.0.1.0/24' },
      v4: [253, '10.0.1.2-10.0.1.254', 0, ''],
      v6: [0, '', 0, ''],
    },
    {
      name: 'e2e subnet "should create subnet with exclude ips": 254 - excluded - gateway',
      spec: { cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.10..10.0.1.19', '10.0.1.30'] },
      v4: [242, '10.0.1.2-10.0.1.9,10.0.1.20-10.0.1.29,10.0.1.31-10.0.1.254', 0, ''],
    },
    {
      name: 'e2e subnet "should reject pod ... using subnet gateway IP": /30 with both usable excluded',
      spec: { cidrBlock: '192.168.200.0/30', excludeIps: ['192.168.200.1', '192.168.200.2'] },
      v4: [0, '', 0, ''],
    },
    {
      name: 'the same e2e, IPv6 /126',
      spec: {
        cidrBlock: 'fd00:192:168:200::/126',
        excludeIps: ['fd00:192:168:200::1', 'fd00:192:168:200::2'],
      },
      v6: [0, '', 0, ''],
    },
    {
      name: 'adjacent excludeIps items stay two in the spec, one gap in the range strings (IPRangeList.Merge)',
      spec: { cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.2..10.0.1.5', '10.0.1.6..10.0.1.9'] },
      v4: [245, '10.0.1.10-10.0.1.254', 0, ''],
    },
    {
      name: 'ranges reaching the network and broadcast addresses are clipped (util.ExpandExcludeIPs)',
      spec: { cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.0..10.0.1.5', '10.0.1.250..10.0.1.255'] },
      v4: [244, '10.0.1.6-10.0.1.249', 0, ''],
    },
    {
      name: 'a single network or broadcast address excludes nothing (util.ExpandExcludeIPs)',
      spec: { cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.0', '10.0.1.255'] },
      v4: [253, '10.0.1.2-10.0.1.254', 0, ''],
    },
    {
      name: '/31: both addresses usable, the network address is the gateway (util.FirstIP, AddressCountBigInt)',
      spec: { cidrBlock: '10.0.0.0/31' },
      v4: [1, '10.0.0.1', 0, ''],
    },
    {
      name: 'IPv6 /120: network and all-ones excluded, ranges printed in RFC 5952 form',
      spec: { cidrBlock: 'fd00::/120' },
      pods: [undefined, undefined],
      v6: [251, 'fd00::4-fd00::fe', 2, 'fd00::2-fd00::3'],
    },
    {
      name: 'dual stack: each family counts the pod (v4usingIPs = v6usingIPs)',
      spec: { cidrBlock: '10.0.1.0/24,fd00::/120' },
      pods: [undefined],
      v4: [252, '10.0.1.3-10.0.1.254', 1, '10.0.1.2'],
      v6: [252, 'fd00::3-fd00::fe', 1, 'fd00::2'],
    },
    {
      name: 'a static IP inside excludeIps is neither using nor available (filterNonGatewayExcludeIPs)',
      spec: { cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.10..10.0.1.19'] },
      pods: ['10.0.1.15', undefined],
      v4: [242, '10.0.1.3-10.0.1.9,10.0.1.20-10.0.1.254', 1, '10.0.1.2'],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { ipam } = stored(row.spec);
      row.pods?.forEach((ips, i) => assert.ok(ipam.allocate(`p${i}.ns`, { ips }).ok));
      if (row.v4) assert.deepEqual(v4(ipam.status()), row.v4, 'v4');
      if (row.v6) assert.deepEqual(v6(ipam.status()), row.v6, 'v6');
    });
  }
});

describe('allocation order and released addresses, as pkg/ipam/subnet.go hands them out', () => {
  /** `alloc` (dynamic) or `static` (asks for `want`): the answer is `want`; `release` gives the owner's back. */
  type Step = ['alloc' | 'static' | 'release', string, string?];
  const rows: { name: string; spec: Record<string, unknown>; steps: Step[] }[] = [
    {
      name: 'lowest free first; a released address waits until the free list is empty (getV4RandomAddress)',
      spec: { cidrBlock: '10.0.0.0/29' },
      steps: [
        ['alloc', 'a', '10.0.0.2'],
        ['alloc', 'b', '10.0.0.3'],
        ['alloc', 'c', '10.0.0.4'],
        ['release', 'b'],
        ['alloc', 'd', '10.0.0.5'],
        ['alloc', 'e', '10.0.0.6'],
        ['alloc', 'f', '10.0.0.3'],
        ['alloc', 'g', 'NoAvailableAddress'],
      ],
    },
    {
      name: 'ipam_test TestIPAMRandomAddressSkipsReleasedExcludeIPsAfterIPPoolReconcile: a released excluded IP is not recycled',
      spec: {
        cidrBlock: '10.10.0.0/24',
        gateway: '10.10.0.1',
        excludeIps: ['10.10.0.1', '10.10.0.2..10.10.0.5'],
      },
      steps: [
        ['static', 'static-pod', '10.10.0.2'],
        ['release', 'static-pod'],
        ['alloc', 'random-pod', '10.10.0.6'],
      ],
    },
    {
      name: 'ipam_test TestIPAMRandomAddressDoesNotRecycleReservedIPs: everything reserved, nothing handed out',
      spec: { cidrBlock: '10.10.0.0/30', excludeIps: ['10.10.0.1', '10.10.0.2'] },
      steps: [['alloc', 'random-pod', 'NoAvailableAddress']],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { ipam } = stored(row.spec);
      for (const [op, owner, want] of row.steps) {
        if (op === 'release') assert.ok(ipam.release(owner), owner);
        else
          assert.equal(
            outcome(ipam.allocate(owner, { ips: op === 'static' ? want : undefined })),
            want,
            owner,
          );
      }
    });
  }

  it('a changed spec empties the released list: the next pod gets the lowest free (AddOrUpdateSubnet)', () => {
    const { ipam } = stored({ cidrBlock: '10.0.0.0/29' });
    for (const owner of ['a', 'b', 'c']) assert.ok(ipam.allocate(owner).ok);
    ipam.release('b');
    assert.ok(
      ipam.update({ name: 'net1', cidrBlock: '10.0.0.0/29', excludeIps: ['10.0.0.1', '10.0.0.6'] }).ok,
    );
    assert.equal(outcome(ipam.allocate('d')), '10.0.0.3');
  });
});

describe('static IP and MAC conflicts: the Kube-OVN error a pod event names', () => {
  const rows: { name: string; request: { ips?: string; mac?: string }; error: string | undefined }[] = [
    {
      name: 'ipam_test TestGetStaticAddress: another pod holds it',
      request: { ips: '10.0.1.50' },
      error: 'AddressConflict',
    },
    {
      name: 'e2e subnet "should reject pod with fixed IP ... using subnet gateway IP"',
      request: { ips: '10.0.1.1' },
      error: 'AddressConflict',
    },
    {
      name: 'outside the CIDR (staticAddressFamilyForIP)',
      request: { ips: '10.0.2.5' },
      error: 'AddressOutOfRange',
    },
    {
      name: 'the network address is outside the pool',
      request: { ips: '10.0.1.0' },
      error: 'AddressOutOfRange',
    },
    {
      name: 'the broadcast address is outside the pool',
      request: { ips: '10.0.1.255' },
      error: 'AddressOutOfRange',
    },
    { name: 'inside excludeIps is allowed when asked for', request: { ips: '10.0.1.10' }, error: undefined },
    {
      name: 'another pod’s MAC (GetStaticMac)',
      request: { mac: '00:00:00:aa:bb:cc' },
      error: 'AddressConflict',
    },
    {
      name: 'the router port’s MAC (GetStaticMac: gateway MAC)',
      request: { mac: '0a:00:00:00:00:01' },
      error: 'AddressConflict',
    },
    {
      name: 'ipam_test TestGetStaticAddress dual: a v4 conflict leaves the v6 address free',
      request: { ips: '10.0.1.50,fd00::3' },
      error: 'AddressConflict',
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const created = SubnetAllocator.create(
        {
          name: 'net1',
          cidrBlock: '10.0.1.0/24,fd00::/120',
          excludeIps: ['10.0.1.1', '10.0.1.10..10.0.1.19', 'fd00::1'],
          reservedMacs: ['0a:00:00:00:00:01'],
        },
        { random: seededRandom(3) },
      );
      assert.ok(created.ok);
      const s = created.subnet;
      assert.ok(s.allocate('holder.ns', { ips: '10.0.1.50', mac: '00:00:00:aa:bb:cc' }).ok);
      const result = s.allocate('pod.ns', row.request);
      assert.equal(result.ok ? undefined : kubeOvnIpamError(result), row.error);
      if (!result.ok) assert.equal(s.ownerOfIp('fd00::3'), undefined, 'nothing half-done');
    });
  }

  it('ipam_test TestIPAMDualRandomAddressHandlesV4OnV6Exhaustion: an exhausted family changes nothing', () => {
    const { ipam } = stored({ cidrBlock: '10.0.0.0/30,fd00::/126', excludeIps: ['fd00::1..fd00::2'] });
    const failed = ipam.allocate('pod');
    assert.equal(failed.ok ? undefined : kubeOvnIpamError(failed), 'NoAvailableAddress');
    assert.deepEqual([ipam.status().v4usingIPs, ipam.status().v4usingIPrange], [0, '']);
  });
});
