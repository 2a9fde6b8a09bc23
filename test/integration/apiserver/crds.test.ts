// The CustomResourceDefinitions the server serves, through its API: one per custom kind (kubeovn.io, the NAD,
// the test Widget), discovery (read verbs only), get/list/watch and the table, every write refused with 403, and the
// start-time sync (kept across restarts, updated when a kind's names change, deleted when a kind is no longer served).
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

  it('are listed in discovery with the read verbs, crd and crds', async () => {
    const groups = (await t.request('GET', '/apis')).body as { groups: Array<{ name: string }> };
    assert.ok(groups.groups.some((g) => g.name === 'apiextensions.k8s.io'));
    const list = await t.request('GET', '/apis/apiextensions.k8s.io/v1');
    assert.deepEqual((list.body as { resources: unknown }).resources, [
      {
        name: 'customresourcedefinitions',
        singularName: 'customresourcedefinition',
        namespaced: false,
        kind: 'CustomResourceDefinition',
        verbs: ['get', 'list', 'watch'],
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
  const refusals: Array<[string, string, string, Record<string, unknown> | undefined, string]> = [
    ['create', 'POST', crds, { ...vpcCrd(), metadata: { name: 'foos.example.com' } }, ''],
    ['create (dry run)', 'POST', `${crds}?dryRun=All`, vpcCrd(), ''],
    ['update', 'PUT', `${crds}/vpcs.kubeovn.io`, vpcCrd(), '"vpcs.kubeovn.io" '],
    ['patch', 'PATCH', `${crds}/vpcs.kubeovn.io`, { metadata: { labels: { a: 'b' } } }, '"vpcs.kubeovn.io" '],
    ['delete', 'DELETE', `${crds}/vpcs.kubeovn.io`, undefined, '"vpcs.kubeovn.io" '],
    ['deletecollection', 'DELETE', crds, undefined, ''],
  ];
  for (const [verb, method, path, body, name] of refusals) {
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
        `customresourcedefinitions.apiextensions.k8s.io ${name}is forbidden: cannot ${refused} resource "customresourcedefinitions" in API group "apiextensions.k8s.io": this server's CustomResourceDefinitions are read-only: they describe the kinds it serves and are generated from kovn's schemas (as deploy/crds is)`,
      );
      assert.deepEqual((await listCrds()).items, before.items);
    });
  }

  it('keeps each CRD across a restart, follows a kind whose names change, drops one no longer served', async () => {
    const vpcs = await getCrd('vpcs.kubeovn.io');
    const widgets = await getCrd('widgets.test.kovn.io');
    await t.restart();
    assert.deepEqual(await getCrd('vpcs.kubeovn.io'), vpcs);
    assert.deepEqual(await getCrd('widgets.test.kovn.io'), widgets);
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
    await t.restart({ extraResources: [] });
    assert.equal((await t.request('GET', `${crds}/widgets.test.kovn.io`)).status, 404);
    assert.deepEqual(await getCrd('vpcs.kubeovn.io'), vpcs);
  });
});
