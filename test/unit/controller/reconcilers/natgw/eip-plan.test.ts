// Table-driven tests of the pure IptablesEIP steps: the InUse condition, what an allocation needs first (subnet in
// the cache and IPAM, IPv4, the held address kept), the address asked for, a failed allocation as a status, the
// write-back onto the EIP (spec and labels, or labels only, or nothing), and the status from the agent's report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IptablesEip } from '../../../../../src/api/kinds/iptables-eip.ts';
import type { Subnet } from '../../../../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../../../src/api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../../../../../src/api/types.ts';
import type { AllocateFailure } from '../../../../../src/ipam/index.ts';
import {
  allocationRefusal,
  eipInUse,
  eipPrecondition,
  eipRequest,
  eipStatus,
  eipWriteBack,
} from '../../../../../src/controller/reconcilers/natgw/eip-plan.ts';
import { kubeovn, memoryView } from '../../../../support/objects.ts';

const eip = (
  spec: Record<string, unknown> = { natGwDp: 'gw1' },
  status: Record<string, unknown> = {},
  labels?: Record<string, string>,
): IptablesEip => ({
  ...kubeovn('IptablesEIP', 'e1', spec),
  metadata: { name: 'e1', ...(labels ? { labels } : {}) },
  status,
});
const subnet = (cidrBlock: string): Subnet => kubeovn('Subnet', 'ovn-vpc-external-network', { cidrBlock });
/** gw1 on the default external network only, and on two networks. */
const onDefaultNetwork = kubeovn('VpcNatGateway', 'gw1', {}) as VpcNatGateway;
const onX2 = kubeovn('VpcNatGateway', 'gw1', { externalSubnets: ['x2'] }) as VpcNatGateway;
const onTwo = kubeovn('VpcNatGateway', 'gw1', {
  externalSubnets: ['ovn-vpc-external-network', 'ext2'],
}) as VpcNatGateway;
const labels = (ip: string) => ({
  'ovn.kubernetes.io/subnet': 'ovn-vpc-external-network',
  'ovn.kubernetes.io/eip_v4_ip': ip,
  'ovn.kubernetes.io/vpc-nat-gw-name': 'gw1',
});

describe('eipInUse', () => {
  it('names the rules by short kind, in the order given', () => {
    const users = [
      kubeovn('IptablesDnatRule', 'd1'),
      kubeovn('IptablesFIPRule', 'f1'),
      kubeovn('IptablesSnatRule', 's1'),
    ];
    assert.deepEqual(eipInUse('e1', users), {
      type: 'Ready',
      status: 'False',
      reason: 'InUse',
      message: 'eip e1 is still used by dnat/d1, fip/f1, snat/s1; delete those rules first',
    });
  });
});

describe('eipPrecondition', () => {
  const cases: {
    name: string;
    eip: IptablesEip;
    subnet: Subnet | undefined;
    inIpam: boolean;
    want:
      | { reason: string; message: string; fields: Record<string, unknown>; requeueAfterMs?: number }
      | undefined;
  }[] = [
    {
      name: 'no subnet in the cache: pending, looked at again',
      eip: eip(),
      subnet: undefined,
      inIpam: true,
      want: {
        reason: 'Pending',
        message: 'external subnet ovn-vpc-external-network is not ready yet',
        fields: { ready: false },
        requeueAfterMs: 1_000,
      },
    },
    {
      name: 'not in IPAM yet: pending',
      eip: eip({ natGwDp: 'gw1', externalSubnet: 'x2' }),
      subnet: subnet('10.0.0.0/24'),
      inIpam: false,
      want: {
        reason: 'Pending',
        message: 'external subnet x2 is not ready yet',
        fields: { ready: false },
        requeueAfterMs: 1_000,
      },
    },
    {
      name: 'IPv6 only: allocated like any other (kovn NATs IPv6; Kube-OVN refuses it)',
      eip: eip(),
      subnet: subnet('fd00::/64'),
      inIpam: true,
      want: undefined,
    },
    {
      name: 'another fixed IPv6 address than the one held: refused',
      eip: eip({ natGwDp: 'gw1', v6ip: 'fd00::60' }, { ip: '192.168.0.50', v6ip: 'fd00::50' }),
      subnet: subnet('192.168.0.0/24,fd00::/64'),
      inIpam: true,
      want: {
        reason: 'AddressChangeRefused',
        message: 'not support eip change ip, old ip fd00::50, new ip fd00::60',
        fields: {},
      },
    },
    {
      name: 'another fixed address than the one held: refused, status fields kept',
      eip: eip({ natGwDp: 'gw1', v4ip: '192.168.0.60' }, { ip: '192.168.0.50' }),
      subnet: subnet('192.168.0.0/24'),
      inIpam: true,
      want: {
        reason: 'AddressChangeRefused',
        message: 'not support eip change ip, old ip 192.168.0.50, new ip 192.168.0.60',
        fields: {},
      },
    },
    {
      name: 'the held address asked again: fine',
      eip: eip({ natGwDp: 'gw1', v4ip: '192.168.0.50' }, { ip: '192.168.0.50' }),
      subnet: subnet('192.168.0.0/24,fd00::/64'),
      inIpam: true,
      want: undefined,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = eipPrecondition(c.eip, {
        subnetName: c.eip.spec?.externalSubnet || 'ovn-vpc-external-network',
        subnet: c.subnet,
        subnetInIpam: c.inIpam,
        gateway: c.eip.spec?.externalSubnet === 'x2' ? onX2 : onDefaultNetwork,
      });
      if (!c.want) return assert.equal(got, undefined);
      const { reason, message, fields, requeueAfterMs } = c.want;
      assert.deepEqual(got, {
        fields,
        condition: { type: 'Ready', status: 'False', reason, message },
        ...(requeueAfterMs ? { requeueAfterMs } : {}),
      });
    });
});

