// Write expectations: the echo of our own write is recognised exactly once; anything else is not an echo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { InMemoryInformer } from '../../support/informer-memory.ts';
import { InformerClusterView } from '../../../src/kube/informer-view.ts';
import { WriteExpectations } from '../../../src/kube/write-expectations.ts';
import { MemoryObjectWriter } from '../../support/writer-memory.ts';
import type { ObjectWriter } from '../../../src/kube/writer.ts';
import { FakeClock } from '../../../src/util/clock.ts';

const ref = { kind: 'Pod', name: 'p', namespace: 'n' };

/** `writer` with its annotation patch replaced. */
const patching = (
  writer: ObjectWriter,
  patchAnnotations: ObjectWriter['patchAnnotations'],
): ObjectWriter => ({
  create: (o) => writer.create(o),
  event: (r, e) => writer.event(r, e),
  patchLabels: (r, l) => writer.patchLabels(r, l),
  update: (o) => writer.update(o),
  remove: (r) => writer.remove(r),
  updateFinalizers: (o, c) => writer.updateFinalizers(o, c),
  patchStatus: (r, st) => writer.patchStatus(r, st),
  patchAnnotations,
});
const base = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'n', resourceVersion: '1', annotations: { keep: 'me' } },
  spec: { nodeName: 'a' },
});

async function setup() {
  const pods = new InMemoryInformer({ kind: 'Pod', objects: [base()] });
  const view = new InformerClusterView([pods]);
  const memory = new MemoryObjectWriter([pods], new FakeClock(0));
  const expectations = new WriteExpectations(view);
  const writer = expectations.wrap(memory);
  const verdicts: boolean[] = [];
  pods.on('update', (obj, old) => verdicts.push(expectations.isEcho(obj, old)));
  await pods.start();
  /** A change made by someone else (a user, the kubelet): a new version of the stored pod. */
  const foreign = (change: (p: KubeObject) => KubeObject) => {
    const current = pods.get('p', 'n')!;
    const next = change(structuredClone(current));
    pods.set({
      ...next,
      metadata: { ...next.metadata, resourceVersion: `f${Number(current.metadata.resourceVersion) + 1000}` },
    });
  };
  return { pods, memory, writer, expectations, verdicts, foreign };
}

type Scenario = [
  why: string,
  run: (s: Awaited<ReturnType<typeof setup>>, writer: ObjectWriter) => Promise<void>,
  verdicts: boolean[],
];

