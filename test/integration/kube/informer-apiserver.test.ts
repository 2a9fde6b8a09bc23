// The list+watch informer against kovn's embedded API server, through the kubeconfig it writes: initial list, watch
// events, a 410 Gone (history compacted while the informer was away) answered by a relist, a server restart, and
// paged relists with objects deleted between the pages (through a proxy that holds the first page's answer), with
// and without the snapshot compacted away before the second page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { KubeInformer } from '../../../src/kube/informer-kube.ts';
import { embeddedApiServer, eventually, type Lab } from '../../support/embedded-apiserver.ts';
import { HoldingProxy } from '../../support/holding-proxy.ts';

const ns = 'kovn-informer-test';
const configMaps = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' };

async function ensureNamespace(core: CoreV1Api): Promise<void> {
  try {
    await core.createNamespace({ body: { metadata: { name: ns } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
}

const cm = (name: string, value: string): V1ConfigMap => ({
  metadata: { name, namespace: ns },
  data: { value },
});

void test('informer over the embedded API server: list, add/update/delete events, recovery after a restart', async (t) => {
  const lab = await embeddedApiServer(t);
  let core = lab.kubeConfig.makeApiClient(CoreV1Api);
  await ensureNamespace(core);
  await core.createNamespacedConfigMap({ namespace: ns, body: cm('before', '1') });

  const errors: unknown[] = [];
  const events: string[] = [];
  const informer = new KubeInformer({
    kubeConfig: lab.kubeConfig,
    resource: configMaps,
    namespace: ns,
    backoff: { baseMs: 50, maxMs: 500 },
    onError: (err) => errors.push(err),
  });
  const value = (o: KubeObject): string => (o.data as { value?: string } | undefined)?.value ?? '';
  informer.on('add', (o) => events.push(`add ${o.metadata.name}=${value(o)}`));
  informer.on('update', (o, old) => events.push(`update ${o.metadata.name} ${value(old)}->${value(o)}`));
  informer.on('delete', (o) => events.push(`delete ${o.metadata.name}`));
  lab.defer(() => informer.stop());

  await informer.start();
  assert.equal(informer.get('before', ns)?.kind, 'ConfigMap');
  assert.equal(informer.get('before', ns)?.apiVersion, 'v1');
  assert.deepEqual(events, ['add before=1']);

  await core.createNamespacedConfigMap({ namespace: ns, body: cm('a', '1') });
  await core.replaceNamespacedConfigMap({ name: 'a', namespace: ns, body: cm('a', '2') });
  await core.deleteNamespacedConfigMap({ name: 'before', namespace: ns });
  await eventually(() => events.length === 4, `watch events (have ${JSON.stringify(events)})`);
  assert.deepEqual(events.slice(1), ['add a=1', 'update a 1->2', 'delete before']);

  const before = informer.stats();
  await lab.restart();
  core = lab.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: ns, body: cm('after', '1') });
  await eventually(
    () => informer.get('after', ns) !== undefined,
    'the informer to see an object created after the restart',
  );
  const after = informer.stats();
  t.diagnostic(
    `across the restart: ${after.gone - before.gone} x 410 Gone, ${after.lists - before.lists} relists, ${after.errors - before.errors} errors`,
  );
  if (after.gone > before.gone) assert.ok(after.lists > before.lists, 'a 410 was followed by a relist');
  assert.deepEqual(
    informer
      .list(ns)
      .map((o) => `${o.metadata.name}=${value(o)}`)
      .sort(),
    ['a=2', 'after=1'],
  );
});

void test('informer resuming after the server compacted its history gets 410 Gone, relists, and catches up', async (t) => {
  const lab = await embeddedApiServer(t, { eventWindow: 5 });
  const core = lab.kubeConfig.makeApiClient(CoreV1Api);
  await ensureNamespace(core);
  for (const name of ['keep', 'lost', 'changed'])
    await core.createNamespacedConfigMap({ namespace: ns, body: cm(name, '1') });
  const errors: unknown[] = [];
  const events: string[] = [];
  const informer = new KubeInformer({
    kubeConfig: lab.kubeConfig,
    resource: configMaps,
    namespace: ns,
    backoff: { baseMs: 50, maxMs: 500 },
    onError: (err) => errors.push(err),
  });
  informer.on('add', (o) => events.push(`add ${o.metadata.name}`));
  informer.on('update', (o) => events.push(`update ${o.metadata.name}`));
  informer.on('delete', (o) => events.push(`delete ${o.metadata.name}`));
  lab.defer(() => informer.stop());
  await informer.start();
  await informer.stop();
  events.length = 0;

  await core.deleteNamespacedConfigMap({ name: 'lost', namespace: ns });
  await core.replaceNamespacedConfigMap({ name: 'changed', namespace: ns, body: cm('changed', '2') });
  for (let i = 0; i < 20; i++)
    await core.createNamespacedConfigMap({ namespace: ns, body: cm(`filler-${i}`, '1') });

  await informer.start();
  await eventually(
    () => informer.stats().gone === 1 && informer.list(ns).length === 22,
    'a relist after 410 Gone',
  );
  assert.equal(informer.stats().lists, 2, 'listed again');
  assert.ok(events.includes('delete lost'), events.join(', '));
  assert.ok(events.includes('update changed'), events.join(', '));
  assert.equal(events.filter((e) => e.startsWith('add filler-')).length, 20);
  assert.equal(informer.get('lost', ns), undefined);
  assert.deepEqual(errors, [], '410 Gone is routine, not an error');
});

/** An informer of ConfigMaps in `ns` that reads the server through `proxy`, in pages of 2. */
function pagedInformer(lab: Lab, proxy: HoldingProxy, errors: unknown[], events: string[]): KubeInformer {
  const informer = new KubeInformer({
    kubeConfig: proxy.kubeConfig(),
    resource: configMaps,
    namespace: ns,
    pageSize: 2,
    backoff: { baseMs: 50, maxMs: 500 },
    onError: (err) => errors.push(err),
  });
  informer.on('add', (o) => events.push(`add ${o.metadata.name}`));
  informer.on('delete', (o) => events.push(`delete ${o.metadata.name}`));
  lab.defer(() => informer.stop());
  return informer;
}

/** Holds the answer to the informer's first page until `between` has run (so it runs between pages 1 and 2). */
function betweenFirstPages(proxy: HoldingProxy, between: () => Promise<void>): void {
  proxy.holdNext(
    (url) =>
      url.pathname === `/api/v1/namespaces/${ns}/configmaps` &&
      url.searchParams.has('limit') &&
      !url.searchParams.has('continue') &&
      !url.searchParams.has('watch'),
    between,
  );
}

/** Writes a marker and waits for the informer to see it: every earlier change has then been applied. */
async function settled(core: CoreV1Api, informer: KubeInformer): Promise<string[]> {
  await core.createNamespacedConfigMap({ namespace: ns, body: cm('marker', '1') });
  await eventually(() => informer.get('marker', ns) !== undefined, 'the informer to see the marker');
  const names = (objects: readonly { metadata?: { name?: string } }[]): string[] =>
    objects.map((o) => o.metadata?.name ?? '').sort();
  const server = await core.listNamespacedConfigMap({ namespace: ns });
  assert.deepEqual(names(informer.list(ns)), names(server.items), "the informer holds the server's set");
  return names(informer.list(ns));
}

async function startProxy(lab: Lab): Promise<HoldingProxy> {
  const proxy = new HoldingProxy(lab.server);
  await proxy.listen();
  lab.defer(() => proxy.close());
  return proxy;
}

void test(
  'objects deleted while a paged list is read leave the informer (the watch starts at the snapshot)',
  { timeout: 30_000 },
  async (t) => {
    const lab = await embeddedApiServer(t);
    const core = lab.kubeConfig.makeApiClient(CoreV1Api);
    await ensureNamespace(core);
    for (let i = 0; i < 6; i++)
      await core.createNamespacedConfigMap({ namespace: ns, body: cm(`cm${i}`, '1') });
    const proxy = await startProxy(lab);
    betweenFirstPages(proxy, async () => {
      await core.deleteNamespacedConfigMap({ name: 'cm1', namespace: ns });
      await core.deleteNamespacedConfigMap({ name: 'cm3', namespace: ns });
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('cm2a', '1') });
    });
    const errors: unknown[] = [];
    const events: string[] = [];
    const informer = pagedInformer(lab, proxy, errors, events);

    await informer.start();
    const lists = proxy.requests.filter((r) => r.includes('limit=2'));
    assert.equal(lists.length, 3, `three pages: ${lists.join(', ')}`);
    assert.deepEqual(await settled(core, informer), ['cm0', 'cm2', 'cm2a', 'cm4', 'cm5', 'marker']);
    assert.ok(events.includes('delete cm1') && events.includes('delete cm3'), events.join(', '));
    assert.deepEqual(errors, []);
  },
);

