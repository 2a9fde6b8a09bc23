// Contract suite, part 2: selectors, pagination, watch (resume, selector transitions, 410 + relist, bookmarks,
// timeouts) and a client-node informer.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CoreV1Api,
  makeInformer,
  Watch,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { eventually, startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
let core: CoreV1Api;

before(async () => {
  t = await startTestServer({ eventWindow: 20, bookmarkIntervalMs: 200 });
  core = t.kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'lw' } } });
  await core.createNamespace({ body: { metadata: { name: 'lw2' } } });
  const labels: Array<Record<string, string>> = [
    { env: 'prod', tier: 'web' },
    { env: 'dev', tier: 'web' },
    { env: 'prod' },
    {},
  ];
  for (const [i, l] of labels.entries()) {
    await core.createNamespacedConfigMap({
      namespace: 'lw',
      body: { metadata: { name: `cm${i}`, labels: l } },
    });
  }
  await core.createNamespacedConfigMap({
    namespace: 'lw2',
    body: { metadata: { name: 'other', labels: { env: 'prod' } } },
  });
});
after(async () => {
  await t.close();
});

async function names(path: string): Promise<string[]> {
  const res = await t.request('GET', path);
  assert.equal(res.status, 200, res.text);
  return (res.body.items as KubernetesObject[]).map((i) => i.metadata?.name ?? '');
}

describe('selectors', () => {
  it('filters by equality and set-based label selectors', async () => {
    const q = (s: string): string =>
      `/api/v1/namespaces/lw/configmaps?labelSelector=${encodeURIComponent(s)}`;
    assert.deepEqual(await names(q('env=prod')), ['cm0', 'cm2']);
    assert.deepEqual(await names(q('env!=prod')), ['cm1', 'cm3']);
    assert.deepEqual(await names(q('env in (prod,dev),tier')), ['cm0', 'cm1']);
    assert.deepEqual(await names(q('env notin (prod)')), ['cm1', 'cm3']);
    assert.deepEqual(await names(q('!tier')), ['cm2', 'cm3']);
    assert.deepEqual(await names(`/api/v1/configmaps?labelSelector=${encodeURIComponent('env=prod')}`), [
      'cm0',
      'cm2',
      'other',
    ]);
    assert.equal((await t.request('GET', q('env in prod'))).status, 400);
  });

  it('filters by field selectors and refuses unsupported fields', async () => {
    assert.deepEqual(await names('/api/v1/configmaps?fieldSelector=metadata.name%3Dcm1'), ['cm1']);
    assert.deepEqual(await names('/api/v1/configmaps?fieldSelector=metadata.namespace%3Dlw2'), ['other']);
    assert.deepEqual(
      await names('/api/v1/namespaces/lw/configmaps?fieldSelector=metadata.name!%3Dcm1,metadata.name!%3Dcm2'),
      ['cm0', 'cm3'],
    );
    await core.createNamespacedPod({
      namespace: 'lw',
      body: { metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } },
    });
    await core.createNamespacedPod({
      namespace: 'lw',
      body: { metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    });
    assert.deepEqual(await names('/api/v1/pods?fieldSelector=spec.nodeName%3Dn1'), ['p1']);
    assert.deepEqual(await names('/api/v1/pods?fieldSelector=spec.nodeName%3D'), ['p2']);
    assert.deepEqual(await names('/api/v1/namespaces/lw/pods?fieldSelector=status.phase%3DPending'), [
      'p1',
      'p2',
    ]);
    const bad = await t.request('GET', '/api/v1/configmaps?fieldSelector=data.x%3D1');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /field label not supported: data.x/);
  });

  it('pages with limit and continue', async () => {
    const first = await t.request('GET', '/api/v1/configmaps?limit=2');
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.metadata.continue);
    const second = await t.request(
      'GET',
      `/api/v1/configmaps?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`,
    );
    const third = await t.request(
      'GET',
      `/api/v1/configmaps?limit=2&continue=${encodeURIComponent(second.body.metadata.continue)}`,
    );
    assert.equal(third.body.metadata.continue, undefined);
    const all = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (i: V1ConfigMap) => `${i.metadata?.namespace}/${i.metadata?.name}`,
    );
    assert.deepEqual(all, ['lw/cm0', 'lw/cm1', 'lw/cm2', 'lw/cm3', 'lw2/other']);
    const pagedSelection = await t.request('GET', `/api/v1/configmaps?limit=1&labelSelector=env%3Dprod`);
    assert.deepEqual(
      pagedSelection.body.items.map((i: V1ConfigMap) => i.metadata?.name),
      ['cm0'],
    );
    assert.equal((await t.request('GET', '/api/v1/configmaps?continue=garbage')).status, 400);
  });
});

