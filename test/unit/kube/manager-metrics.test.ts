// The controller manager's and work queue's metrics: reconciles per kind and result, queue adds, wait and depth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { ControllerManager } from '../../../src/kube/manager.ts';
import type { ReconcileResult } from '../../../src/kube/reconciler.ts';
import { FakeClock } from '../../../src/util/clock.ts';
import { Metrics } from '../../../src/util/metrics/registry.ts';
import { InMemoryInformer } from '../../support/informer-memory.ts';

const vpc = (name: string): KubeObject => ({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name } });

async function samples(m: Metrics): Promise<string[]> {
  return (await m.text()).split('\n').filter((l) => l && !l.startsWith('#'));
}

void test('each reconcile is counted by kind and result, timed on the clock; the queue reports adds and wait', async () => {
  const clock = new FakeClock(0);
  const metrics = new Metrics();
  const vpcs = new InMemoryInformer({ kind: 'Vpc', objects: [vpc('ok'), vpc('later'), vpc('bad')] });
  const manager = new ControllerManager({ informers: [vpcs], clock, metrics, name: 'network' });
  const outcomes: Record<string, () => ReconcileResult> = {
    ok: () => undefined,
    later: () => ({ requeueAfterMs: 60_000 }),
    bad: () => {
      throw new Error('NB down');
    },
  };
  manager.register({
    kind: 'Vpc',
    reconcile: async (_key, { ref }) => {
      await clock.sleep(250);
      return outcomes[ref.name]!();
    },
  });
  await manager.start();
  await clock.advanceAsync(300);
  await manager.stop({ drain: false });
  const got = await samples(metrics);
  for (const line of [
    'kovn_reconcile_total{kind="Vpc",result="success"} 1',
    'kovn_reconcile_total{kind="Vpc",result="requeue"} 1',
    'kovn_reconcile_total{kind="Vpc",result="error"} 1',
    'kovn_reconcile_errors_total{kind="Vpc"} 1',
    'kovn_reconcile_duration_seconds_sum{kind="Vpc"} 0.75',
    'kovn_reconcile_duration_seconds_count{kind="Vpc"} 3',
    'kovn_workqueue_adds_total{queue="network"} 3',
    'kovn_workqueue_retries_total{queue="network"} 1',
    'kovn_workqueue_queue_duration_seconds_count{queue="network"} 3',
  ])
    assert.ok(got.includes(line), `${line} not in\n${got.join('\n')}`);
});

void test('queue depth: the keys waiting for a worker, at scrape time', async () => {
  const clock = new FakeClock(0);
  const metrics = new Metrics();
  const vpcs = new InMemoryInformer({ kind: 'Vpc', objects: [vpc('a'), vpc('b'), vpc('c')] });
  const manager = new ControllerManager({ informers: [vpcs], clock, metrics, concurrency: 1, name: 'q' });
  manager.register({ kind: 'Vpc', reconcile: () => clock.sleep(1_000) });
  await manager.start();
  await clock.flush();
  assert.ok((await samples(metrics)).includes('kovn_workqueue_depth{queue="q"} 2'), 'one taken, two waiting');
  await clock.advanceAsync(3_000);
  assert.ok((await samples(metrics)).includes('kovn_workqueue_depth{queue="q"} 0'));
  await manager.stop({ drain: false });
});
