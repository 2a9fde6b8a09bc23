import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { FakeClock } from '../../../src/util/clock.ts';
import { KubeInformer } from '../../../src/kube/informer-kube.ts';
import { collectionPath, type ResourceRef } from '../../../src/kube/paths.ts';
import { ListWatchServer, waitFor } from './helpers/listwatch-server.ts';

const resource = { group: 'kubeovn.io', version: 'v1', plural: 'vpcs', kind: 'Vpc' };
const vpc = (name: string, cidr = '10.0.0.0/16'): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Vpc',
  metadata: { name },
  spec: { cidr },
});

async function setup(t: { after: (fn: () => Promise<void>) => void }, options: { pageSize?: number } = {}) {
  const server = new ListWatchServer('/apis/kubeovn.io/v1/vpcs');
  const url = await server.listen();
  const clock = new FakeClock(0);
  const errors: string[] = [];
  const events: string[] = [];
  const informer = new KubeInformer({
    kubeConfig: server.kubeConfig(url),
    resource,
    clock,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    onError: (err) => errors.push((err as Error).message),
  });
  informer.on('add', (o) => events.push(`add ${o.metadata.name} ${o.metadata.resourceVersion}`));
  informer.on('update', (o, old) =>
    events.push(`update ${o.metadata.name} ${old.metadata.resourceVersion}->${o.metadata.resourceVersion}`),
  );
  informer.on('delete', (o) => events.push(`delete ${o.metadata.name}`));
  t.after(async () => {
    await informer.stop();
    await server.close();
  });
  /** Ends the server's watch streams after the watch has lasted a while (a watch that ends at once is an error). */
  const disconnect = (): void => {
    clock.advance(1000);
    server.dropWatches();
  };
  return { server, clock, errors, events, informer, disconnect };
}

void test('collection paths for core and grouped, cluster-wide and namespaced', () => {
  assert.equal(collectionPath(resource), '/apis/kubeovn.io/v1/vpcs');
  const pods: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod' };
  assert.equal(collectionPath(pods, 'ns1'), '/api/v1/namespaces/ns1/pods');
});

void test('start lists all pages, fills type meta, fires adds, resolves synced, then watches', async (t) => {
  const { server, events, informer } = await setup(t, { pageSize: 2 });
  for (const n of ['a', 'b', 'c', 'd', 'e']) server.put(vpc(n));
  assert.equal(informer.hasSynced(), false);
  await informer.start();
  assert.equal(informer.hasSynced(), true);
  assert.equal(informer.list().length, 5);
  assert.deepEqual(informer.get('c'), {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Vpc',
    metadata: { name: 'c', resourceVersion: '103' },
    spec: { cidr: '10.0.0.0/16' },
  });
  assert.equal(events.length, 5);
  assert.equal(server.requests.filter((r) => r.includes('continue=')).length, 2, 'three pages');
  await waitFor(() => server.watchers === 1, 'watch');
  assert.match(server.requests.at(-1)!, /watch=true/);
  assert.match(server.requests.at(-1)!, /resourceVersion=105/);
  assert.match(server.requests.at(-1)!, /allowWatchBookmarks=true/);
});

void test('objects deleted while the pages are read leave the cache: the watch starts from the first page', async (t) => {
  // The fake's pages are not one snapshot, so only the first page's resourceVersion is old enough for the watch to
  // replay every change made while the list was read (the last page's would skip the delete of "a").
  const { server, events, informer } = await setup(t, { pageSize: 2 });
  for (const n of ['a', 'b', 'c', 'd']) server.put(vpc(n));
  server.onListPage = (page) => {
    if (page.continued) return;
    server.onListPage = undefined;
    server.remove('a');
    server.put(vpc('e'));
  };
  await informer.start();
  await waitFor(() => server.watchers === 1, 'watch');
  assert.match(server.requests.at(-1)!, /resourceVersion=104/, 'the first page was read at 104');
  await waitFor(() => events.includes('delete a'), `delete a (have ${events.join(', ')})`);
  server.put(vpc('marker'));
  await waitFor(() => informer.get('marker') !== undefined, 'the watch to reach the marker');
  assert.deepEqual(
    informer
      .list()
      .map((o) => o.metadata.name)
      .sort(),
    ['b', 'c', 'd', 'e', 'marker'],
  );
});

void test('a 410 on a continue page restarts the list from scratch as one request', async (t) => {
  const { server, events, informer, errors } = await setup(t, { pageSize: 2 });
  for (const n of ['a', 'b', 'c', 'd', 'e']) server.put(vpc(n));
  server.onListPage = (page) => {
    if (page.continued) return;
    server.onListPage = undefined;
    server.remove('a');
    server.compact();
    server.expireNextContinue();
  };
  await informer.start();
  const lists = server.requests.filter((r) => !r.includes('watch=true'));
  assert.equal(lists.length, 3, lists.join('\n'));
  assert.match(lists[1]!, /continue=/);
  assert.doesNotMatch(lists[2]!, /continue=|limit=/, 'the restart is one unpaged list');
  assert.deepEqual(
    informer
      .list()
      .map((o) => o.metadata.name)
      .sort(),
    ['b', 'c', 'd', 'e'],
  );
  assert.deepEqual(
    events,
    ['add b 102', 'add c 103', 'add d 104', 'add e 105'],
    'the first page was dropped',
  );
  await waitFor(() => server.watchers === 1, 'watch');
  assert.match(server.requests.at(-1)!, /resourceVersion=106/);
  assert.deepEqual(errors, [], 'an expired continue token is routine, not an error');
  assert.deepEqual(informer.stats(), { lists: 1, watches: 1, gone: 1, errors: 0 });
});

