import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as op from '../../../src/ovsdb/operations.ts';
import { map, namedUuid, set } from '../../../src/ovsdb/values.ts';

void test('operation builders produce the RFC 7047 §5.2 objects, as plain JSON', () => {
  const ops: op.Operation[] = [
    op.insert(
      'Logical_Router_Port',
      { name: 'lrp', mac: '00:00:00:00:00:01', networks: set(['10.0.0.1/24']) },
      'lrp',
    ),
    op.insert('Logical_Router', { name: 'r', ports: set([namedUuid('lrp')]) }),
    op.select('Logical_Router', [op.eq('name', 'r')], ['_uuid', 'name']),
    op.update('Logical_Router', [op.eq('name', 'r')], { enabled: true }),
    op.mutate(
      'Logical_Router',
      [op.includes('external_ids', map({ a: 'b' }))],
      [op.insertInto('options', map({ x: 'y' }))],
    ),
    op.del('NAT', [op.where('external_ids', 'includes', map({ owner: 'eip-1' }))]),
    op.wait('Logical_Router', [op.eq('name', 'r')], {
      until: '==',
      columns: ['name'],
      rows: [{ name: 'r' }],
      timeout: 0,
    }),
    op.commit(true),
    op.abort(),
    op.comment('kovn: reconcile vpc/a'),
    op.assertLock('kovn_controller'),
  ];
  assert.deepEqual(JSON.parse(JSON.stringify(ops)), [
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      row: { name: 'lrp', mac: '00:00:00:00:00:01', networks: ['set', ['10.0.0.1/24']] },
      'uuid-name': 'lrp',
    },
    { op: 'insert', table: 'Logical_Router', row: { name: 'r', ports: ['set', [['named-uuid', 'lrp']]] } },
    { op: 'select', table: 'Logical_Router', where: [['name', '==', 'r']], columns: ['_uuid', 'name'] },
    { op: 'update', table: 'Logical_Router', where: [['name', '==', 'r']], row: { enabled: true } },
    {
      op: 'mutate',
      table: 'Logical_Router',
      where: [['external_ids', 'includes', ['map', [['a', 'b']]]]],
      mutations: [['options', 'insert', ['map', [['x', 'y']]]]],
    },
    { op: 'delete', table: 'NAT', where: [['external_ids', 'includes', ['map', [['owner', 'eip-1']]]]] },
    {
      op: 'wait',
      table: 'Logical_Router',
      where: [['name', '==', 'r']],
      columns: ['name'],
      until: '==',
      rows: [{ name: 'r' }],
      timeout: 0,
    },
    { op: 'commit', durable: true },
    { op: 'abort' },
    { op: 'comment', comment: 'kovn: reconcile vpc/a' },
    { op: 'assert', lock: 'kovn_controller' },
  ]);
});

void test('select without columns omits the member; wait without timeout omits it', () => {
  assert.equal('columns' in op.select('ACL'), false);
  assert.equal('timeout' in op.wait('ACL', [], { until: '!=', columns: [], rows: [] }), false);
});

void test('an invalid uuid-name is rejected when the operation is built, not at the server', () => {
  assert.throws(() => op.insert('ACL', {}, 'has-dash'), /not a valid uuid-name/);
  assert.throws(() => op.assertLock('kovn-lock'), /not a valid lock name/);
});

void test('insertedUuid reads the uuid of an insert result', () => {
  assert.equal(
    op.insertedUuid({ uuid: ['uuid', '11111111-2222-3333-4444-555555555555'] }),
    '11111111-2222-3333-4444-555555555555',
  );
  assert.throws(() => op.insertedUuid({ count: 1 }), /no uuid/);
});
