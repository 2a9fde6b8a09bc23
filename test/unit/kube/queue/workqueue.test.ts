import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/util/clock.ts';
import { WorkQueue } from '../../../../src/kube/queue/workqueue.ts';
import { ExponentialBackoff } from '../../../../src/kube/queue/backoff.ts';

void test('a key added twice while queued is queued once', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('Vpc/a');
  q.add('Vpc/b');
  q.add('Vpc/a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'Vpc/a');
  assert.equal(await q.get(), 'Vpc/b');
  const m = q.metrics();
  assert.equal(m.adds, 2);
  assert.equal(m.coalesced, 1);
  assert.equal(m.inFlight, 2);
});

void test('a key added while processing is not handed out again until done, then re-queued once', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('Vpc/a');
  const key = await q.get();
  assert.equal(key, 'Vpc/a');
  q.add('Vpc/a');
  q.add('Vpc/a');
  assert.equal(q.length, 0, 'dirty, not queued');
  let second: string | undefined;
  const waiting = q.get().then((k) => (second = k));
  await Promise.resolve();
  assert.equal(second, undefined);
  q.done('Vpc/a');
  await waiting;
  assert.equal(second, 'Vpc/a');
  q.done('Vpc/a');
  assert.equal(q.length, 0);
  assert.equal(q.metrics().adds, 2);
  assert.equal(q.metrics().coalesced, 1);
});

void test('FIFO order across keys; get waits for an add', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  const got = q.get();
  q.add('k/1');
  q.add('k/2');
  assert.equal(await got, 'k/1');
  assert.equal(await q.get(), 'k/2');
});

void test('backoff sequence doubles from 1 s and caps at 20 s; forget resets it', () => {
  const b = new ExponentialBackoff();
  const seq = Array.from({ length: 8 }, () => b.next('k'));
  assert.deepEqual(seq, [1000, 2000, 4000, 8000, 16000, 20000, 20000, 20000]);
  assert.equal(b.failures('k'), 8);
  assert.equal(b.next('other'), 1000, 'per key');
  b.forget('k');
  assert.equal(b.next('k'), 1000);
  const custom = new ExponentialBackoff({ baseMs: 5, maxMs: 30 });
  assert.deepEqual([custom.next('x'), custom.next('x'), custom.next('x'), custom.next('x')], [5, 10, 20, 30]);
  assert.throws(() => new ExponentialBackoff({ baseMs: 10, maxMs: 5 }), /baseMs <= maxMs/);
  for (let i = 0; i < 2000; i++) b.next('many');
  assert.equal(b.next('many'), 20000, 'no overflow after many failures');
});

void test('addRateLimited delays by the key backoff on the clock', async () => {
  const clock = new FakeClock(0);
  const q = new WorkQueue({ clock, backoff: { baseMs: 100, maxMs: 1000 } });
  assert.equal(q.addRateLimited('k'), 100);
  assert.equal(q.metrics().delayed, 1);
  clock.advance(99);
  assert.equal(q.length, 0);
  clock.advance(1);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'k');
  q.done('k');
  assert.equal(q.addRateLimited('k'), 200);
  assert.equal(q.numRequeues('k'), 2);
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
  assert.equal(q.metrics().retries, 2);
});

void test('addAfter keeps the earliest deadline per key and adds immediately for ms <= 0', () => {
  const clock = new FakeClock(0);
  const q = new WorkQueue({ clock });
  q.addAfter('k', 500);
  q.addAfter('k', 800);
  q.addAfter('k', 300);
  assert.equal(q.metrics().delayed, 1);
  assert.equal(clock.pending, 1);
  clock.advance(300);
  assert.equal(q.length, 1);
  clock.advance(1000);
  assert.equal(q.length, 1, 'superseded timers do not add again');
  q.addAfter('j', 0);
  assert.equal(q.length, 2);
});

void test('queue and processing latency are measured on the clock', async () => {
  const clock = new FakeClock(0);
  const q = new WorkQueue({ clock });
  q.add('k');
  clock.advance(7);
  const key = await q.get();
  clock.advance(40);
  q.done(key!);
  const m = q.metrics();
  assert.equal(m.queueLatency.count, 1);
  assert.equal(m.queueLatency.sumMs, 7);
  assert.equal(m.processingLatency.maxMs, 40);
  assert.equal(m.processingLatency.buckets.at(-1), 1);
  assert.equal(m.processingLatency.buckets[3], 1, '40 ms falls in the <= 50 ms bucket');
  assert.equal(m.processingLatency.buckets[2], 0);
});

