// Fuzzing of the OVSDB row codec (src/ovsdb/codec.ts) with what a server may send: any JSON as a column value, a row
// or an update2 diff, for any column type, decodes to plain values or throws WireValueError, never a crash (a null
// atom used to be read as `null[1]`); and plain values of a column's type survive encoding and decoding, map keys such
// as `__proto__` included (an assignment used to drop them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyRowDiff,
  decodeRow,
  decodeValue,
  encodeValue,
  WireValueError,
  type PlainRow,
} from '../../../src/ovsdb/codec.ts';
import type { AtomicType, BaseType, ColumnType } from '../../../src/ovsdb/schema.ts';
import type { PlainAtom, PlainValue, Value, WireRow } from '../../../src/ovsdb/values.ts';
import { fuzz, parsedOrRejected } from '../../support/fuzz.ts';

const uuid = fc.uuid();
const atomic: fc.Arbitrary<AtomicType> = fc.constantFrom('string', 'integer', 'real', 'boolean', 'uuid');
const base = atomic.map((type): BaseType => ({ type }));
const columnType: fc.Arbitrary<ColumnType> = fc.oneof(
  base.map((key) => ({ key, min: 1, max: 1 })),
  base.map((key) => ({ key, min: 0, max: 1 })),
  base.map((key) => ({ key, min: 0, max: Number.POSITIVE_INFINITY })),
  fc.tuple(base, base).map(([key, value]) => ({ key, value, min: 0, max: Number.POSITIVE_INFINITY })),
);

const json = fc.jsonValue({ maxDepth: 3 });
const wireAtom = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.boolean(),
  uuid.map((u) => ['uuid', u]),
  fc.constant(['named-uuid', 'row1']),
);
/** Values shaped like RFC 7047 values, well-formed or nearly (wrong tags, null atoms, bad pairs). */
const wireish = fc.oneof(
  json,
  wireAtom,
  fc.array(fc.oneof(wireAtom, json), { maxLength: 3 }).map((atoms) => ['set', atoms]),
  fc.array(fc.oneof(fc.tuple(wireAtom, wireAtom), json), { maxLength: 3 }).map((pairs) => ['map', pairs]),
  fc.constantFrom(null, ['set'], ['map', null], ['uuid'], ['set', [null]], ['map', [[null, 1]]], {}),
);

const typedOnly = (error: unknown): boolean => error instanceof WireValueError;

const types = (entries: [string, ColumnType][]): ReadonlyMap<string, ColumnType> => new Map(entries);

describe('the OVSDB codec under fuzzing', () => {
  it('any column value from the wire decodes or throws WireValueError', () => {
    fuzz(
      fc.tuple(fc.option(columnType, { nil: undefined }), wireish),
      ([type, v]) => {
        parsedOrRejected(() => decodeValue(type, v as Value), typedOnly);
      },
      { seed: 2701, numRuns: 3000 },
    );
  });

  it('any row and any update2 diff decode or throw WireValueError', () => {
    const columns = fc.array(
      fc.tuple(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor'), columnType),
      { maxLength: 3 },
    );
    const row = fc.oneof(
      fc.dictionary(fc.constantFrom('a', 'b', 'c', '_uuid', '__proto__', 'x'), wireish, { maxKeys: 4 }),
      json,
    );
    fuzz(
      fc.tuple(columns, uuid, row, row),
      ([cols, id, initial, diff]) => {
        const t = types(cols);
        const old = parsedOrRejected(() => decodeRow(t, id, initial as WireRow), typedOnly);
        if (old instanceof Error) return;
        parsedOrRejected(() => applyRowDiff(t, old, diff as WireRow), typedOnly);
      },
      { seed: 2702, numRuns: 2000 },
    );
  });

  it('plain values of a column type survive encoding and decoding, whatever the map keys', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('__proto__', 'constructor', 'toString'),
    );
    const plainAtom = (type: AtomicType): fc.Arbitrary<PlainAtom> =>
      ({
        string: fc.string({ maxLength: 6 }),
        integer: fc.integer(),
        real: fc.double({ noNaN: true, noDefaultInfinity: true }),
        boolean: fc.boolean(),
        uuid,
      })[type];
    const typed = fc.oneof(
      fc
        .tuple(atomic, fc.constantFrom(0, 1))
        .chain(([t, min]) =>
          plainAtom(t).map((v): [ColumnType, PlainValue] => [{ key: { type: t }, min, max: 1 }, v]),
        ),
      atomic.chain((t) =>
        fc
          .uniqueArray(plainAtom(t), { maxLength: 4 })
          .map((v): [ColumnType, PlainValue] => [{ key: { type: t }, min: 0, max: 8 }, v]),
      ),
      atomic.chain((t) =>
        fc
          .dictionary(key, plainAtom(t), { maxKeys: 4 })
          .map((v): [ColumnType, PlainValue] => [
            { key: { type: 'string' }, value: { type: t }, min: 0, max: 8 },
            v,
          ]),
      ),
    );
    fuzz(
      typed,
      ([type, plain]) => {
        assert.equal(JSON.stringify(decodeValue(type, encodeValue(type, plain))), JSON.stringify(plain));
      },
      { seed: 2703, numRuns: 2000 },
    );
  });

  it('keeps a __proto__ key of a map column and of a map diff (regression)', () => {
    const t: ColumnType = { key: { type: 'string' }, value: { type: 'string' }, min: 0, max: 8 };
    const decoded = decodeValue(t, ['map', [['__proto__', 'x']]]);
    assert.equal(JSON.stringify(decoded), '{"__proto__":"x"}');
    const old: PlainRow = { _uuid: 'u', external_ids: {} };
    const next = applyRowDiff(types([['external_ids', t]]), old, {
      external_ids: ['map', [['__proto__', 'y']]],
    });
    assert.equal(JSON.stringify(next.external_ids), '{"__proto__":"y"}');
  });
});
