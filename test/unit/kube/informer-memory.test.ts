import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { InMemoryInformer } from '../../support/informer-memory.ts';
import { InformerClusterView } from '../../../src/kube/informer-view.ts';

const obj = (kind: string, name: string, namespace?: string, rv?: string): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(rv ? { resourceVersion: rv } : {}) },
});

void test('set/delete/replace fire add, update (with old) and delete synchronously', async () => {
  const inf = new InMemoryInformer({ kind: 'Subnet' });
  const seen: string[] = [];
  inf.on('add', (o) => seen.push(`add ${o.metadata.name}`));
  inf.on('update', (o, old) =>
    seen.push(`update ${o.metadata.name} ${old.metadata.resourceVersion}->${o.metadata.resourceVersion}`),
  );
  inf.on('delete', (o) => seen.push(`delete ${o.metadata.name}`));
  assert.equal(inf.hasSynced(), false);
  await inf.start();
  assert.equal(inf.hasSynced(), true);
  inf.set(obj('Subnet', 'a', undefined, '1'));
  inf.set(obj('Subnet', 'a', undefined, '1'));
  inf.set(obj('Subnet', 'a', undefined, '2'));
  inf.set(obj('Subnet', 'b'));
  inf.set(obj('Subnet', 'b'));
  inf.delete('b');
  inf.delete('b');
  inf.replace([obj('Subnet', 'c')]);
  assert.deepEqual(seen, [
    'add a',
    'update a 1->2',
    'add b',
    'update b undefined->undefined',
    'delete b',
    'delete a',
    'add c',
  ]);
});

void test('empty until start, which delivers what was set before as adds', async () => {
  const inf = new InMemoryInformer({ kind: 'Vpc', objects: [obj('Vpc', 'a'), obj('Vpc', 'b')] });
  inf.set(obj('Vpc', 'c'));
  inf.delete('b');
  const seen: string[] = [];
  inf.on('add', (o) => seen.push(o.metadata.name!));
  assert.deepEqual(inf.list(), []);
  await inf.start();
  assert.deepEqual(seen, ['a', 'c']);
  inf.replace([obj('Vpc', 'x')]);
  assert.deepEqual(
    inf.list().map((o) => o.metadata.name),
    ['x'],
  );
});

void test('namespaced get/list, and objects are copied and frozen', async () => {
  const original = obj('Pod', 'p', 'ns1');
  const inf = new InMemoryInformer({
    kind: 'Pod',
    objects: [original, obj('Pod', 'p', 'ns2'), obj('Pod', 'q', 'ns1')],
  });
  await inf.start();
  assert.equal(inf.list().length, 3);
  assert.deepEqual(
    inf.list('ns1').map((o) => o.metadata.name),
    ['p', 'q'],
  );
  assert.equal(inf.get('p', 'ns2')?.metadata.namespace, 'ns2');
  assert.equal(inf.get('p'), undefined, 'a namespaced object is not found without its namespace');
  const cached = inf.get('p', 'ns1')!;
  assert.notEqual(cached, original);
  assert.throws(() => {
    (cached.metadata as { name: string }).name = 'x';
  }, TypeError);
  assert.throws(() => inf.set(obj('Vpc', 'v')), /informer for Pod given a Vpc/);
});

void test('a throwing handler does not stop the others; the error goes to the sink', async () => {
  const errors: unknown[] = [];
  const inf = new InMemoryInformer({ kind: 'Vpc', onHandlerError: (err) => errors.push(err) });
  await inf.start();
  let second = 0;
  inf.on('add', () => {
    throw new Error('handler bug');
  });
  inf.on('add', () => second++);
  inf.set(obj('Vpc', 'a'));
  assert.equal(second, 1);
  assert.equal((errors[0] as Error).message, 'handler bug');
  assert.equal(inf.list().length, 1);
});

