// The pods/binding subresource, as a scheduler uses it: one POST sets spec.nodeName and PodScheduled=True in one
// write (one watch event); refusals as kube-apiserver words them (already bound, uid precondition, deleting,
// unknown pod, missing target); discovery lists it.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
const pods = '/api/v1/namespaces/sched/pods';
const binding = (pod: string, node: string, uid?: string) => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata: { name: pod, ...(uid ? { uid } : {}) },
  target: { apiVersion: 'v1', kind: 'Node', name: node },
});

before(async () => {
  t = await startTestServer();
  await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'sched' } } });
});
after(async () => {
  await t.close();
});

async function createPod(
  name: string,
  finalizers: string[] = [],
): Promise<{ uid: string; resourceVersion: string }> {
  const res = await t.request('POST', pods, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, finalizers },
      spec: { containers: [{ name: 'c', image: 'pause' }] },
    },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.metadata;
}

describe('pods/binding', () => {
  it('binds in one write: nodeName and PodScheduled=True, one MODIFIED event', async () => {
    const meta = await createPod('one');
    const w = await t.watch(
      `${pods}?watch=true&fieldSelector=metadata.name%3Done&resourceVersion=${meta.resourceVersion}`,
    );
    const res = await t.request('POST', `${pods}/one/binding`, { body: binding('one', 'node-a', meta.uid) });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.status, 'Success');
    const event = await w.next();
    assert.equal(event.type, 'MODIFIED');
    const pod = event.object as any;
    assert.equal(pod.spec.nodeName, 'node-a');
    const scheduled = pod.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
    assert.equal(scheduled.status, 'True');
    assert.ok(scheduled.lastTransitionTime);
    w.close();
    assert.equal((await t.request('GET', `${pods}/one`)).body.spec.nodeName, 'node-a');
  });

  it('refuses a pod already bound, naming its node', async () => {
    const res = await t.request('POST', `${pods}/one/binding`, { body: binding('one', 'node-b') });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.reason, 'Conflict');
    assert.match(res.body.message, /pod one is already assigned to node "node-a"/);
    assert.equal((await t.request('GET', `${pods}/one`)).body.spec.nodeName, 'node-a');
  });

  it("refuses a uid that is not the pod's, a pod being deleted, an unknown pod and a missing target", async () => {
    await createPod('two');
    const uid = await t.request('POST', `${pods}/two/binding`, {
      body: binding('two', 'node-a', 'not-the-uid'),
    });
    assert.equal(uid.status, 409, uid.text);
    assert.match(uid.body.message, /Precondition failed: UID in precondition: not-the-uid/);
    assert.equal((await t.request('GET', `${pods}/two`)).body.spec.nodeName, undefined);

    await createPod('held', ['example.com/hold']);
    assert.equal((await t.request('DELETE', `${pods}/held`)).status, 200);
    const deleting = await t.request('POST', `${pods}/held/binding`, { body: binding('held', 'node-a') });
    assert.equal(deleting.status, 409, deleting.text);
    assert.match(deleting.body.message, /being deleted/);
    await t.request('PATCH', `${pods}/held`, {
      body: { metadata: { finalizers: [] } },
      contentType: 'application/merge-patch+json',
    });

    const missing = await t.request('POST', `${pods}/nobody/binding`, { body: binding('nobody', 'node-a') });
    assert.equal(missing.status, 404, missing.text);

    const noTarget = await t.request('POST', `${pods}/two/binding`, {
      body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'two' }, target: {} },
    });
    assert.equal(noTarget.status, 422, noTarget.text);
    assert.equal(noTarget.body.details.causes[0].field, 'target.name');
  });

  it('is listed in discovery and only for pods', async () => {
    const v1 = await t.request('GET', '/api/v1');
    const entry = v1.body.resources.find((r: { name: string }) => r.name === 'pods/binding');
    assert.deepEqual(entry?.verbs, ['create']);
    const cm = await t.request('POST', '/api/v1/namespaces/sched/configmaps', {
      body: { metadata: { name: 'c' } },
    });
    assert.equal(cm.status, 201);
    assert.equal(
      (
        await t.request('POST', '/api/v1/namespaces/sched/configmaps/c/binding', {
          body: binding('c', 'node-a'),
        })
      ).status,
      404,
    );
  });
});
