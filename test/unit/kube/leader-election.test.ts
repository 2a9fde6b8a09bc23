import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.ts';
import { LeaderElector } from '../../../src/kube/leader-election.ts';
import { microTime } from '../../../src/util/time.ts';
import { MemoryLease } from './helpers/memory-lease-store.ts';

const timing = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, random: () => 0 };

function candidate(clock: FakeClock, lease: MemoryLease, identity: string, log: string[]) {
  const store = lease.view(identity);
  let signal: AbortSignal | undefined;
  const elector = new LeaderElector({
    ...timing,
    store,
    identity,
    clock,
    onStartedLeading: (s) => {
      signal = s;
      log.push(`${identity} started @${clock.now()}`);
    },
    onStoppedLeading: () => {
      log.push(`${identity} stopped @${clock.now()} (lease holder ${lease.current?.record.holderIdentity})`);
    },
    onNewLeader: (who) => log.push(`${identity} sees ${who}`),
  });
  const done = elector.run();
  return { elector, store, done, signal: () => signal };
}

void test('a lone candidate creates the lease, leads, and renews every retryPeriod', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const log: string[] = [];
  const a = candidate(clock, lease, 'a', log);
  await clock.flush();
  assert.equal(a.elector.isLeader(), true);
  assert.deepEqual(lease.current?.record, {
    holderIdentity: 'a',
    leaseDurationSeconds: 15,
    acquireTime: microTime(0),
    renewTime: microTime(0),
    leaseTransitions: 0,
  });
  await clock.advanceAsync(6_000);
  assert.equal(lease.writes.length, 4, 'created, then renewed at 2, 4, 6 s');
  assert.equal(lease.current?.record.renewTime, '1970-01-01T00:00:06.000000Z');
  assert.equal(lease.current?.record.acquireTime, microTime(0), 'acquireTime kept on renewal');
  assert.deepEqual(log, ['a sees a', 'a started @0']);
  await a.elector.stop();
  await a.done;
});

void test('only one of two candidates leads; on stop the leader ends its work, then releases, and the other takes over', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const log: string[] = [];
  const a = candidate(clock, lease, 'a', log);
  await clock.flush();
  const b = candidate(clock, lease, 'b', log);
  await clock.advanceAsync(30_000);
  assert.equal(a.elector.isLeader(), true);
  assert.equal(b.elector.isLeader(), false);
  assert.equal(b.elector.leader, 'a');

  const stopping = a.elector.stop();
  await clock.flush();
  await stopping;
  assert.equal(a.signal()?.aborted, true);
  assert.equal(lease.current?.record.holderIdentity, '', 'released');
  assert.equal(lease.current?.record.leaseDurationSeconds, 1);
  await clock.advanceAsync(2_000);
  assert.equal(b.elector.isLeader(), true, 'a released lease is taken at the next attempt');
  assert.equal(lease.current?.record.leaseTransitions, 1);
  assert.deepEqual(log, [
    'a sees a',
    'a started @0',
    'b sees a',
    'a stopped @30000 (lease holder a)',
    'b sees b',
    'b started @32000',
  ]);
  await b.elector.stop();
});

void test('a leader that cannot renew gives up after renewDeadline; the other waits a full leaseDuration from its last observation', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const log: string[] = [];
  const a = candidate(clock, lease, 'a', log);
  await clock.flush();
  const b = candidate(clock, lease, 'b', log);
  await clock.advanceAsync(10_000);
  const lastRenewal = 10_000;
  assert.equal(lease.current?.record.renewTime, microTime(lastRenewal));
  a.store.down = true;
  await clock.advanceAsync(10_000);
  assert.equal(a.elector.isLeader(), false, 'gave up within renewDeadline');
  assert.ok(log.includes('a stopped @20000 (lease holder a)'), log.join('\n'));
  await a.done;
  assert.equal(a.signal()?.aborted, true);
  assert.equal(
    lease.current?.record.holderIdentity,
    'a',
    'not released: the leader could not reach the store',
  );
  assert.equal(b.elector.isLeader(), false);
  // b observed the last renewal at 10 s; the lease (15 s) is free from 25 s, taken at b's next attempt.
  await clock.advanceAsync(4_000);
  assert.equal(b.elector.isLeader(), false, 'not before the lease expired');
  await clock.advanceAsync(2_000);
  assert.equal(b.elector.isLeader(), true);
  assert.equal(lease.current?.record.holderIdentity, 'b');
  assert.equal(lease.current?.record.leaseTransitions, 1);
  await b.elector.stop();
});

