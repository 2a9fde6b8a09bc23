import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.ts';
import { Deadline, describeTransaction, planRefusal } from '../../../src/ovsdb/call-guards.ts';
import {
  DeadlineExceededError,
  NotConnectedError,
  StalePlanError,
  comment,
  eq,
  insert,
  mutate,
  wait,
  type Operation,
} from '../../../src/ovsdb/index.ts';

void test('describeTransaction: the op count and each table once, in order of first use', () => {
  const cases: [Operation[], string][] = [
    [[insert('Logical_Switch', { name: 'a' })], 'transact (1 op: Logical_Switch)'],
    [
      [
        comment('kovn reconcile Pod/ns/p'),
        wait('Logical_Switch', [eq('name', 'a')], { columns: ['name'], until: '==', rows: [{ name: 'a' }] }),
        insert('Logical_Switch_Port', { name: 'p' }),
        mutate('Logical_Switch', [eq('name', 'a')], []),
      ],
      'transact (4 ops: Logical_Switch, Logical_Switch_Port)',
    ],
    [[comment('only a comment'), { op: 'commit', durable: false }], 'transact (2 ops)'],
  ];
  for (const [ops, want] of cases) assert.equal(describeTransaction(ops), want);
});

void test('planRefusal: a plan is sent only on the connection of its cache generation', () => {
  const cases: [planned: number, current: number | undefined, want: string | undefined][] = [
    [3, 3, undefined],
    [3, undefined, 'NotConnectedError'],
    [3, 4, 'StalePlanError'],
    [1, 7, 'StalePlanError'],
  ];
  for (const [planned, current, want] of cases) {
    const refusal = planRefusal('OVN_Northbound', 'transact (1 op: ACL)', planned, current);
    assert.equal(refusal?.name, want, `planned ${planned}, current ${String(current)}`);
  }
  const stale = planRefusal('OVN_Northbound', 'transact (1 op: ACL)', 2, 3);
  assert.ok(stale instanceof StalePlanError);
  assert.equal(
    stale.message,
    'OVSDB OVN_Northbound: transact (1 op: ACL) not sent: planned from cache generation 2, the cache is now ' +
      'generation 3 (rebuilt after a reconnect); re-plan from it',
  );
  const down = planRefusal('OVN_Northbound', 'transact (1 op: ACL)', 2, undefined);
  assert.ok(down instanceof NotConnectedError);
  assert.match(down.message, /^OVSDB OVN_Northbound: transact \(1 op: ACL\) not sent: not connected/);
});

void test('Deadline: elapsed and remaining time on the clock, and the error it names', () => {
  const clock = new FakeClock(1_000);
  const deadline = new Deadline(clock, 30_000);
  const cases: [advanceMs: number, remaining: number, expired: boolean][] = [
    [0, 30_000, false],
    [12_000, 18_000, false],
    [17_999, 1, false],
    [1, 1, true],
    [5_000, 1, true],
  ];
  for (const [advanceMs, remaining, expired] of cases) {
    clock.advance(advanceMs);
    assert.deepEqual(
      [deadline.remainingMs, deadline.expired],
      [remaining, expired],
      `at ${deadline.elapsedMs}`,
    );
  }
  const cause = new Error('ECONNREFUSED');
  const error = deadline.error(
    'OVN_Northbound',
    'transact (3 ops: Logical_Switch_Port, Logical_Switch)',
    false,
    cause,
  );
  assert.ok(error instanceof DeadlineExceededError);
  assert.equal(
    error.message,
    'OVSDB OVN_Northbound: transact (3 ops: Logical_Switch_Port, Logical_Switch) timed out after 35000 ms ' +
      '(no connection to the server)',
  );
  assert.deepEqual(
    [error.database, error.timeoutMs, error.elapsedMs, error.connected, error.cause],
    ['OVN_Northbound', 30_000, 35_000, false, cause],
  );
  assert.match(
    deadline.error('OVN_Northbound', 'lock x', true).message,
    /lock x timed out .*\(no reply from the server\)$/,
  );
  assert.throws(() => new Deadline(clock, 0), RangeError);
});
