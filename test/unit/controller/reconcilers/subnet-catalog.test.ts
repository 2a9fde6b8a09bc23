// The subnet catalog (memoized defaulted subnets and namespace choices) against the unmemoized rule, across edits;
// which edits move its generation; which subnets serve namespaces they do not list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { DEFAULT_NETWORK } from '../../../../src/api/default-network.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { InformerClusterView } from '../../../../src/kube/informer-view.ts';
import { SubnetCatalog } from '../../../../src/controller/reconcilers/subnet-catalog.ts';
import {
  liveSubnets,
  namespaceSubnets,
  podSubnetCandidates,
} from '../../../../src/controller/reconcilers/select-subnet.ts';
import { kubeovn } from '../../../support/objects.ts';

let version = 0;
const at = (o: KubeObject): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, resourceVersion: String(++version) },
});
const subnet = (name: string, spec: Record<string, unknown>, extra: Partial<KubeObject> = {}) =>
  at(kubeovn('Subnet', name, spec, { ...extra, metadata: { name, ...extra.metadata } }));
const vpc = (name: string, spec: Record<string, unknown>, status?: Record<string, unknown>) =>
  at(kubeovn('Vpc', name, spec, status ? { status } : {}));

function setup() {
  const subnets = new InMemoryInformer({ kind: 'Subnet' });
  const vpcs = new InMemoryInformer({ kind: 'Vpc' });
  const view = new InformerClusterView([subnets, vpcs]);
  const catalog = new SubnetCatalog(view, DEFAULT_NETWORK);
  return { subnets, vpcs, view, catalog };
}

const NAMESPACES = ['t1', 't2', 'plain', 'other', 'kube-system'];

type Step = [why: string, edit: (s: ReturnType<typeof setup>) => void, generationMoves: boolean];

const steps: Step[] = [
  [
    'initial objects',
    ({ subnets, vpcs }) => {
      vpcs.set(vpc('ovn-cluster', {}));
      vpcs.set(vpc('tenant', { namespaces: ['t1', 't2'], defaultSubnet: 'tenant-default' }));
      subnets.set(subnet('ovn-default', { cidrBlock: '10.16.0.0/16' }));
      subnets.set(subnet('tenant-default', { vpc: 'tenant', cidrBlock: '10.1.0.0/24' }));
      subnets.set(subnet('tenant-a', { vpc: 'tenant', cidrBlock: '10.1.2.0/24', namespaces: ['t1'] }));
      subnets.set(subnet('shared', { cidrBlock: '10.17.0.0/24', namespaces: ['plain'] }));
    },
    true,
  ],
  [
    'a status write (counters) moves nothing',
    ({ subnets }) =>
      subnets.set(
        subnet('shared', { cidrBlock: '10.17.0.0/24', namespaces: ['plain'] }, { status: { v4usingIPs: 3 } }),
      ),
    false,
  ],
  [
    'a VPC status write that keeps its default switch moves nothing',
    ({ vpcs }) =>
      vpcs.set(
        vpc('tenant', { namespaces: ['t1', 't2'], defaultSubnet: 'tenant-default' }, { subnets: ['x'] }),
      ),
    false,
  ],
  [
    'a new subnet listing a namespace',
    ({ subnets }) => subnets.set(subnet('plain-b', { cidrBlock: '10.18.0.0/24', namespaces: ['plain'] })),
    true,
  ],
  [
    'a spec change (namespaces moved)',
    ({ subnets }) =>
      subnets.set(
        subnet('shared', { cidrBlock: '10.17.0.0/24', namespaces: ['other'] }, { status: { v4usingIPs: 3 } }),
      ),
    true,
  ],
  [
    'a deletion mark',
    ({ subnets }) =>
      subnets.set(
        subnet(
          'plain-b',
          { cidrBlock: '10.18.0.0/24', namespaces: ['plain'] },
          { metadata: { name: 'plain-b', deletionTimestamp: '2026-01-01T00:00:00Z' } },
        ),
      ),
    true,
  ],
  [
    'a VPC claiming another namespace',
    ({ vpcs }) =>
      vpcs.set(vpc('tenant', { namespaces: ['t1', 't2', 'kube-system'], defaultSubnet: 'tenant-default' })),
    true,
  ],
  ['a subnet gone', ({ subnets }) => subnets.delete('ovn-default'), true],
  [
    'one subnet gone and another new between two reads (the count of subnets stays)',
    ({ subnets }) => {
      subnets.delete('plain-b');
      subnets.set(subnet('plain-c', { cidrBlock: '10.19.0.0/24', namespaces: ['plain'] }));
    },
    true,
  ],
];

