// The served kubeovn.io kinds from the API package's registry (Vpc, Subnet, ...) and the registry's admission for
// core kinds (ConfigMap), through the API: defaults, schema and cross-object rules surface as Status objects with
// field paths.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubeovnResourceTypes } from '../../../src/api/registry.ts';
import { startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;

const vpc = (name: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Vpc',
  metadata: { name },
  spec,
});
const subnet = (name: string, vpcName: string, cidrBlock: string): Record<string, unknown> => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: { vpc: vpcName, cidrBlock, protocol: 'IPv4' },
});
const causes = (body: { details?: { causes?: Array<{ field: string }> } }): string[] =>
  (body.details?.causes ?? []).map((c) => c.field);

describe('kubeovn.io kinds', () => {
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('serves every registry kind in discovery with its short names', async () => {
    const list = await t.request('GET', '/apis/kubeovn.io/v1');
    const resources = list.body.resources as Array<{ name: string; kind: string; shortNames?: string[] }>;
    const served = new Map(
      resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, r.shortNames ?? []]),
    );
    for (const type of kubeovnResourceTypes)
      assert.deepEqual(served.get(type.kind), [...type.shortNames], type.kind);
  });

  it('lets two VPCs use the same CIDR but rejects an overlap inside one VPC', async () => {
    for (const name of ['vpc-a', 'vpc-b'])
      assert.equal((await t.request('POST', '/apis/kubeovn.io/v1/vpcs', { body: vpc(name) })).status, 201);
    assert.equal(
      (await t.request('POST', '/apis/kubeovn.io/v1/subnets', { body: subnet('a1', 'vpc-a', '10.0.1.0/24') }))
        .status,
      201,
    );
    assert.equal(
      (await t.request('POST', '/apis/kubeovn.io/v1/subnets', { body: subnet('b1', 'vpc-b', '10.0.1.0/24') }))
        .status,
      201,
    );
    const overlap = await t.request('POST', '/apis/kubeovn.io/v1/subnets', {
      body: subnet('a2', 'vpc-a', '10.0.1.128/25'),
    });
    assert.ok([409, 422].includes(overlap.status), overlap.text);
    assert.equal(overlap.body.kind, 'Status');
    assert.ok(causes(overlap.body).includes('spec.cidrBlock'), overlap.text);
    assert.match(
      overlap.body.message,
      /^(Operation cannot be fulfilled on Subnet\.kubeovn\.io "a2"|Subnet\.kubeovn\.io "a2" is invalid)/,
    );
  });

  it('rejects invalid fields with their paths', async () => {
    const bad = await t.request('POST', '/apis/kubeovn.io/v1/vpcs', {
      body: vpc('bad', { staticRoutes: [{ cidr: 'nope', nextHopIP: '10.0.1.1' }] }),
    });
    assert.equal(bad.status, 422);
    assert.ok(causes(bad.body).includes('spec.staticRoutes[0].cidr'), bad.text);
    const strict = await t.request('POST', '/apis/kubeovn.io/v1/vpcs?fieldValidation=Strict', {
      body: vpc('typo', { staticRoute: [] }),
    });
    assert.equal(strict.status, 400);
    assert.match(strict.body.message, /unknown field "spec.staticRoute"/);
  });

  it('runs DELETE admission: a VPC with subnets stays', async () => {
    const refused = await t.request('DELETE', '/apis/kubeovn.io/v1/vpcs/vpc-a');
    assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
    assert.equal((await t.request('GET', '/apis/kubeovn.io/v1/vpcs/vpc-a')).status, 200);
    assert.equal((await t.request('DELETE', '/apis/kubeovn.io/v1/subnets/a1')).status, 200);
    assert.equal((await t.request('DELETE', '/apis/kubeovn.io/v1/vpcs/vpc-a')).status, 200);
  });

  it('prints the registry printer columns, Name first', async () => {
    const table = await t.request('GET', '/apis/kubeovn.io/v1/subnets', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const type = kubeovnResourceTypes.find((k) => k.kind === 'Subnet');
    const columns = table.body.columnDefinitions as Array<{ name: string }>;
    assert.deepEqual(
      columns.map((c) => c.name),
      ['Name', ...(type?.printerColumns.map((c) => c.name) ?? [])],
    );
    assert.equal(table.body.rows[0].cells[0], 'b1');
  });

  it('applies the registry admission to core kinds (kovn ConfigMaps)', async () => {
    // (A bad coredns-vip became a warning, ADR 2; an API server address no DNS pod could use is still refused.)
    const cm = {
      metadata: { name: 'vpc-dns-config' },
      data: { 'coredns-vip': '10.96.0.3', 'k8s-service-host': 'not-an-ip' },
    };
    const rejected = await t.request('POST', '/api/v1/namespaces/kube-system/configmaps', { body: cm });
    assert.equal(rejected.status, 422, rejected.text);
    assert.ok(causes(rejected.body).includes('data.k8s-service-host'), rejected.text);
    assert.equal(
      (await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm })).status,
      201,
    );
  });
});
