import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/util/clock.ts';
import { WorkQueue } from '../../../../src/kube/queue/workqueue.ts';
import { WorkerPool, type HandlerResult } from '../../../../src/kube/queue/worker-pool.ts';
import { TerminalError } from '../../../../src/kube/queue/errors.ts';

/** A handler whose calls block until the test settles them, recording concurrency. */
class Gate {
  readonly calls: { key: string; at: number }[] = [];
  readonly open = new Map<string, { resolve: (r: HandlerResult) => void; reject: (e: unknown) => void }[]>();
  active = 0;
  maxActive = 0;
  readonly perKeyActive = new Map<string, number>();
  maxPerKey = 0;
  readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    this.clock = clock;
  }
  readonly handler = (key: string): Promise<HandlerResult> => {
    this.calls.push({ key, at: this.clock.now() });
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const n = (this.perKeyActive.get(key) ?? 0) + 1;
    this.perKeyActive.set(key, n);
    this.maxPerKey = Math.max(this.maxPerKey, n);
    return new Promise<HandlerResult>((resolve, reject) => {
      const list = this.open.get(key) ?? [];
      list.push({ resolve, reject });
      this.open.set(key, list);
    }).finally(() => {
      this.active--;
      this.perKeyActive.set(key, (this.perKeyActive.get(key) ?? 1) - 1);
    });
  };
  settle(key: string, outcome: { result?: HandlerResult; error?: unknown } = {}): void {
    const next = this.open.get(key)?.shift();
    assert.ok(next, `no open call for ${key}`);
    if (outcome.error !== undefined) next.reject(outcome.error);
    else next.resolve(outcome.result);
  }
  keys(): string[] {
    return this.calls.map((c) => c.key);
  }
}

function setup(concurrency = 2, backoff = { baseMs: 1000, maxMs: 20000 }) {
  const clock = new FakeClock(0);
  const queue = new WorkQueue({ clock, backoff });
  const gate = new Gate(clock);
  const errors: { key: string; retryInMs: number }[] = [];
  const terminal: { key: string; message: string }[] = [];
  const pool = new WorkerPool({
    queue,
    concurrency,
    handler: gate.handler,
    onError: (key, _err, retryInMs) => errors.push({ key, retryInMs }),
    onTerminalError: (key, err) => terminal.push({ key, message: err.message }),
  });
  const finished = pool.start();
  return { clock, queue, gate, errors, terminal, pool, finished };
}

void test('concurrency is bounded by the number of workers', async () => {
  const { clock, queue, gate } = setup(3);
  for (let i = 0; i < 10; i++) queue.add(`k/${i}`);
  await clock.flush();
  assert.equal(gate.active, 3);
  assert.equal(queue.metrics().depth, 7);
  for (let i = 0; i < 10; i++) {
    gate.settle(`k/${i}`);
    await clock.flush();
  }
  assert.equal(gate.maxActive, 3);
  assert.equal(gate.calls.length, 10);
  assert.equal(queue.metrics().succeeded, 10);
});

void test('the same key is never processed concurrently; an add during processing runs once more after', async () => {
  const { clock, queue, gate } = setup(4);
  queue.add('Vpc/a');
  await clock.flush();
  queue.add('Vpc/a');
  queue.add('Vpc/a');
  queue.add('Vpc/b');
  await clock.flush();
  assert.deepEqual(gate.keys(), ['Vpc/a', 'Vpc/b'], 'b runs alongside, a waits');
  gate.settle('Vpc/a');
  await clock.flush();
  assert.deepEqual(gate.keys(), ['Vpc/a', 'Vpc/b', 'Vpc/a']);
  gate.settle('Vpc/a');
  gate.settle('Vpc/b');
  await clock.flush();
  assert.equal(gate.calls.length, 3);
  assert.equal(gate.maxPerKey, 1);
});

void test('errors retry with exponential backoff capped at the max; success forgets the backoff', async () => {
  const { clock, queue, gate, errors } = setup(1);
  queue.add('k');
  await clock.flush();
  const expected = [1000, 2000, 4000, 8000, 16000, 20000, 20000];
  for (const delay of expected) {
    gate.settle('k', { error: new Error('boom') });
    await clock.flush();
    await clock.advanceAsync(delay - 1);
    assert.equal(gate.calls.length, errors.length, `not retried before ${delay} ms`);
    await clock.advanceAsync(1);
    assert.equal(gate.calls.length, errors.length + 1, `retried after ${delay} ms`);
  }
  assert.deepEqual(
    errors.map((e) => e.retryInMs),
    expected,
  );
  gate.settle('k');
  await clock.flush();
  assert.equal(queue.numRequeues('k'), 0, 'forgotten on success');
  queue.add('k');
  await clock.flush();
  gate.settle('k', { error: new Error('again') });
  await clock.flush();
  assert.equal(errors.at(-1)?.retryInMs, 1000, 'backoff restarts from the base');
  assert.equal(queue.metrics().retries, expected.length + 1);
  assert.equal(queue.metrics().failed, expected.length + 1);
});

