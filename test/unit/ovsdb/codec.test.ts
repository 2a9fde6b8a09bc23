import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRowDiff, decodeRow, encodeRow, encodeValue } from '../../../src/ovsdb/codec.ts';
import { columnTypes, normalizeColumnType, type TableSchema } from '../../../src/ovsdb/schema.ts';
import {
  map,
  mapToMap,
  namedUuid,
  ref,
  set,
  setToArray,
  toPlain,
  uuid,
  type WireRow,
} from '../../../src/ovsdb/values.ts';

const U1 = '11111111-2222-3333-4444-555555555555';
const U2 = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

// A table shaped like OVN NB's Logical_Router, small enough to read.
const table: TableSchema = {
  columns: {
    name: { type: 'string' },
    enabled: { type: { key: 'boolean', min: 0, max: 1 } },
    ports: { type: { key: { type: 'uuid', refTable: 'Logical_Router_Port' }, min: 0, max: 'unlimited' } },
    copp: { type: { key: { type: 'uuid', refTable: 'Copp', refType: 'weak' }, min: 0, max: 1 } },
    priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
    tags: { type: { key: 'integer', value: 'string', min: 0, max: 'unlimited' } },
    external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
  },
};
const types = columnTypes(table);

void test('value constructors build the RFC 7047 §5.1 notation', () => {
  assert.deepEqual(uuid(U1), ['uuid', U1]);
  assert.deepEqual(namedUuid('lrp_1'), ['named-uuid', 'lrp_1']);
  assert.deepEqual(ref(U2), ['uuid', U2]);
  assert.deepEqual(ref('row0'), ['named-uuid', 'row0']);
  assert.deepEqual(set(['a', 'b']), ['set', ['a', 'b']]);
  assert.deepEqual(map({ k: 'v' }), ['map', [['k', 'v']]]);
  assert.deepEqual(map(new Map<string, number>([['x', 1]])), ['map', [['x', 1]]]);
  assert.throws(() => uuid('not-a-uuid'), TypeError);
  assert.throws(() => namedUuid('1bad'), TypeError);
});

void test('schema-free conversions: sets to arrays, maps to records/Maps, uuids to strings', () => {
  assert.deepEqual(
    toPlain([
      'set',
      [
        ['uuid', U1],
        ['uuid', U2],
      ],
    ]),
    [U1, U2],
  );
  assert.deepEqual(
    toPlain([
      'map',
      [
        ['a', 1],
        ['b', true],
      ],
    ]),
    { a: 1, b: true },
  );
  assert.deepEqual(setToArray('solo'), ['solo']);
  assert.deepEqual([...mapToMap(['map', [[1, 'one']]])], [[1, 'one']]);
  assert.equal(toPlain(['uuid', U1]), U1);
});

void test('decodeRow: scalar, optional present/absent, set with one element, maps with integer keys', () => {
  const wire: WireRow = {
    name: 'r1',
    enabled: ['set', []],
    ports: ['uuid', U1], // a one-element set may be sent as the bare atom
    copp: ['uuid', U2],
    priority: 7,
    tags: ['map', [[10, 'ten']]],
    external_ids: ['map', [['owner', 'vpc-a']]],
  };
  const row = decodeRow(types, U2, wire);
  assert.deepEqual(row, {
    _uuid: U2,
    name: 'r1',
    ports: [U1],
    copp: U2,
    priority: 7,
    tags: { '10': 'ten' },
    external_ids: { owner: 'vpc-a' },
  });
  assert.equal('enabled' in row, false);
});

void test('encodeRow then decodeRow round-trips plain rows; uuid columns take UUIDs or uuid-names', () => {
  const plain = {
    name: 'r1',
    enabled: false,
    ports: [U1, U2],
    copp: U1,
    priority: 100,
    tags: { '5': 'five' },
    external_ids: { 'kovn.io/vpc': 'a' },
  };
  const wire = encodeRow(types, plain);
  assert.deepEqual(wire.ports, [
    'set',
    [
      ['uuid', U1],
      ['uuid', U2],
    ],
  ]);
  assert.deepEqual(wire.tags, ['map', [[5, 'five']]]);
  assert.deepEqual(wire.enabled, ['set', [false]]);
  assert.deepEqual(decodeRow(types, U2, wire), { _uuid: U2, ...plain });
  assert.deepEqual(encodeRow(types, { ports: ['lrp0'] }).ports, ['set', [['named-uuid', 'lrp0']]]);
  assert.deepEqual(encodeRow(types, { copp: undefined }).copp, ['set', []]);
  assert.deepEqual(encodeValue(normalizeColumnType('string'), 'x'), 'x');
  assert.throws(() => encodeRow(types, { nope: 1 }), /unknown column "nope"/);
  assert.throws(() => encodeRow(types, { priority: 'high' }), /cannot encode "high" as integer/);
});

void test('update2 modify diffs: sets toggle, maps insert/update/delete, scalars and optionals replace', () => {
  const old = decodeRow(types, U1, {
    name: 'r1',
    ports: ['set', [['uuid', U1]]],
    enabled: true,
    external_ids: [
      'map',
      [
        ['keep', '1'],
        ['drop', '2'],
        ['change', '3'],
      ],
    ],
  });
  const next = applyRowDiff(types, old, {
    name: 'r2',
    ports: [
      'set',
      [
        ['uuid', U1],
        ['uuid', U2],
      ],
    ], // U1 leaves, U2 joins
    enabled: ['set', []],
    external_ids: [
      'map',
      [
        ['drop', '2'],
        ['change', '33'],
        ['new', '4'],
      ],
    ],
  });
  assert.deepEqual(next, {
    _uuid: U1,
    name: 'r2',
    ports: [U2],
    external_ids: { keep: '1', change: '33', new: '4' },
  });
  assert.deepEqual(old.ports, [U1], 'the old row is not mutated');
});
