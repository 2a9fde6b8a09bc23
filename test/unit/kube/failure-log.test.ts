import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLog, failureSignature } from '../../../src/kube/failure-log.ts';
import { NotConnectedError } from '../../../src/ovsdb/errors.ts';

class NamedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NamedError';
  }
}

void test('failureSignature: name and message with numbers blanked', () => {
  const cases: [unknown, string][] = [
    [new Error('boom'), 'Error: boom'],
    [new NamedError('took 1234 ms, generation 7'), 'NamedError: took # ms, generation #'],
    [
      new NotConnectedError('OVN_Northbound', 'transact (3 ops: ACL)'),
      'NotConnectedError: OVSDB OVN_Northbound: transact (# ops: ACL) not sent: not connected (re-plan once the connection is back)',
    ],
    ['a string 42', 'a string #'],
    [undefined, 'undefined'],
  ];
  for (const [err, want] of cases) assert.equal(failureSignature(err), want);
});

void test('FailureLog: a failure is news the first time, unlike the last one, or after a success', () => {
  const log = new FailureLog();
  const steps: [op: 'fail' | 'clear', key: string, err: unknown, news: boolean | undefined][] = [
    ['fail', 'Pod/a', new Error('NB down after 100 ms'), true],
    ['fail', 'Pod/a', new Error('NB down after 2100 ms'), false],
    ['fail', 'Pod/b', new Error('NB down after 100 ms'), true],
    ['fail', 'Pod/a', new NamedError('NB down after 100 ms'), true],
    ['fail', 'Pod/a', new NamedError('NB down after 100 ms'), false],
    ['clear', 'Pod/a', undefined, undefined],
    ['fail', 'Pod/a', new NamedError('NB down after 100 ms'), true],
  ];
  for (const [i, [op, key, err, news]] of steps.entries()) {
    if (op === 'clear') log.clear(key);
    else assert.equal(log.failed(key, err), news, `step ${i}`);
  }
  assert.equal(log.size, 2);
});
