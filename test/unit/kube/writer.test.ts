// The pure parts of the writer interface (writer.ts): a finalizer change applied by name to a list, whether it changes
// anything, and the helpers that call the writer only when it does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import {
  changeFinalizers,
  changesFinalizers,
  ensureFinalizer,
  finalizersAfter,
  type FinalizerChange,
  type ObjectWriter,
} from '../../../src/kube/writer.ts';

const OURS = 'kubeovn.io/kube-ovn-controller';
const OTHER = 'other.io/x';

describe('finalizersAfter', () => {
  const cases: { name: string; current: string[]; change: FinalizerChange; want: string[] }[] = [
    { name: 'added to an empty list', current: [], change: { add: [OURS] }, want: [OURS] },
    { name: 'added after the others', current: [OTHER], change: { add: [OURS] }, want: [OTHER, OURS] },
    {
      name: 'already there: unchanged',
      current: [OURS, OTHER],
      change: { add: [OURS] },
      want: [OURS, OTHER],
    },
    { name: 'removed, others kept', current: [OTHER, OURS], change: { remove: [OURS] }, want: [OTHER] },
    {
      name: 'removing an absent one: unchanged',
      current: [OTHER],
      change: { remove: [OURS] },
      want: [OTHER],
    },
    {
      name: 'every copy of a removed one goes',
      current: [OURS, OTHER, OURS],
      change: { remove: [OURS] },
      want: [OTHER],
    },
    {
      name: 'remove the old name and add the new one, in one change',
      current: ['kube-ovn-controller', OTHER],
      change: { add: [OURS], remove: ['kube-ovn-controller'] },
      want: [OTHER, OURS],
    },
    { name: 'added once when named twice', current: [], change: { add: [OURS, OURS] }, want: [OURS] },
    {
      name: 'a name in both is moved to the end',
      current: [OURS, OTHER],
      change: { add: [OURS], remove: [OURS] },
      want: [OTHER, OURS],
    },
    { name: 'an empty change: unchanged', current: [OTHER, OURS], change: {}, want: [OTHER, OURS] },
    { name: 'the last one removed: empty', current: [OURS], change: { remove: [OURS] }, want: [] },
  ];
  for (const c of cases)
    it(c.name, () => {
      const current = Object.freeze([...c.current]);
      assert.deepEqual(finalizersAfter(current, c.change), c.want);
      assert.deepEqual(current, c.current, 'the input list is not changed');
    });
});

const obj = (finalizers?: string[]): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Vpc',
  metadata: { name: 'v', resourceVersion: '7', ...(finalizers ? { finalizers } : {}) },
});

describe('changesFinalizers', () => {
  const cases: [string, KubeObject, FinalizerChange, boolean][] = [
    ['no finalizers, add ours', obj(), { add: [OURS] }, true],
    ['no finalizers, remove ours', obj(), { remove: [OURS] }, false],
    ['ours present, add ours', obj([OTHER, OURS]), { add: [OURS] }, false],
    ['ours present, remove ours', obj([OURS]), { remove: [OURS] }, true],
    ['a move to the end is a change', obj([OURS, OTHER]), { add: [OURS], remove: [OURS] }, true],
  ];
  for (const [name, o, change, want] of cases)
    it(name, () => assert.equal(changesFinalizers(o, change), want));
});

describe('changeFinalizers and ensureFinalizer', () => {
  function recording(): { writer: ObjectWriter; calls: unknown[] } {
    const calls: unknown[] = [];
    const writer = {
      updateFinalizers: (o: KubeObject, change: FinalizerChange) => {
        calls.push([o.metadata.resourceVersion, change]);
        return Promise.resolve('updated' as const);
      },
    } as unknown as ObjectWriter;
    return { writer, calls };
  }
  const cases: [string, (w: ObjectWriter) => Promise<void>, unknown[]][] = [
    [
      'a change that matters is sent with the object',
      (w) => changeFinalizers(w, obj([OTHER]), { add: [OURS] }),
      [['7', { add: [OURS] }]],
    ],
    ['one that does not is not sent', (w) => changeFinalizers(w, obj([OURS]), { add: [OURS] }), []],
    [
      'ensureFinalizer present: an add',
      (w) => ensureFinalizer(w, obj(), OURS, true),
      [['7', { add: [OURS] }]],
    ],
    [
      'ensureFinalizer absent: a remove',
      (w) => ensureFinalizer(w, obj([OURS, OTHER]), OURS, false),
      [['7', { remove: [OURS] }]],
    ],
    [
      'ensureFinalizer absent, already gone: nothing',
      (w) => ensureFinalizer(w, obj([OTHER]), OURS, false),
      [],
    ],
  ];
  for (const [name, run, want] of cases)
    it(name, async () => {
      const { writer, calls } = recording();
      await run(writer);
      assert.deepEqual(calls, want);
    });
});
