// What a filtered watch sends for each committed event (src/apiserver/watch/stream.ts, watchEventType): the
// selector transitions kube-apiserver's watch cache makes, table by table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { watchEventType } from '../../../../src/apiserver/watch/stream.ts';

type Row = [
  type: 'ADDED' | 'MODIFIED' | 'DELETED',
  before: boolean,
  after: boolean,
  sent: string | undefined,
];

const rows: Row[] = [
  ['ADDED', false, true, 'ADDED'],
  ['ADDED', false, false, undefined],
  ['MODIFIED', true, true, 'MODIFIED'],
  ['MODIFIED', false, true, 'ADDED'],
  ['MODIFIED', true, false, 'DELETED'],
  ['MODIFIED', false, false, undefined],
  ['DELETED', true, true, 'DELETED'],
  ['DELETED', true, false, 'DELETED'],
  ['DELETED', false, true, 'DELETED'],
  ['DELETED', false, false, undefined],
];

describe('watchEventType', () => {
  for (const [type, before, after, sent] of rows)
    it(`${type}, in scope before: ${before}, after: ${after} -> ${sent ?? 'nothing'}`, () =>
      assert.equal(watchEventType(type, before, after), sent));
});
