// The CustomResourceDefinitions the server serves, through its API: one per custom kind (kubeovn.io, the NAD,
// the test Widget), discovery (no create or delete), get/list/watch and the table, metadata writes stored (dry runs
// not), spec changes, creates and deletes refused with 403, and the start-time sync (kept across restarts with the
// users' metadata, updated when a kind's names change, deleted when a kind is no longer served).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crdFor } from '../../../src/api/crd.ts';
import { kubeovnResourceTypes } from '../../../src/api/registry.ts';
import { nadType } from '../../../src/apiserver/resources/nad.ts';
import { SystemClock } from '../../../src/util/clock.ts';
import { startTestServer, widgetType, widgetAdmission, type TestServer } from './helpers.ts';

const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
let t: TestServer;

interface Crd {
  metadata: { name: string; uid: string; creationTimestamp: string; generation: number };
  spec: { names: { kind: string; shortNames?: string[] } } & Record<string, unknown>;
  status: {
    acceptedNames: { shortNames?: string[] };
    conditions: Array<{ type: string; status: string; lastTransitionTime: string }>;
  };
}

/** The wall clock an hour on: a restart at it shows which times the sync keeps. */
class AnHourLater extends SystemClock {
  override now(): number {
    return super.now() + 3_600_000;
  }
}

const getCrd = async (name: string): Promise<Crd> => (await t.request('GET', `${crds}/${name}`)).body as Crd;
const listCrds = async (): Promise<{ items: Crd[]; metadata: { resourceVersion: string } }> =>
  (await t.request('GET', crds)).body as { items: Crd[]; metadata: { resourceVersion: string } };

