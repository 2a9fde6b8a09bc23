// Namespace -> subnet selection and the reconcile-time validation view, table-driven over in-memory views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { DEFAULT_NETWORK } from '../../../../src/api/default-network.ts';
import {
  namespaceSubnets,
  podSubnetCandidates,
} from '../../../../src/controller/reconcilers/select-subnet.ts';
import { validationView } from '../../../../src/controller/reconcilers/subnet-view.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const pod = (namespace: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace, annotations },
});

const cluster = [
  kubeovn('Vpc', 'ovn-cluster'),
  kubeovn('Vpc', 'tenant', { namespaces: ['t1', 't2', 'kube-system'], defaultSubnet: 'tenant-default' }),
  kubeovn('Vpc', 'bare', { namespaces: ['b1'] }),
  kubeovn('Subnet', 'ovn-default', { cidrBlock: '10.16.0.0/16', default: true }),
  kubeovn('Subnet', 'join', { cidrBlock: '100.64.0.0/16' }),
  kubeovn('Subnet', 'tenant-default', { vpc: 'tenant', cidrBlock: '10.1.0.0/24' }),
  kubeovn('Subnet', 'tenant-b', { vpc: 'tenant', cidrBlock: '10.1.1.0/24', namespaces: ['t1'] }),
  kubeovn('Subnet', 'tenant-a', { vpc: 'tenant', cidrBlock: '10.1.2.0/24', namespaces: ['t1'] }),
  kubeovn('Subnet', 'shared', { cidrBlock: '10.17.0.0/24', namespaces: ['plain'] }),
  kubeovn(
    'Subnet',
    'going',
    { cidrBlock: '10.18.0.0/24', namespaces: ['plain'] },
    {
      metadata: { name: 'going', deletionTimestamp: '2026-01-01T00:00:00Z' },
    },
  ),
];
const view = memoryView(cluster);

const cases: [namespace: string, want: string[], why: string][] = [
  [
    't1',
    ['tenant-default', 'tenant-a', 'tenant-b'],
    "the VPC's default subnet first, then subnets listing it by name",
  ],
  ['t2', ['tenant-default'], "the VPC's default subnet alone"],
  [
    'kube-system',
    ['tenant-default'],
    'kube-system: not put first, but still the fallback of the VPC listing it',
  ],
  ['b1', ['ovn-default'], 'a VPC without a default subnet: the default subnet'],
  ['plain', ['shared'], 'a default-VPC subnet listing the namespace (deleting subnets skipped)'],
  ['other', ['ovn-default'], 'nobody claims it: ovn-default'],
];
for (const [namespace, want, why] of cases) {
  void test(`namespaceSubnets(${namespace}): ${why}`, () => {
    assert.deepEqual(
      namespaceSubnets(namespace, view, DEFAULT_NETWORK).map((s) => s.metadata.name),
      want,
    );
  });
}

void test('subnets come back defaulted (gateway and excludeIps filled in)', () => {
  const [s] = namespaceSubnets('plain', view, DEFAULT_NETWORK);
  assert.equal(s?.spec?.gateway, '10.17.0.1');
  assert.deepEqual(s?.spec?.excludeIps, ['10.17.0.1']);
});

void test("a pod's logical_switch annotation wins over its namespace's subnets", () => {
  assert.deepEqual(
    podSubnetCandidates(pod('t1', { 'ovn.kubernetes.io/logical_switch': 'shared' }), view, DEFAULT_NETWORK),
    ['shared'],
  );
  assert.deepEqual(podSubnetCandidates(pod('t2'), view, DEFAULT_NETWORK), ['tenant-default']);
});

void test('validation view: accepted subnets count, refused ones never, undecided ones only if older', () => {
  const validated = (status: string) => ({ status: { conditions: [{ type: 'Validated', status }] } });
  const self = kubeovn(
    'Subnet',
    'm',
    {},
    { metadata: { name: 'm', creationTimestamp: '2026-01-02T00:00:00Z' } },
  );
  const others = [
    kubeovn('Subnet', 'z-accepted', {}, validated('True')),
    kubeovn('Subnet', 'a-refused', {}, validated('False')),
    kubeovn('Subnet', 'a-undecided-by-name', {}),
    kubeovn('Subnet', 'z-undecided-by-name', {}),
    kubeovn(
      'Subnet',
      'z-older',
      {},
      { metadata: { name: 'z-older', creationTimestamp: '2026-01-01T00:00:00Z' } },
    ),
    kubeovn(
      'Subnet',
      'a-newer',
      {},
      { metadata: { name: 'a-newer', creationTimestamp: '2026-01-03T00:00:00Z' } },
    ),
    kubeovn('Vpc', 'v'),
  ];
  const v = validationView(memoryView([self, ...others]), self);
  assert.deepEqual(
    v
      .list('Subnet')
      .map((s) => s.metadata.name)
      .sort(),
    ['a-undecided-by-name', 'm', 'z-accepted', 'z-older'],
  );
  assert.equal(v.list('Vpc').length, 1);
});
