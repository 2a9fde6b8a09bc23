// Table-driven tests of the pure NAT status pieces: the agent's report (parsing, verdicts), an EIP's `nat` order,
// the per-kind programmed fields, and the cluster-state conflicts (one FIP per EIP, DNAT identity unless both share,
// SNAT identity with bare addresses as /32; the older rule wins).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView, KubeObject } from '../../../../../src/api/types.ts';
import { appliedVerdict } from '../../../../../src/controller/reconcilers/natgw/applied.ts';
import { parseNatReport } from '../../../../../src/api/nat-report.ts';
import {
  natKinds,
  normalCidr,
  ruleConflict,
  ruleStatusFields,
} from '../../../../../src/controller/reconcilers/natgw/rule-status.ts';

const obj = (
  kind: string,
  name: string,
  spec: Record<string, string>,
  created = '2026-01-01T00:00:00Z',
): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind,
  metadata: { name, creationTimestamp: created },
  spec,
});
const viewOf = (objects: KubeObject[]): ClusterView => ({
  get: (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name),
  list: (kind) => objects.filter((o) => o.kind === kind),
});
const pod = (annotation?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'vpc-nat-gw-gw1-0',
    annotations: annotation === undefined ? {} : { 'kovn.io/nat-applied': annotation },
  },
});

void test('agent report: parse and verdict per entry', () => {
  const report = JSON.stringify({
    generation: 3,
    rules: { 'dnat/a': { ok: true }, 'snat/b': { ok: false, reason: 'bad cidr' }, 'fip/c': { ok: false } },
  });
  assert.deepEqual(parseNatReport(report)?.generation, 3);
  const cases: [string, KubeObject | undefined, string, unknown][] = [
    ['applied', pod(report), 'dnat/a', { state: 'applied' }],
    ['failed with the reason', pod(report), 'snat/b', { state: 'failed', reason: 'bad cidr' }],
    [
      'failed without a reason',
      pod(report),
      'fip/c',
      { state: 'failed', reason: 'the gateway pod P could not apply fip/c' },
    ],
    [
      'not tried yet',
      pod(report),
      'eip/x',
      { state: 'pending', reason: 'the gateway pod P has not applied eip/x yet' },
    ],
    [
      'no report',
      pod(),
      'dnat/a',
      { state: 'pending', reason: 'the gateway pod P has not applied its rules yet' },
    ],
    [
      'garbage report',
      pod('{nope'),
      'dnat/a',
      { state: 'pending', reason: 'the gateway pod P has not applied its rules yet' },
    ],
    ['no pod', undefined, 'dnat/a', { state: 'pending', reason: 'the gateway pod P is not running' }],
  ];
  for (const [name, p, entry, want] of cases) assert.deepEqual(appliedVerdict(p, entry, 'P'), want, name);
});

void test('EIP nat field: kinds in dnat,fip,snat order', () => {
  const r = (kind: string) => obj(kind, 'x', {});
  const cases: [KubeObject[], string][] = [
    [[], ''],
    [[r('IptablesSnatRule')], 'snat'],
    [[r('IptablesSnatRule'), r('IptablesDnatRule'), r('IptablesDnatRule')], 'dnat,snat'],
    [[r('IptablesSnatRule'), r('IptablesFIPRule'), r('IptablesDnatRule')], 'dnat,fip,snat'],
  ];
  for (const [rules, want] of cases) assert.equal(natKinds(rules), want);
});

void test('programmed fields per kind', () => {
  assert.deepEqual(
    ruleStatusFields(
      'IptablesDnatRule',
      obj('IptablesDnatRule', 'd', {
        eip: 'e',
        protocol: 'TCP',
        internalIp: '10.0.1.10',
        internalPort: '80',
        externalPort: '8888',
      }),
      '192.168.0.12',
      'gw1',
    ),
    {
      v4ip: '192.168.0.12',
      v6ip: '',
      natGwDp: 'gw1',
      // Kube-OVN's patchDnatStatus copies the protocol as written.
      protocol: 'TCP',
      internalIp: '10.0.1.10',
      internalPort: '80',
      externalPort: '8888',
    },
  );
  assert.deepEqual(
    ruleStatusFields(
      'IptablesSnatRule',
      obj('IptablesSnatRule', 's', { eip: 'e', internalCIDR: '10.0.1.7' }),
      '1.1.1.1',
      'g',
    ),
    {
      v4ip: '1.1.1.1',
      v6ip: '',
      natGwDp: 'g',
      internalCIDR: '10.0.1.7/32',
    },
  );
  assert.deepEqual(
    ruleStatusFields(
      'IptablesFIPRule',
      obj('IptablesFIPRule', 'f', { eip: 'e', internalIp: '10.0.1.5' }),
      '1.1.1.1',
      'g',
    ),
    {
      v4ip: '1.1.1.1',
      v6ip: '',
      natGwDp: 'g',
      internalIp: '10.0.1.5',
    },
  );
  assert.equal(normalCidr('10.0.1.9/24'), '10.0.1.0/24');
});

