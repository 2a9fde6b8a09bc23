import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseCache } from '../../../src/ovsdb/cache.ts';
import { matchesAll } from '../../../src/ovsdb/conditions.ts';
import { decodeRow } from '../../../src/ovsdb/codec.ts';
import {
  applyUpdates,
  monitorParams,
  parseMonitorReply,
  resolveMonitor,
} from '../../../src/ovsdb/monitor.ts';
import { eq, excludes, includes, ne, where } from '../../../src/ovsdb/operations.ts';
import type { DatabaseSchema } from '../../../src/ovsdb/schema.ts';
import { map, set } from '../../../src/ovsdb/values.ts';

const schema: DatabaseSchema = {
  name: 'Test',
  version: '1.0.0',
  tables: {
    Router: {
      columns: {
        name: { type: 'string' },
        priority: { type: 'integer' },
        ports: { type: { key: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
  },
};

void test('monitor params per method: conditions for monitor_cond(_since), none for plain monitor', () => {
  const tables = resolveMonitor(schema, { Router: { columns: ['name'], where: [eq('priority', 5)] } });
  assert.deepEqual(monitorParams('monitor_cond_since', 'Test', 'm1', tables, 'T0'), [
    'Test',
    'm1',
    { Router: [{ columns: ['name'], where: [['priority', '==', 5]] }] },
    'T0',
  ]);
  assert.deepEqual(monitorParams('monitor_cond', 'Test', 'm1', tables, 'T0'), [
    'Test',
    'm1',
    { Router: [{ columns: ['name'], where: [['priority', '==', 5]] }] },
  ]);
  // plain monitor: the where column is fetched so the client can filter locally
  assert.deepEqual(monitorParams('monitor', 'Test', 'm1', tables, 'T0'), [
    'Test',
    'm1',
    { Router: { columns: ['name', 'priority'] } },
  ]);
  assert.throws(() => resolveMonitor(schema, { Nope: {} }), /no table "Nope"/);
  assert.throws(() => resolveMonitor(schema, { Router: { columns: ['bogus'] } }), /no column Router.bogus/);
});

void test('parseMonitorReply reads monitor_cond_since [found, txn, updates]', () => {
  const r = parseMonitorReply('monitor_cond_since', [true, 'txn-9', { Router: {} }]);
  assert.deepEqual(r, { found: true, lastTxnId: 'txn-9', updates: { Router: {} }, format: 2 });
  assert.equal(parseMonitorReply('monitor', {}).format, 1);
});

void test('update2: initial fills defaults, modify applies diffs, delete removes; events per change', () => {
  const cache = new DatabaseCache();
  const tables = resolveMonitor(schema, { Router: {} });
  applyUpdates(cache, tables, { Router: { u1: { initial: { name: 'a' } } } }, 2, true);
  assert.deepEqual(cache.table('Router').get('u1'), {
    _uuid: 'u1',
    name: 'a',
    priority: 0,
    ports: [],
    external_ids: {},
  });
  const kinds: string[] = [];
  cache.on('change', (c) => kinds.push(c.kind));
  applyUpdates(
    cache,
    tables,
    {
      Router: {
        u1: { modify: { ports: set(['p1', 'p2']), external_ids: map({ k: 'v' }) } },
        u2: { insert: { name: 'b', priority: 3 } },
      },
    },
    2,
    false,
  );
  assert.deepEqual(cache.table('Router').get('u1'), {
    _uuid: 'u1',
    name: 'a',
    priority: 0,
    ports: ['p1', 'p2'],
    external_ids: { k: 'v' },
  });
  applyUpdates(cache, tables, { Router: { u1: { delete: null } } }, 2, false);
  assert.deepEqual(kinds, ['update', 'insert', 'delete']);
  assert.deepEqual(
    cache
      .table('Router')
      .rows()
      .map((r) => r._uuid),
    ['u2'],
  );
});

void test('update (v1) with a local where: rows that stop matching leave the cache, matching ones enter', () => {
  const cache = new DatabaseCache();
  const tables = resolveMonitor(schema, { Router: { where: [eq('priority', 5)] } });
  applyUpdates(
    cache,
    tables,
    { Router: { u1: { new: { name: 'a', priority: 5 } }, u2: { new: { name: 'b', priority: 1 } } } },
    1,
    true,
  );
  assert.deepEqual(
    cache
      .table('Router')
      .rows()
      .map((r) => r._uuid),
    ['u1'],
  );
  applyUpdates(
    cache,
    tables,
    { Router: { u1: { old: { priority: 5 }, new: { name: 'a', priority: 6 } } } },
    1,
    false,
  );
  applyUpdates(
    cache,
    tables,
    { Router: { u2: { old: { priority: 1 }, new: { name: 'b', priority: 5 } } } },
    1,
    false,
  );
  assert.deepEqual(
    cache
      .table('Router')
      .rows()
      .map((r) => r._uuid),
    ['u2'],
  );
});

void test('local condition evaluation follows RFC 7047 semantics for scalars, sets and maps', () => {
  const types = resolveMonitor(schema, { Router: {} })[0]?.types;
  assert.ok(types);
  const row = decodeRow(types, 'u', {
    name: 'r',
    priority: 10,
    ports: set(['a', 'b']),
    external_ids: map({ x: '1', y: '2' }),
  });
  const yes = [
    eq('name', 'r'),
    ne('name', 's'),
    where('priority', '>', 9),
    where('priority', '<=', 10),
    includes('ports', set(['a'])),
    excludes('ports', set(['c'])),
    eq('ports', set(['b', 'a'])),
    includes('external_ids', map({ x: '1' })),
    excludes('external_ids', map({ x: '2' })),
  ];
  for (const c of yes) assert.equal(matchesAll(types, row, [c]), true, JSON.stringify(c));
  const no = [
    eq('name', 's'),
    where('priority', '<', 10),
    includes('ports', set(['c'])),
    eq('ports', set(['a'])),
    includes('external_ids', map({ x: '2' })),
  ];
  for (const c of no) assert.equal(matchesAll(types, row, [c]), false, JSON.stringify(c));
  assert.equal(matchesAll(types, row, []), true);
});
