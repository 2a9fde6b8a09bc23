// The Vpc reconciler's pure parts against Kube-OVN's (kubeovn/kube-ovn at 1533681d7, pkg/controller/vpc.go):
// which subnets `status.subnets` lists and which is `status.defaultLogicalSwitch` (getVpcSubnets), and the text a
// blocked deletion reports (handleDelVpc). kovn's deliberate difference (ADR 19): a deleting subnet still blocks
// the VPC's deletion, though it has left `status.subnets`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { Vpc } from '../../../../src/api/kinds/vpc.ts';
import {
  subnetsOfVpc,
  vpcDeletionBlockedMessage,
  vpcSubnetStatus,
} from '../../../../src/controller/reconcilers/vpc.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const subnet = (name: string, spec: Record<string, unknown>, deleting = false): Subnet => {
  const s = kubeovn('Subnet', name, spec) as Subnet;
  if (deleting) s.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  return s;
};

describe('Vpc status from its subnets, as getVpcSubnets computes it', () => {
  const all = [
    subnet('b-sub', { vpc: 'v1' }),
    subnet('a-sub', { vpc: 'v1', default: true }),
    subnet('gone', { vpc: 'v1' }, true),
    subnet('macvlan', { vpc: 'v1', provider: 'ext.kube-system' }),
    subnet('other', { vpc: 'v2' }),
    subnet('ovn-default', { default: true }),
    subnet('join', {}),
  ];
  const view = memoryView(all);
  const rows: { name: string; vpc: string; spec: Record<string, unknown>; subnets: string[]; dls: string }[] =
    [
      {
        name: 'sorted OVN subnets not being deleted; the one with spec.default is the default switch',
        vpc: 'v1',
        spec: {},
        subnets: ['a-sub', 'b-sub'],
        dls: 'a-sub',
      },
      {
        name: 'a custom VPC’s defaultSubnet wins when it is one of its subnets',
        vpc: 'v1',
        spec: { defaultSubnet: 'b-sub' },
        subnets: ['a-sub', 'b-sub'],
        dls: 'b-sub',
      },
      {
        name: 'a defaultSubnet that is not one of its subnets is not reported',
        vpc: 'v2',
        spec: { defaultSubnet: 'a-sub' },
        subnets: ['other'],
        dls: '',
      },
      {
        name: 'the default VPC: subnets without spec.vpc are its own',
        vpc: 'ovn-cluster',
        spec: { defaultSubnet: 'join' },
        subnets: ['join', 'ovn-default'],
        dls: 'ovn-default',
      },
    ];
  for (const row of rows) {
    it(row.name, () => {
      const vpc = kubeovn('Vpc', row.vpc, row.spec) as Vpc;
      const got = vpcSubnetStatus(vpc, subnetsOfVpc(row.vpc, view, 'ovn-cluster'), 'ovn-cluster');
      assert.deepEqual(got, { subnets: row.subnets, defaultLogicalSwitch: row.dls });
    });
  }

  it('a blocked deletion names every subnet, deleting ones included, in handleDelVpc’s words', () => {
    const names = subnetsOfVpc('v1', view, 'ovn-cluster').map((s) => s.metadata.name);
    assert.deepEqual(names, ['a-sub', 'b-sub', 'gone']);
    const cases: [string[], string | undefined][] = [
      [[], undefined],
      [['gone'], 'failed to delete vpc v1, please delete subnet gone first'],
      [['a-sub', 'gone'], 'failed to delete vpc v1, please delete subnet a-sub, gone first'],
    ];
    for (const [subnets, want] of cases) assert.equal(vpcDeletionBlockedMessage('v1', subnets), want);
  });
});
