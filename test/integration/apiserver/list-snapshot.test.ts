// Contract suite: paged lists are one snapshot, as kube-apiserver's. The first page fixes a revision, later pages
// read the objects as they were then (a delete or create between pages changes nothing in the list, and every
// page's resourceVersion is the snapshot's), remainingItemCount counts what is left, and a token whose revision was
// compacted away is a 410 Expired whose own token lists the rest at the latest revision. Real kubectl's
// `--chunk-size` across a delete prints the snapshot.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.ts';
import { HoldingProxy } from '../../support/holding-proxy.ts';
import { startTestServer, type Response, type TestServer } from './helpers.ts';
import { kubectlAvailable, kubectlFor, ok } from './kubectl-cli.ts';

/** Events kept: small, so that a dozen writes compact a snapshot away. */
const eventWindow = 10;

let t: TestServer;

before(async () => {
  t = await startTestServer({ eventWindow });
});
after(async () => {
  await t.close();
});

async function createNamespace(name: string): Promise<void> {
  const res = await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name } } });
  assert.equal(res.status, 201, res.text);
}

async function putConfigMap(namespace: string, name: string, value: string): Promise<void> {
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  const body = { metadata: { name, namespace, labels: { app: 'x' } }, data: { value } };
  const existing = await t.request('GET', `${path}/${name}`);
  const res =
    existing.status === 200
      ? await t.request('PUT', `${path}/${name}`, { body })
      : await t.request('POST', path, { body });
  assert.ok(res.status === 200 || res.status === 201, res.text);
}

async function remove(namespace: string, plural: string, name: string): Promise<void> {
  const res = await t.request('DELETE', `/api/v1/namespaces/${namespace}/${plural}/${name}`);
  assert.equal(res.status, 200, res.text);
}

async function page(path: string, token?: string): Promise<Response> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await t.request('GET', token ? `${path}${sep}continue=${encodeURIComponent(token)}` : path);
  assert.equal(res.status, 200, res.text);
  return res;
}

const named = (res: Response): string[] =>
  (res.body.items as KubeObject[]).map(
    (o) => `${o.metadata.name}=${(o['data'] as { value?: string } | undefined)?.value ?? ''}`,
  );

