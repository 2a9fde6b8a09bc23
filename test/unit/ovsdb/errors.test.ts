import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../../src/ovsdb/errors.ts';
import { checkTransactResult } from '../../../src/ovsdb/transact.ts';
import { comment, del, eq, insert, select } from '../../../src/ovsdb/operations.ts';

const table: [string, new (...args: never[]) => E.OvsdbError][] = [
  ['referential integrity violation', E.ReferentialIntegrityViolation],
  ['constraint violation', E.ConstraintViolation],
  ['resources exhausted', E.ResourcesExhausted],
  ['I/O error', E.OvsdbIoError],
  ['duplicate uuid-name', E.DuplicateUuidName],
  ['domain error', E.DomainError],
  ['range error', E.OvsdbRangeError],
  ['timed out', E.TimedOut],
  ['not supported', E.NotSupported],
  ['aborted', E.Aborted],
  ['not owner', E.NotOwner],
  ['unknown database', E.UnknownDatabase],
  ['syntax error', E.OvsdbSyntaxError],
  ['unknown column', E.UnknownColumn],
  ['unknown method', E.UnknownMethod],
];

void test('every RFC 7047 error string maps to its own class, carrying code and details', () => {
  for (const [code, cls] of table) {
    const err = E.errorFromWire({ error: code, details: 'why' });
    assert.ok(err instanceof cls, `${code} -> ${cls.name}, got ${err.constructor.name}`);
    assert.ok(err instanceof E.OvsdbError);
    assert.equal(err.code, code);
    assert.equal(err.details, 'why');
    assert.equal(err.name, cls.name);
  }
  assert.equal(new Set(table.map(([, c]) => c)).size, table.length, 'classes are distinct');
});

void test('unknown error strings and bare-string errors still become OvsdbError', () => {
  const odd = E.errorFromWire({ error: 'something new' });
  assert.equal(odd.constructor, E.OvsdbError);
  assert.equal(odd.code, 'something new');
  assert.ok(E.errorFromWire('unknown method') instanceof E.UnknownMethod);
});

void test('a transact result with an error in slot i throws the typed error for operation i', () => {
  const ops = [comment('reconcile vpc/a'), insert('Logical_Router', { name: 'r' }), select('ACL', [])];
  const result = [{}, { error: 'constraint violation', details: 'bad enum' }, null];
  assert.throws(
    () => checkTransactResult(ops, result),
    (e: unknown) =>
      e instanceof E.ConstraintViolation &&
      e.index === 1 &&
      e.operation === ops[1] &&
      /operation 1: insert/.test(e.message),
  );
});

void test('a commit failure (one extra result slot) carries index = ops.length and no operation', () => {
  const ops = [del('Logical_Router_Port', [eq('name', 'p')])];
  const result = [{ count: 1 }, { error: 'referential integrity violation', details: 'still referenced' }];
  assert.throws(
    () => checkTransactResult(ops, result),
    (e: unknown) =>
      e instanceof E.ReferentialIntegrityViolation && e.index === 1 && e.operation === undefined,
  );
});

void test('a successful transact returns exactly one result per operation', () => {
  const ops = [insert('Logical_Router', { name: 'r' }), comment('x')];
  const rows = checkTransactResult(ops, [{ uuid: ['uuid', '11111111-2222-3333-4444-555555555555'] }, {}]);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0]?.uuid, ['uuid', '11111111-2222-3333-4444-555555555555']);
  assert.throws(() => checkTransactResult(ops, [{}]), /1 results for 2 operations/);
  assert.throws(() => checkTransactResult(ops, { nope: 1 }), /expected an array/);
});
