import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { pino } from 'pino';
import { FakeClock } from '../../../src/util/clock.ts';
import { WorkLoop } from '../../../src/kube/work-loop.ts';
import { InMemoryInformer } from '../../support/informer-memory.ts';

const node = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, resourceVersion: rv },
});

/** A loop whose handler records keys and can be held until released. */
function setup(options: { concurrency?: number; hold?: boolean } = {}) {
  const clock = new FakeClock(0);
  const handled: string[] = [];
  const held: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const loop = new WorkLoop({
    clock,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    backoff: { baseMs: 100, maxMs: 1_000 },
    handler: async (key) => {
      handled.push(key);
      inFlight++;
      most = Math.max(most, inFlight);
      if (options.hold) await new Promise<void>((resolve) => held.push(resolve));
      inFlight--;
    },
  });
  return { clock, loop, handled, held, most: () => most };
}

void test('watch: adds and deletes ask with the object alone, updates with the old one too; keys are coalesced', async () => {
  const { clock, loop, handled } = setup();
  const nodes = new InMemoryInformer({ kind: 'Node', objects: [node('n1', '1')] });
  const asked: string[] = [];
  loop.watch(nodes, (obj, old) => {
    asked.push(
      `${obj.metadata.name}@${obj.metadata.resourceVersion}<${old?.metadata.resourceVersion ?? '-'}`,
    );
    return ['ovn0', 'ovn0'];
  });
  await nodes.start();
  nodes.set(node('n1', '2'));
  nodes.delete('n1');
  loop.start();
  await clock.flush();
  assert.deepEqual(asked, ['n1@1<-', 'n1@2<1', 'n1@2<-']);
  assert.deepEqual(handled, ['ovn0'], 'one key, worked on once');
  await loop.stop();
});

void test('concurrency bounds the keys worked on at once (default 1)', async () => {
  for (const [concurrency, want] of [
    [undefined, 1],
    [3, 3],
  ] as const) {
    const { clock, loop, held, most } = setup({ hold: true, ...(concurrency ? { concurrency } : {}) });
    for (const key of ['a', 'b', 'c', 'd', 'e']) loop.enqueue(key);
    loop.start();
    await clock.flush();
    assert.equal(held.length, want);
    while (held.length) {
      held.shift()!();
      await clock.flush();
    }
    assert.equal(most(), want, `concurrency ${concurrency ?? 'default'}`);
    await loop.stop();
  }
});

void test('failures are retried with the backoff given; enqueue with a delay waits for it', async () => {
  const clock = new FakeClock(0);
  const attempts: [string, number][] = [];
  let failures = 2;
  const loop = new WorkLoop({
    clock,
    backoff: { baseMs: 100, maxMs: 1_000 },
    handler: (key) => {
      attempts.push([key, clock.now()]);
      if (key === 'flaky' && failures-- > 0) return Promise.reject(new Error('not yet'));
      return Promise.resolve();
    },
  });
  loop.start();
  loop.enqueue('flaky');
  loop.enqueue('later', 250);
  await clock.advanceAsync(1_000);
  assert.deepEqual(attempts, [
    ['flaky', 0],
    ['flaky', 100],
    ['later', 250],
    ['flaky', 300],
  ]);
  assert.equal(loop.metrics().failed, 2);
  await loop.stop();
});

void test('stop: without drain, queued keys are dropped and the key in flight finishes; with drain, they are worked off', async () => {
  for (const [drain, want] of [
    [false, ['a']],
    [true, ['a', 'b', 'c']],
  ] as const) {
    const { clock, loop, handled, held } = setup({ hold: true });
    for (const key of ['a', 'b', 'c']) loop.enqueue(key);
    loop.start();
    await clock.flush();
    let stopped = false;
    const stopping = loop.stop({ drain }).then(() => (stopped = true));
    await clock.flush();
    assert.equal(stopped, false, 'waits for the key in flight');
    while (held.length) {
      held.shift()!();
      await clock.flush();
    }
    await stopping;
    assert.deepEqual(handled, want, `drain: ${drain}`);
    loop.enqueue('after');
    await clock.flush();
    assert.deepEqual(handled, want, 'a stopped loop takes no keys');
  }
});

void test('a key failing again the same way is logged once as a warning, then at debug, until it succeeds', async () => {
  const clock = new FakeClock(0);
  type Line = { level: number; msg: string; key: string; err?: { message: string } };
  const lines: Line[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  // The key's outcomes, attempt by attempt: the same failure with different numbers, another one, success, the first again.
  const outcomes = [
    'NB down for 0 ms',
    'NB down for 100 ms',
    'NB down for 300 ms',
    'stale plan',
    'ok',
    'NB down for 0 ms',
  ];
  const loop = new WorkLoop({
    clock,
    logger,
    name: 'pod sync',
    backoff: { baseMs: 100, maxMs: 1_000 },
    handler: (key) => {
      const outcome = outcomes.shift();
      if (outcome === undefined) return Promise.resolve();
      if (outcome !== 'ok') return Promise.reject(new Error(`${key}: ${outcome}`));
      loop.enqueue(key); // once more, to fail after the success
      return Promise.resolve();
    },
  });
  loop.enqueue('Pod/a');
  loop.start();
  await clock.advanceAsync(5_000);
  assert.equal(outcomes.length, 0, 'every attempt made');
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.err?.message]),
    [
      [40, 'pod sync failed; will retry', 'Pod/a: NB down for 0 ms'],
      [20, 'pod sync failed again the same way; will retry', 'Pod/a: NB down for 100 ms'],
      [20, 'pod sync failed again the same way; will retry', 'Pod/a: NB down for 300 ms'],
      [40, 'pod sync failed; will retry', 'Pod/a: stale plan'],
      [40, 'pod sync failed; will retry', 'Pod/a: NB down for 0 ms'],
    ],
  );
  await loop.stop({ drain: false });
});

void test('the initial list (events and enqueues before start) waits behind keys asked for after start', async () => {
  const { clock, loop, handled, held } = setup({ hold: true });
  const nodes = new InMemoryInformer({
    kind: 'Node',
    objects: [node('n1', '1'), node('n2', '1'), node('n3', '1')],
  });
  loop.watch(nodes, (obj) => [`Node/${obj.metadata.name ?? ''}`]);
  await nodes.start();
  loop.enqueue('Node/gc-sweep');
  loop.start();
  await clock.flush();
  assert.deepEqual(handled, ['Node/n1'], 'the one worker holds the first key of the list');
  nodes.set(node('n9', '1'));
  nodes.set(node('n3', '2'));
  loop.enqueue('Node/asked');
  assert.equal(loop.queue.length, 5);
  for (let i = 0; i < 6; i++) {
    held.shift()?.();
    await clock.flush();
  }
  assert.deepEqual(handled, ['Node/n1', 'Node/n9', 'Node/n3', 'Node/asked', 'Node/n2', 'Node/gc-sweep']);
  await loop.stop();
});
