import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, systemClock } from '../../../src/util/clock.ts';

void test('FakeClock fires due timers in due order, ties in insertion order', () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('c@30'), 30);
  clock.setTimeout(() => fired.push('a@10'), 10);
  clock.setTimeout(() => fired.push('b@10'), 10);
  clock.advance(9);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, ['a@10', 'b@10']);
  clock.advance(100);
  assert.deepEqual(fired, ['a@10', 'b@10', 'c@30']);
  assert.equal(clock.now(), 110);
  assert.equal(clock.pending, 0);
});

void test('FakeClock: timers set while advancing fire in the same advance when due, at their own time', () => {
  const clock = new FakeClock(0);
  const seen: number[] = [];
  clock.setTimeout(() => {
    seen.push(clock.now());
    clock.setTimeout(() => seen.push(clock.now()), 5);
  }, 10);
  clock.advance(20);
  assert.deepEqual(seen, [10, 15]);
  assert.equal(clock.now(), 20);
});

void test('FakeClock: clearTimeout cancels; nextDue reports the earliest', () => {
  const clock = new FakeClock(1000);
  let fired = false;
  const id = clock.setTimeout(() => (fired = true), 50);
  clock.setTimeout(() => {}, 70);
  assert.equal(clock.nextDue(), 1050);
  clock.clearTimeout(id);
  assert.equal(clock.nextDue(), 1070);
  clock.advance(100);
  assert.equal(fired, false);
});

void test('FakeClock.sleep resolves on advance and rejects when aborted', async () => {
  const clock = new FakeClock(0);
  let woke = false;
  const sleeping = clock.sleep(100).then(() => (woke = true));
  await clock.advanceAsync(99);
  assert.equal(woke, false);
  await clock.advanceAsync(1);
  await sleeping;
  assert.equal(woke, true);

  const abort = new AbortController();
  const aborted = clock.sleep(100, abort.signal);
  abort.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  assert.equal(clock.pending, 0);
});

void test('SystemClock sleeps in real time', async () => {
  const start = systemClock.now();
  await systemClock.sleep(20);
  assert.ok(systemClock.now() - start >= 15);
});