void test('requeueAfterMs re-adds the key after the delay and resets its backoff', async () => {
  const { clock, queue, gate, errors } = setup(1);
  queue.add('k');
  await clock.flush();
  gate.settle('k', { error: new Error('first') });
  await clock.advanceAsync(1000);
  assert.equal(queue.numRequeues('k'), 1);
  gate.settle('k', { result: { requeueAfterMs: 30_000 } });
  await clock.flush();
  assert.equal(queue.numRequeues('k'), 0);
  await clock.advanceAsync(29_999);
  assert.equal(gate.calls.length, 2);
  await clock.advanceAsync(1);
  assert.equal(gate.calls.length, 3);
  assert.equal(gate.calls[2]?.at, 31_000);
  gate.settle('k', { result: { requeueAfterMs: 0 } });
  await clock.advanceAsync(100_000);
  assert.equal(gate.calls.length, 3, 'requeueAfterMs: 0 means no requeue');
  assert.equal(errors.length, 1);
});

void test('a TerminalError is reported and not retried; a later add still processes the key', async () => {
  const { clock, queue, gate, errors, terminal } = setup(1);
  queue.add('Snat/ns/x');
  await clock.flush();
  gate.settle('Snat/ns/x', { error: new TerminalError('spec.eip: not found') });
  await clock.advanceAsync(60_000);
  assert.deepEqual(terminal, [{ key: 'Snat/ns/x', message: 'spec.eip: not found' }]);
  assert.equal(errors.length, 0);
  assert.equal(gate.calls.length, 1);
  assert.equal(clock.pending, 0);
  assert.equal(queue.metrics().terminal, 1);
  queue.add('Snat/ns/x');
  await clock.flush();
  assert.equal(gate.calls.length, 2);
  gate.settle('Snat/ns/x');
});

void test('a throwing error reporter does not stop the worker', async () => {
  const clock = new FakeClock(0);
  const queue = new WorkQueue({ clock });
  const seen: string[] = [];
  const pool = new WorkerPool({
    queue,
    concurrency: 1,
    handler: (key) => {
      seen.push(key);
      return key === 'bad' ? Promise.reject(new Error('x')) : Promise.resolve();
    },
    onError: () => {
      throw new Error('reporter broke');
    },
  });
  const finished = pool.start();
  queue.add('bad');
  queue.add('good');
  await clock.flush();
  assert.deepEqual(seen, ['bad', 'good']);
  await queue.shutdown();
  await finished;
});

void test('graceful shutdown: in-flight and queued work finishes, no new work is taken, workers exit', async () => {
  const { clock, queue, gate, finished } = setup(2);
  for (const k of ['a', 'b', 'c']) queue.add(k);
  await clock.flush();
  let stopped = false;
  const stopping = queue.shutdown().then(() => (stopped = true));
  queue.add('d');
  gate.settle('a', { error: new Error('retry me') });
  await clock.flush();
  assert.deepEqual(gate.keys(), ['a', 'b', 'c'], 'queued c still drained, d ignored');
  assert.equal(clock.pending, 0, 'no retry scheduled during shutdown');
  gate.settle('b');
  gate.settle('c');
  await stopping;
  await finished;
  assert.equal(stopped, true);
  assert.equal(gate.calls.length, 3);
});

void test('shutdown without drain leaves queued keys unprocessed', async () => {
  const { clock, queue, gate, finished } = setup(1);
  for (const k of ['a', 'b']) queue.add(k);
  await clock.flush();
  const stopping = queue.shutdown({ drain: false });
  gate.settle('a');
  await stopping;
  await finished;
  assert.deepEqual(gate.keys(), ['a']);
});

void test('worker pool rejects a bad concurrency', () => {
  const queue = new WorkQueue({ clock: new FakeClock() });
  assert.throws(
    () => new WorkerPool({ queue, concurrency: 0, handler: () => Promise.resolve() }),
    /positive integer/,
  );
});

void test('workers give the event loop a turn between keys, so keys that need no I/O do not starve it', async () => {
  const clock = new FakeClock(0);
  const queue = new WorkQueue({ clock });
  let done = 0;
  const pool = new WorkerPool({
    queue,
    concurrency: 2,
    handler: () => {
      done++;
      return Promise.resolve(); // finishes within the microtask run, like a reconcile that finds nothing to do
    },
  });
  for (let i = 0; i < 100; i++) queue.add(`k/${i}`);
  const finished = pool.start();
  const doneWhenAMacrotaskRan = await new Promise<number>((resolve) => setImmediate(() => resolve(done)));
  assert.ok(doneWhenAMacrotaskRan < 100, `a macrotask ran after ${doneWhenAMacrotaskRan} of 100 keys`);
  await queue.shutdown({ drain: true });
  await finished;
  assert.equal(done, 100);
});