describe('paged lists', () => {
  it('are one snapshot: a delete, a create and an update between pages change nothing in the list', async () => {
    await createNamespace('snap');
    for (let i = 0; i < 6; i++) await putConfigMap('snap', `cm${i}`, '1');
    const path = '/api/v1/namespaces/snap/configmaps?limit=2';
    const whole = await page('/api/v1/namespaces/snap/configmaps');

    const first = await page(path);
    assert.deepEqual(named(first), ['cm0=1', 'cm1=1']);
    const snapshot = first.body.metadata.resourceVersion as string;
    assert.equal(snapshot, whole.body.metadata.resourceVersion);
    assert.equal(first.body.metadata.remainingItemCount, 4);

    await remove('snap', 'configmaps', 'cm3');
    await putConfigMap('snap', 'cm2a', 'new');
    await putConfigMap('snap', 'cm2', '2');

    const second = await page(path, first.body.metadata.continue);
    assert.deepEqual(named(second), ['cm2=1', 'cm3=1'], 'cm2 as it was, deleted cm3 still there, no cm2a');
    assert.equal(
      second.body.metadata.resourceVersion,
      snapshot,
      "every page carries the snapshot's revision",
    );
    assert.equal(second.body.metadata.remainingItemCount, 2);
    const third = await page(path, second.body.metadata.continue);
    assert.deepEqual(named(third), ['cm4=1', 'cm5=1']);
    assert.equal(third.body.metadata.resourceVersion, snapshot);
    assert.equal(third.body.metadata.continue, undefined);
    assert.equal(third.body.metadata.remainingItemCount, undefined);
    assert.deepEqual(
      [...first.body.items, ...second.body.items, ...third.body.items],
      whole.body.items,
      'the pages are exactly the list at the snapshot, objects and resourceVersions alike',
    );

    const now = await page('/api/v1/namespaces/snap/configmaps');
    assert.deepEqual(named(now), ['cm0=1', 'cm1=1', 'cm2=2', 'cm2a=new', 'cm4=1', 'cm5=1']);
  });

  it('give no remainingItemCount with a selector, as kube-apiserver', async () => {
    const first = await page('/api/v1/namespaces/snap/configmaps?limit=2&labelSelector=app%3Dx');
    assert.ok(first.body.metadata.continue);
    assert.equal(first.body.metadata.remainingItemCount, undefined);
  });

  it('continued at a compacted revision are 410 Expired, with a token for the rest at the latest revision', async () => {
    await createNamespace('snap-old');
    for (let i = 0; i < 4; i++) await putConfigMap('snap-old', `cm${i}`, '1');
    const path = '/api/v1/namespaces/snap-old/configmaps?limit=2';
    const first = await page(path);
    await remove('snap-old', 'configmaps', 'cm2');
    for (let i = 0; i <= eventWindow; i++) await putConfigMap('snap', `filler${i}`, '1');

    const expired = await t.request(
      'GET',
      `${path}&continue=${encodeURIComponent(first.body.metadata.continue)}`,
    );
    assert.equal(expired.status, 410, expired.text);
    assert.equal(expired.body.kind, 'Status');
    assert.equal(expired.body.reason, 'Expired');
    assert.equal(expired.body.code, 410);
    assert.equal(
      expired.body.message,
      'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
        'without the continue parameter, or use the continue token in this response to retrieve the remainder of ' +
        'the results. Continuing with the provided token results in an inconsistent list - objects that were ' +
        'created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
    assert.equal(expired.body.details, undefined);

    const rest = await page(path, expired.body.metadata.continue);
    assert.deepEqual(named(rest), ['cm3=1'], 'the remainder as it is now: cm2 was deleted');
    assert.ok(
      Number(rest.body.metadata.resourceVersion) > Number(first.body.metadata.resourceVersion) + eventWindow,
      'read at the latest revision',
    );
  });

  it('refuse tokens that are not ours or name a revision that never was', async () => {
    const token = (content: unknown): string => Buffer.from(JSON.stringify(content)).toString('base64url');
    for (const bad of [
      'garbage',
      token({ v: 'kovn/1', rv: 0, ns: 'snap', n: 'cm1' }),
      token({ v: 'kovn/1', rv: 10_000_000, ns: 'snap', n: 'cm1' }),
      token({ v: 'meta.k8s.io/v1', rv: 5, start: 'cm1' }),
    ]) {
      const res = await t.request('GET', `/api/v1/namespaces/snap/configmaps?limit=2&continue=${bad}`);
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
      assert.equal(res.body.reason, 'BadRequest');
      assert.match(res.body.message, /^continue key is not valid: /);
    }
  });
});

describe('kubectl get --chunk-size', { skip: !kubectlAvailable && 'no kubectl on PATH' }, () => {
  let proxy: HoldingProxy;
  before(async () => {
    proxy = new HoldingProxy(t.server);
    await proxy.listen();
  });
  after(async () => {
    await proxy.close();
  });

  it('across a delete and a create prints the list as it was when the first chunk was read', async () => {
    await createNamespace('snap-kubectl');
    const pods = '/api/v1/namespaces/snap-kubectl/pods';
    const pod = (name: string): { body: unknown } => ({
      body: { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    for (const name of ['p0', 'p1', 'p2', 'p3', 'p4'])
      assert.equal((await t.request('POST', pods, pod(name))).status, 201);
    proxy.holdNext(
      (url) =>
        url.pathname === pods && url.searchParams.get('limit') === '2' && !url.searchParams.has('continue'),
      async () => {
        // p1 was in the first chunk, p3 would be in the second, p2a too: without a snapshot kubectl would print
        // p1 next to p2a, a list that never existed.
        await remove('snap-kubectl', 'pods', 'p1');
        await remove('snap-kubectl', 'pods', 'p3');
        assert.equal((await t.request('POST', pods, pod('p2a'))).status, 201);
      },
    );
    const kubeconfigPath = proxy.writeKubeconfig(join(t.dir, 'proxy-kubeconfig'));
    const kubectl = kubectlFor(() => ({ ...t, server: { ...t.server, kubeconfigPath } }));
    const names = (out: string): string[] =>
      out
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0] ?? '');

    const chunked = ok(await kubectl('get', 'pods', '-n', 'snap-kubectl', '--chunk-size=2'));
    assert.deepEqual(names(chunked), ['p0', 'p1', 'p2', 'p3', 'p4'], chunked);
    const chunkRequests = proxy.requests.filter((r) => r.startsWith(`${pods}?`));
    assert.equal(chunkRequests.filter((r) => r.includes('continue=')).length, 2, chunkRequests.join('\n'));

    const whole = ok(await kubectl('get', 'pods', '-n', 'snap-kubectl'));
    assert.deepEqual(names(whole), ['p0', 'p2', 'p2a', 'p4'], whole);
  });
});