void test(
  'a continue token compacted during a paged list is 410 Expired; the informer lists again and ends right',
  { timeout: 30_000 },
  async (t) => {
    const lab = await embeddedApiServer(t, { eventWindow: 5 });
    const core = lab.kubeConfig.makeApiClient(CoreV1Api);
    await ensureNamespace(core);
    for (let i = 0; i < 6; i++)
      await core.createNamespacedConfigMap({ namespace: ns, body: cm(`cm${i}`, '1') });
    const proxy = await startProxy(lab);
    betweenFirstPages(proxy, async () => {
      await core.deleteNamespacedConfigMap({ name: 'cm1', namespace: ns });
      await core.deleteNamespacedConfigMap({ name: 'cm3', namespace: ns });
      for (let i = 0; i < 8; i++)
        await core.createNamespacedConfigMap({ namespace: ns, body: cm(`filler${i}`, '1') });
    });
    const errors: unknown[] = [];
    const events: string[] = [];
    const informer = pagedInformer(lab, proxy, errors, events);

    await informer.start();
    const lists = proxy.requests.filter(
      (r) => r.startsWith(`/api/v1/namespaces/${ns}/configmaps`) && !r.includes('watch='),
    );
    assert.equal(lists.length, 3, lists.join('\n'));
    assert.match(lists[1]!, /continue=/, 'the second page was refused');
    assert.doesNotMatch(lists[2]!, /limit=|continue=/, 'and the list restarted as one request');
    assert.equal(informer.stats().gone, 1);
    const fillers = Array.from({ length: 8 }, (_, i) => `filler${i}`);
    assert.deepEqual(
      await settled(core, informer),
      ['cm0', 'cm2', 'cm4', 'cm5', ...fillers, 'marker'].sort(),
    );
    assert.ok(!events.includes('add cm1'), 'the expired first page was not applied');
    assert.deepEqual(errors, [], 'an expired continue token is routine, not an error');
  },
);