describe('eipPrecondition and the gateway', () => {
  const at = (e: IptablesEip, subnetName: string, gateway: VpcNatGateway | undefined) =>
    eipPrecondition(e, { subnetName, subnet: subnet('192.168.0.0/24'), subnetInIpam: true, gateway });
  it('without spec.externalSubnet, waits for its gateway (which decides the subnet)', () => {
    const got = at(eip(), 'ovn-vpc-external-network', undefined);
    assert.equal(got?.condition.reason, 'Pending');
    assert.match(got?.condition.message ?? '', /vpc-nat-gateway gw1 does not exist yet/);
  });
  it('with it, the gateway not there yet is no reason to wait', () => {
    const e = eip({ natGwDp: 'gw1', externalSubnet: 'ovn-vpc-external-network' });
    assert.equal(at(e, 'ovn-vpc-external-network', undefined), undefined);
  });
  it('a subnet the gateway has no NIC on: not ready, with the field, the value and the NICs', () => {
    const e = eip({ natGwDp: 'gw1', externalSubnet: 'ext3' });
    assert.deepEqual(at(e, 'ext3', onTwo), {
      fields: { ready: false },
      condition: {
        type: 'Ready',
        status: 'False',
        reason: 'ExternalSubnetNotOnGateway',
        message:
          'spec.externalSubnet: ext3 is not an external subnet of vpc-nat-gateway gw1 (it has net1 on ovn-vpc-external-network, net2 on ext2)',
      },
    });
  });
  it('the second external subnet of the gateway is fine', () => {
    const e = eip({ natGwDp: 'gw1', externalSubnet: 'ext2' });
    assert.equal(at(e, 'ext2', onTwo), undefined);
  });
});

describe('eipRequest', () => {
  const cases: [string, IptablesEip, unknown][] = [
    [
      'the held address first',
      eip({ v4ip: '192.168.0.60' }, { ip: '192.168.0.50' }),
      { ips: '192.168.0.50' },
    ],
    ['else the fixed one', eip({ v4ip: '192.168.0.60' }), { ips: '192.168.0.60' }],
    ['else any', eip({}), {}],
    [
      'dual stack: the held IPv6 address before the fixed one',
      eip({ v4ip: '192.168.0.60', v6ip: 'fd00::60' }, { ip: '192.168.0.50', v6ip: 'fd00::50' }),
      { ips: ['192.168.0.50', 'fd00::50'] },
    ],
    ['IPv6 only: the fixed IPv6 address', eip({ v6ip: 'fd00::60' }), { ips: 'fd00::60' }],
  ];
  for (const [name, e, want] of cases) it(name, () => assert.deepEqual(eipRequest(e), want));
});

describe('allocationRefusal', () => {
  const cases: [string, AllocateFailure, number | undefined][] = [
    [
      'a full subnet is looked at again',
      { ok: false, reason: 'NoAvailableAddress', family: 4, message: 'full' },
      5_000,
    ],
    [
      'a subnet IPAM does not know waits for a change',
      { ok: false, reason: 'NoSubnet', subnet: 's', message: 'no subnet s' },
      undefined,
    ],
  ];
  for (const [name, failure, requeue] of cases)
    it(name, () => {
      const got = allocationRefusal(failure, 's');
      assert.deepEqual(got.fields, { ready: false });
      assert.equal(got.condition.reason, failure.reason);
      assert.equal(got.condition.message, `subnet s: ${failure.message}`);
      assert.equal(got.requeueAfterMs, requeue);
    });
});

