// Contract suite, part 3: deletion - finalizers, ownerReference garbage collection (Background, Foreground,
// Orphan), namespace deletion, deletecollection, preconditions.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
const cm = (ns: string, name = ''): string => `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;

before(async () => {
  t = await startTestServer();
  for (const ns of ['life', 'doomed'])
    await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } });
});
after(async () => {
  await t.close();
});

async function create(
  ns: string,
  name: string,
  meta: Record<string, unknown> = {},
): Promise<{ uid: string; resourceVersion: string }> {
  const res = await t.request('POST', cm(ns), { body: { metadata: { name, ...meta } } });
  assert.equal(res.status, 201, res.text);
  return res.body.metadata;
}

const exists = async (path: string): Promise<boolean> => (await t.request('GET', path)).status === 200;

function owner(name: string, uid: string, block = false): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', name, uid, ...(block ? { blockOwnerDeletion: true } : {}) };
}

describe('finalizers', () => {
  it('keeps an object with a deletionTimestamp until its last finalizer is removed', async () => {
    await create('life', 'fin', { finalizers: ['example.com/a', 'example.com/b'] });
    const del = await t.request('DELETE', cm('life', 'fin'));
    assert.equal(del.status, 200);
    assert.ok(del.body.metadata.deletionTimestamp);
    const w = await t.watch(
      `${cm('life')}?watch=true&fieldSelector=metadata.name%3Dfin&resourceVersion=${del.body.metadata.resourceVersion}`,
    );
    const again = await t.request('DELETE', cm('life', 'fin'));
    assert.equal(again.body.metadata.resourceVersion, del.body.metadata.resourceVersion);
    const added = await t.request('PATCH', cm('life', 'fin'), {
      body: { metadata: { finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(added.status, 422);
    assert.match(added.body.message, /no new finalizers can be added if the object is being deleted/);
    await t.request('PATCH', cm('life', 'fin'), {
      body: { metadata: { finalizers: ['example.com/b'] } },
      contentType: 'application/merge-patch+json',
    });
    assert.ok(await exists(cm('life', 'fin')));
    const modified = await w.next();
    assert.equal(modified.type, 'MODIFIED');
    await t.request('PATCH', cm('life', 'fin'), {
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
      contentType: 'application/json-patch+json',
    });
    assert.equal((await w.next()).type, 'DELETED');
    assert.equal(await exists(cm('life', 'fin')), false);
    w.close();
  });

  it('checks delete preconditions', async () => {
    const meta = await create('life', 'pre');
    const bad = await t.request('DELETE', cm('life', 'pre'), {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'other' } },
    });
    assert.equal(bad.status, 409);
    const ok = await t.request('DELETE', cm('life', 'pre'), {
      body: { preconditions: { uid: meta.uid, resourceVersion: meta.resourceVersion } },
    });
    assert.equal(ok.status, 200);
  });

  it('runs DELETE admission (the kind may refuse)', async () => {
    const path = '/apis/test.kovn.io/v1/namespaces/life/widgets/x';
    await t.request('POST', '/apis/test.kovn.io/v1/namespaces/life/widgets', {
      body: { metadata: { name: 'x', labels: { protected: 'true' } } },
    });
    const refused = await t.request('DELETE', path);
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.message,
      'Widget.test.kovn.io "x" is forbidden: metadata.labels[protected]: Forbidden: protected widgets cannot be deleted',
    );
    await t.request('PATCH', path, {
      body: { metadata: { labels: null } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal((await t.request('DELETE', path)).status, 200);
  });
});

describe('garbage collection', () => {
  it('deletes dependents in the background once the owner is gone, keeping those with another live owner', async () => {
    const a = await create('life', 'owner-a');
    const b = await create('life', 'owner-b');
    await create('life', 'dep-a', { ownerReferences: [owner('owner-a', a.uid)] });
    await create('life', 'dep-ab', { ownerReferences: [owner('owner-a', a.uid), owner('owner-b', b.uid)] });
    await create('life', 'dep-dep', {
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'dep-a',
          uid: (await t.request('GET', cm('life', 'dep-a'))).body.metadata.uid,
        },
      ],
    });
    await t.request('DELETE', cm('life', 'owner-a'), { body: { propagationPolicy: 'Background' } });
    await eventually(
      async () => !(await exists(cm('life', 'dep-a'))) && !(await exists(cm('life', 'dep-dep'))),
      5000,
      'background GC',
    );
    const survivor = await t.request('GET', cm('life', 'dep-ab'));
    assert.equal(survivor.status, 200);
    assert.deepEqual(
      survivor.body.metadata.ownerReferences.map((r: { name: string }) => r.name),
      ['owner-b'],
    );
  });

  it('Foreground keeps the owner until blocking dependents are gone', async () => {
    const o = await create('life', 'fg-owner');
    await create('life', 'fg-block', {
      ownerReferences: [owner('fg-owner', o.uid, true)],
      finalizers: ['example.com/hold'],
    });
    await create('life', 'fg-free', { ownerReferences: [owner('fg-owner', o.uid)] });
    const del = await t.request('DELETE', cm('life', 'fg-owner'), {
      body: { propagationPolicy: 'Foreground' },
    });
    assert.deepEqual(del.body.metadata.finalizers, ['foregroundDeletion']);
    await eventually(
      async () => !(await exists(cm('life', 'fg-free'))),
      5000,
      'non-blocking dependent deleted',
    );
    const blocked = await t.request('GET', cm('life', 'fg-block'));
    assert.ok(blocked.body.metadata.deletionTimestamp);
    assert.ok(await exists(cm('life', 'fg-owner')));
    await t.request('PATCH', cm('life', 'fg-block'), {
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
    });
    await eventually(
      async () => !(await exists(cm('life', 'fg-owner'))),
      5000,
      'owner deleted after its dependents',
    );
  });

  it('Orphan removes the ownerReference and keeps the dependent', async () => {
    const o = await create('life', 'or-owner');
    await create('life', 'or-dep', { ownerReferences: [owner('or-owner', o.uid)] });
    await t.request('DELETE', cm('life', 'or-owner'), { body: { propagationPolicy: 'Orphan' } });
    await eventually(async () => !(await exists(cm('life', 'or-owner'))), 5000, 'owner deleted');
    const dep = await t.request('GET', cm('life', 'or-dep'));
    assert.equal(dep.status, 200);
    assert.equal(dep.body.metadata.ownerReferences, undefined);
  });
});

describe('namespaces and collections', () => {
  it('deletes a namespace with its content, waiting for finalizers, and refuses new content meanwhile', async () => {
    await create('doomed', 'a');
    await create('doomed', 'held', { finalizers: ['example.com/hold'] });
    await t.request('POST', '/api/v1/namespaces/doomed/pods', {
      body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    });
    const del = await t.request('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.status, 200);
    assert.equal(del.body.status.phase, 'Terminating');
    await eventually(
      async () => !(await exists(cm('doomed', 'a'))) && !(await exists('/api/v1/namespaces/doomed/pods/p')),
      5000,
      'content deleted',
    );
    const refused = await t.request('POST', cm('doomed'), { body: { metadata: { name: 'late' } } });
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /because it is being terminated/);
    const ns = await t.request('GET', '/api/v1/namespaces/doomed');
    assert.equal(ns.body.status.phase, 'Terminating');
    await t.request('PATCH', cm('doomed', 'held'), {
      body: { metadata: { finalizers: [] } },
      contentType: 'application/merge-patch+json',
    });
    await eventually(async () => !(await exists('/api/v1/namespaces/doomed')), 5000, 'namespace removed');
  });

  it('deletes a collection by label selector', async () => {
    for (const [name, team] of [
      ['c1', 'x'],
      ['c2', 'x'],
      ['c3', 'y'],
    ] as const)
      await create('life', name, { labels: { team } });
    const res = await t.request('DELETE', `${cm('life')}?labelSelector=team%3Dx`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['c1', 'c2'],
    );
    assert.ok(await exists(cm('life', 'c3')));
    assert.equal(await exists(cm('life', 'c1')), false);
  });
});
