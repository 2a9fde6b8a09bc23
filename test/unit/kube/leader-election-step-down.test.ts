// The leader's step-down against a Lease that others write meanwhile: a release racing the leader's own renewal (its
// write landed, its answer is late; or the resourceVersion moved between the release's read and its write), a
// campaign read answered after stop, and the deadlines of each stage with the errors they report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.ts';
import { LeaderElector } from '../../../src/kube/leader-election.ts';
import { microTime } from '../../../src/util/time.ts';
import { MemoryLease } from './helpers/memory-lease-store.ts';

const timing = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, random: () => 0 };

function candidate(
  clock: FakeClock,
  lease: MemoryLease,
  identity: string,
  onStoppedLeading: () => void | Promise<void> = () => {},
) {
  const store = lease.view(identity);
  const errors: string[] = [];
  const elector = new LeaderElector({
    ...timing,
    store,
    identity,
    clock,
    onStoppedLeading,
    onError: (err) => errors.push(`${(err as Error).name}: ${(err as Error).message}`),
  });
  const done = elector.run();
  return { elector, store, done, errors };
}

/** `a` leads, `b` campaigns; returns both at 10 s with a's lease renewed. */
async function leaderAndCandidate(clock: FakeClock, lease: MemoryLease) {
  const a = candidate(clock, lease, 'a');
  await clock.flush();
  const b = candidate(clock, lease, 'b');
  await clock.advanceAsync(10_000);
  assert.equal(a.elector.isLeader(), true);
  return { a, b };
}

void test('stop while a renewal is on the wire (written, answer late): the release waits for it, then frees the lease', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const { a, b } = await leaderAndCandidate(clock, lease);
  const renewal = a.store.holdNextAnswer('update');
  await clock.advanceAsync(2_000);
  await renewal.served;
  assert.equal(lease.current?.record.renewTime, microTime(12_000), 'the renewal is in the store');

  let stopped = false;
  const stopping = a.elector.stop().then(() => (stopped = true));
  await clock.flush();
  assert.equal(stopped, false, 'the release waits for the renewal in flight');
  assert.equal(lease.current?.record.holderIdentity, 'a');
  renewal.letGo();
  await clock.flush();
  await stopping;
  assert.deepEqual(a.errors, []);
  assert.equal(lease.current?.record.holderIdentity, '', 'released over the renewal’s resourceVersion');
  await clock.advanceAsync(2_000);
  assert.equal(
    b.elector.isLeader(),
    true,
    'the other candidate takes the released lease at its next attempt',
  );
  await b.elector.stop();
});

void test('the resourceVersion moves between the release’s read and its write: the release reads again and retries', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const { a, b } = await leaderAndCandidate(clock, lease);
  // A late renewal of a's lands between the release's read and its write.
  a.store.beforeNextUpdate = () => {
    const held = lease.current!;
    lease.write('a', { ...held.record, renewTime: microTime(clock.now()) }, held.resourceVersion);
  };
  await a.elector.stop();
  assert.deepEqual(a.errors, []);
  assert.equal(lease.current?.record.holderIdentity, '');
  assert.equal(lease.writes.at(-1)?.by, 'a');
  await b.elector.stop();
});

void test('a lease taken by another candidate before the release is left alone', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const { a, b } = await leaderAndCandidate(clock, lease);
  await b.elector.stop();
  const held = lease.current!;
  lease.write('c', { ...held.record, holderIdentity: 'c', leaseTransitions: 1 }, held.resourceVersion);
  await a.elector.stop();
  assert.deepEqual(a.errors, []);
  assert.equal(lease.current?.record.holderIdentity, 'c', 'not released: it is not ours any more');
  assert.equal(lease.writes.at(-1)?.by, 'c');
});

void test('a candidate stopped while its read is on the wire never writes', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const c = candidate(clock, lease, 'c');
  // The lease does not exist yet: the answer to c's read says so, but arrives after c stopped.
  const read = c.store.holdNextAnswer('get');
  await read.served;
  const stopping = c.elector.stop();
  await stopping;
  read.letGo();
  await clock.advanceAsync(30_000);
  assert.equal(lease.current, undefined, 'a stopped candidate does not create the lease');
  assert.deepEqual(lease.writes, []);
});

void test('step-down deadlines: a release that does not finish and work that does not stop are reported, and stop returns', async () => {
  const clock = new FakeClock(0);
  const lease = new MemoryLease();
  const { a, b } = await leaderAndCandidate(clock, lease);
  a.store.hung = true;
  let stopped = false;
  const stopping = a.elector.stop().then(() => (stopped = true));
  await clock.advanceAsync(9_999);
  assert.equal(stopped, false);
  await clock.advanceAsync(1);
  await stopping;
  assert.deepEqual(a.errors, [
    'LeaderElectionTimeout: leader election: releasing the lease did not finish within 10000 ms; it expires on its own 15 s after its last renewal',
  ]);
  await b.elector.stop();

  const hanging = new MemoryLease();
  const d = candidate(clock, hanging, 'd', () => new Promise<void>(() => {}));
  await clock.flush();
  assert.equal(d.elector.isLeader(), true);
  let dStopped = false;
  const dStopping = d.elector.stop().then(() => (dStopped = true));
  await clock.advanceAsync(14_999);
  assert.equal(dStopped, false, 'the work is given a lease duration to stop');
  await clock.advanceAsync(1);
  await dStopping;
  assert.deepEqual(d.errors, [
    'LeaderElectionTimeout: leader election: the work did not stop within 15000 ms (onStoppedLeading); the lease is not released while it may still run',
  ]);
  assert.equal(hanging.current?.record.holderIdentity, 'd', 'not released');
});