describe('CustomResourceDefinitions', () => {
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('are listed in discovery with the verbs that leave them served (no create or delete), crd and crds', async () => {
    const groups = (await t.request('GET', '/apis')).body as { groups: Array<{ name: string }> };
    assert.ok(groups.groups.some((g) => g.name === 'apiextensions.k8s.io'));
    const list = await t.request('GET', '/apis/apiextensions.k8s.io/v1');
    assert.deepEqual((list.body as { resources: unknown }).resources, [
      {
        name: 'customresourcedefinitions',
        singularName: 'customresourcedefinition',
        namespaced: false,
        kind: 'CustomResourceDefinition',
        verbs: ['get', 'list', 'patch', 'update', 'watch'],
        shortNames: ['crd', 'crds'],
        categories: ['api-extensions'],
      },
    ]);
  });

  it('lists one CRD per custom kind, each rendered from its schema', async () => {
    const list = await listCrds();
    const types = [...kubeovnResourceTypes, nadType, widgetType];
    assert.deepEqual(
      list.items.map((c) => c.metadata.name),
      types.map((type) => `${type.plural}.${type.group}`).sort(),
    );
    for (const type of types) {
      const crd = list.items.find((c) => c.spec.names.kind === type.kind);
      assert.ok(crd, type.kind);
      const { spec } = crdFor(type) as { spec: Record<string, unknown> };
      assert.deepEqual(crd.spec, { ...spec, conversion: { strategy: 'None' } }, type.kind);
      assert.deepEqual(crd.status.acceptedNames, spec['names'], type.kind);
      assert.deepEqual(
        crd.status.conditions.map((c) => `${c.type}=${c.status}`),
        ['NamesAccepted=True', 'Established=True'],
      );
      // Established when the server wrote it at start: the second of its creation, or the one before.
      const lag =
        Date.parse(crd.metadata.creationTimestamp) -
        Date.parse(crd.status.conditions[1]?.lastTransitionTime ?? '');
      assert.ok(lag === 0 || lag === 1000, `${type.kind}: established ${lag} ms before its creation`);
    }
  });

  it('gets one by name, as a Table with NAME and CREATED AT, and 404 for an unknown one', async () => {
    const vpcs = (await t.request('GET', `${crds}/vpcs.kubeovn.io`)).body as Crd & Record<string, unknown>;
    assert.equal(vpcs['kind'], 'CustomResourceDefinition');
    assert.equal(vpcs['apiVersion'], 'apiextensions.k8s.io/v1');
    const table = (
      await t.request('GET', `${crds}/vpcs.kubeovn.io`, {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      })
    ).body as { columnDefinitions: Array<{ name: string; type: string }>; rows: Array<{ cells: unknown[] }> };
    assert.deepEqual(
      table.columnDefinitions.map((c) => `${c.name}:${c.type}`),
      ['Name:string', 'Created At:date'],
    );
    assert.deepEqual(table.rows[0]?.cells, ['vpcs.kubeovn.io', vpcs.metadata.creationTimestamp]);
    const missing = await t.request('GET', `${crds}/foos.example.com`);
    assert.equal(missing.status, 404);
    assert.equal(
      (missing.body as { message: string }).message,
      'customresourcedefinitions.apiextensions.k8s.io "foos.example.com" not found',
    );
  });

  it('watches: the initial ADDED events, then an open stream with nothing to say', async () => {
    const initial = await t.watch(`${crds}?watch=true&fieldSelector=metadata.name%3Dsubnets.kubeovn.io`);
    assert.equal(initial.status, 200);
    const added = await initial.next();
    assert.equal(added.type, 'ADDED');
    assert.equal(added.object.metadata.name, 'subnets.kubeovn.io');
    initial.close();
    const rv = (await listCrds()).metadata.resourceVersion;
    const quiet = await t.watch(`${crds}?watch=true&resourceVersion=${rv}`);
    assert.equal(quiet.status, 200);
    let ended = false;
    void quiet.ended.then(() => (ended = true));
    await assert.rejects(quiet.next(300), /no watch event/);
    assert.equal(ended, false, 'the watch stays open');
    quiet.close();
  });

  const vpcCrd = (): Record<string, unknown> => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'vpcs.kubeovn.io', labels: { a: 'b' } },
    spec: {},
  });
  const changesSpec = '; only their metadata may change, and this request changes spec.group';
  const refusals: Array<
    [string, string, string, Record<string, unknown> | unknown[] | undefined, string, string]
  > = [
    ['create', 'POST', crds, { ...vpcCrd(), metadata: { name: 'foos.example.com' } }, '', ''],
    ['create (dry run)', 'POST', `${crds}?dryRun=All`, vpcCrd(), '', changesSpec],
    ['update', 'PUT', `${crds}/vpcs.kubeovn.io`, vpcCrd(), '"vpcs.kubeovn.io" ', changesSpec],
    [
      'patch',
      'PATCH',
      `${crds}/vpcs.kubeovn.io`,
      { spec: { names: { shortNames: ['v'] } } },
      '"vpcs.kubeovn.io" ',
      '; only their metadata may change, and this request changes spec.names.shortNames[0]',
    ],
    [
      'patch (dry run, owner references)',
      'PATCH',
      `${crds}/vpcs.kubeovn.io?dryRun=All`,
      { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Namespace', name: 'default', uid: 'u' }] } },
      '"vpcs.kubeovn.io" ',
      '; they cannot be deleted, so they take no metadata.ownerReferences',
    ],
    ['delete', 'DELETE', `${crds}/vpcs.kubeovn.io`, undefined, '"vpcs.kubeovn.io" ', ''],
    ['delete (dry run)', 'DELETE', `${crds}/vpcs.kubeovn.io?dryRun=All`, undefined, '"vpcs.kubeovn.io" ', ''],
    ['deletecollection', 'DELETE', crds, undefined, '', ''],
  ];
  for (const [verb, method, path, body, name, why] of refusals) {
    it(`refuses ${verb} with 403 Forbidden and leaves the CRDs as they were`, async () => {
      const before = await listCrds();
      const response = await t.request(method, path, {
        ...(body ? { body } : {}),
        ...(method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {}),
      });
      const status = response.body as { reason: string; message: string };
      assert.equal(response.status, 403);
      assert.equal(status.reason, 'Forbidden');
      const refused = verb.split(' ')[0] ?? verb;
      assert.equal(
        status.message,
        `customresourcedefinitions.apiextensions.k8s.io ${name}is forbidden: cannot ${refused} resource "customresourcedefinitions" in API group "apiextensions.k8s.io": this server's CustomResourceDefinitions are read-only: they describe the kinds it serves and are generated from kovn's schemas (as deploy/crds is)${why}`,
      );
      assert.deepEqual((await listCrds()).items, before.items);
    });
  }

  it('stores a write that changes only metadata, keeps the status, and stores nothing in a dry run', async () => {
    const path = `${crds}/ips.kubeovn.io`;
    const before = await getCrd('ips.kubeovn.io');
    const merge = { contentType: 'application/merge-patch+json' };
    const dry = await t.request('PATCH', `${path}?dryRun=All`, {
      ...merge,
      body: { metadata: { labels: { dry: 'run' } }, status: { storedVersions: ['v9'] } },
    });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual((dry.body as Crd & { metadata: { labels: unknown } }).metadata.labels, { dry: 'run' });
    assert.deepEqual(await getCrd('ips.kubeovn.io'), before);
    const patched = await t.request('PATCH', path, {
      ...merge,
      body: {
        metadata: { labels: { team: 'net' }, annotations: { note: 'kept' } },
        status: { storedVersions: ['v9'] },
      },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const after = (await getCrd('ips.kubeovn.io')) as Crd & { metadata: Record<string, unknown> };
    assert.deepEqual(after.metadata['labels'], { team: 'net' });
    assert.deepEqual(after.metadata['annotations'], { note: 'kept' });
    assert.deepEqual(after.status, before.status);
    assert.deepEqual(after.spec, before.spec);
    assert.equal(after.metadata.generation, before.metadata.generation);
    // A PUT of the CRD as deploy/crds holds it (no conversion: defaulted as kube-apiserver defaults it).
    const { spec } = crdFor(kubeovnResourceTypes.find((k) => k.kind === 'IP') ?? widgetType) as {
      spec: unknown;
    };
    const put = await t.request('PUT', path, {
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: after.metadata,
        spec,
      },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(await getCrd('ips.kubeovn.io'), after);
  });

  it('keeps each CRD across a restart, follows a kind whose names change, drops one no longer served', async () => {
    const vpcs = await getCrd('vpcs.kubeovn.io');
    const ips = await getCrd('ips.kubeovn.io');
    const widgets = await getCrd('widgets.test.kovn.io');
    await t.restart();
    assert.deepEqual(await getCrd('vpcs.kubeovn.io'), vpcs);
    assert.deepEqual(await getCrd('ips.kubeovn.io'), ips, 'the metadata written through the API is kept');
    assert.deepEqual(await getCrd('widgets.test.kovn.io'), widgets);
    await t.request('PATCH', `${crds}/widgets.test.kovn.io`, {
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { mine: 'yes' } } },
    });
    const renamed = { ...widgetType, shortNames: ['wd', 'wdg'] };
    await t.restart({
      extraResources: [{ type: renamed, admission: widgetAdmission }],
      clock: new AnHourLater(),
    });
    const changed = await getCrd('widgets.test.kovn.io');
    assert.equal(changed.metadata.uid, widgets.metadata.uid);
    assert.equal(changed.metadata.creationTimestamp, widgets.metadata.creationTimestamp);
    assert.equal(changed.metadata.generation, 2);
    assert.deepEqual(changed.spec.names.shortNames, ['wd', 'wdg']);
    assert.deepEqual(changed.status.acceptedNames.shortNames, ['wd', 'wdg']);
    assert.deepEqual(changed.status.conditions, widgets.status.conditions);
    assert.deepEqual((changed.metadata as { labels?: unknown }).labels, { mine: 'yes' });
    await t.restart({ extraResources: [] });
    assert.equal((await t.request('GET', `${crds}/widgets.test.kovn.io`)).status, 404);
    assert.deepEqual(await getCrd('vpcs.kubeovn.io'), vpcs);
  });
});
