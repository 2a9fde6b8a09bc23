// The small pure helpers of the reconcilers: owner tags, conditions, status/annotation diffs, pod annotations,
// default network objects and flags, and the in-memory writer's API-server-like delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../../../src/api/types.ts';
import {
  DEFAULT_NETWORK,
  defaultNetworkObjects,
  networkOptionsFromFlags,
} from '../../../../src/api/default-network.ts';
import { ensureDefaultNetwork } from '../../../../src/controller/reconcilers/controller.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { ownerKey, ownerRef, ownerTags } from '../../../../src/controller/nb/owner.ts';
import { setConditions } from '../../../../src/controller/reconcilers/conditions.ts';
import { podAnnotations, podRequest } from '../../../../src/controller/reconcilers/pod-annotations.ts';
import { MemoryObjectWriter } from '../../../support/writer-memory.ts';
import { annotationChanges, sameJson, statusChanges } from '../../../../src/kube/writer.ts';
import { FakeClock } from '../../../../src/util/clock.ts';

void test('owner tags round-trip to work-queue keys; foreign tags do not', () => {
  assert.deepEqual(ownerTags('subnet/net1', { subnet: 'net1' }), {
    subnet: 'net1',
    vendor: 'kube-ovn',
    'kovn-owner': 'subnet/net1',
  });
  assert.equal(ownerKey('vpc/test-vpc-1'), 'Vpc/test-vpc-1');
  assert.equal(ownerKey('subnet/net1'), 'Subnet/net1');
  assert.equal(ownerKey('pod/ns1/vpc1-pod'), 'Pod/ns1/vpc1-pod');
  assert.equal(ownerKey('natgw/gw1'), 'VpcNatGateway/gw1');
  for (const foreign of ['gw/x', 'pod/only-name', 'vpc/', 'vpc/a/b', ''])
    assert.equal(ownerRef(foreign), undefined, foreign);
});

void test('conditions: unchanged keeps timestamps, a flip moves lastTransitionTime', () => {
  const first = setConditions(
    undefined,
    [{ type: 'Ready', status: 'False', reason: 'Wait', message: 'm' }],
    1000,
  );
  assert.equal(first[0]?.lastTransitionTime, new Date(1000).toISOString());
  assert.equal(
    setConditions(first, [{ type: 'Ready', status: 'False', reason: 'Wait', message: 'm' }], 2000)[0],
    first[0],
  );
  const reworded = setConditions(
    first,
    [{ type: 'Ready', status: 'False', reason: 'Wait', message: 'n' }],
    3000,
  )[0]!;
  assert.deepEqual(
    [reworded.lastUpdateTime, reworded.lastTransitionTime],
    [new Date(3000).toISOString(), new Date(1000).toISOString()],
  );
  const flipped = setConditions(
    first,
    [{ type: 'Ready', status: 'True', reason: 'Ok', message: '' }],
    4000,
  )[0]!;
  assert.equal(flipped.lastTransitionTime, new Date(4000).toISOString());
});