void test('InformerClusterView reads through the informers by kind and refuses unknown kinds', async () => {
  const vpcs = new InMemoryInformer({ kind: 'Vpc', objects: [obj('Vpc', 'v1')] });
  const subnets = new InMemoryInformer({
    kind: 'Subnet',
    objects: [obj('Subnet', 's1'), obj('Subnet', 's2')],
  });
  await Promise.all([vpcs.start(), subnets.start()]);
  const view = new InformerClusterView([vpcs, subnets]);
  assert.equal(view.get('Vpc', 'v1')?.metadata.name, 'v1');
  assert.equal(view.get('Vpc', 'nope'), undefined);
  assert.equal(view.list('Subnet').length, 2);
  assert.equal(view.has('Pod'), false);
  assert.throws(() => view.list('Pod'), /no informer caches kind Pod \(cached kinds: Subnet, Vpc\)/);
  vpcs.set(obj('Vpc', 'v2'));
  assert.equal(view.list('Vpc').length, 2, 'a live view, not a snapshot');
  assert.throws(
    () => new InformerClusterView([vpcs, new InMemoryInformer({ kind: 'Vpc' })]),
    /two informers for kind Vpc/,
  );
});

void test('version counts every change to the cache, before handlers run; reads do not move it', async () => {
  const inf = new InMemoryInformer({ kind: 'Subnet' });
  const view = new InformerClusterView([inf]);
  const seenByHandlers: number[] = [];
  inf.on('add', () => seenByHandlers.push(inf.version));
  inf.on('update', () => seenByHandlers.push(inf.version));
  inf.on('delete', () => seenByHandlers.push(inf.version));
  await inf.start();
  const steps: [string, () => void, moves: boolean][] = [
    ['add', () => inf.set(obj('Subnet', 'a', undefined, '1')), true],
    ['list and get', () => void [inf.list(), inf.get('a')], false],
    ['same resourceVersion: stored again, no event', () => inf.set(obj('Subnet', 'a', undefined, '1')), true],
    ['update', () => inf.set(obj('Subnet', 'a', undefined, '2')), true],
    ['delete of an absent object', () => inf.delete('zz'), false],
    ['delete', () => inf.delete('a'), true],
    ['replace', () => inf.replace([obj('Subnet', 'b')]), true],
  ];
  for (const [why, step, moves] of steps) {
    const before = view.version('Subnet');
    step();
    assert.equal(view.version('Subnet') !== before, moves, why);
  }
  assert.deepEqual(
    seenByHandlers,
    [1, 3, 4, 5],
    'each handler already sees the new count (add, update, delete, add of b)',
  );
});

void test('set stores a frozen copy; adopt stores the object itself, frozen', async () => {
  const inf = new InMemoryInformer({ kind: 'Subnet' });
  await inf.start();
  const cases: [string, 'set' | 'adopt', same: boolean][] = [
    ['set', 'set', false],
    ['adopt', 'adopt', true],
  ];
  for (const [name, method, same] of cases) {
    const given = obj('Subnet', name, undefined, '1');
    const stored = inf[method](given);
    assert.equal(inf.get(name) === given, same, method);
    assert.ok(Object.isFrozen(stored) && Object.isFrozen(stored.metadata), method);
  }
});

void test('a handler registered during an event hears the next event, not that one', async () => {
  const inf = new InMemoryInformer({ kind: 'Subnet' });
  await inf.start();
  const seen: string[] = [];
  inf.on('add', (o) => {
    seen.push(`first ${o.metadata.name}`);
    if (o.metadata.name === 'a') inf.on('add', (p) => seen.push(`late ${p.metadata.name}`));
  });
  inf.set(obj('Subnet', 'a'));
  inf.set(obj('Subnet', 'b'));
  assert.deepEqual(seen, ['first a', 'first b', 'late b']);
});

void test('list without a namespace gives every object of every namespace', async () => {
  const inf = new InMemoryInformer({ kind: 'Pod' });
  await inf.start();
  assert.deepEqual(inf.list(), []);
  for (const [name, ns] of [
    ['a', 'n1'],
    ['b', 'n2'],
    ['c', 'n1'],
  ] as const)
    inf.set(obj('Pod', name, ns));
  assert.deepEqual(
    inf
      .list()
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
      .sort(),
    ['n1/a', 'n1/c', 'n2/b'],
  );
});
