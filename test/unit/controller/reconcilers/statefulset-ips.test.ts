// Table-driven tests of when a gone pod's addresses stay with its StatefulSet and which pods a StatefulSet
// change re-examines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView, KubeObject } from '../../../../src/api/types.ts';
import {
  keptForStatefulSet,
  statefulSetPodsWatch,
} from '../../../../src/controller/reconcilers/statefulset-ips.ts';

const sts = (name: string, replicas?: number, deleting = false): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name,
    namespace: 'kube-system',
    ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: replicas === undefined ? {} : { replicas },
});
const viewOf = (objects: KubeObject[]): ClusterView => ({
  get: (kind, name, namespace) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace),
  list: (kind) => objects.filter((o) => o.kind === kind),
});

void test('kept for the StatefulSet', () => {
  const cases: [string, KubeObject[], string, string, boolean][] = [
    ['ordinal below replicas', [sts('vpc-nat-gw-gw1', 1)], 'kube-system', 'vpc-nat-gw-gw1-0', true],
    ['replicas default to 1', [sts('web')], 'kube-system', 'web-0', true],
    ['ordinal at replicas (scaled down)', [sts('web', 2)], 'kube-system', 'web-2', false],
    ['StatefulSet being deleted', [sts('web', 2, true)], 'kube-system', 'web-0', false],
    ['no StatefulSet', [], 'kube-system', 'web-0', false],
    ['other namespace', [sts('web', 1)], 'default', 'web-0', false],
    ['not an ordinal name', [sts('web', 1)], 'kube-system', 'web-x', false],
  ];
  for (const [name, objects, namespace, pod, want] of cases)
    assert.equal(keptForStatefulSet(viewOf(objects), namespace, pod), want, name);
});

void test("what is known of the pod decides before its name: a StatefulSet's, or not", () => {
  const view = viewOf([sts('web', 2)]);
  const cases: [string, string | undefined, boolean][] = [
    ['nothing known: the name decides', undefined, true],
    ["a StatefulSet's pod", 'StatefulSet', true],
    ['a pod no StatefulSet owns, named like an ordinal', '', false],
  ];
  for (const [name, podType, want] of cases)
    assert.equal(keptForStatefulSet(view, 'kube-system', 'web-1', podType), want, name);
  assert.equal(keptForStatefulSet(view, 'kube-system', 'web-2', 'StatefulSet'), false, 'scaled below it');
});

void test('a StatefulSet change maps to its ordinals, only when replicas change or it goes', () => {
  const view = viewOf([]);
  assert.deepEqual(statefulSetPodsWatch.map(sts('web', 2), view), [
    'Pod/kube-system/web-0',
    'Pod/kube-system/web-1',
  ]);
  assert.equal(statefulSetPodsWatch.changed!(sts('web', 1), sts('web', 2)), true);
  assert.equal(statefulSetPodsWatch.changed!(sts('web', 2), sts('web', 2)), false);
  assert.equal(statefulSetPodsWatch.changed!(sts('web', 2, true), sts('web', 2)), true);
});