describe('watch', () => {
  it('resumes from a resourceVersion and follows live changes in order', async () => {
    const list = await t.request('GET', '/api/v1/namespaces/lw/configmaps');
    const rv = list.body.metadata.resourceVersion as string;
    await core.createNamespacedConfigMap({ namespace: 'lw', body: { metadata: { name: 'w1' } } });
    const w = await t.watch(`/api/v1/namespaces/lw/configmaps?watch=true&resourceVersion=${rv}`);
    assert.equal(w.status, 200);
    const e1 = await w.next();
    assert.deepEqual([e1.type, e1.object.metadata.name], ['ADDED', 'w1']);
    await core.patchNamespacedConfigMap({
      name: 'w1',
      namespace: 'lw',
      body: [{ op: 'add', path: '/data', value: { a: '1' } }],
    });
    await core.deleteNamespacedConfigMap({ name: 'w1', namespace: 'lw' });
    await core.createNamespacedConfigMap({ namespace: 'lw2', body: { metadata: { name: 'elsewhere' } } });
    const e2 = await w.next();
    const e3 = await w.next();
    assert.deepEqual([e2.type, e3.type], ['MODIFIED', 'DELETED']);
    assert.ok(Number(e3.object.metadata.resourceVersion) > Number(e2.object.metadata.resourceVersion));
    await assert.rejects(w.next(300));
    w.close();
  });

  it('starts with synthetic ADDED events without a resourceVersion and maps selector transitions', async () => {
    const w = await t.watch('/api/v1/namespaces/lw/configmaps?watch=1&labelSelector=env%3Dprod');
    const initial = [await w.next(), await w.next()].map((e) => `${e.type} ${e.object.metadata.name}`);
    assert.deepEqual(initial, ['ADDED cm0', 'ADDED cm2']);
    await core.patchNamespacedConfigMap({
      name: 'cm1',
      namespace: 'lw',
      body: [{ op: 'replace', path: '/metadata/labels/env', value: 'prod' }],
    });
    await core.patchNamespacedConfigMap({
      name: 'cm0',
      namespace: 'lw',
      body: [{ op: 'replace', path: '/metadata/labels/env', value: 'dev' }],
    });
    const moved = [await w.next(), await w.next()].map((e) => `${e.type} ${e.object.metadata.name}`);
    assert.deepEqual(moved, ['ADDED cm1', 'DELETED cm0']);
    w.close();
  });

  it('watches one object through the legacy /watch path', async () => {
    const w = await t.watch('/api/v1/watch/namespaces/lw/configmaps/cm3');
    const first = await w.next();
    assert.deepEqual([first.type, first.object.metadata.name], ['ADDED', 'cm3']);
    w.close();
  });

  it('answers a compacted resourceVersion with a 410 Expired ERROR event, then a relist works', async () => {
    for (let i = 0; i < 60; i++)
      await core.createNamespacedConfigMap({ namespace: 'lw2', body: { metadata: { name: `churn${i}` } } });
    const w = await t.watch('/api/v1/namespaces/lw/configmaps?watch=true&resourceVersion=2');
    const e = await w.next();
    assert.equal(e.type, 'ERROR');
    assert.equal(e.object.code, 410);
    assert.equal(e.object.reason, 'Expired');
    await w.ended;
    const relist = await t.request('GET', '/api/v1/namespaces/lw/configmaps');
    const again = await t.watch(
      `/api/v1/namespaces/lw/configmaps?watch=true&resourceVersion=${relist.body.metadata.resourceVersion}`,
    );
    await core.createNamespacedConfigMap({ namespace: 'lw', body: { metadata: { name: 'after-relist' } } });
    assert.equal((await again.next()).object.metadata.name, 'after-relist');
    again.close();
  });

  it('sends bookmarks carrying the current revision when asked', async () => {
    const rv = (await t.request('GET', '/api/v1/namespaces/lw/configmaps')).body.metadata
      .resourceVersion as string;
    const w = await t.watch(
      `/api/v1/namespaces/lw/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
    );
    const e = await w.next(2000);
    assert.equal(e.type, 'BOOKMARK');
    assert.equal(e.object.kind, 'ConfigMap');
    assert.ok(Number(e.object.metadata.resourceVersion) >= Number(rv));
    w.close();
    const initial = await t.watch(
      '/api/v1/namespaces/lw2/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=env%3Dprod',
    );
    assert.equal((await initial.next()).object.metadata.name, 'other');
    const end = await initial.next();
    assert.equal(end.type, 'BOOKMARK');
    assert.equal(end.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    initial.close();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = await t.watch(
      '/api/v1/namespaces/lw/configmaps?watch=true&timeoutSeconds=1&resourceVersion=' +
        String((await t.request('GET', '/api/v1/namespaces')).body.metadata.resourceVersion),
    );
    const started = Date.now();
    await w.ended;
    assert.ok(Date.now() - started < 3000);
  });

  it('streams watch events as Table rows for kubectl get -w', async () => {
    const res = await t.request('GET', '/api/v1/namespaces/lw/pods?watch=true&timeoutSeconds=1', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const first = JSON.parse(res.text.split('\n')[0] ?? '{}') as {
      object: { kind: string; rows: Array<{ cells: unknown[] }> };
    };
    assert.equal(first.object.kind, 'Table');
    assert.equal(first.object.rows[0]?.cells[0], 'p1');
  });
});

describe('client-node', () => {
  it('Watch delivers events and an informer lists, then follows the watch', async () => {
    const events: string[] = [];
    const watch = new Watch(t.kc);
    const controller = await watch.watch(
      '/api/v1/namespaces/lw2/configmaps',
      { labelSelector: 'watch=me' },
      (type, obj: V1ConfigMap) => events.push(`${type} ${obj.metadata?.name ?? ''}`),
      () => {},
    );
    await core.createNamespacedConfigMap({
      namespace: 'lw2',
      body: { metadata: { name: 'seen', labels: { watch: 'me' } } },
    });
    await eventually(() => events.includes('ADDED seen'), 5000, 'watch event');
    controller.abort();

    const informer = makeInformer(t.kc, '/api/v1/namespaces/lw2/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'lw2' }),
    );
    const added: string[] = [];
    informer.on('add', (o: V1ConfigMap) => added.push(o.metadata?.name ?? ''));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'lw2', body: { metadata: { name: 'informed' } } });
    await eventually(() => informer.get('informed', 'lw2'), 5000, 'informer add');
    assert.ok(added.includes('other'));
    await informer.stop();
  });
});