void test('status and annotation diffs list only what differs', () => {
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', annotations: { a: '1', b: '2' } },
    status: { x: { k: [1, 2] }, y: 1 },
  };
  assert.deepEqual(statusChanges(obj, { x: { k: [1, 2] }, y: 2 }), { y: 2 });
  assert.deepEqual(annotationChanges(obj, { a: '1', b: null, c: null, d: '4' }), { b: null, d: '4' });
  assert.ok(sameJson({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(sameJson({ a: 1 }, { b: undefined, a: 1 }));
  assert.ok(!sameJson([1, 2], [2, 1]));
  assert.ok(sameJson({ a: { b: [1, { c: 'x' }] }, d: null }, { d: null, a: { b: [1, { c: 'x' }] } }));
  assert.ok(!sameJson({ a: { b: [1, { c: 'x' }] } }, { a: { b: [1, { c: 'y' }] } }));
  assert.ok(!sameJson({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!sameJson({ a: 1, b: 2 }, { a: 1 }));
  assert.ok(!sameJson({ a: undefined, b: 1 }, { a: 1 }));
  assert.ok(!sameJson({ 0: 'x' }, ['x']), 'an array is not an object');
  assert.ok(!sameJson({ a: null }, { a: undefined }));
  assert.ok(!sameJson({ toString: 'x' }, {}), 'own keys only, on both sides');
  assert.ok(!sameJson({}, { toString: 'x' }));
});

void test('pod annotations and the static request read back from them', () => {
  const subnet: Subnet = {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name: 'net1' },
    spec: { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24,fd00::/120', gateway: '10.0.1.1,fd00::1' },
  };
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } };
  const allocation = {
    subnet: 'net1',
    owner: 'p.n',
    v4: '10.0.1.2',
    v6: 'fd00::2',
    ipAddress: '10.0.1.2,fd00::2',
    mac: '0a:00:00:00:00:02',
  };
  const a = podAnnotations(pod, subnet, allocation);
  assert.deepEqual(a, {
    'ovn.kubernetes.io/allocated': 'true',
    'ovn.kubernetes.io/ip_address': '10.0.1.2,fd00::2',
    'ovn.kubernetes.io/mac_address': '0a:00:00:00:00:02',
    'ovn.kubernetes.io/cidr': '10.0.1.0/24,fd00::/120',
    'ovn.kubernetes.io/gateway': '10.0.1.1,fd00::1',
    'ovn.kubernetes.io/logical_switch': 'net1',
    'ovn.kubernetes.io/logical_router': 'test-vpc-1',
    'ovn.kubernetes.io/pod_nic_type': 'veth-pair',
    'ovn.kubernetes.io/routed': 'true',
  });
  // Kube-OVN writes logical_router only when the subnet names a VPC, and keeps a pod's own pod_nic_type
  const noVpc = { ...subnet, spec: { ...subnet.spec, vpc: '' } };
  assert.equal('ovn.kubernetes.io/logical_router' in podAnnotations(pod, noVpc, allocation), false);
  const internal = {
    ...pod,
    metadata: { ...pod.metadata, annotations: { 'ovn.kubernetes.io/pod_nic_type': 'internal-port' } },
  };
  assert.equal(
    podAnnotations(internal, subnet, allocation)['ovn.kubernetes.io/pod_nic_type'],
    'internal-port',
  );
  const annotated = { ...pod, metadata: { ...pod.metadata, annotations: a } };
  assert.deepEqual(podRequest(annotated), { ips: '10.0.1.2,fd00::2', mac: '0a:00:00:00:00:02' });
  assert.deepEqual(podRequest(pod), {});
});

void test('default network: objects from Kube-OVN flags', () => {
  const options = networkOptionsFromFlags({ '--default-cidr': '10.96.0.0/16', 'node-switch': 'join2' });
  assert.deepEqual(options, { ...DEFAULT_NETWORK, defaultCidr: '10.96.0.0/16', nodeSwitch: 'join2' });
  assert.throws(
    () => networkOptionsFromFlags({ 'no-such-flag': 'x' }),
    /unknown default-network flag --no-such-flag/,
  );
  const [vpc, def, join] = defaultNetworkObjects(options);
  assert.deepEqual([vpc?.kind, vpc?.metadata.name], ['Vpc', 'ovn-cluster']);
  assert.deepEqual(def?.['spec'], {
    vpc: 'ovn-cluster',
    default: true,
    provider: 'ovn',
    cidrBlock: '10.96.0.0/16',
    natOutgoing: true,
    gatewayType: 'distributed',
  });
  assert.deepEqual(
    [join?.metadata.name, (join?.['spec'] as { cidrBlock: string }).cidrBlock],
    ['join2', '100.64.0.0/16'],
  );
});

void test('ensureDefaultNetwork creates what is missing and never overwrites', async () => {
  const vpcs = new InMemoryInformer<KubeObject>({ kind: 'Vpc' });
  const subnets = new InMemoryInformer<KubeObject>({
    kind: 'Subnet',
    objects: [
      {
        apiVersion: 'kubeovn.io/v1',
        kind: 'Subnet',
        metadata: { name: 'join' },
        spec: { cidrBlock: '100.65.0.0/16' },
      },
    ],
  });
  await vpcs.start();
  await subnets.start();
  const writer = new MemoryObjectWriter([vpcs, subnets], new FakeClock(0));
  assert.deepEqual(await ensureDefaultNetwork(writer), ['Vpc/ovn-cluster', 'Subnet/ovn-default']);
  assert.deepEqual(await ensureDefaultNetwork(writer), []);
  assert.equal((subnets.get('join')?.['spec'] as { cidrBlock: string }).cidrBlock, '100.65.0.0/16');
});

void test('memory writer: delete waits for finalizers, as the API server does', async () => {
  const informer = new InMemoryInformer<KubeObject>({
    kind: 'Vpc',
    objects: [{ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'v' } }],
  });
  await informer.start();
  const writer = new MemoryObjectWriter([informer], new FakeClock(5000));
  await writer.updateFinalizers(informer.get('v')!, { add: ['f'] });
  writer.delete({ kind: 'Vpc', name: 'v' });
  assert.equal(informer.get('v')?.metadata.deletionTimestamp, new Date(5000).toISOString());
  await writer.patchStatus({ kind: 'Vpc', name: 'v' }, { standby: true });
  assert.deepEqual(informer.get('v')?.['status'], { standby: true });
  await writer.updateFinalizers(informer.get('v')!, { remove: ['f'] });
  assert.equal(informer.get('v'), undefined);
  assert.equal(writer.writes, 3);
});