describe('eipWriteBack', () => {
  const alloc = { v4: '192.168.0.11', mac: 'aa:bb:cc:dd:ee:ff' };
  const done = {
    natGwDp: 'gw1',
    v4ip: '192.168.0.11',
    macAddress: 'aa:bb',
    externalSubnet: 'ovn-vpc-external-network',
    namespace: 'kube-system',
  };
  const cases: { name: string; eip: IptablesEip; want: string; labels?: Record<string, string> }[] = [
    { name: 'a fresh EIP: the spec is filled', eip: eip(), want: 'update' },
    { name: 'no MAC yet: the spec is filled', eip: eip({ ...done, macAddress: '' }), want: 'update' },
    {
      name: 'the subnet left to default: the spec names it',
      eip: eip({ ...done, externalSubnet: undefined }),
      want: 'update',
    },
    {
      name: 'the spec right, a label stale: only the labels that differ',
      eip: eip(done, {}, { ...labels('192.168.0.11'), 'ovn.kubernetes.io/subnet': 'old' }),
      want: 'labels',
      labels: { 'ovn.kubernetes.io/subnet': 'ovn-vpc-external-network' },
    },
    { name: 'all written: nothing', eip: eip(done, {}, labels('192.168.0.11')), want: 'none' },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = eipWriteBack(c.eip, 'ovn-vpc-external-network', alloc, 'kube-system');
      assert.equal(got.write, c.want);
      if (got.write === 'labels') assert.deepEqual(got.labels, c.labels);
      if (got.write === 'update') {
        assert.deepEqual(got.eip.spec, {
          ...c.eip.spec,
          natGwDp: 'gw1',
          v4ip: '192.168.0.11',
          macAddress: c.eip.spec?.macAddress || alloc.mac,
          externalSubnet: 'ovn-vpc-external-network',
          namespace: 'kube-system',
        });
        assert.deepEqual(got.eip.metadata.labels, labels('192.168.0.11'));
      }
    });
});

describe('eipStatus', () => {
  const pod = (rules: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'vpc-nat-gw-gw1-0',
      namespace: 'kube-system',
      annotations: { 'kovn.io/nat-applied': JSON.stringify({ generation: 1, rules }) },
    },
  });
  const rules = [
    kubeovn('IptablesSnatRule', 's1', { eip: 'e1' }),
    kubeovn('IptablesDnatRule', 'd1', { eip: 'e1' }),
    kubeovn('IptablesFIPRule', 'f1', { eip: 'e2' }),
  ];
  const cases: { name: string; objects: KubeObject[]; nat: string; ready: boolean; reason: string }[] = [
    { name: 'no gateway pod: pending', objects: [], nat: '', ready: false, reason: 'Pending' },
    {
      name: 'applied: ready; nat lists the kinds naming it, dnat before snat',
      objects: [...rules, pod({ 'eip/e1': { ok: true } })],
      nat: 'dnat,snat',
      ready: true,
      reason: 'Applied',
    },
    {
      name: 'refused by the agent: not ready with its reason',
      objects: [pod({ 'eip/e1': { ok: false, reason: 'boom' } })],
      nat: '',
      ready: false,
      reason: 'ApplyFailed',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = eipStatus(memoryView(c.objects), eip(), '192.168.0.11');
      assert.deepEqual(got.fields, { ip: '192.168.0.11', nat: c.nat, ready: c.ready });
      assert.equal(got.condition.reason, c.reason);
    });
  it('dual stack: v6ip beside ip, both named in the condition', () => {
    const objects = [pod({ 'eip/e1': { ok: true } })];
    const got = eipStatus(memoryView(objects), eip(), '192.168.0.11', 'fd00::11');
    assert.deepEqual(got.fields, { ip: '192.168.0.11', v6ip: 'fd00::11', nat: '', ready: true });
    assert.match(got.condition.message ?? '', /eip 192\.168\.0\.11,fd00::11 is on gateway pod/);
  });
  it('IPv6 only: no ip, the address in v6ip', () => {
    const got = eipStatus(memoryView([]), eip(), '', 'fd00::11');
    assert.deepEqual(got.fields, { ip: '', v6ip: 'fd00::11', nat: '', ready: false });
  });
});
