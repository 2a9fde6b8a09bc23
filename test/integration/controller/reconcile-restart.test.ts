// A controller started from scratch against an NB that an earlier controller populated converges with zero NB
// operations and zero Kubernetes writes (IPAM rebuilt from IP objects, router-port MACs read back from NB), and
// one started after a pod was deleted behind its back removes that pod's rows (orphan owners are enqueued) and its
// IP object.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { OWNED_TABLES } from '../../../src/controller/nb/model.ts';
import {
  byName,
  eventually,
  pod,
  rows,
  seed,
  settled,
  startController,
  startOvn,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';

/** A value with object keys and set elements sorted, so equal NB contents compare equal. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).sort();
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

/** Every owned table's rows, minus the column ovn-northd maintains (`up`). */
function nbDump(run: Running): unknown {
  return Object.fromEntries(
    OWNED_TABLES.map((t) => [
      t,
      rows(run.client, t)
        .map((r) => JSON.stringify(canonical({ ...r, up: undefined })))
        .sort(),
    ]),
  );
}

void describe('a second controller from scratch', { timeout: 120_000 }, () => {
  let ovn: Ovn;
  let objects: KubeObject[];
  let before1: unknown;

  before(async () => {
    ovn = await startOvn();
    const first = await startController(ovn, [...seed(), pod('extra', 'ns1')], 1);
    try {
      await eventually(() => {
        for (const [n, ns] of [
          ['vpc1-pod', 'ns1'],
          ['vpc2-pod', 'ns2'],
          ['extra', 'ns1'],
        ] as const) {
          assert.equal(first.get('Pod', n, ns)?.metadata.annotations?.['ovn.kubernetes.io/routed'], 'true');
        }
      });
      await settled(first);
      objects = first.objects();
      before1 = nbDump(first);
    } finally {
      await first.stop();
    }
  });
  after(async () => {
    await ovn?.cleanup();
  });

  void test('converges with zero NB operations and zero Kubernetes writes', async () => {
    // Another seed: any MAC the new controller generated would differ from the recorded ones.
    const second = await startController(ovn, objects, 2);
    try {
      await settled(second, 500);
      assert.equal(second.client.stats.operationsSent, 0, 'no NB operation was sent');
      assert.equal(second.client.stats.transactions, 0);
      assert.equal(second.writer.writes, 0, 'no Kubernetes object was written');
      assert.deepEqual(nbDump(second), before1);
      const metrics = second.controller.manager.metrics();
      // IP objects have no reconciler of their own: each maps to its pod's key.
      const reconciled = objects.filter((o) => o.kind !== 'IP').length;
      assert.ok(metrics.succeeded >= reconciled, `every object was reconciled (${metrics.succeeded})`);
      assert.equal(metrics.failed, 0);
      // IPAM was rebuilt: the next pod gets the next address, not one already in use.
      second.set(pod('late', 'ns1'));
      await eventually(() =>
        assert.equal(
          second.get('Pod', 'late', 'ns1')?.metadata.annotations?.['ovn.kubernetes.io/ip_address'],
          '10.0.1.4',
        ),
      );
      await settled(second);
      objects = second.objects();
    } finally {
      await second.stop();
    }
  });

  void test('a pod deleted while no controller ran loses its port at the next start', async () => {
    const remaining = objects.filter((o) => !(o.kind === 'Pod' && o.metadata.name === 'extra'));
    const third = await startController(ovn, remaining, 3);
    try {
      assert.ok(
        byName(third.client, 'Logical_Switch_Port', 'extra.ns1'),
        'the orphan port is there at start',
      );
      assert.ok(third.get('IP', 'extra.ns1'), 'so is its IP object');
      await eventually(() =>
        assert.equal(byName(third.client, 'Logical_Switch_Port', 'extra.ns1'), undefined),
      );
      await eventually(() => assert.equal(third.get('IP', 'extra.ns1'), undefined, 'its IP object goes too'));
      await settled(third);
      const net1 = third.get('Subnet', 'net1')!['status'] as { v4usingIPs: number; v4usingIPrange: string };
      assert.deepEqual([net1.v4usingIPs, net1.v4usingIPrange], [2, '10.0.1.2,10.0.1.4']);
      assert.ok(byName(third.client, 'Logical_Switch_Port', 'vpc1-pod.ns1'));
    } finally {
      await third.stop();
    }
  });
});