void test('catalog answers equal the unmemoized rule after every edit; spec-level edits move the generation', async () => {
  const s = setup();
  await s.subnets.start();
  await s.vpcs.start();
  for (const [why, edit, moves] of steps) {
    const before = s.catalog.generation;
    edit(s);
    assert.equal(s.catalog.generation !== before, moves, `${why}: generation`);
    for (const ns of NAMESPACES) {
      assert.deepEqual(
        s.catalog.namespaceSubnets(ns),
        namespaceSubnets(ns, s.view, DEFAULT_NETWORK).map(specOnly),
        `${why}: namespace ${ns}`,
      );
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns } };
      assert.deepEqual(s.catalog.podCandidates(pod), podSubnetCandidates(pod, s.view, DEFAULT_NETWORK), why);
    }
    assert.deepEqual(
      s.catalog.live().map((x) => x.metadata.name),
      liveSubnets(s.view)
        .map((x) => x.metadata.name)
        .sort(),
      `${why}: live`,
    );
  }
});

/** What the catalog keeps of a defaulted subnet: its name and spec. */
const specOnly = (s: KubeObject): KubeObject => ({
  apiVersion: s.apiVersion,
  kind: s.kind,
  metadata: { name: s.metadata.name ?? '' },
  spec: s['spec'],
});

void test('catalog: a pinned pod has only its annotation as candidate; objects are frozen, status-free', async () => {
  const s = setup();
  await s.subnets.start();
  await s.vpcs.start();
  s.subnets.set(subnet('net1', { cidrBlock: '10.0.1.0/24' }, { status: { v4usingIPs: 1 } }));
  const pinned = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'x', annotations: { 'ovn.kubernetes.io/logical_switch': 'net9' } },
  };
  assert.deepEqual(s.catalog.podCandidates(pinned), ['net9']);
  const net1 = s.catalog.get('net1')!;
  assert.equal(net1.spec?.gateway, '10.0.1.1', 'defaulted');
  assert.equal(net1.status, undefined);
  assert.ok(Object.isFrozen(net1.spec));
  assert.equal(s.catalog.get('absent'), undefined);
});

void test('specOf: the same object while spec and deletion mark stay, a new one when either changes', async () => {
  const s = setup();
  await s.subnets.start();
  await s.vpcs.start();
  s.subnets.set(subnet('a', { cidrBlock: '10.0.1.0/24' }));
  const cases: [string, KubeObject, same: boolean][] = [
    ['status only', subnet('a', { cidrBlock: '10.0.1.0/24' }, { status: { v4usingIPs: 5 } }), true],
    [
      'labels only',
      subnet('a', { cidrBlock: '10.0.1.0/24' }, { metadata: { name: 'a', labels: { x: 'y' } } }),
      true,
    ],
    ['spec', subnet('a', { cidrBlock: '10.0.2.0/24' }), false],
    [
      'deletion mark',
      subnet(
        'a',
        { cidrBlock: '10.0.2.0/24' },
        { metadata: { name: 'a', deletionTimestamp: '2026-01-01T00:00:00Z' } },
      ),
      false,
    ],
  ];
  for (const [why, next, same] of cases) {
    const before = s.catalog.specOf('a');
    s.subnets.set(next);
    assert.equal(s.catalog.specOf('a') === before, same, why);
  }
  assert.equal(s.catalog.get('a'), undefined, 'a deleting subnet is not live');
  assert.ok(s.catalog.specOf('a'), 'but specOf still knows it');
});

void test('servesUnlisted: the default subnet and custom VPC default subnets, nothing else', async () => {
  const s = setup();
  await s.subnets.start();
  await s.vpcs.start();
  s.vpcs.set(vpc('t', { namespaces: ['t1'], defaultSubnet: 't-default' }));
  s.vpcs.set(vpc('u', { namespaces: ['u1'] }, { defaultLogicalSwitch: 'u-first' }));
  const cases: [string, boolean][] = [
    ['ovn-default', true],
    ['t-default', true],
    ['u-first', true],
    ['listed-only', false],
    ['join', false],
  ];
  for (const [name, want] of cases) assert.equal(s.catalog.servesUnlisted(name), want, name);
});
