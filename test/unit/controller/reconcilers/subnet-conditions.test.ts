// The Subnet conditions and events a sequence of reconcile outcomes leaves, against what Kube-OVN's
// handleAddOrUpdateSubnet/patchSubnetStatus leave (kubeovn/kube-ovn at 1533681d7: pkg/controller/subnet.go,
// subnet_status.go, pkg/apis/kubeovn/v1/subnet.go). Rows starting "kovn:" are deliberate differences (ADR 19): no
// placeholder Error=Unknown (EnsureStandardConditions), and a recovered subnet's Error condition is cleared.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setConditions, type Condition } from '../../../../src/controller/reconcilers/conditions.ts';
import {
  invalidReport,
  readyReport,
  waitingForVpcReport,
  type SubnetReport,
} from '../../../../src/controller/reconcilers/subnet-conditions.ts';

type Outcome = 'ready' | 'readyPrivate' | 'readyNonOvn' | 'invalid' | 'waiting';

function run(outcomes: Outcome[]): { conditions: Condition[]; events: string[] } {
  let conditions: Condition[] = [];
  const events: string[] = [];
  outcomes.forEach((outcome, i) => {
    const report: SubnetReport =
      outcome === 'ready'
        ? readyReport(conditions, true)
        : outcome === 'readyPrivate'
          ? readyReport(conditions, true, true)
          : outcome === 'readyNonOvn'
            ? readyReport(conditions, false)
            : outcome === 'invalid'
              ? invalidReport('subnet bad cidr 10.0.1.128/25 is conflict with subnet net1 cidr 10.0.1.0/24')
              : waitingForVpcReport('vpc1');
    const next = setConditions(conditions, report.conditions, 1000 * (i + 1));
    if (JSON.stringify(next) !== JSON.stringify(conditions))
      events.push(...report.events.map((e) => `${e.type} ${e.reason}`));
    conditions = next;
  });
  return { conditions, events };
}

const brief = (c: Condition) => [c.type, c.status, c.reason, c.message ?? ''].join(' ').trim();

describe('Subnet conditions and events, as Kube-OVN leaves them', () => {
  const conflict = 'subnet bad cidr 10.0.1.128/25 is conflict with subnet net1 cidr 10.0.1.0/24';
  const rows: { name: string; outcomes: Outcome[]; conditions: string[]; events: string[] }[] = [
    {
      name: 'kovn: an OVN subnet programmed: Validated and Ready from the last step, no placeholder Error',
      outcomes: ['ready'],
      conditions: ['Validated True ResetLogicalSwitchAclSuccess', 'Ready True ResetLogicalSwitchAclSuccess'],
      events: ['Normal ValidateLogicalSwitchSuccess', 'Normal ResetLogicalSwitchAclSuccess'],
    },
    {
      name: 'an unchanged second reconcile writes and records nothing',
      outcomes: ['ready', 'ready'],
      conditions: ['Validated True ResetLogicalSwitchAclSuccess', 'Ready True ResetLogicalSwitchAclSuccess'],
      events: ['Normal ValidateLogicalSwitchSuccess', 'Normal ResetLogicalSwitchAclSuccess'],
    },
    {
      name: 'a private subnet: SetPrivateLogicalSwitchSuccess; private off again: ResetLogicalSwitchAclSuccess',
      outcomes: ['readyPrivate', 'ready'],
      conditions: ['Validated True ResetLogicalSwitchAclSuccess', 'Ready True ResetLogicalSwitchAclSuccess'],
      events: [
        'Normal ValidateLogicalSwitchSuccess',
        'Normal SetPrivateLogicalSwitchSuccess',
        'Normal ValidateLogicalSwitchSuccess',
        'Normal ResetLogicalSwitchAclSuccess',
      ],
    },
    {
      name: 'a non-OVN (IPAM only) subnet: SetNonOvnSubnetSuccess',
      outcomes: ['readyNonOvn'],
      conditions: ['Validated True SetNonOvnSubnetSuccess', 'Ready True SetNonOvnSubnetSuccess'],
      events: ['Normal ValidateLogicalSwitchSuccess', 'Normal SetNonOvnSubnetSuccess'],
    },
    {
      name: 'a refused spec: ValidateLogicalSwitchFailed on Error, Validated and Ready, one Warning',
      outcomes: ['invalid'],
      conditions: [
        `Error True ValidateLogicalSwitchFailed ${conflict}`,
        `Validated False ValidateLogicalSwitchFailed ${conflict}`,
        `Ready False ValidateLogicalSwitchFailed ${conflict}`,
      ],
      events: ['Warning ValidateLogicalSwitchFailed'],
    },
    {
      name: 'waiting for the VPC: validated, not ready, with Kube-OVN’s error text',
      outcomes: ['waiting'],
      conditions: [
        'Validated True ValidateLogicalSwitchSuccess',
        "Ready False WaitingForVpc the vpc 'vpc1' not standby yet",
      ],
      events: ['Normal ValidateLogicalSwitchSuccess'],
    },
    {
      name: 'kovn: a subnet valid again clears its Error (Kube-OVN leaves it True)',
      outcomes: ['invalid', 'ready'],
      conditions: [
        'Error False NoError No error seen',
        'Validated True ResetLogicalSwitchAclSuccess',
        'Ready True ResetLogicalSwitchAclSuccess',
      ],
      events: [
        'Warning ValidateLogicalSwitchFailed',
        'Normal ValidateLogicalSwitchSuccess',
        'Normal ResetLogicalSwitchAclSuccess',
      ],
    },
    {
      name: 'kovn: a cleared Error stays cleared on the next success',
      outcomes: ['invalid', 'ready', 'ready'],
      conditions: [
        'Error False NoError No error seen',
        'Validated True ResetLogicalSwitchAclSuccess',
        'Ready True ResetLogicalSwitchAclSuccess',
      ],
      events: [
        'Warning ValidateLogicalSwitchFailed',
        'Normal ValidateLogicalSwitchSuccess',
        'Normal ResetLogicalSwitchAclSuccess',
      ],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { conditions, events } = run(row.outcomes);
      assert.deepEqual(conditions.map(brief), row.conditions);
      assert.deepEqual(events, row.events);
    });
  }

  it('an empty message is omitted, as Go’s omitempty does', () => {
    const [validated] = run(['ready']).conditions;
    assert.equal('message' in (validated ?? {}), false);
  });
});
