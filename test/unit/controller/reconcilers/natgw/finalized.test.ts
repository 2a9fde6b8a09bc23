// Table-driven tests of the opening the NAT reconcilers share (finalized.ts): a live object gets the finalizer
// before it converges; an absent or deleting one is released, then loses the finalizer, unless its release blocks
// the deletion. And writeNotReady: the status written, the requeue returned only when the stop says so.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../../src/api/types.ts';
import type { ReconcileContext } from '../../../../../src/kube/reconciler.ts';
import type { ObjectWriter } from '../../../../../src/kube/writer.ts';
import { finalizedReconciler } from '../../../../../src/controller/reconcilers/natgw/finalized.ts';
import { readyCondition, writeNotReady } from '../../../../../src/controller/reconcilers/natgw/status.ts';
import { kubeovn, memoryView } from '../../../../support/objects.ts';

const FINALIZER = 'kubeovn.io/kube-ovn-controller';
const DEPRECATED = 'kube-ovn-controller';
/** The change a going object's finalizers get (ours and the deprecated one removed, others kept by the writer). */
const GOING = { remove: [FINALIZER, DEPRECATED] };

function recorder(): { writer: ObjectWriter; calls: string[] } {
  const calls: string[] = [];
  const record =
    (method: string) =>
    (...args: unknown[]): Promise<never> => {
      calls.push(`${method} ${JSON.stringify(args.slice(1))}`);
      return Promise.resolve(undefined as never);
    };
  const methods = [
    'create',
    'patchAnnotations',
    'patchLabels',
    'update',
    'remove',
    'updateFinalizers',
    'patchStatus',
    'event',
  ];
  return { writer: Object.fromEntries(methods.map((m) => [m, record(m)])) as unknown as ObjectWriter, calls };
}

const ctxFor = (objects: KubeObject[]): ReconcileContext =>
  ({
    key: 'VpcNatGateway/gw1',
    ref: { kind: 'VpcNatGateway', name: 'gw1' },
    view: memoryView(objects),
    clock: { now: () => Date.UTC(2026, 0, 1) },
  }) as unknown as ReconcileContext;

const gw = (finalizers: string[], deleting = false): KubeObject =>
  kubeovn(
    'VpcNatGateway',
    'gw1',
    {},
    {
      metadata: { name: 'gw1', finalizers, ...(deleting ? { deletionTimestamp: 'x' } : {}) },
    },
  );

describe('finalizedReconciler', () => {
  const cases: {
    name: string;
    objects: KubeObject[];
    blocked?: boolean;
    calls: string[];
    result: unknown;
  }[] = [
    {
      name: 'live without the finalizer: added, then converged',
      objects: [gw([])],
      calls: [`updateFinalizers [${JSON.stringify({ add: [FINALIZER], remove: [DEPRECATED] })}]`, 'converge'],
      result: { requeueAfterMs: 7 },
    },
    {
      name: 'live with it: converged only',
      objects: [gw([FINALIZER])],
      calls: ['converge'],
      result: { requeueAfterMs: 7 },
    },
    {
      name: 'deleting: released, then the finalizer goes (others kept)',
      objects: [gw(['other', FINALIZER], true)],
      calls: ['release gw1', `updateFinalizers [${JSON.stringify(GOING)}]`],
      result: undefined,
    },
    {
      name: 'deleting, release blocked: the finalizer stays',
      objects: [gw([FINALIZER], true)],
      blocked: true,
      calls: ['release gw1'],
      result: { requeueAfterMs: 5 },
    },
    { name: 'absent: released, nothing to write', objects: [], calls: ['release none'], result: undefined },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { writer, calls } = recorder();
      const reconciler = finalizedReconciler<KubeObject>(writer, {
        kind: 'VpcNatGateway',
        watches: [],
        converge: () => {
          calls.push('converge');
          return Promise.resolve({ requeueAfterMs: 7 });
        },
        release: (obj) => {
          calls.push(`release ${obj?.metadata.name ?? 'none'}`);
          return Promise.resolve(c.blocked ? { requeueAfterMs: 5 } : undefined);
        },
      });
      assert.equal(reconciler.kind, 'VpcNatGateway');
      const result = await reconciler.reconcile('VpcNatGateway/gw1', ctxFor(c.objects));
      assert.deepEqual(calls, c.calls);
      assert.deepEqual(result, c.result);
    });
  it('without a release, a deleting object only loses the finalizer', async () => {
    const { writer, calls } = recorder();
    const reconciler = finalizedReconciler<KubeObject>(writer, {
      kind: 'VpcNatGateway',
      watches: [],
      converge: () => Promise.reject(new Error('not live')),
    });
    await reconciler.reconcile('VpcNatGateway/gw1', ctxFor([gw([FINALIZER], true)]));
    assert.deepEqual(calls, [`updateFinalizers [${JSON.stringify(GOING)}]`]);
  });
});

describe('writeNotReady', () => {
  const cases: [string, number | undefined, unknown][] = [
    ['with a retry: requeued', 5_000, { requeueAfterMs: 5_000 }],
    ['without: not', undefined, undefined],
  ];
  for (const [name, requeueAfterMs, want] of cases)
    it(name, async () => {
      const { writer, calls } = recorder();
      const obj = gw([FINALIZER]);
      const result = await writeNotReady(writer, ctxFor([obj]), obj, {
        fields: { ready: false },
        condition: readyCondition(false, 'VpcNotFound', 'vpc v1 does not exist'),
        ...(requeueAfterMs ? { requeueAfterMs } : {}),
      });
      assert.deepEqual(result, want);
      assert.equal(calls.length, 2);
      assert.match(
        calls[0] ?? '',
        /^patchStatus \[\{"ready":false,"conditions":\[\{"type":"Ready","status":"False"/,
      );
      assert.equal(
        calls[1],
        'event [{"type":"Warning","reason":"VpcNotFound","message":"vpc v1 does not exist"}]',
      );
    });
});
