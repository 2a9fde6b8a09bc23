import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.ts';
import { Backoff } from '../../../src/ovsdb/backoff.ts';
import { Keepalive } from '../../../src/ovsdb/keepalive.ts';

function setup(intervalMs = 1000, timeoutMs = 500) {
  const clock = new FakeClock(0);
  const probes: number[] = [];
  const dead: number[] = [];
  const ka = new Keepalive({
    clock,
    intervalMs,
    timeoutMs,
    sendProbe: () => probes.push(clock.now()),
    onDead: (silent) => dead.push(silent),
  });
  return { clock, probes, dead, ka };
}

void test('keepalive: a probe after intervalMs of silence, death timeoutMs later without traffic', () => {
  const { clock, probes, dead, ka } = setup();
  ka.start();
  clock.advance(999);
  assert.deepEqual(probes, []);
  clock.advance(1);
  assert.deepEqual(probes, [1000]);
  clock.advance(499);
  assert.deepEqual(dead, []);
  clock.advance(1);
  assert.deepEqual(dead, [1500]);
  clock.advance(10_000);
  assert.deepEqual(probes, [1000], 'stopped after death');
});

void test('keepalive: traffic defers the probe; a reply after a probe keeps the session alive', () => {
  const { clock, probes, dead, ka } = setup();
  ka.start();
  clock.advance(600);
  ka.activity();
  clock.advance(999);
  assert.deepEqual(probes, [], 'no probe while traffic flows');
  clock.advance(1);
  assert.deepEqual(probes, [1600]);
  clock.advance(100);
  ka.activity(); // the echo reply
  clock.advance(1000);
  assert.deepEqual(dead, []);
  assert.deepEqual(probes, [1600, 2700], 'next probe one interval after the reply');
  ka.stop();
  assert.equal(clock.pending, 0);
});

void test('backoff: doubles from initial to the cap, reset starts over', () => {
  const b = new Backoff({ initialMs: 100, maxMs: 1000 });
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map(() => b.next()),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(b.attempts, 6);
  b.reset();
  assert.equal(b.next(), 100);
});

void test('backoff: jitter shortens delays by up to the fraction, from the injected random source', () => {
  const draws = [0, 0.5, 1];
  const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => draws.shift() ?? 0 });
  assert.deepEqual([b.next(), b.next(), b.next()], [100, 150, 200]);
  assert.throws(() => new Backoff({ initialMs: 0 }), RangeError);
  assert.throws(() => new Backoff({ jitter: 2 }), RangeError);
});
