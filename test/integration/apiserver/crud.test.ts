// Contract suite, part 1: create/read/update/patch/delete semantics through @kubernetes/client-node and raw HTTPS.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { startTestServer, widget, type TestServer } from './helpers.ts';

let t: TestServer;
let core: CoreV1Api;
let custom: CustomObjectsApi;

before(async () => {
  t = await startTestServer();
  core = t.kc.makeApiClient(CoreV1Api);
  custom = t.kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: 'crud' } } });
});
after(async () => {
  await t.close();
});

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<string>;
    throw error;
  }
  assert.fail('expected an API error');
}

describe('create, get, update, delete (client-node)', () => {
  it('round-trips a ConfigMap with server-set metadata', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'cm1', labels: { a: '1' } }, data: { k: 'v' } },
    });
    assert.equal(created.metadata?.name, 'cm1');
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(created.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.ok(created.metadata?.creationTimestamp);
    const got = await core.readNamespacedConfigMap({ name: 'cm1', namespace: 'crud' });
    assert.deepEqual(got.data, { k: 'v' });
    got.data = { k: 'v2' };
    const updated = await core.replaceNamespacedConfigMap({ name: 'cm1', namespace: 'crud', body: got });
    assert.equal(updated.data?.k, 'v2');
    assert.ok(Number(updated.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    const list = await core.listNamespacedConfigMap({ namespace: 'crud' });
    assert.deepEqual(
      list.items.map((i) => i.metadata?.name),
      ['cm1'],
    );
    assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
    await core.deleteNamespacedConfigMap({ name: 'cm1', namespace: 'crud' });
    assert.equal(
      (await apiError(core.readNamespacedConfigMap({ name: 'cm1', namespace: 'crud' }))).code,
      404,
    );
  });

  it('generates names from generateName', async () => {
    const a = await core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { generateName: 'gen-' } },
    });
    const b = await core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { generateName: 'gen-' } },
    });
    assert.match(a.metadata?.name ?? '', /^gen-[a-z0-9]{5}$/);
    assert.notEqual(a.metadata?.name, b.metadata?.name);
  });

  it('answers 409 AlreadyExists, 409 Conflict on a stale resourceVersion, 404 for a missing namespace', async () => {
    const body: V1ConfigMap = { metadata: { name: 'cm2' }, data: { a: '1' } };
    const first = await core.createNamespacedConfigMap({ namespace: 'crud', body });
    const dup = await apiError(core.createNamespacedConfigMap({ namespace: 'crud', body }));
    assert.equal(dup.code, 409);
    assert.equal(JSON.parse(dup.body).reason, 'AlreadyExists');
    await core.replaceNamespacedConfigMap({
      name: 'cm2',
      namespace: 'crud',
      body: { ...first, data: { a: '2' } },
    });
    const stale = await apiError(
      core.replaceNamespacedConfigMap({
        name: 'cm2',
        namespace: 'crud',
        body: { ...first, data: { a: '3' } },
      }),
    );
    assert.equal(stale.code, 409);
    const status = JSON.parse(stale.body);
    assert.equal(status.reason, 'Conflict');
    assert.match(status.message, /the object has been modified/);
    const noNs = await apiError(
      core.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } }),
    );
    assert.equal(noNs.code, 404);
    assert.match(JSON.parse(noNs.body).message, /namespaces "nope" not found/);
  });

  it('does not bump resourceVersion for a no-op update', async () => {
    const cm = await core.readNamespacedConfigMap({ name: 'cm2', namespace: 'crud' });
    const again = await core.replaceNamespacedConfigMap({ name: 'cm2', namespace: 'crud', body: cm });
    assert.equal(again.metadata?.resourceVersion, cm.metadata?.resourceVersion);
  });
});

