/**
 * The lab scheduler against a real embedded API server with the lab's two kind nodes: pods spread over the nodes,
 * honour nodeSelector, are marked Unschedulable (condition and FailedScheduling Event, kube-scheduler's message)
 * when nothing fits, and are bound once a node changes so that they fit; bound pods and pods of another scheduler
 * are left alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from '../../../src/apiserver/server.ts';
import { KubeClient, endpointOf } from '../../../src/kube/client.ts';
import { nodeObject } from '../../../src/lab/node-objects.ts';
import { startScheduler, type Scheduler } from '../../../src/lab/scheduler/scheduler.ts';
import type { Pod } from '../../../src/lab/scheduler/types.ts';

const CP = 'kube-ovn-control-plane';
const W = 'kube-ovn-worker';

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('the lab scheduler against the embedded API server', () => {
  let dir: string;
  let server: ApiServer;
  let client: KubeClient;
  let scheduler: Scheduler;

  const getPod = (name: string): Promise<Pod> =>
    client.request<Pod>({ method: 'GET', path: `/api/v1/namespaces/ns1/pods/${name}` });
  const createPod = (name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) =>
    client.request({
      method: 'POST',
      path: '/api/v1/namespaces/ns1/pods',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels },
        spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
      },
    });
  const nodeOf = (name: string): Promise<string> =>
    eventually(`${name} bound`, async () => (await getPod(name)).spec?.nodeName || undefined);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kovn-scheduler-it-'));
    server = await startApiServer({ dataDir: dir });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(server.kubeconfigPath);
    client = new KubeClient(endpointOf(kubeConfig));
    for (const [i, name] of [CP, W].entries()) {
      const node = nodeObject(
        { name, internalIp: `192.0.2.${i + 1}`, controlPlane: name === CP },
        Date.now(),
      );
      await client.request({ method: 'POST', path: '/api/v1/nodes', body: node });
    }
    await client.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } },
    });
    scheduler = await startScheduler({ kubeConfig, retryUnschedulableMs: 60_000 });
  });
  after(async () => {
    await scheduler.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spreads unconstrained pods over both nodes and honours nodeSelector', async () => {
    await createPod('a');
    const first = await nodeOf('a');
    await createPod('b');
    const second = await nodeOf('b');
    assert.deepEqual([first, second].sort(), [CP, W]);
    await createPod('on-worker', { nodeSelector: { 'kubernetes.io/hostname': W } });
    assert.equal(await nodeOf('on-worker'), W);
    const pod = await getPod('a');
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
  });

  it('marks a pod that fits nowhere Unschedulable, with a FailedScheduling event, then binds it when a node changes', async () => {
    await createPod('wants-ssd', { nodeSelector: { disk: 'ssd' } });
    const message = "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.";
    const condition = await eventually('PodScheduled=False', async () =>
      (await getPod('wants-ssd')).status?.conditions?.find(
        (c) => c.type === 'PodScheduled' && c.status === 'False',
      ),
    );
    assert.deepEqual([condition.reason, condition.message], ['Unschedulable', message]);
    const events = await client.request<{ items: Array<Record<string, unknown>> }>({
      method: 'GET',
      path: '/api/v1/namespaces/ns1/events',
    });
    const failed = events.items.find(
      (e) =>
        e['reason'] === 'FailedScheduling' && (e['involvedObject'] as { name?: string }).name === 'wants-ssd',
    );
    assert.equal(failed?.['type'], 'Warning');
    assert.equal(failed?.['message'], message);
    const nodeOfA = await nodeOf('a');
    assert.ok(
      events.items.some(
        (e) => e['reason'] === 'Scheduled' && e['message'] === `Successfully assigned ns1/a to ${nodeOfA}`,
      ),
    );

    await client.request({
      method: 'PATCH',
      path: `/api/v1/nodes/${W}`,
      body: { metadata: { labels: { disk: 'ssd' } } },
      patch: 'merge',
    });
    assert.equal(await nodeOf('wants-ssd'), W);
    const scheduled = (await getPod('wants-ssd')).status?.conditions?.find((c) => c.type === 'PodScheduled');
    assert.equal(scheduled?.status, 'True');
  });

  it('keeps a required anti-affinity group one per node', async () => {
    const anti = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'gw' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
    };
    await Promise.all(['gw-1', 'gw-2', 'gw-3'].map((name) => createPod(name, anti, { app: 'gw' })));
    const placed = await eventually('two gateways bound, one unschedulable', async () => {
      const all = await Promise.all(['gw-1', 'gw-2', 'gw-3'].map(getPod));
      const bound = all.filter((p) => p.spec?.nodeName);
      const stuck = all.filter((p) => p.status?.conditions?.some((c) => c.reason === 'Unschedulable'));
      return bound.length === 2 && stuck.length === 1 ? { bound, stuck } : undefined;
    });
    assert.deepEqual(placed.bound.map((p) => p.spec?.nodeName).sort(), [CP, W]);
    assert.equal(
      placed.stuck[0]?.status?.conditions?.[0]?.message,
      "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.",
    );
  });

  it('leaves bound pods and other schedulers’ pods alone', async () => {
    await createPod('pinned', { nodeName: CP });
    await createPod('other', { schedulerName: 'someone-else' });
    await sleep(500);
    assert.equal((await getPod('pinned')).spec?.nodeName, CP);
    const other = await getPod('other');
    assert.equal(other.spec?.nodeName, undefined);
    assert.equal(
      other.status?.conditions?.find((c) => c.type === 'PodScheduled'),
      undefined,
    );
  });
});
