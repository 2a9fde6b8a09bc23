// List and watch-start deadlines over real HTTP: a loopback server that reads the request and never answers (not even
// headers). The informer aborts it when its deadline passes on the injected clock, reports a ListWatchDeadlineError
// naming the resource and the deadline, and retries after its backoff; an open watch is not held to the start deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { FakeClock } from '../../../src/util/clock.ts';
import { KubeInformer } from '../../../src/kube/informer-kube.ts';
import { ListWatchDeadlineError } from '../../../src/kube/informer-http.ts';
import { ListWatchServer, waitFor } from './helpers/listwatch-server.ts';

const resource = { group: 'kubeovn.io', version: 'v1', plural: 'vpcs', kind: 'Vpc' };
const vpc = (name: string): KubeObject => ({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name } });

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const server = new ListWatchServer('/apis/kubeovn.io/v1/vpcs');
  const url = await server.listen();
  const clock = new FakeClock(0);
  const errors: unknown[] = [];
  const informer = new KubeInformer({
    kubeConfig: server.kubeConfig(url),
    resource,
    clock,
    backoff: { baseMs: 1_000, maxMs: 1_000 },
    listTimeoutMs: 60_000,
    watchStartTimeoutMs: 30_000,
    onError: (err) => errors.push(err),
  });
  t.after(async () => {
    await informer.stop();
    await server.close();
  });
  const lists = () => server.requests.filter((r) => !r.includes('watch=true')).length;
  const watches = () => server.requests.filter((r) => r.includes('watch=true')).length;
  return { server, clock, errors, informer, lists, watches };
}

void test('a list page that never answers is aborted at its deadline and retried after the backoff', async (t) => {
  const { server, clock, errors, informer, lists } = await setup(t);
  server.put(vpc('a'));
  server.hangNext('list');
  const synced = informer.start();
  await waitFor(() => server.hanging === 1, 'the list request to reach the server');
  await clock.advanceAsync(59_999);
  assert.equal(errors.length, 0, 'not before the deadline');
  await clock.advanceAsync(1);
  await waitFor(() => errors.length === 1, 'the deadline error');
  const [error] = errors;
  assert.ok(error instanceof ListWatchDeadlineError, String(error));
  assert.equal(error.message, 'list /apis/kubeovn.io/v1/vpcs: no complete answer within 60000 ms; aborted');
  await waitFor(() => server.hanging === 0, 'the aborted request to be closed');
  assert.equal(lists(), 1, 'no retry before the backoff');
  await clock.advanceAsync(1_000);
  await synced;
  assert.equal(lists(), 2);
  assert.deepEqual(
    informer.list().map((o) => o.metadata.name),
    ['a'],
  );
  assert.equal(informer.stats().errors, 1);
});

void test('a watch that never answers its headers is aborted at its deadline and started again', async (t) => {
  const { server, clock, errors, informer, lists, watches } = await setup(t);
  server.put(vpc('a'));
  server.hangNext('watch');
  await informer.start();
  await waitFor(() => server.hanging === 1, 'the watch request to reach the server');
  await clock.advanceAsync(30_000);
  await waitFor(() => errors.length === 1, 'the deadline error');
  const [error] = errors;
  assert.ok(error instanceof ListWatchDeadlineError, String(error));
  assert.equal(error.message, 'watch /apis/kubeovn.io/v1/vpcs: no response headers within 30000 ms; aborted');
  await clock.advanceAsync(1_000);
  await waitFor(() => server.watchers === 1, 'a second watch');
  assert.deepEqual([lists(), watches()], [1, 2], 'the watch resumes from the list, no relist');
  // The open watch outlives the start deadline many times over and still delivers events.
  await clock.advanceAsync(300_000);
  server.put(vpc('b'));
  await waitFor(() => informer.get('b') !== undefined, 'an event on the long-running watch');
  assert.deepEqual(errors.map(String), [String(error)]);
  assert.equal(server.watchers, 1);
});
