import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseCache, type RowChange } from '../../../src/ovsdb/cache.ts';

interface Router {
  _uuid: string;
  name: string;
  ports: string[];
  external_ids: Record<string, string>;
}
type Tables = { Logical_Router: Router };

const r = (id: string, name: string, vpc?: string, ports: string[] = []): Router => ({
  _uuid: id,
  name,
  ports,
  external_ids: vpc === undefined ? {} : { 'kovn.io/vpc': vpc },
});

void test('rows, get and change events for insert, update and delete', () => {
  const cache = new DatabaseCache<Tables>();
  const changes: RowChange[] = [];
  cache.on('change', (c) => changes.push(c));
  cache.apply('Logical_Router', 'u1', r('u1', 'a'));
  cache.apply('Logical_Router', 'u1', r('u1', 'b'));
  cache.apply('Logical_Router', 'u1', undefined);
  cache.apply('Logical_Router', 'u1', undefined); // deleting an absent row is no change
  assert.deepEqual(
    changes.map((c) => [
      c.kind,
      c.uuid,
      'old' in c ? (c.old as Router).name : null,
      'new' in c ? (c.new as Router).name : null,
    ]),
    [
      ['insert', 'u1', null, 'a'],
      ['update', 'u1', 'a', 'b'],
      ['delete', 'u1', 'b', null],
    ],
  );
  assert.equal(cache.table('Logical_Router').size, 0);
});

void test('column index, map-key index and set-element index follow updates and deletes', () => {
  const cache = new DatabaseCache<Tables>();
  const t = cache.table('Logical_Router');
  t.apply('u1', r('u1', 'ovn-cluster', 'default', ['p1', 'p2']));
  const byName = t.index('name'); // built over existing rows
  const byVpc = t.index('external_ids:kovn.io/vpc');
  const byPort = t.index('ports');
  t.apply('u2', r('u2', 'vpc-a', 'a', ['p3']));
  t.apply('u3', r('u3', 'vpc-a2', 'a'));
  assert.equal(byName.get('ovn-cluster')?._uuid, 'u1');
  assert.deepEqual(
    byVpc
      .getAll('a')
      .map((x) => x._uuid)
      .sort(),
    ['u2', 'u3'],
  );
  assert.equal(byPort.get('p2')?._uuid, 'u1');

  t.apply('u2', r('u2', 'vpc-renamed', 'b', ['p4']));
  assert.equal(byName.get('vpc-a'), undefined);
  assert.equal(byName.get('vpc-renamed')?._uuid, 'u2');
  assert.deepEqual(
    byVpc.getAll('a').map((x) => x._uuid),
    ['u3'],
  );
  assert.equal(byPort.get('p3'), undefined);
  assert.equal(byPort.get('p4')?._uuid, 'u2');

  t.apply('u1', undefined);
  assert.equal(byName.get('ovn-cluster'), undefined);
  assert.equal(byVpc.get('default'), undefined);
  assert.deepEqual(byName.keys().sort(), ['vpc-a2', 'vpc-renamed']);
  assert.equal(t.index('name'), byName, 'the same index object is reused');
});

void test('custom index functions and wholesale replacement rebuild indexes without events', () => {
  const cache = new DatabaseCache<Tables>();
  let events = 0;
  cache.on('change', () => events++);
  const t = cache.table('Logical_Router');
  const byPortCount = t.defineIndex('portCount', (row) => row.ports.length);
  t.replaceAll([r('u1', 'x', undefined, ['a']), r('u2', 'y', undefined, ['a', 'b'])]);
  assert.equal(byPortCount.get(2)?._uuid, 'u2');
  t.replaceAll([r('u9', 'z')]);
  assert.equal(byPortCount.get(2), undefined);
  assert.equal(byPortCount.get(0)?._uuid, 'u9');
  assert.deepEqual(
    t.rows().map((x) => x.name),
    ['z'],
  );
  assert.equal(events, 0);
});

void test('cached rows are frozen snapshots', () => {
  const t = new DatabaseCache<Tables>().table('Logical_Router');
  t.apply('u1', r('u1', 'a'));
  assert.throws(() => {
    (t.get('u1') as { name: string }).name = 'mutated';
  }, TypeError);
});

void test('an update moves a row between keys only where its keys changed; every key answers the new row', () => {
  const cache = new DatabaseCache<Tables>();
  const table = cache.table('Logical_Router');
  const ports = table.index('ports');
  const byName = table.index('name');
  cache.apply('Logical_Router', 'u1', r('u1', 'a', undefined, ['p1', 'p2']));
  cache.apply('Logical_Router', 'u2', r('u2', 'a', undefined, ['p2']));
  cache.apply('Logical_Router', 'u1', r('u1', 'a', 'vpc1', ['p2', 'p3']));
  assert.deepEqual(ports.getAll('p1'), []);
  assert.deepEqual(
    ports.getAll('p2').map((x) => [x._uuid, x.external_ids['kovn.io/vpc'] ?? '-']),
    [
      ['u1', 'vpc1'],
      ['u2', '-'],
    ],
    'a key both versions have keeps its place and answers the new row',
  );
  assert.deepEqual(
    ports.getAll('p3').map((x) => x._uuid),
    ['u1'],
  );
  assert.equal(byName.get('a')?.external_ids['kovn.io/vpc'], 'vpc1', 'get: the first indexed, as it is now');
  assert.deepEqual(ports.keys().sort(), ['p2', 'p3']);
  cache.apply('Logical_Router', 'u1', r('u1', 'b'));
  assert.deepEqual(
    byName.getAll('a').map((x) => x._uuid),
    ['u2'],
  );
  assert.deepEqual(
    ports.getAll('p2').map((x) => x._uuid),
    ['u2'],
  );
  cache.apply('Logical_Router', 'u2', undefined);
  assert.deepEqual(ports.keys(), []);
  assert.equal(byName.get('a'), undefined);
});
