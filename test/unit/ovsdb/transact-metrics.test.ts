// A transaction as the metrics see it: timed on the clock, a failure counted by its kind and still thrown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineExceededError, errorFromWire } from '../../../src/ovsdb/errors.ts';
import { measuredTransact, transactErrorKind } from '../../../src/ovsdb/transact.ts';
import { FakeClock } from '../../../src/util/clock.ts';

void test('error kinds: the wire error string, our own class name, or unknown', () => {
  const deadline = new DeadlineExceededError({
    database: 'OVN_Northbound',
    call: 'transact',
    timeoutMs: 1,
    elapsedMs: 1,
    connected: true,
  });
  const cases: [unknown, string][] = [
    [errorFromWire({ error: 'constraint violation', details: 'x' }), 'constraint violation'],
    [errorFromWire({ error: 'referential integrity violation' }), 'referential integrity violation'],
    [deadline, 'DeadlineExceededError'],
    [new TypeError('bad reply'), 'TypeError'],
    ['a string', 'unknown'],
  ];
  for (const [err, want] of cases) assert.equal(transactErrorKind(err), want);
});

void test('measured: the duration on the clock, the error kind on failure, the result or error passed on', async () => {
  const clock = new FakeClock(0);
  const seen: [number, string | undefined][] = [];
  const instruments = { finished: (ms: number, error?: string) => seen.push([ms, error]) };
  const slow = async <T>(value: () => T): Promise<T> => {
    await clock.sleep(40);
    return value();
  };
  const ok = measuredTransact(instruments, clock, () => slow(() => 'rows'));
  await clock.advanceAsync(40);
  assert.equal(await ok, 'rows');
  const failed = measuredTransact(instruments, clock, () =>
    slow(() => {
      throw errorFromWire({ error: 'not owner' });
    }),
  );
  const refused = assert.rejects(failed, /not owner/);
  await clock.advanceAsync(40);
  await refused;
  assert.deepEqual(seen, [
    [40, undefined],
    [40, 'not owner'],
  ]);
  assert.equal(
    await measuredTransact(undefined, clock, () => Promise.resolve(1)),
    1,
    'no instruments: just runs',
  );
});