void test('a renewal that hangs counts as failed at the renew deadline', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const log: string[] = [];
  const a = candidate(clock, lease, 'a', log);
  await clock.flush();
  a.store.hung = true;
  await clock.advanceAsync(11_000);
  assert.equal(a.elector.isLeader(), false);
  await a.done;
});

void test('two candidates starting together: optimistic concurrency lets exactly one win', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const log: string[] = [];
  const a = candidate(clock, lease, 'a', log);
  const b = candidate(clock, lease, 'b', log);
  await clock.advanceAsync(20_000);
  assert.equal([a, b].filter((c) => c.elector.isLeader()).length, 1);
  assert.equal(new Set(lease.writes.map((w) => w.by)).size, 1, 'only the winner ever wrote');
  await a.elector.stop();
  await b.elector.stop();
});

void test('a candidate that stops before winning never writes', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const log: string[] = [];
  const a = candidate(clock, lease, 'a', log);
  await clock.flush();
  const b = candidate(clock, lease, 'b', log);
  await clock.advanceAsync(4_000);
  await b.elector.stop();
  await b.done;
  assert.ok(lease.writes.every((w) => w.by === 'a'));
  assert.ok(!log.some((l) => l.startsWith('b started') || l.startsWith('b stopped')));
  await a.elector.stop();
});

void test('stop returns while a store call hangs: at once when campaigning, after renewDeadline when releasing', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const log: string[] = [];
  const a = candidate(clock, lease, 'a', log);
  await clock.flush();
  const b = candidate(clock, lease, 'b', log);
  await clock.flush();
  b.store.hung = true;
  await clock.advanceAsync(2_000);
  await b.elector.stop();
  await b.done;

  a.store.hung = true;
  let stopped = false;
  const stopping = a.elector.stop().then(() => (stopped = true));
  await clock.advanceAsync(9_999);
  assert.equal(stopped, false, 'release is given renewDeadline');
  await clock.advanceAsync(1);
  await stopping;
  assert.ok(log.includes('a stopped @2000 (lease holder a)'), log.join('; '));
});

void test('callback errors are reported, not fatal to the elector', async () => {
  const clock = new FakeClock(0);
  const errors: string[] = [];
  const elector = new LeaderElector({
    ...timing,
    clock,
    identity: 'a',
    store: new MemoryLease().view('a'),
    onStartedLeading: () => {
      throw new Error('start hook bug');
    },
    onStoppedLeading: () => Promise.reject(new Error('stop hook bug')),
    onError: (err) => errors.push((err as Error).message),
  });
  const done = elector.run();
  await clock.flush();
  assert.equal(elector.isLeader(), true);
  await clock.advanceAsync(4_000);
  assert.equal(elector.isLeader(), true, 'still renewing');
  await elector.stop();
  await done;
  assert.deepEqual(errors, ['start hook bug', 'stop hook bug']);
});

void test('timing options are validated as client-go does', () => {
  const store = new MemoryLease().view('x');
  assert.throws(
    () => new LeaderElector({ store, identity: 'x', leaseDurationSeconds: 10, renewDeadlineMs: 10_000 }),
    /leaseDuration must exceed renewDeadline/,
  );
  assert.throws(
    () => new LeaderElector({ store, identity: 'x', renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }),
    /1.2 \* retryPeriod/,
  );
  assert.throws(() => new LeaderElector({ store, identity: '' }), /identity/);
});