void test('watch events become add, update (with the old object) and delete', async (t) => {
  const { server, events, informer } = await setup(t);
  server.put(vpc('a'));
  await informer.start();
  await waitFor(() => server.watchers === 1, 'watch');
  server.put(vpc('b'));
  server.put(vpc('a', '10.1.0.0/16'));
  server.remove('b');
  await waitFor(() => events.length === 4, 'events');
  assert.deepEqual(events, ['add a 101', 'add b 102', 'update a 101->103', 'delete b']);
  assert.equal((informer.get('a')?.spec as { cidr: string }).cidr, '10.1.0.0/16');
  assert.equal(informer.get('b'), undefined);
  assert.equal(informer.resourceVersion, '104');
});

void test('a watch ended by the server resumes from the last resourceVersion without a relist', async (t) => {
  const { server, events, informer, errors } = await setup(t);
  server.put(vpc('a'));
  await informer.start();
  await waitFor(() => server.watchers === 1, 'watch');
  server.put(vpc('b'));
  await waitFor(() => events.length === 2, 'add b');
  server.dropWatches();
  server.put(vpc('c'));
  await waitFor(() => events.length === 3, 'add c after resume');
  assert.equal(server.requests.filter((r) => !r.includes('watch=true')).length, 1, 'listed once');
  assert.match(server.requests.at(-1)!, /resourceVersion=102/);
  assert.deepEqual(errors, []);
});

for (const goneAs of ['event', 'status'] as const) {
  void test(`410 Gone (${goneAs}) forces a relist whose differences arrive as events`, async (t) => {
    const { server, events, informer, errors, disconnect } = await setup(t);
    server.put(vpc('keep'));
    server.put(vpc('lost'));
    server.put(vpc('changed'));
    await informer.start();
    await waitFor(() => server.watchers === 1, 'watch');
    server.goneAs = goneAs;
    server.remove('lost', undefined, { silent: true });
    server.put(vpc('changed', '10.9.0.0/16'), { silent: true });
    server.put(vpc('new'), { silent: true });
    server.compact();
    disconnect();
    await waitFor(() => events.length === 6, 'relist events');
    assert.deepEqual(events.slice(3), ['delete lost', 'update changed 103->105', 'add new 106']);
    assert.deepEqual(
      informer
        .list()
        .map((o) => o.metadata.name)
        .sort(),
      ['changed', 'keep', 'new'],
    );
    assert.equal(server.requests.filter((r) => !r.includes('watch=true')).length, 2, 'listed again');
    assert.deepEqual(errors, [], 'Gone is not an error');
    assert.deepEqual(informer.stats(), { lists: 2, watches: 3, gone: 1, errors: 0 });
  });
}

void test('failures are reported and retried with backoff on the clock, reset after success', async (t) => {
  const { server, clock, informer, errors, disconnect } = await setup(t);
  server.put(vpc('a'));
  server.failNext('list', 500);
  server.failNext('list', 503);
  let synced = false;
  const starting = informer.start().then(() => (synced = true));
  await waitFor(() => errors.length === 1, 'first failure');
  assert.match(errors[0]!, /GET \/apis\/kubeovn.io\/v1\/vpcs: 500 InternalError injected failure/);
  assert.equal(clock.nextDue(), 1000, 'retry in 1 s');
  await clock.advanceAsync(1000);
  await waitFor(() => errors.length === 2, 'second failure');
  assert.equal(clock.nextDue(), 3000, 'then 2 s');
  await clock.advanceAsync(2000);
  await starting;
  assert.equal(synced, true);

  await waitFor(() => server.watchers === 1, 'watch');
  server.failNext('watch', 500);
  disconnect();
  await waitFor(() => errors.length === 3, 'watch failure');
  assert.match(errors[2]!, /WATCH .*: 500/);
  assert.equal(clock.nextDue(), 5000, 'backoff was reset by the successful watch');
  await clock.advanceAsync(1000);
  await waitFor(() => server.watchers === 1, 'watch again');
});

void test('a malformed watch line fails the stream (reported, not skipped) and the watch resumes', async (t) => {
  const { server, clock, informer, errors, events, disconnect } = await setup(t);
  await informer.start();
  await waitFor(() => server.watchers === 1, 'watch');
  server.inject = ['{not json'];
  disconnect();
  await waitFor(() => errors.length === 1, 'parse failure');
  assert.match(errors[0]!, /malformed event line: \{not json/);
  await clock.advanceAsync(1000);
  await waitFor(() => server.watchers === 1, 'watch again');
  server.put(vpc('z'));
  await waitFor(() => events.length === 1, 'event after recovery');
});

void test('stop before the first sync rejects start and ends the loop', async (t) => {
  const { server, informer, errors } = await setup(t);
  server.failNext('list', 500);
  const starting = informer.start();
  await waitFor(() => errors.length === 1, 'failure');
  await informer.stop();
  await assert.rejects(starting, /stopped before it synced/);
});

void test('start after stop resumes watching from where it left off, keeping the cache', async (t) => {
  const { server, informer, events } = await setup(t);
  server.put(vpc('a'));
  await informer.start();
  await waitFor(() => server.watchers === 1, 'watch');
  await informer.stop();
  await waitFor(() => server.watchers === 0, 'watch closed');
  server.put(vpc('b'));
  await informer.start();
  await waitFor(() => events.length === 2, 'event missed while stopped');
  assert.deepEqual(events, ['add a 101', 'add b 102']);
  assert.equal(informer.stats().lists, 1);
});

void test('stop right after start resolves (no watch left open)', async (t) => {
  const { server, informer } = await setup(t);
  server.put(vpc('a'));
  await informer.start();
  let stopped = false;
  void informer.stop().then(() => (stopped = true));
  await waitFor(() => stopped, 'stop to resolve');
  await waitFor(() => server.watchers === 0, 'no open watch');
});