describe('custom resources: defaulting, generation, status subresource', () => {
  const group = 'test.kovn.io';
  const version = 'v1';
  const plural = 'widgets';

  it('defaults on create, drops status on create, starts at generation 1', async () => {
    const created = (await custom.createNamespacedCustomObject({
      group,
      version,
      namespace: 'crud',
      plural,
      body: { ...widget('w1'), status: { phase: 'Ready' } },
    })) as Record<string, never>;
    const obj = created as unknown as {
      spec: { size: number };
      status?: unknown;
      metadata: { generation: number };
    };
    assert.equal(obj.spec.size, 1);
    assert.equal(obj.status, undefined);
    assert.equal(obj.metadata.generation, 1);
  });

  it('bumps generation on spec changes only and keeps status on main-resource updates', async () => {
    const path = '/apis/test.kovn.io/v1/namespaces/crud/widgets/w1';
    const s1 = await t.request('PUT', `${path}/status`, {
      body: { ...widget('w1', { size: 1 }), status: { phase: 'Ready' } },
    });
    assert.equal(s1.status, 200, s1.text);
    assert.equal(s1.body.status.phase, 'Ready');
    assert.equal(s1.body.metadata.generation, 1);
    const labelled = await t.request('PATCH', path, {
      body: { metadata: { labels: { x: 'y' } }, status: { phase: 'Ignored' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(labelled.body.metadata.generation, 1);
    assert.equal(labelled.body.status.phase, 'Ready');
    const resized = await t.request('PATCH', path, {
      body: { spec: { size: 5 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(resized.body.metadata.generation, 2);
    const statusOnly = await t.request('PATCH', `${path}/status`, {
      body: { spec: { size: 99 }, status: { phase: 'Done' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(statusOnly.body.spec.size, 5);
    assert.equal(statusOnly.body.status.phase, 'Done');
    assert.equal(statusOnly.body.metadata.generation, 2);
  });

  it('rejects with Invalid/Forbidden Status objects naming the field', async () => {
    const bad = await t.request('POST', '/apis/test.kovn.io/v1/namespaces/crud/widgets', {
      body: widget('w13', { size: 13 }),
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.kind, 'Status');
    assert.equal(bad.body.reason, 'Invalid');
    assert.equal(
      bad.body.message,
      'Widget.test.kovn.io "w13" is invalid: spec.size: Invalid value: 13: unlucky',
    );
    assert.deepEqual(bad.body.details, {
      name: 'w13',
      group: 'test.kovn.io',
      kind: 'Widget',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 13: unlucky', field: 'spec.size' }],
    });
    const schema = await t.request('POST', '/apis/test.kovn.io/v1/namespaces/crud/widgets', {
      body: widget('wneg', { size: -1, color: 'green' }),
    });
    assert.equal(schema.status, 422);
    assert.match(
      schema.body.message,
      /spec\.size: Invalid value: -1: spec\.size in body should be greater than or equal to 0/,
    );
    assert.match(
      schema.body.message,
      /spec\.color: Unsupported value: "green": supported values: "red", "blue"/,
    );
    await t.request('POST', '/apis/test.kovn.io/v1/namespaces/crud/widgets', { body: widget('blocker') });
    const forbidden = await t.request('POST', '/apis/test.kovn.io/v1/namespaces/crud/widgets', {
      body: widget('wblue', { color: 'blue', size: 13 }),
    });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.reason, 'Forbidden');
    assert.equal(forbidden.body.details.causes.length, 2);
  });

  it('handles unknown fields per fieldValidation: Strict rejects, Warn prunes with a warning', async () => {
    const base = '/apis/test.kovn.io/v1/namespaces/crud/widgets';
    const strict = await t.request('POST', `${base}?fieldValidation=Strict`, {
      body: widget('wu', { size: 2, bogus: true }),
    });
    assert.equal(strict.status, 400);
    assert.match(strict.body.message, /strict decoding error: unknown field "spec.bogus"/);
    const warn = await t.request('POST', base, {
      body: widget('wu', { size: 2, bogus: true, extra: { free: { form: 1 } } }),
    });
    assert.equal(warn.status, 201);
    assert.equal(warn.body.spec.bogus, undefined);
    assert.deepEqual(warn.body.spec.extra, { free: { form: 1 } });
    assert.match(String(warn.headers.warning), /unknown field \\"spec.bogus\\"/);
  });

  it('supports dryRun without persisting', async () => {
    const dry = await t.request('POST', '/apis/test.kovn.io/v1/namespaces/crud/widgets?dryRun=All', {
      body: widget('wdry'),
    });
    assert.equal(dry.status, 201);
    assert.equal((await t.request('GET', '/apis/test.kovn.io/v1/namespaces/crud/widgets/wdry')).status, 404);
  });
});

describe('patch dialects', () => {
  it('applies merge, JSON and strategic patches to a ConfigMap', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'p1' }, data: { a: '1', b: '2' } },
    });
    const merged = await core.patchNamespacedConfigMap(
      { name: 'p1', namespace: 'crud', body: { data: { a: null, c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { b: '2', c: '3' });
    const jsonPatched = await core.patchNamespacedConfigMap(
      { name: 'p1', namespace: 'crud', body: [{ op: 'replace', path: '/data/b', value: 'x' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.equal(jsonPatched.data?.b, 'x');
    const failed = await t.request('PATCH', '/api/v1/namespaces/crud/configmaps/p1', {
      body: [{ op: 'test', path: '/data/b', value: 'nope' }],
      contentType: 'application/json-patch+json',
    });
    assert.equal(failed.status, 422);
  });

  it('merges Pod containers, ports and env by key in a strategic merge patch', async () => {
    await core.createNamespacedPod({
      namespace: 'crud',
      body: {
        metadata: { name: 'pod1', finalizers: ['a/b'] },
        spec: {
          containers: [
            { name: 'app', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
            { name: 'side', image: 'busybox' },
          ],
        },
      },
    });
    const path = '/api/v1/namespaces/crud/pods/pod1';
    const res = await t.request('PATCH', path, {
      contentType: 'application/strategic-merge-patch+json',
      body: {
        metadata: { finalizers: ['c/d'] },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:2',
              ports: [{ containerPort: 443 }],
              env: [{ name: 'B', value: '2' }],
            },
            { name: 'side', $patch: 'delete' },
          ],
        },
      },
    });
    assert.equal(res.status, 200, res.text);
    const containers = res.body.spec.containers;
    assert.equal(containers.length, 1);
    assert.equal(containers[0].image, 'nginx:2');
    assert.deepEqual(
      containers[0].ports.map((p: { containerPort: number }) => p.containerPort),
      [80, 443],
    );
    assert.deepEqual(
      containers[0].env.map((e: { name: string }) => e.name),
      ['A', 'B'],
    );
    assert.deepEqual(res.body.metadata.finalizers, ['a/b', 'c/d']);
    assert.equal(res.body.status.phase, 'Pending');
    await t.request('PATCH', path, {
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
    });
  });

  it('treats a strategic merge patch of a custom resource as a merge patch', async () => {
    const res = await t.request('PATCH', '/apis/test.kovn.io/v1/namespaces/crud/widgets/w1', {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { tags: ['b'] } },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.spec.tags, ['b']);
  });

  it('rejects unknown patch types with 415 and a patch of a missing object with 404', async () => {
    const res = await t.request('PATCH', '/api/v1/namespaces/crud/configmaps/p1', {
      body: {},
      contentType: 'text/plain',
    });
    assert.equal(res.status, 415);
    const missing = await t.request('PATCH', '/api/v1/namespaces/crud/configmaps/none', {
      body: {},
      contentType: 'application/merge-patch+json',
    });
    assert.equal(missing.status, 404);
  });

  it('creates and updates with a (simplified) server-side apply', async () => {
    const path = '/api/v1/namespaces/crud/configmaps/applied?fieldManager=test';
    const created = await t.request('PATCH', path, {
      rawBody: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n',
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(created.status, 201, created.text);
    const updated = await t.request('PATCH', path, {
      rawBody: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  b: "2"\n',
      contentType: 'application/apply-patch+yaml',
    });
    assert.deepEqual(updated.body.data, { a: '1', b: '2' });
  });
});

describe('request hygiene and security', () => {
  it('refuses requests without a valid token with a 401 Status, but serves health anonymously', async () => {
    const anon = await t.request('GET', '/api/v1/namespaces', { token: null });
    assert.equal(anon.status, 401);
    assert.equal(anon.body.kind, 'Status');
    assert.equal(anon.body.reason, 'Unauthorized');
    assert.equal((await t.request('GET', '/api/v1/namespaces', { token: 'wrong' })).status, 401);
    assert.equal((await t.request('GET', '/healthz', { token: null })).text, 'ok');
    assert.equal((await t.request('GET', '/readyz', { token: null })).status, 200);
    assert.equal((await t.request('GET', '/version', { token: null })).body.major, '1');
  });

  it('answers malformed JSON and YAML with 400, oversized bodies with 413, and keeps serving', async () => {
    const bad = await t.request('POST', '/api/v1/namespaces/crud/configmaps', {
      rawBody: '{"metadata": {',
      contentType: 'application/json',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'BadRequest');
    const badYaml = await t.request('POST', '/api/v1/namespaces/crud/configmaps', {
      rawBody: 'metadata: [: x',
      contentType: 'application/yaml',
    });
    assert.equal(badYaml.status, 400);
    const notObject = await t.request('POST', '/api/v1/namespaces/crud/configmaps', {
      rawBody: '[1,2]',
      contentType: 'application/json',
    });
    assert.equal(notObject.status, 400);
    const yaml = await t.request('POST', '/api/v1/namespaces/crud/configmaps', {
      rawBody: 'metadata:\n  name: fromyaml\ndata:\n  x: "1"\n',
      contentType: 'application/yaml',
    });
    assert.equal(yaml.status, 201);
    const big = await t.request('POST', '/api/v1/namespaces/crud/configmaps', {
      body: { metadata: { name: 'big' }, data: { x: 'y'.repeat(4 * 1024 * 1024) } },
    });
    assert.equal(big.status, 413);
    const wrongKind = await t.request('POST', '/api/v1/namespaces/crud/configmaps', {
      body: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'k' } },
    });
    assert.equal(wrongKind.status, 400);
    assert.equal((await t.request('GET', '/api/v1/namespaces/crud/configmaps/fromyaml')).status, 200);
  });

  it('validates names and answers 404 for unknown resources', async () => {
    const bad = await t.request('POST', '/api/v1/namespaces/crud/configmaps', {
      body: { metadata: { name: 'Not_Valid' } },
    });
    assert.equal(bad.status, 422);
    assert.match(
      bad.body.message,
      /metadata\.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/,
    );
    assert.equal((await t.request('GET', '/api/v1/namespaces/crud/widgets')).status, 404);
    assert.equal((await t.request('GET', '/apis/nope.io/v1/things')).status, 404);
  });
});

describe('discovery, OpenAPI and tables', () => {
  it('serves plain discovery documents', async () => {
    const api = await t.request('GET', '/api');
    assert.deepEqual(api.body.versions, ['v1']);
    const groups = await t.request('GET', '/apis');
    const names = groups.body.groups.map((g: { name: string }) => g.name);
    for (const g of [
      'apps',
      'rbac.authorization.k8s.io',
      'coordination.k8s.io',
      'discovery.k8s.io',
      'k8s.cni.cncf.io',
      'test.kovn.io',
    ])
      assert.ok(names.includes(g), g);
    const v1 = await t.request('GET', '/api/v1');
    const pods = v1.body.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.ok(pods.verbs.includes('watch'));
    assert.ok(v1.body.resources.some((r: { name: string }) => r.name === 'pods/status'));
    const widgets = await t.request('GET', '/apis/test.kovn.io/v1');
    assert.deepEqual(widgets.body.resources[0], {
      name: 'widgets',
      singularName: 'widget',
      namespaced: true,
      kind: 'Widget',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['wd'],
    });
  });

  it('serves OpenAPI v3 with group-version-kind extensions and v2 as protobuf', async () => {
    const index = await t.request('GET', '/openapi/v3');
    const url: string = index.body.paths['apis/test.kovn.io/v1'].serverRelativeURL;
    const doc = await t.request('GET', url);
    const schema = doc.body.components.schemas['io.kovn.test.v1.Widget'];
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [
      { group: 'test.kovn.io', kind: 'Widget', version: 'v1' },
    ]);
    assert.deepEqual(schema.properties.spec.properties.color.enum, ['red', 'blue']);
    const patchOp = doc.body.paths['/apis/test.kovn.io/v1/namespaces/{namespace}/widgets/{name}'].patch;
    assert.ok(patchOp.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
    const v2 = await t.request('GET', '/openapi/v2', {
      accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
    });
    assert.equal(v2.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const v2json = await t.request('GET', '/openapi/v2');
    assert.ok(v2json.body.definitions['io.kovn.test.v1.Widget']);
  });

  it('renders tables with printer columns, ages and PartialObjectMetadata rows', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const table = await t.request('GET', '/apis/test.kovn.io/v1/namespaces/crud/widgets', { accept });
    assert.equal(table.body.kind, 'Table');
    assert.deepEqual(
      table.body.columnDefinitions.map((c: { name: string }) => c.name),
      ['Name', 'Size', 'Phase', 'Tags', 'Age'],
    );
    const row = table.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'w1');
    assert.deepEqual(row.cells.slice(0, 4), ['w1', 5, 'Done', '["b"]']);
    assert.match(row.cells[4], /^\d+s$/);
    assert.equal(row.object.kind, 'PartialObjectMetadata');
    const pods = await t.request('GET', '/api/v1/namespaces/crud/pods/pod1', {
      accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
    });
    assert.equal(pods.body.apiVersion, 'meta.k8s.io/v1beta1');
    assert.deepEqual(pods.body.rows[0].cells.slice(0, 4), ['pod1', '0/1', 'Pending', 0]);
    const none = await t.request('GET', '/api/v1/namespaces?includeObject=None', { accept });
    assert.equal(none.body.rows[0].object, undefined);
    const onlyProto = await t.request('GET', '/api/v1/namespaces', {
      accept: 'application/vnd.kubernetes.protobuf',
    });
    assert.equal(onlyProto.status, 406);
  });
});
