// The pending-pod index: which pods wait for a port and where they are filed, through a pod's life.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { InMemoryInformer } from '../../../support/informer-memory.ts';
import { PendingPods, podGone } from '../../../../src/controller/reconcilers/pending-pods.ts';

const ROUTED = 'ovn.kubernetes.io/routed';
const SWITCH = 'ovn.kubernetes.io/logical_switch';

let version = 0;
const pod = (
  name: string,
  namespace: string,
  annotations: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  ...extra,
  metadata: { name, namespace, annotations, resourceVersion: String(++version) },
});

/** Where the index files each pod: namespace buckets, pinned buckets. */
function filing(index: PendingPods, namespaces: string[], subnets: string[]) {
  return {
    namespaces: Object.fromEntries(namespaces.map((ns) => [ns, index.inNamespace(ns).sort()])),
    pinned: Object.fromEntries(subnets.map((s) => [s, index.pinnedTo(s).sort()])),
    withPending: index.namespaces().sort(),
    size: index.size,
  };
}

void test('podGone: absent, deleting, finished, host network', () => {
  const cases: [string, KubeObject | undefined, boolean][] = [
    ['absent', undefined, true],
    ['running', pod('a', 'n'), false],
    ['deleting', { ...pod('a', 'n'), metadata: { name: 'a', deletionTimestamp: 'x' } }, true],
    ['succeeded', pod('a', 'n', {}, { status: { phase: 'Succeeded' } }), true],
    ['failed', pod('a', 'n', {}, { status: { phase: 'Failed' } }), true],
    ['host network', pod('a', 'n', {}, { spec: { hostNetwork: true } }), true],
  ];
  for (const [why, p, want] of cases) assert.equal(podGone(p), want, why);
});

void test('pods are filed while pending, by pin or namespace, and moved or dropped as they change', async () => {
  const pods = new InMemoryInformer({ kind: 'Pod', objects: [pod('early', 'n1')] });
  const index = new PendingPods(pods); // subscribed before start: the staged pod arrives as an add
  await pods.start();
  const steps: [string, () => void, ReturnType<typeof filing>][] = [
    [
      'a pod staged before start',
      () => {},
      { namespaces: { n1: ['Pod/n1/early'], n2: [] }, pinned: { s1: [] }, withPending: ['n1'], size: 1 },
    ],
    [
      'a new pod, and a pinned one',
      () => {
        pods.set(pod('a', 'n2'));
        pods.set(pod('b', 'n2', { [SWITCH]: 's1' }));
      },
      {
        namespaces: { n1: ['Pod/n1/early'], n2: ['Pod/n2/a'] },
        pinned: { s1: ['Pod/n2/b'] },
        withPending: ['n1', 'n2'],
        size: 3,
      },
    ],
    [
      'routed pods leave',
      () => {
        pods.set(pod('early', 'n1', { [ROUTED]: 'true', [SWITCH]: 's1' }));
        pods.set(pod('b', 'n2', { [ROUTED]: 'true', [SWITCH]: 's1' }));
      },
      { namespaces: { n1: [], n2: ['Pod/n2/a'] }, pinned: { s1: [] }, withPending: ['n2'], size: 1 },
    ],
    [
      'a pin added moves the pod; a routed pod losing its mark comes back',
      () => {
        pods.set(pod('a', 'n2', { [SWITCH]: 's1' }));
        pods.set(pod('early', 'n1', { [SWITCH]: 's1' }));
      },
      {
        namespaces: { n1: [], n2: [] },
        pinned: { s1: ['Pod/n1/early', 'Pod/n2/a'] },
        withPending: [],
        size: 2,
      },
    ],
    [
      'finished and deleted pods leave',
      () => {
        pods.set(pod('a', 'n2', { [SWITCH]: 's1' }, { status: { phase: 'Succeeded' } }));
        pods.delete('early', 'n1');
      },
      { namespaces: { n1: [], n2: [] }, pinned: { s1: [] }, withPending: [], size: 0 },
    ],
  ];
  for (const [why, step, want] of steps) {
    step();
    assert.deepEqual(filing(index, ['n1', 'n2'], ['s1']), want, why);
  }
});

void test('an index made over a started informer reads the pods it already holds', async () => {
  const pods = new InMemoryInformer({
    kind: 'Pod',
    objects: [pod('a', 'n'), pod('r', 'n', { [ROUTED]: 'true' })],
  });
  await pods.start();
  assert.deepEqual(new PendingPods(pods).inNamespace('n'), ['Pod/n/a']);
});
