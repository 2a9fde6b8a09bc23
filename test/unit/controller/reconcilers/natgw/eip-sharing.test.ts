// The controller's conflict report across kinds (ADR 2): a floating IP and a port DNAT on one EIP, which admission
// accepts with a warning until the EIP has its address: the newer of the two is reported Conflict, in the words the
// gateway refuses it with; a SNAT shares an EIP with a floating IP (as in Kube-OVN). And the watches that bring the
// rival of another kind back to the reconciler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView, KubeObject } from '../../../../../src/api/types.ts';
import { eipRivalKinds, ruleConflict } from '../../../../../src/controller/reconcilers/natgw/rule-status.ts';
import type { RuleKind } from '../../../../../src/controller/reconcilers/natgw/names.ts';
import { ruleWatches } from '../../../../../src/controller/reconcilers/natgw/watches.ts';

const early = '2026-01-01T00:00:00Z';
const late = '2026-01-02T00:00:00Z';
const rule = (kind: RuleKind, name: string, created: string, eip = 'e'): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind,
  metadata: { name, creationTimestamp: created },
  spec:
    kind === 'IptablesDnatRule'
      ? { eip, externalPort: '80', protocol: 'tcp', internalIp: '10.0.1.2', internalPort: '80' }
      : kind === 'IptablesSnatRule'
        ? { eip, internalCIDR: '10.0.1.0/24' }
        : { eip, internalIp: '10.0.1.5' },
});
const viewOf = (objects: KubeObject[]): ClusterView => ({
  get: (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name),
  list: (kind) => objects.filter((o) => o.kind === kind),
});

void test('the kinds that cannot share an EIP with each other: a floating IP and a port DNAT', () => {
  assert.deepEqual(eipRivalKinds('IptablesFIPRule'), ['IptablesDnatRule']);
  assert.deepEqual(eipRivalKinds('IptablesDnatRule'), ['IptablesFIPRule']);
  assert.deepEqual(eipRivalKinds('IptablesSnatRule'), []);
});

void test('conflicts across kinds: the newer of a FIP and a DNAT on one EIP', () => {
  const cases: { name: string; others: KubeObject[]; subject: KubeObject; want: RegExp | undefined }[] = [
    {
      name: 'a DNAT after a FIP',
      others: [rule('IptablesFIPRule', 'f1', early)],
      subject: rule('IptablesDnatRule', 'd1', late),
      want: /^eip e is used by floating IP f1, which takes every connection to it$/,
    },
    {
      name: 'a FIP after a DNAT',
      others: [rule('IptablesDnatRule', 'd1', early)],
      subject: rule('IptablesFIPRule', 'f1', late),
      want: /^a floating IP takes every connection to its eip; eip e is used by dnat\/d1$/,
    },
    {
      name: 'the older of the two is fine',
      others: [rule('IptablesDnatRule', 'd1', late)],
      subject: rule('IptablesFIPRule', 'f1', early),
      want: undefined,
    },
    {
      name: 'on other EIPs',
      others: [rule('IptablesFIPRule', 'f1', early, 'other')],
      subject: rule('IptablesDnatRule', 'd1', late),
      want: undefined,
    },
    {
      name: 'a SNAT after a FIP shares the EIP',
      others: [rule('IptablesFIPRule', 'f1', early)],
      subject: rule('IptablesSnatRule', 's1', late),
      want: undefined,
    },
    {
      name: 'a FIP after a SNAT shares the EIP',
      others: [rule('IptablesSnatRule', 's1', early)],
      subject: rule('IptablesFIPRule', 'f1', late),
      want: undefined,
    },
    {
      name: 'a deleting FIP holds nothing',
      others: [
        {
          ...rule('IptablesFIPRule', 'f1', early),
          metadata: { name: 'f1', creationTimestamp: early, deletionTimestamp: late },
        },
      ],
      subject: rule('IptablesDnatRule', 'd1', late),
      want: undefined,
    },
  ];
  for (const c of cases) {
    const kind = c.subject.kind as RuleKind;
    const got = ruleConflict(kind, c.subject, viewOf([...c.others, c.subject]));
    if (c.want) assert.match(got ?? '', c.want, c.name);
    else assert.equal(got, undefined, c.name);
  }
});

void test('a FIP is reconciled again when a DNAT on its EIP comes, goes or changes', () => {
  const fip = rule('IptablesFIPRule', 'f1', late);
  const dnat = rule('IptablesDnatRule', 'd1', early);
  const elsewhere = rule('IptablesFIPRule', 'f2', late, 'other');
  const view = viewOf([fip, dnat, elsewhere]);
  const watch = ruleWatches('IptablesFIPRule').find((w) => w.kind === 'IptablesDnatRule');
  assert.ok(watch, 'the FIP reconciler watches DNATs');
  assert.deepEqual(watch.map(dnat, view), ['IptablesFIPRule/f1']);
  const relabelled = { ...dnat, metadata: { ...dnat.metadata, labels: { a: 'b' } } };
  assert.equal(watch.changed?.(relabelled, dnat), false, 'a label write decides nothing');
  assert.ok(!ruleWatches('IptablesSnatRule').some((w) => w.kind === 'IptablesFIPRule'));
});