const scenarios: Scenario[] = [
  [
    'an annotation write is its own echo, once',
    async (_s, w) => {
      await w.patchAnnotations(ref, { routed: 'true', keep: null });
    },
    [true],
  ],
  [
    'a finalizer write, then a status write of the same reconcile: two echoes',
    async (s, w) => {
      await w.updateFinalizers(s.pods.get('p', 'n')!, { add: ['kube-ovn-controller'] });
      await w.patchStatus(ref, { phase: 'Running' });
    },
    [true, true],
  ],
  [
    'a finalizer change made from a copy older than a foreign finalizer: applied to the stored list, its echo known',
    async (s, w) => {
      const copy = s.pods.get('p', 'n')!;
      s.foreign((p) => ({ ...p, metadata: { ...p.metadata, finalizers: ['other.io/x'] } }));
      await w.updateFinalizers(copy, { add: ['kube-ovn-controller'] });
      assert.deepEqual(s.pods.get('p', 'n')?.metadata.finalizers, ['other.io/x', 'kube-ovn-controller']);
    },
    [false, true],
  ],
  [
    'a finalizer change the writer finds nothing to do for leaves no note',
    async (s, w) => {
      s.foreign((p) => ({ ...p, metadata: { ...p.metadata, finalizers: ['kube-ovn-controller'] } }));
      const copy = { ...base(), metadata: { ...base().metadata, finalizers: [] } };
      assert.equal(await w.updateFinalizers(copy, { add: ['kube-ovn-controller'] }), 'unchanged');
    },
    [false],
  ],
  [
    'removing the last finalizer of a deleting object leaves no note (its echo is a delete)',
    async (s, w) => {
      s.foreign((p) => ({
        ...p,
        metadata: { ...p.metadata, finalizers: ['kube-ovn-controller'], deletionTimestamp: 'now' },
      }));
      await w.updateFinalizers(s.pods.get('p', 'n')!, { remove: ['kube-ovn-controller'] });
      assert.equal(s.pods.get('p', 'n'), undefined);
    },
    [false],
  ],
  [
    'the last finalizer removed from a live object: its echo is known when the server omits the empty list',
    async (s) => {
      s.foreign((p) => ({ ...p, metadata: { ...p.metadata, finalizers: ['kube-ovn-controller'] } }));
      const updateFinalizers: ObjectWriter['updateFinalizers'] = (o) => {
        const { finalizers: _gone, ...metadata } = s.pods.get('p', 'n')!.metadata;
        s.pods.set({ ...o, metadata: { ...metadata, resourceVersion: '77' } });
        return Promise.resolve('updated');
      };
      // The memory writer, but for updateFinalizers (its other methods keep their own `this`).
      const omitting = new Proxy<ObjectWriter>(s.memory, {
        get: (target, key) => {
          if (key === 'updateFinalizers') return updateFinalizers;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      await s.expectations
        .wrap(omitting)
        .updateFinalizers(s.pods.get('p', 'n')!, { remove: ['kube-ovn-controller'] });
    },
    [false, true],
  ],
  [
    'a foreign change with no write pending is not an echo',
    (s) => {
      s.foreign((p) => ({ ...p, metadata: { ...p.metadata, annotations: { routed: 'true' } } }));
      return Promise.resolve();
    },
    [false],
  ],
  [
    'a foreign change landing between our write and its echo: neither is taken for an echo',
    async (s) => {
      const racing = s.expectations.wrap(
        patching(s.memory, (r, a) => {
          s.foreign((p) => ({ ...p, spec: { nodeName: 'b' } }));
          return s.memory.patchAnnotations(r, a);
        }),
      );
      await racing.patchAnnotations(ref, { routed: 'true' });
    },
    [false, false],
  ],
  [
    'a note from before the object was re-created does not match its updates',
    async (s) => {
      // the write is noted but never stored (the object went away first)
      const lost = s.expectations.wrap(patching(s.memory, () => Promise.resolve()));
      await lost.patchAnnotations(ref, { routed: 'true' });
      s.pods.delete('p', 'n');
      s.pods.set({ ...base(), metadata: { ...base().metadata, resourceVersion: '50' } });
      s.foreign((p) => ({ ...p, metadata: { ...p.metadata, annotations: { keep: 'me', routed: 'true' } } }));
    },
    [false],
  ],
  [
    'writes and foreign changes interleaved',
    async (s, w) => {
      await w.patchAnnotations(ref, { routed: 'true' });
      s.foreign((p) => ({ ...p, spec: { nodeName: 'b' } }));
      await w.patchAnnotations(ref, { other: 'x' });
      s.foreign((p) => ({ ...p, spec: { nodeName: 'c' } }));
    },
    [true, false, true, false],
  ],
];

for (const [why, run, want] of scenarios) {
  void test(`write expectations: ${why}`, async () => {
    const s = await setup();
    await run(s, s.writer);
    assert.deepEqual(s.verdicts, want);
    assert.equal(s.expectations.pending, 0, 'no note left behind');
  });
}

void test('write expectations: a note made against another version, or with other content, is dropped', async () => {
  const s = await setup();
  // a note whose write never reaches the store (the inner writer fails): dropped with the failure
  const failing = patching(s.memory, () => Promise.reject(new Error('conflict')));
  await assert.rejects(s.expectations.wrap(failing).patchAnnotations(ref, { routed: 'true' }), /conflict/);
  assert.equal(s.expectations.pending, 0);
  // a foreign update that happens to set the same annotations, with no note: reconciled
  s.foreign((p) => ({ ...p, metadata: { ...p.metadata, annotations: { keep: 'me', routed: 'true' } } }));
  // our write plus an extra field changed in the same update is not an echo
  const wrapped = s.expectations.wrap(
    patching(s.memory, (r, a) => s.memory.patchAnnotations(r, { ...a, sneaky: 'extra' })),
  );
  await wrapped.patchAnnotations(ref, { x: '1' });
  assert.deepEqual(s.verdicts, [false, false]);
  assert.equal(s.expectations.pending, 0);
});