void test('shutdown with drain: queued keys are still handed out, new adds ignored, resolves when done', async () => {
  const clock = new FakeClock(0);
  const q = new WorkQueue({ clock });
  q.add('a');
  q.add('b');
  const a = await q.get();
  q.addAfter('later', 10);
  let finished = false;
  const stopping = q.shutdown().then(() => (finished = true));
  q.add('c');
  assert.equal(clock.pending, 0, 'delayed keys cancelled');
  assert.equal(await q.get(), 'b');
  q.done(a!);
  await clock.flush();
  assert.equal(finished, false, 'b still in flight');
  assert.equal(await q.get(), undefined);
  q.done('b');
  await stopping;
  assert.equal(finished, true);
  assert.equal(q.addRateLimited('x') > 0, true);
  assert.equal(q.length, 0);
});

void test('shutdown without drain drops queued keys and waits only for in-flight ones', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  const a = await q.get();
  q.add('a');
  let finished = false;
  const stopping = q.shutdown({ drain: false }).then(() => (finished = true));
  assert.equal(await q.get(), undefined);
  await Promise.resolve();
  assert.equal(finished, false);
  q.done(a!);
  await stopping;
  assert.equal(q.length, 0, 'dirty key not re-queued');
});

void test('shutdown wakes idle getters and resolves at once when idle', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  const waiting = q.get();
  await q.shutdown();
  assert.equal(await waiting, undefined);
  assert.equal(q.shuttingDown, true);
});

void test('FIFO order holds over many keys taken and re-added (past the internal compaction)', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  const expected: string[] = [];
  for (let i = 0; i < 3000; i++) {
    q.add(`k/${i}`);
    expected.push(`k/${i}`);
  }
  const taken: string[] = [];
  for (let round = 0; round < 2500; round++) {
    const key = (await q.get())!;
    taken.push(key);
    q.done(key);
    if (round % 2 === 0) {
      q.add(key); // back of the line
      expected.push(key);
    }
  }
  while (q.length > 0) {
    const key = (await q.get())!;
    taken.push(key);
    q.done(key);
  }
  assert.equal(taken.length, expected.length);
  assert.deepEqual(taken, expected);
});

void test('low keys wait behind every normal key; FIFO within each priority', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('k/low1', 'low');
  q.add('k/a');
  q.add('k/low2', 'low');
  q.add('k/b');
  const taken: string[] = [];
  while (q.length > 0) {
    const key = (await q.get())!;
    taken.push(key);
    q.done(key);
  }
  assert.deepEqual(taken, ['k/a', 'k/b', 'k/low1', 'k/low2']);
});

void test('a queued low key added as normal moves forward, once, keeping its queue time; normal stays normal', async () => {
  const clock = new FakeClock(0);
  const q = new WorkQueue({ clock });
  q.add('k/low1', 'low');
  q.add('k/low2', 'low');
  clock.advance(100);
  q.add('k/a');
  q.add('k/low2');
  q.add('k/low2');
  q.add('k/a', 'low');
  assert.equal(q.length, 3, 'each key queued once');
  const taken: string[] = [];
  while (q.length > 0) {
    const key = (await q.get())!;
    taken.push(key);
    q.done(key);
  }
  assert.deepEqual(taken, ['k/a', 'k/low2', 'k/low1']);
  const m = q.metrics();
  assert.equal(m.adds, 3);
  assert.equal(m.coalesced, 3);
  assert.equal(m.queueLatency.maxMs, 100, 'the moved key waited since it was first queued');
});

void test('a key added while processing is queued again by done at the highest priority it was asked with', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('k/a', 'low');
  q.add('k/x', 'low');
  const key = (await q.get())!;
  assert.equal(key, 'k/a');
  q.add('k/a', 'low');
  q.add('k/a');
  q.done('k/a');
  assert.equal(await q.get(), 'k/a', 'normal: ahead of the low k/x');
  q.done('k/a');
  q.add('k/y', 'low');
  assert.equal(await q.get(), 'k/x');
  q.add('k/x', 'low');
  q.done('k/x');
  assert.deepEqual([await q.get(), await q.get()], ['k/y', 'k/x'], 'low again: behind k/y');
});

void test('FIFO order holds over many keys moved between priorities (past the internal compaction)', async () => {
  const q = new WorkQueue({ clock: new FakeClock() });
  for (let i = 0; i < 3000; i++) q.add(`k/${i}`, 'low');
  const moved = Array.from({ length: 3000 }, (_, i) => `k/${i}`).filter((_, i) => i % 3 === 0);
  for (const key of moved) q.add(key);
  const taken: string[] = [];
  while (q.length > 0) {
    const key = (await q.get())!;
    taken.push(key);
    q.done(key);
  }
  const rest = Array.from({ length: 3000 }, (_, i) => `k/${i}`).filter((_, i) => i % 3 !== 0);
  assert.deepEqual(taken, [...moved, ...rest]);
});
