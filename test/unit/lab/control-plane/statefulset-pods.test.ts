// Table-driven tests of the lab StatefulSet controller's plan: missing ordinals created from the template (labels,
// annotations, owner, hostname), pods of an old template revision and beyond replicas deleted, terminating pods
// waited for, and the status counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import {
  REVISION_LABEL,
  planStatefulSet,
  podFor,
  templateRevision,
  type StatefulSet,
} from '../../../../src/lab/control-plane/statefulset-pods.ts';

const sts = (replicas: number, annotation = 'one'): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'gw', namespace: 'kube-system', uid: 'sts-uid', generation: 2 },
  spec: {
    replicas,
    template: {
      metadata: { labels: { app: 'gw' }, annotations: { a: annotation } },
      spec: { containers: [] },
    },
  },
});
const podOf = (
  s: StatefulSet,
  ordinal: number,
  opts: { ready?: boolean; deleting?: boolean; revision?: string } = {},
): KubeObject => {
  const p = podFor(s, ordinal);
  if (opts.revision) p.metadata.labels = { ...p.metadata.labels, [REVISION_LABEL]: opts.revision };
  if (opts.deleting) p.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  if (opts.ready) p['status'] = { conditions: [{ type: 'Ready', status: 'True' }] };
  return p;
};

void test('the pod built from the template', () => {
  const p = podFor(sts(1), 0);
  assert.equal(p.metadata.name, 'gw-0');
  assert.equal(p.metadata.namespace, 'kube-system');
  assert.equal(p.metadata.labels?.['app'], 'gw');
  assert.equal(p.metadata.labels?.[REVISION_LABEL], templateRevision(sts(1)));
  assert.equal(p.metadata.annotations?.['a'], 'one');
  assert.deepEqual(
    p.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
    [['StatefulSet', 'gw', 'sts-uid', true]],
  );
  assert.equal((p['spec'] as { hostname?: string }).hostname, 'gw-0');
  assert.notEqual(
    templateRevision(sts(1, 'two')),
    templateRevision(sts(1)),
    'a template change is a new revision',
  );
  assert.equal(templateRevision(sts(3)), templateRevision(sts(1)), 'replicas are not part of the template');
});

void test('plans', () => {
  const s = sts(2);
  const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);
  const cases: {
    name: string;
    set: StatefulSet;
    pods: KubeObject[];
    create: string[];
    del: string[];
    ready: number;
  }[] = [
    { name: 'nothing yet', set: s, pods: [], create: ['gw-0', 'gw-1'], del: [], ready: 0 },
    {
      name: 'one missing',
      set: s,
      pods: [podOf(s, 0, { ready: true })],
      create: ['gw-1'],
      del: [],
      ready: 1,
    },
    {
      name: 'converged',
      set: s,
      pods: [podOf(s, 0, { ready: true }), podOf(s, 1)],
      create: [],
      del: [],
      ready: 1,
    },
    {
      name: 'old revision deleted',
      set: s,
      pods: [podOf(s, 0, { revision: 'gw-old' }), podOf(s, 1)],
      create: [],
      del: ['gw-0'],
      ready: 0,
    },
    {
      name: 'terminating pod waited for',
      set: s,
      pods: [podOf(s, 0, { deleting: true, ready: true }), podOf(s, 1)],
      create: [],
      del: [],
      ready: 0,
    },
    {
      name: 'scaled down',
      set: sts(1),
      pods: [podOf(sts(1), 0), podOf(sts(1), 1)],
      create: [],
      del: ['gw-1'],
      ready: 0,
    },
  ];
  for (const c of cases) {
    const plan = planStatefulSet(c.set, c.pods);
    assert.deepEqual(names(plan.create), c.create, c.name);
    assert.deepEqual(plan.delete, c.del, c.name);
    assert.equal(plan.status['readyReplicas'], c.ready, c.name);
  }
});
