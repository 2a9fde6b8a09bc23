// The Pod reconciler's Subnet and Namespace watches: which updates they look at, and which pending pods a subnet
// change maps to (none while an OVN subnet has no logical switch yet: the status write after programming it maps them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { DEFAULT_NETWORK } from '../../../../src/api/default-network.ts';
import type { NetworkDeps } from '../../../../src/controller/reconcilers/deps.ts';
import { PendingPods } from '../../../../src/controller/reconcilers/pending-pods.ts';
import { podReconciler } from '../../../../src/controller/reconcilers/pod.ts';
import { SubnetCatalog } from '../../../../src/controller/reconcilers/subnet-catalog.ts';
import { Ipam } from '../../../../src/ipam/index.ts';
import { InformerClusterView } from '../../../../src/kube/informer-view.ts';
import type { WatchMapping } from '../../../../src/kube/reconciler.ts';
import { DatabaseCache } from '../../../../src/ovsdb/cache.ts';
import type { OvnNbTables } from '../../../../src/ovsdb/generated/ovn-nb.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { kubeovn } from '../../../support/objects.ts';

const pod = (name: string, namespace: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, annotations },
});
const subnet = (name: string, spec: Record<string, unknown>, extra: Partial<KubeObject> = {}) =>
  kubeovn('Subnet', name, { cidrBlock: '10.0.1.0/24', ...spec }, extra);

async function setup() {
  const informers = ['Pod', 'Subnet', 'Vpc', 'Namespace', 'IP'].map((kind) => new InMemoryInformer({ kind }));
  const view = new InformerClusterView(informers);
  const pendingPods = new PendingPods(view.informer('Pod'));
  await Promise.all(informers.map((i) => i.start()));
  const cache = new DatabaseCache<OvnNbTables>();
  const deps = {
    catalog: new SubnetCatalog(view, DEFAULT_NETWORK),
    pendingPods,
    nb: { cache },
    ipam: new Ipam(),
    network: DEFAULT_NETWORK,
  } as unknown as NetworkDeps;
  const watches = podReconciler(deps).watches ?? [];
  const watch = (kind: string): WatchMapping => watches.find((w) => w.kind === kind)!;
  const set = (obj: KubeObject) => (view.informer(obj.kind) as InMemoryInformer).set(obj);
  const addSwitch = (name: string) =>
    cache.apply('Logical_Switch', `uuid-${name}`, { _uuid: `uuid-${name}`, name } as never);
  const mapped = (kind: string, obj: KubeObject) => [...watch(kind).map(obj, view)].sort();
  return { view, watch, set, addSwitch, mapped };
}

void test('an OVN subnet without its switch maps no pod; with it, its pending pods; a deleted one, them too', async () => {
  const { set, addSwitch, mapped, view } = await setup();
  set(pod('a', 'ns1'));
  set(pod('b', 'ns1', { 'ovn.kubernetes.io/routed': 'true' }));
  set(pod('pinned', 'ns2', { 'ovn.kubernetes.io/logical_switch': 'net1' }));
  const net1 = subnet('net1', { namespaces: ['ns1'] });
  set(net1);
  assert.deepEqual(mapped('Subnet', net1), [], 'no switch yet: a pod would only wait');
  addSwitch('net1');
  assert.deepEqual(mapped('Subnet', net1), ['Pod/ns1/a', 'Pod/ns2/pinned'], 'pending pods only');
  const underlay = subnet('u1', { namespaces: ['ns1'], provider: 'nad1.ns1' });
  set(underlay);
  assert.deepEqual(mapped('Subnet', underlay), ['Pod/ns1/a'], 'a non-OVN subnet never has a switch');
  const gone = subnet('gone', { namespaces: ['ns1'] });
  assert.equal(view.get('Subnet', 'gone'), undefined);
  assert.deepEqual(mapped('Subnet', gone), ['Pod/ns1/a'], 'a subnet no longer cached still maps');
  const deleting = subnet(
    'net2',
    { namespaces: ['ns1'] },
    { metadata: { name: 'net2', deletionTimestamp: 't' } },
  );
  set(deleting);
  assert.deepEqual(mapped('Subnet', deleting), ['Pod/ns1/a'], 'nor does a deleting one wait for its switch');
});

void test('a Subnet update matters to pods unless only its metadata changed; a Namespace one, its labels', async () => {
  const { watch } = await setup();
  const base = subnet('net1', { namespaces: ['ns1'] }, { metadata: { name: 'net1', resourceVersion: '1' } });
  const withMeta = (extra: Partial<KubeObject['metadata']>) => ({
    ...base,
    metadata: { ...base.metadata, resourceVersion: '2', ...extra },
  });
  const changed = (obj: KubeObject, old: KubeObject) => watch('Subnet').changed!(obj, old);
  assert.equal(changed(withMeta({ finalizers: ['kube-ovn-controller'] }), base), false, 'a finalizer');
  assert.equal(changed(withMeta({ annotations: { a: 'b' } }), base), false, 'an annotation');
  assert.equal(changed({ ...base, status: { v4availableIPs: 3 } }, base), true, 'room or readiness');
  const moved = { ...base, spec: { cidrBlock: '10.0.1.0/24', namespaces: ['ns2'] } };
  assert.equal(changed(moved, base), true, 'the spec');
  assert.equal(changed(withMeta({ deletionTimestamp: 't' }), base), true, 'being deleted');

  const ns: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'ns1', resourceVersion: '1' },
  };
  const nsChanged = (obj: KubeObject, old: KubeObject) => watch('Namespace').changed!(obj, old);
  const annotated = { ...ns, metadata: { ...ns.metadata, annotations: { 'ovn.kubernetes.io/cidr': 'x' } } };
  assert.equal(nsChanged(annotated, ns), false, 'the Namespace reconciler’s own annotations');
  assert.equal(nsChanged({ ...ns, metadata: { ...ns.metadata, labels: { team: 'a' } } }, ns), true, 'labels');
  assert.equal(nsChanged({ ...ns, metadata: { ...ns.metadata, deletionTimestamp: 't' } }, ns), true);
});
