// Server-side dry run (`dryRun=All`) through the HTTP API, as kube-apiserver runs it: create, update, every patch
// type (server-side apply too), the status subresource and delete go through decoding, defaulting, admission,
// conflicts and finalizers, and answer what would be stored; nothing is stored, no revision is used, no watcher
// hears of it, no garbage is collected. Any other value is refused as apimachinery's ValidateDryRun refuses it (422).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, widget, type TestServer } from './helpers.ts';

let t: TestServer;
const widgets = '/apis/test.kovn.io/v1/namespaces/dry/widgets';
const configMaps = '/api/v1/namespaces/dry/configmaps';

const revision = async (): Promise<string> =>
  ((await t.request('GET', configMaps)).body as { metadata: { resourceVersion: string } }).metadata
    .resourceVersion;

describe('server-side dry run', () => {
  before(async () => {
    t = await startTestServer();
    await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'dry' } } });
    assert.equal((await t.request('POST', widgets, { body: widget('w1', { size: 2 }) })).status, 201);
    const owner = await t.request('POST', configMaps, { body: { metadata: { name: 'owner' } } });
    const uid = (owner.body as { metadata: { uid: string } }).metadata.uid;
    const dependent = {
      metadata: {
        name: 'dependent',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }],
      },
    };
    assert.equal((await t.request('POST', configMaps, { body: dependent })).status, 201);
  });
  after(async () => {
    await t.close();
  });

  const writes: Array<[string, string, string, unknown, string | undefined, number]> = [
    ['create', 'POST', widgets, widget('w2'), undefined, 201],
    ['create with generateName', 'POST', widgets, { metadata: { generateName: 'gen-' } }, undefined, 201],
    ['update', 'PUT', `${widgets}/w1`, widget('w1', { size: 5 }), undefined, 200],
    ['merge patch', 'PATCH', `${widgets}/w1`, { spec: { size: 5 } }, 'application/merge-patch+json', 200],
    [
      'JSON patch',
      'PATCH',
      `${widgets}/w1`,
      [{ op: 'replace', path: '/spec/size', value: 5 }],
      'application/json-patch+json',
      200,
    ],
    [
      'strategic merge patch',
      'PATCH',
      `${configMaps}/owner`,
      { data: { a: '1' } },
      'application/strategic-merge-patch+json',
      200,
    ],
    [
      'server-side apply of a new object',
      'PATCH',
      `${widgets}/w3?fieldManager=test`,
      { apiVersion: 'test.kovn.io/v1', kind: 'Widget', metadata: { name: 'w3' }, spec: { size: 3 } },
      'application/apply-patch+yaml',
      201,
    ],
    [
      'server-side apply of a stored object',
      'PATCH',
      `${widgets}/w1?fieldManager=test`,
      { apiVersion: 'test.kovn.io/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 5 } },
      'application/apply-patch+yaml',
      200,
    ],
    [
      'status update',
      'PUT',
      `${widgets}/w1/status`,
      { ...widget('w1'), status: { phase: 'Up' } },
      undefined,
      200,
    ],
    [
      'status patch',
      'PATCH',
      `${widgets}/w1/status`,
      { status: { phase: 'Up' } },
      'application/merge-patch+json',
      200,
    ],
  ];
  for (const [what, method, path, body, contentType, code] of writes) {
    it(`${what}: answers what would be stored and stores nothing, no revision, no watch event`, async () => {
      const collection = path.startsWith(configMaps) ? configMaps : widgets;
      const seed = `${collection}/${collection === widgets ? 'w1' : 'owner'}`;
      const rv = await revision();
      const watch = await t.watch(`${collection}?watch=true&resourceVersion=${rv}`);
      const stored = await t.request('GET', seed);
      const sep = path.includes('?') ? '&' : '?';
      const dry = await t.request(method, `${path}${sep}dryRun=All`, {
        body,
        ...(contentType ? { contentType } : {}),
      });
      assert.equal(dry.status, code, JSON.stringify(dry.body));
      const answer = dry.body as { metadata: { name: string; uid?: string }; spec?: { size?: number } };
      if (collection === widgets && !path.includes('/status')) {
        assert.equal(
          answer.spec?.size,
          method === 'POST' ? 1 : path.includes('w3') ? 3 : 5,
          'defaulted and patched',
        );
      }
      if (what.includes('status'))
        assert.deepEqual((dry.body as { status: unknown }).status, { phase: 'Up' });
      if (code === 201) assert.ok(answer.metadata.uid, 'a create answers with a uid');
      if (what.includes('generateName')) assert.match(answer.metadata.name, /^gen-[a-z0-9]{5}$/);
      if (collection === configMaps) assert.deepEqual((dry.body as { data: unknown }).data, { a: '1' });
      const named = `${collection}/${answer.metadata.name}`;
      assert.equal((await t.request('GET', named)).status, code === 201 ? 404 : 200);
      assert.deepEqual((await t.request('GET', seed)).body, stored.body);
      assert.equal(await revision(), rv, 'no revision used');
      await assert.rejects(watch.next(200), /no watch event/);
      watch.close();
    });
  }

  it('refuses in a dry run what a real write refuses: the same 422, 409 and 404', async () => {
    for (const query of ['?dryRun=All', '']) {
      const invalid = await t.request('POST', `${widgets}${query}`, { body: widget('bad', { size: 13 }) });
      assert.equal(invalid.status, 422);
      assert.match((invalid.body as { message: string }).message, /spec\.size: Invalid value: 13: unlucky/);
      const exists = await t.request('POST', `${widgets}${query}`, { body: widget('w1') });
      assert.equal(exists.status, 409);
      const stale = await t.request('PUT', `${widgets}/w1${query}`, {
        body: { ...widget('w1'), metadata: { name: 'w1', resourceVersion: '1' } },
      });
      assert.equal(stale.status, 409);
      assert.match((stale.body as { message: string }).message, /the object has been modified/);
      const missing = await t.request('PATCH', `${widgets}/nope${query}`, {
        body: { spec: {} },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(missing.status, 404);
    }
  });

  it('deletes nothing in a dry run (query or DeleteOptions body) and collects no dependents', async () => {
    const rv = await revision();
    const byQuery = await t.request('DELETE', `${configMaps}/owner?dryRun=All`);
    assert.equal(byQuery.status, 200);
    const byBody = await t.request('DELETE', `${configMaps}/owner`, {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'], propagationPolicy: 'Foreground' },
    });
    assert.equal(byBody.status, 200);
    assert.ok((byBody.body as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp);
    const collection = await t.request('DELETE', `${configMaps}?dryRun=All`);
    assert.equal(collection.status, 200);
    assert.equal((await t.request('GET', `${configMaps}/owner`)).status, 200);
    assert.equal((await t.request('GET', `${configMaps}/dependent`)).status, 200);
    assert.equal(await revision(), rv);
  });

  const options: Array<[string, string, string, string]> = [
    ['POST', widgets, 'CreateOptions', ''],
    ['PUT', `${widgets}/w1`, 'UpdateOptions', ''],
    ['PATCH', `${widgets}/w1`, 'PatchOptions', 'application/merge-patch+json'],
    ['DELETE', `${widgets}/w1`, 'DeleteOptions', ''],
  ];
  for (const [method, path, kind, contentType] of options) {
    it(`refuses another dryRun value on ${method} as kube-apiserver does (422 on ${kind})`, async () => {
      const refused = await t.request(method, `${path}?dryRun=All&dryRun=Some`, {
        ...(method === 'DELETE' ? {} : { body: method === 'PATCH' ? { spec: {} } : widget('w1') }),
        ...(contentType ? { contentType } : {}),
      });
      assert.equal(refused.status, 422);
      const status = refused.body as { reason: string; message: string; details: unknown };
      assert.equal(status.reason, 'Invalid');
      assert.equal(
        status.message,
        `${kind}.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["All","Some"]: supported values: "All"`,
      );
      assert.deepEqual(status.details, {
        name: '',
        group: 'meta.k8s.io',
        kind,
        causes: [
          {
            reason: 'FieldValueNotSupported',
            message: 'Unsupported value: ["All","Some"]: supported values: "All"',
            field: 'dryRun',
          },
        ],
      });
    });
  }

  it('reads dryRun from a DeleteOptions body, refusing what is not a list of strings', async () => {
    const notList = await t.request('DELETE', `${widgets}/w1`, { body: { dryRun: 'All' } });
    assert.equal(notList.status, 400);
    assert.equal(
      (notList.body as { message: string }).message,
      'json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string',
    );
    const other = await t.request('DELETE', `${widgets}/w1`, { body: { dryRun: ['Nope'] } });
    assert.equal(other.status, 422);
    assert.equal((await t.request('GET', `${widgets}/w1`)).status, 200);
  });
});
