// Two leader electors sharing one coordination.k8s.io/v1 Lease on kovn's embedded API server: only one leads, and the
// other takes over after the first stops (and releases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { KubeLeaseStore, LeaderElector } from '../../../src/kube/leader-election.ts';
import { embeddedApiServer, eventually } from '../../support/embedded-apiserver.ts';

const ns = 'kovn-leader-test';
// Generous timing: CI machines are 2 shared cores, and a renewal must not miss its deadline under load.
const timing = { leaseDurationSeconds: 6, renewDeadlineMs: 4_500, retryPeriodMs: 300 };

void test('leader election through a Lease on the embedded API server', async (t) => {
  const lab = await embeddedApiServer(t);
  try {
    await lab.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
  const leading = new Set<string>();
  const errors: unknown[] = [];
  const elector = (identity: string): LeaderElector =>
    new LeaderElector({
      ...timing,
      identity,
      store: new KubeLeaseStore(lab.kubeConfig, ns, 'kovn-controller'),
      onStartedLeading: () => leading.add(identity),
      onStoppedLeading: () => void leading.delete(identity),
      onError: (err) => errors.push(err),
    });
  const a = elector('a');
  const b = elector('b');
  const runs = [a.run(), b.run()];
  lab.defer(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all(runs);
  });

  await eventually(() => leading.size === 1, 'one leader');
  const first = a.isLeader() ? a : b;
  const second = first === a ? b : a;
  // Hold for longer than a lease duration: renewals keep the same leader, the other never leads.
  const { setTimeout: sleep } = await import('node:timers/promises');
  await sleep(7_000);
  assert.deepEqual([...leading], [first.identity]);
  assert.equal(second.leader, first.identity);

  const leases = lab.kubeConfig.makeApiClient(CoordinationV1Api);
  const held = await leases.readNamespacedLease({ name: 'kovn-controller', namespace: ns });
  assert.equal(held.spec?.holderIdentity, first.identity);
  assert.equal(held.spec?.leaseDurationSeconds, 6);

  await first.stop();
  await eventually(() => second.isLeader(), 'the other candidate to take over', 10_000);
  assert.deepEqual([...leading], [second.identity]);
  const taken = await leases.readNamespacedLease({ name: 'kovn-controller', namespace: ns });
  assert.equal(taken.spec?.holderIdentity, second.identity);
  assert.equal(taken.spec?.leaseTransitions, 1);
  assert.deepEqual(errors, []);
});
