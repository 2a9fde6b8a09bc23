import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.ts';
import { OvsdbClient } from '../../../src/ovsdb/client.ts';
import type { Connector } from '../../../src/ovsdb/transport.ts';

/** A connector whose every attempt is refused, recording (time, remote). */
function refusing(clock: FakeClock) {
  const attempts: [number, string][] = [];
  const connector: Connector = (remote) => {
    attempts.push([clock.now(), remote]);
    return Promise.reject(new Error(`${remote}: ECONNREFUSED`));
  };
  return { attempts, connector };
}

void test('connect retries with exponential backoff, trying every remote before each wait', async () => {
  const clock = new FakeClock(0);
  const { attempts, connector } = refusing(clock);
  const pending = OvsdbClient.connect({
    remotes: ['unix:/a', 'unix:/b'],
    database: 'OVN_Northbound',
    clock,
    connector,
    backoff: { initialMs: 100, maxMs: 1000 },
    initialConnectTimeoutMs: 5000,
  });
  const outcome = pending.then(
    () => assert.fail('connect should not succeed'),
    (e: unknown) => e as Error,
  );
  await clock.advanceAsync(4000);
  assert.deepEqual(attempts, [
    [0, 'unix:/a'],
    [0, 'unix:/b'],
    [100, 'unix:/a'],
    [100, 'unix:/b'],
    [300, 'unix:/a'],
    [300, 'unix:/b'],
    [700, 'unix:/a'],
    [700, 'unix:/b'],
    [1500, 'unix:/a'],
    [1500, 'unix:/b'],
    [2500, 'unix:/a'],
    [2500, 'unix:/b'],
    [3500, 'unix:/a'],
    [3500, 'unix:/b'],
  ]);
  await clock.advanceAsync(1000);
  const error = await outcome;
  assert.match(error.message, /could not connect to unix:\/a, unix:\/b/);
  assert.match(String((error.cause as Error).message), /ECONNREFUSED/);
  const count = attempts.length;
  await clock.advanceAsync(10_000);
  assert.equal(attempts.length, count, 'a client that gave up stops trying');
  assert.equal(clock.pending, 0, 'and leaves no timers');
});

void test('a single remote waits between every attempt', async () => {
  const clock = new FakeClock(0);
  const { attempts, connector } = refusing(clock);
  const pending = OvsdbClient.connect({
    remotes: ['tcp:127.0.0.1:6641'],
    database: 'OVN_Northbound',
    clock,
    connector,
    backoff: { initialMs: 50, maxMs: 400, factor: 3 },
    initialConnectTimeoutMs: 1000,
  }).catch((e: unknown) => e as Error);
  await clock.advanceAsync(1000);
  assert.deepEqual(
    attempts.map(([t]) => t),
    [0, 50, 200, 600],
  );
  assert.ok((await pending) instanceof Error);
});