void test('conflicts: the older rule keeps the EIP', () => {
  const early = '2026-01-01T00:00:00Z';
  const late = '2026-01-02T00:00:00Z';
  const dnat = (name: string, port: string, protocol: string, created: string, type?: string) =>
    obj(
      'IptablesDnatRule',
      name,
      {
        eip: 'e',
        externalPort: port,
        protocol,
        internalIp: '10.0.1.1',
        internalPort: '80',
        ...(type ? { type } : {}),
      },
      created,
    );
  const cases: { name: string; objects: KubeObject[]; subject: KubeObject; want: RegExp | undefined }[] = [
    {
      name: 'second FIP on an EIP',
      objects: [obj('IptablesFIPRule', 'f1', { eip: 'e' }, early)],
      subject: obj('IptablesFIPRule', 'f2', { eip: 'e' }, late),
      want: /used by the other fip f1/,
    },
    {
      name: 'the first FIP is fine',
      objects: [obj('IptablesFIPRule', 'f2', { eip: 'e' }, late)],
      subject: obj('IptablesFIPRule', 'f1', { eip: 'e' }, early),
      want: undefined,
    },
    {
      name: 'FIPs on different EIPs',
      objects: [obj('IptablesFIPRule', 'f1', { eip: 'other' }, early)],
      subject: obj('IptablesFIPRule', 'f2', { eip: 'e' }, late),
      want: undefined,
    },
    {
      name: 'same DNAT identity (protocol case aside)',
      objects: [dnat('d1', '80', 'tcp', early)],
      subject: dnat('d2', '80', 'TCP', late),
      want: /eip e port 80\/tcp is already used by dnat d1/,
    },
    {
      name: 'same port, other protocol',
      objects: [dnat('d1', '80', 'udp', early)],
      subject: dnat('d2', '80', 'tcp', late),
      want: undefined,
    },
    {
      name: 'other port',
      objects: [dnat('d1', '81', 'tcp', early)],
      subject: dnat('d2', '80', 'tcp', late),
      want: undefined,
    },
    {
      name: 'both share',
      objects: [dnat('d1', '80', 'tcp', early, 'share')],
      subject: dnat('d2', '80', 'tcp', late, 'share'),
      want: undefined,
    },
    {
      name: 'only one shares',
      objects: [dnat('d1', '80', 'tcp', early, 'share')],
      subject: dnat('d2', '80', 'tcp', late),
      want: /used by dnat d1/,
    },
    {
      name: 'same SNAT CIDR written as a bare IP',
      objects: [obj('IptablesSnatRule', 's1', { eip: 'e', internalCIDR: '10.0.1.7/32' }, early)],
      subject: obj('IptablesSnatRule', 's2', { eip: 'e', internalCIDR: '10.0.1.7' }, late),
      want: /s1 already translates 10.0.1.7\/32/,
    },
    {
      name: 'SNAT /24 and /16 on one EIP',
      objects: [obj('IptablesSnatRule', 's1', { eip: 'e', internalCIDR: '10.0.0.0/16' }, early)],
      subject: obj('IptablesSnatRule', 's2', { eip: 'e', internalCIDR: '10.0.1.0/24' }, late),
      want: undefined,
    },
    {
      name: 'same creation time: the name decides',
      objects: [obj('IptablesFIPRule', 'a', { eip: 'e' }, early)],
      subject: obj('IptablesFIPRule', 'b', { eip: 'e' }, early),
      want: /other fip a/,
    },
  ];
  for (const c of cases) {
    const kind = c.subject.kind as 'IptablesDnatRule' | 'IptablesSnatRule' | 'IptablesFIPRule';
    const got = ruleConflict(kind, c.subject, viewOf([...c.objects, c.subject]));
    if (c.want) assert.match(got ?? '', c.want, c.name);
    else assert.equal(got, undefined, c.name);
  }
});
