import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { KubeObject } from '../../../src/api/types.ts';
import { FakeClock } from '../../../src/util/clock.ts';
import { ControllerManager } from '../../../src/kube/manager.ts';
import { InMemoryInformer } from '../../support/informer-memory.ts';
import { TerminalError } from '../../../src/kube/queue/errors.ts';
import { keyOf, parseKey } from '../../../src/kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../../src/kube/reconciler.ts';

const eip = (name: string): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'IptablesEIP',
  metadata: { name },
});
const dnat = (name: string, eipName: string, rv = '1'): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'IptablesDnatRule',
  metadata: { name, resourceVersion: rv },
  spec: { eip: eipName },
});

/** A reconciler that records calls and answers from a script (default: success). */
class Recorder implements Reconciler {
  readonly kind: string;
  readonly calls: { key: string; attempt: number; exists: boolean }[] = [];
  script: (key: string, ctx: ReconcileContext) => ReconcileResult | Promise<ReconcileResult> = () =>
    undefined;
  watches: NonNullable<Reconciler['watches']> = [];
  changed: NonNullable<Reconciler['changed']> = () => true;
  constructor(kind: string) {
    this.kind = kind;
  }
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
    const exists = ctx.view.get(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace) !== undefined;
    this.calls.push({ key, attempt: ctx.attempt, exists });
    try {
      return Promise.resolve(this.script(key, ctx));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

function setup() {
  const clock = new FakeClock(0);
  const eips = new InMemoryInformer({ kind: 'IptablesEIP', objects: [eip('e1')] });
  const dnats = new InMemoryInformer({
    kind: 'IptablesDnatRule',
    objects: [dnat('d1', 'e1'), dnat('d2', 'e2')],
  });
  const terminal: string[] = [];
  const manager = new ControllerManager({
    informers: [eips, dnats],
    clock,
    concurrency: 2,
    onTerminalError: (key, err) => terminal.push(`${key}: ${err.message}`),
  });
  const eipRec = new Recorder('IptablesEIP');
  const dnatRec = new Recorder('IptablesDnatRule');
  dnatRec.watches = [
    {
      kind: 'IptablesEIP',
      map: (obj, view) =>
        view
          .list('IptablesDnatRule')
          .filter((d) => (d.spec as { eip: string }).eip === obj.metadata.name)
          .map((d) => keyOf('IptablesDnatRule', d.metadata.name!)),
    },
  ];
  return { clock, eips, dnats, manager, eipRec, dnatRec, terminal };
}

void test('keys: cluster-scoped and namespaced, and malformed ones refused', () => {
  assert.equal(keyOf('Vpc', 'v1'), 'Vpc/v1');
  assert.equal(keyOf('Pod', 'p', 'ns'), 'Pod/ns/p');
  assert.deepEqual(parseKey('Pod/ns/p'), { kind: 'Pod', namespace: 'ns', name: 'p' });
  assert.deepEqual(parseKey('Vpc/v1'), { kind: 'Vpc', name: 'v1' });
  assert.throws(() => parseKey('Vpc'), /malformed/);
  assert.throws(() => parseKey('Vpc//x'), /malformed/);
  assert.throws(() => parseKey('a/b/c/d'), /malformed/);
});

void test('objects cached at start are reconciled once each, after all caches synced', async () => {
  const { clock, manager, eipRec, dnatRec } = setup();
  manager.register(eipRec);
  manager.register(dnatRec);
  await manager.start();
  await clock.flush();
  assert.deepEqual(
    eipRec.calls.map((c) => c.key),
    ['IptablesEIP/e1'],
  );
  assert.deepEqual(dnatRec.calls.map((c) => c.key).sort(), ['IptablesDnatRule/d1', 'IptablesDnatRule/d2']);
  assert.ok(eipRec.calls.every((c) => c.exists && c.attempt === 0));
  await manager.stop();
});

void test('own events enqueue the key (delete too, seen as absent); mapped watches enqueue the dependents', async () => {
  const { clock, eips, dnats, manager, eipRec, dnatRec } = setup();
  manager.register(eipRec);
  manager.register(dnatRec);
  await manager.start();
  await clock.flush();
  dnatRec.calls.length = 0;
  eipRec.calls.length = 0;

  eips.set(eip('e2'));
  await clock.flush();
  assert.deepEqual(
    dnatRec.calls.map((c) => c.key),
    ['IptablesDnatRule/d2'],
    'new EIP e2 enqueues d2',
  );
  assert.deepEqual(
    eipRec.calls.map((c) => c.key),
    ['IptablesEIP/e2'],
  );

  dnatRec.calls.length = 0;
  dnats.set(dnat('d1', 'e2', '2'));
  await clock.flush();
  eips.set({ ...eip('e2'), metadata: { name: 'e2', resourceVersion: '9' } });
  await clock.flush();
  assert.deepEqual(dnatRec.calls.map((c) => c.key).sort(), [
    'IptablesDnatRule/d1',
    'IptablesDnatRule/d1',
    'IptablesDnatRule/d2',
  ]);

  dnatRec.calls.length = 0;
  dnats.delete('d2');
  await clock.flush();
  assert.deepEqual(dnatRec.calls, [{ key: 'IptablesDnatRule/d2', attempt: 0, exists: false }]);
  await manager.stop();
});

void test('errors retry with backoff and a growing attempt; requeueAfter and TerminalError are honoured', async () => {
  const { clock, manager, eipRec, dnatRec, terminal } = setup();
  let failures = 2;
  eipRec.script = () => {
    if (failures-- > 0) throw new Error('OVSDB unavailable');
    return { requeueAfterMs: 60_000 };
  };
  dnatRec.script = (key) => {
    if (key.endsWith('d2')) throw new TerminalError('spec.eip: IptablesEIP e2 not found');
  };
  manager.register(eipRec);
  manager.register(dnatRec);
  await manager.start();
  await clock.flush();
  await clock.advanceAsync(1000);
  await clock.advanceAsync(2000);
  assert.deepEqual(
    eipRec.calls.map((c) => c.attempt),
    [0, 1, 2],
  );
  await clock.advanceAsync(60_000);
  assert.equal(eipRec.calls.length, 4, 'requeued after 60 s');
  assert.equal(eipRec.calls[3]?.attempt, 0, 'backoff forgotten on success');
  assert.deepEqual(terminal, ['IptablesDnatRule/d2: spec.eip: IptablesEIP e2 not found']);
  assert.equal(dnatRec.calls.filter((c) => c.key.endsWith('d2')).length, 1);
  const m = manager.metrics();
  assert.equal(m.failed, 2);
  assert.equal(m.terminal, 1);
  await manager.stop();
});

void test('resyncAll enqueues every cached object of every reconciled kind', async () => {
  const { clock, manager, eipRec, dnatRec } = setup();
  manager.register(eipRec);
  manager.register(dnatRec);
  await manager.start();
  await clock.flush();
  eipRec.calls.length = 0;
  dnatRec.calls.length = 0;
  assert.equal(manager.resyncAll(), 3);
  await clock.flush();
  assert.equal(eipRec.calls.length + dnatRec.calls.length, 3);
  await manager.stop();
});

void test('register refuses unknown kinds, duplicates and late registration; unknown keys are terminal', async () => {
  const { clock, manager, eipRec, terminal } = setup();
  assert.throws(() => manager.register(new Recorder('Vpc')), /no informer caches kind Vpc/);
  const watcher = new Recorder('IptablesEIP');
  watcher.watches = [{ kind: 'Subnet', map: () => [] }];
  assert.throws(() => manager.register(watcher), /no informer caches kind Subnet/);
  manager.register(eipRec);
  assert.throws(() => manager.register(new Recorder('IptablesEIP')), /two reconcilers for kind IptablesEIP/);
  await manager.start();
  assert.throws(() => manager.register(new Recorder('IptablesDnatRule')), /already started/);
  manager.enqueue('Vpc/v1');
  manager.enqueue('bad');
  await clock.flush();
  assert.deepEqual(terminal, [
    'Vpc/v1: no reconciler for kind Vpc (key Vpc/v1)',
    'bad: malformed work-queue key "bad": want Kind/name or Kind/namespace/name',
  ]);
  await manager.stop();
});

void test('a throwing watch mapping is logged and does not break the informer', async () => {
  const { clock, eips, manager, eipRec } = setup();
  const broken = new Recorder('IptablesDnatRule');
  broken.watches = [
    {
      kind: 'IptablesEIP',
      map: () => {
        throw new Error('mapping bug');
      },
    },
  ];
  manager.register(eipRec);
  manager.register(broken);
  await manager.start();
  await clock.flush();
  eips.set(eip('e3'));
  await clock.flush();
  assert.ok(eips.get('e3'));
  assert.ok(eipRec.calls.some((c) => c.key === 'IptablesEIP/e3'));
  await manager.stop();
});

void test('stop without drain aborts the context signal of in-flight reconciles; an unstarted manager stops', async () => {
  const { clock, manager, eipRec, dnatRec } = setup();
  let seen: AbortSignal | undefined;
  let release!: () => void;
  eipRec.script = (_key, ctx) => {
    seen = ctx.signal;
    return new Promise<void>((resolve) => (release = resolve));
  };
  manager.register(eipRec);
  manager.register(dnatRec);
  await new ControllerManager({ informers: [], clock }).stop();
  await manager.start();
  await clock.flush();
  const stopping = manager.stop({ drain: false });
  assert.equal(seen?.aborted, true);
  release();
  await stopping;
});

void test('update predicates: own kind and watches enqueue only updates that matter; adds and deletes always', async () => {
  const { clock, eips, dnats, manager, eipRec, dnatRec } = setup();
  const specOf = (o: KubeObject) => JSON.stringify(o['spec'] ?? null);
  // the EIP reconciler ignores updates that keep the spec; the DNAT watch on EIPs ignores updates that keep labels
  eipRec.changed = (obj, old) => specOf(obj) !== specOf(old);
  dnatRec.watches = [
    {
      ...dnatRec.watches[0]!,
      changed: (obj, old) => JSON.stringify(obj.metadata.labels) !== JSON.stringify(old.metadata.labels),
    },
  ];
  manager.register(eipRec);
  manager.register(dnatRec);
  await manager.start();
  await clock.flush();
  const e1 = (rv: string, extra: Partial<KubeObject>): KubeObject => ({
    ...eip('e1'),
    ...extra,
    metadata: { name: 'e1', resourceVersion: rv, ...extra.metadata },
  });
  const cases: [string, KubeObject, eipCalls: number, dnatCalls: number][] = [
    ['status only: nobody', e1('2', { status: { ready: true } }), 0, 0],
    ['spec: the EIP itself', e1('3', { spec: { v4ip: '1.1.1.1' }, status: { ready: true } }), 1, 0],
    [
      'labels: the DNAT rules on it',
      e1('4', { spec: { v4ip: '1.1.1.1' }, metadata: { name: 'e1', labels: { a: 'b' } } }),
      0,
      1,
    ],
  ];
  for (const [why, object, eipCalls, dnatCalls] of cases) {
    eipRec.calls.length = 0;
    dnatRec.calls.length = 0;
    eips.set(object);
    await clock.flush();
    assert.deepEqual([eipRec.calls.length, dnatRec.calls.length], [eipCalls, dnatCalls], why);
  }
  eipRec.calls.length = 0;
  dnatRec.calls.length = 0;
  eips.delete('e1');
  dnats.set(dnat('d3', 'e1'));
  await clock.flush();
  assert.deepEqual(
    [eipRec.calls.map((c) => c.key), dnatRec.calls.map((c) => c.key).sort()],
    [['IptablesEIP/e1'], ['IptablesDnatRule/d1', 'IptablesDnatRule/d3']],
    'a delete maps and enqueues regardless of the predicates; so does an add',
  );
  await manager.stop();
});

void test('selects: only the objects a reconciler selects enqueue its keys (an update by its new version); resyncAll skips the others; watches are not filtered', async () => {
  const { clock, eips, dnats, manager, eipRec, dnatRec } = setup();
  const labelled = (o: KubeObject): boolean => o.metadata.labels?.['mine'] === 'yes';
  const e = (name: string, rv: string, mine: boolean): KubeObject => ({
    ...eip(name),
    metadata: { name, resourceVersion: rv, ...(mine ? { labels: { mine: 'yes' } } : {}) },
  });
  Object.assign(eipRec, { selects: labelled });
  manager.register(eipRec);
  manager.register(dnatRec);
  eips.set(e('e2', '1', true));
  await manager.start();
  await clock.flush();
  assert.deepEqual(
    eipRec.calls.map((c) => c.key),
    ['IptablesEIP/e2'],
    'of the cached EIPs, only the selected one',
  );
  const cases: [string, () => void, eipKeys: string[]][] = [
    ['an unselected add', () => eips.set(e('e3', '1', false)), []],
    ['a selected add', () => eips.set(e('e4', '1', true)), ['IptablesEIP/e4']],
    ['an update to a selected version', () => eips.set(e('e3', '2', true)), ['IptablesEIP/e3']],
    ['an update to an unselected version', () => eips.set(e('e4', '2', false)), []],
    ['the delete of an unselected object', () => eips.delete('e4'), []],
    ['the delete of a selected object', () => eips.delete('e3'), ['IptablesEIP/e3']],
  ];
  for (const [why, act, eipKeys] of cases) {
    eipRec.calls.length = 0;
    act();
    await clock.flush();
    assert.deepEqual(
      eipRec.calls.map((c) => c.key),
      eipKeys,
      why,
    );
  }
  dnatRec.calls.length = 0;
  eips.set(e('e2', '2', false));
  await clock.flush();
  assert.deepEqual(
    dnatRec.calls.map((c) => c.key),
    ['IptablesDnatRule/d2'],
    'the DNAT watch maps an unselected EIP all the same',
  );
  eips.set(e('e5', '1', true));
  await clock.flush();
  eipRec.calls.length = 0;
  dnatRec.calls.length = 0;
  assert.equal(manager.resyncAll(), 3, 'e5, and the DNAT rules d1 and d2 (not e1 and e2)');
  await clock.flush();
  assert.deepEqual(
    eipRec.calls.map((c) => c.key),
    ['IptablesEIP/e5'],
  );
  assert.equal(dnats.list().length, dnatRec.calls.length);
  await manager.stop();
});

void test('a throwing select predicate counts as selected (logged), and the informer keeps working', async () => {
  const { clock, eips, manager, eipRec } = setup();
  Object.assign(eipRec, {
    selects: () => {
      throw new Error('predicate bug');
    },
  });
  manager.register(eipRec);
  await manager.start();
  await clock.flush();
  eips.set(eip('e9'));
  await clock.flush();
  assert.deepEqual(
    eipRec.calls.map((c) => c.key),
    ['IptablesEIP/e1', 'IptablesEIP/e9'],
  );
  await manager.stop();
});

void test('onSynced runs once every cache has synced and before any reconcile; the keys it enqueues are worked on', async () => {
  const clock = new FakeClock(0);
  const eips = new InMemoryInformer({ kind: 'IptablesEIP', objects: [eip('e1')] });
  const rec = new Recorder('IptablesEIP');
  const seen: { synced: boolean; calls: number }[] = [];
  const manager = new ControllerManager({
    informers: [eips],
    clock,
    onSynced: () => {
      seen.push({ synced: eips.hasSynced(), calls: rec.calls.length });
      manager.enqueue(keyOf('IptablesEIP', 'gone'));
    },
  });
  manager.register(rec);
  await manager.start();
  await manager.start();
  await clock.flush();
  assert.deepEqual(seen, [{ synced: true, calls: 0 }]);
  assert.deepEqual(rec.calls, [
    { key: 'IptablesEIP/e1', attempt: 0, exists: true },
    { key: 'IptablesEIP/gone', attempt: 0, exists: false },
  ]);
  await manager.stop();
});

void test('concurrency and backoff are per manager; failures are logged under the manager name', async () => {
  const clock = new FakeClock(0);
  type Line = { msg: string; key?: string; retryInMs?: number };
  const lines: Line[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  const eips = new InMemoryInformer({ kind: 'IptablesEIP', objects: ['a', 'b', 'c'].map((n) => eip(n)) });
  const manager = new ControllerManager({
    informers: [eips],
    clock,
    logger,
    name: 'eip sync',
    concurrency: 2,
    backoff: { baseMs: 500, maxMs: 10_000 },
  });
  const rec = new Recorder('IptablesEIP');
  let inFlight = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  rec.script = (key) => {
    inFlight++;
    most = Math.max(most, inFlight);
    return new Promise<void>((resolve, reject) =>
      releases.push(() => {
        inFlight--;
        if (key === 'IptablesEIP/a' && rec.calls.length <= 3) reject(new Error('busy'));
        else resolve();
      }),
    );
  };
  manager.register(rec);
  await manager.start();
  await clock.flush();
  assert.equal(inFlight, 2, 'two workers');
  while (releases.length) {
    releases.shift()!();
    await clock.flush();
  }
  assert.equal(most, 2);
  assert.deepEqual(lines, [
    { ...lines[0], msg: 'eip sync failed; will retry', key: 'IptablesEIP/a', retryInMs: 500 },
  ]);
  await clock.advanceAsync(500);
  releases.shift()?.();
  await clock.flush();
  assert.deepEqual(
    rec.calls.map((c) => [c.key, c.attempt]),
    [
      ['IptablesEIP/a', 0],
      ['IptablesEIP/b', 0],
      ['IptablesEIP/c', 0],
      ['IptablesEIP/a', 1],
    ],
  );
  await manager.stop();
});

void test('newOnly: an update maps the new version alone; without it, the old one too', async () => {
  for (const newOnly of [false, true]) {
    const { clock, eips, manager, dnatRec } = setup();
    const mapped: string[] = [];
    dnatRec.watches = [
      {
        kind: 'IptablesEIP',
        map: (obj) => {
          mapped.push(obj.metadata.resourceVersion ?? '');
          return [];
        },
        ...(newOnly ? { newOnly } : {}),
      },
    ];
    manager.register(dnatRec);
    await manager.start();
    await clock.flush();
    mapped.length = 0;
    eips.set({ ...eip('e1'), metadata: { name: 'e1', resourceVersion: '7' } });
    await clock.flush();
    // The first EIP had no resourceVersion: the old version maps as ''.
    assert.deepEqual(mapped, newOnly ? ['7'] : ['7', '']);
    await manager.stop();
  }
});

void test("mapped keys: none, one, or several (repeats and the old version's dropped) reach the queue once each", async () => {
  const cases: { why: string; keys: (rv: string) => string[]; want: string[] }[] = [
    { why: 'no key', keys: () => [], want: [] },
    {
      why: 'one key, from both versions',
      keys: () => ['IptablesDnatRule/d1'],
      want: ['IptablesDnatRule/d1'],
    },
    {
      why: 'several keys with a repeat, the old version adding another',
      keys: (rv) =>
        rv === '7'
          ? ['IptablesDnatRule/d1', 'IptablesDnatRule/d2', 'IptablesDnatRule/d1']
          : ['IptablesDnatRule/d3'],
      want: ['IptablesDnatRule/d1', 'IptablesDnatRule/d2', 'IptablesDnatRule/d3'],
    },
  ];
  for (const { why, keys, want } of cases) {
    const { clock, eips, manager, dnatRec } = setup();
    dnatRec.watches = [{ kind: 'IptablesEIP', map: (obj) => keys(obj.metadata.resourceVersion ?? '') }];
    manager.register(dnatRec);
    await manager.start();
    await clock.flush();
    const before = manager.metrics();
    dnatRec.calls.length = 0;
    eips.set({ ...eip('e1'), metadata: { name: 'e1', resourceVersion: '7' } });
    const after = manager.metrics();
    assert.equal(after.adds - before.adds, want.length, `${why}: adds`);
    assert.equal(after.coalesced - before.coalesced, 0, `${why}: no repeat reached the queue`);
    await clock.flush();
    assert.deepEqual(dnatRec.calls.map((c) => c.key).sort(), want, why);
    await manager.stop();
  }
});
