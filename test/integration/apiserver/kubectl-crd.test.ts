// The served CustomResourceDefinitions with the real kubectl: `get crd` (NAME, CREATED AT), `get crd -o yaml` with
// the spec deploy/crds holds and the established status, `wait --for condition=established`, short names in
// api-resources, `apply -f deploy/crds/` (twice, and as a dry run) and `label` stored, and the writes refused with a
// Forbidden that names the object and says why (a changed spec naming the field, a create, a delete).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { startTestServer, type TestServer } from './helpers.ts';
import { header, kubectlAvailable, kubectlBin, kubectlFor, ok } from './kubectl-cli.ts';

let t: TestServer;
const kubectl = kubectlFor(() => t);
const readOnly = /this server's CustomResourceDefinitions are read-only/;

describe(
  'kubectl and CustomResourceDefinitions',
  { skip: kubectlAvailable ? false : `${kubectlBin} not found` },
  () => {
    before(async () => {
      t = await startTestServer();
    });
    after(async () => {
      await t.close();
    });

    it('lists the CRDs with the columns NAME and CREATED AT', async () => {
      const out = ok(await kubectl('get', 'crd'));
      assert.deepEqual(header(out), ['NAME', 'CREATED AT']);
      const rows = out.trim().split('\n').slice(1);
      const names = rows.map((row) => row.split(/\s+/)[0]);
      for (const name of ['vpcs.kubeovn.io', 'subnets.kubeovn.io', 'ips.kubeovn.io', 'widgets.test.kovn.io'])
        assert.ok(names.includes(name), `${name} in ${out}`);
      assert.ok(names.includes('network-attachment-definitions.k8s.cni.cncf.io'), out);
      for (const row of rows) assert.match(row, /\s\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(
        ok(await kubectl('api-resources', '--api-group=apiextensions.k8s.io')),
        /customresourcedefinitions +crd,crds +apiextensions\.k8s\.io\/v1 +false +CustomResourceDefinition/,
      );
    });

    it('prints a CRD as YAML: the spec of deploy/crds and an established status', async () => {
      const crd = parse(ok(await kubectl('get', 'crd', 'vpcs.kubeovn.io', '-o', 'yaml'))) as {
        metadata: { name: string; uid: string };
        spec: Record<string, unknown>;
        status: {
          conditions: Array<Record<string, string>>;
          acceptedNames: unknown;
          storedVersions: string[];
        };
      };
      const committed = parse(readFileSync('deploy/crds/vpcs.kubeovn.io.yaml', 'utf8')) as {
        spec: Record<string, unknown>;
      };
      assert.equal(crd.metadata.name, 'vpcs.kubeovn.io');
      assert.ok(crd.metadata.uid);
      assert.deepEqual(crd.spec, { ...committed.spec, conversion: { strategy: 'None' } });
      assert.deepEqual(crd.status.acceptedNames, committed.spec['names']);
      assert.deepEqual(crd.status.storedVersions, ['v1']);
      assert.deepEqual(
        crd.status.conditions.map(({ type, status, reason, message }) => [type, status, reason, message]),
        [
          ['NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'],
          ['Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'],
        ],
      );
    });

    it('waits for condition=established', async () => {
      const out = ok(
        await kubectl('wait', '--for', 'condition=established', 'crd/subnets.kubeovn.io', '--timeout=10s'),
      );
      assert.match(
        out,
        /customresourcedefinition\.apiextensions\.k8s\.io\/subnets\.kubeovn\.io condition met/,
      );
    });

    it('applies deploy/crds: configured, then unchanged, and as a server dry run', async () => {
      const first = ok(await kubectl('apply', '-f', 'deploy/crds/'));
      assert.match(
        first,
        /^customresourcedefinition\.apiextensions\.k8s\.io\/vpcs\.kubeovn\.io configured$/m,
      );
      const second = ok(await kubectl('apply', '-f', 'deploy/crds/'));
      const lines = second.trim().split('\n');
      assert.ok(lines.length >= 10, second);
      for (const line of lines)
        assert.match(line, /^customresourcedefinition\.apiextensions\.k8s\.io\/\S+ unchanged$/);
      const dry = ok(await kubectl('apply', '--dry-run=server', '-f', 'deploy/crds/'));
      for (const line of dry.trim().split('\n')) assert.match(line, / unchanged \(server dry run\)$/);
      const annotations = ok(
        await kubectl('get', 'crd', 'subnets.kubeovn.io', '-o', 'jsonpath={.metadata.annotations}'),
      );
      assert.match(annotations, /kubectl\.kubernetes\.io\/last-applied-configuration/);
      assert.match(
        ok(
          await kubectl(
            'apply',
            '--server-side',
            '--dry-run=server',
            '-f',
            'deploy/crds/vpcs.kubeovn.io.yaml',
          ),
        ),
        /vpcs\.kubeovn\.io serverside-applied \(server dry run\)/,
      );
      ok(await kubectl('label', 'crd', 'vpcs.kubeovn.io', 'a=b'));
      assert.match(ok(await kubectl('get', 'crd', '-l', 'a=b')), /^vpcs\.kubeovn\.io /m);
    });

    it('refuses to change the spec of a CRD, naming the field, in a real write and in a dry run', async () => {
      const file = join(t.dir, 'vpcs-changed.yaml');
      const committed = readFileSync('deploy/crds/vpcs.kubeovn.io.yaml', 'utf8');
      writeFileSync(file, committed.replace('scope: Cluster', 'scope: Namespaced'));
      for (const dry of [[], ['--dry-run=server']]) {
        const changed = await kubectl('apply', ...dry, '-f', file);
        assert.notEqual(changed.code, 0);
        assert.match(
          changed.stderr,
          /customresourcedefinitions\.apiextensions\.k8s\.io "vpcs\.kubeovn\.io" is forbidden: cannot patch resource "customresourcedefinitions" in API group "apiextensions\.k8s\.io": this server's CustomResourceDefinitions are read-only: .*; only their metadata may change, and this request changes spec\.scope/,
        );
      }
      assert.match(
        ok(await kubectl('get', 'crd', 'vpcs.kubeovn.io', '-o', 'jsonpath={.spec.scope}')),
        /^Cluster$/,
      );
    });

    it('refuses to create or delete a CRD, naming the object and the reason', async () => {
      const file = join(t.dir, 'foo-crd.yaml');
      writeFileSync(
        file,
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\nspec:\n  group: example.com\n  names: {kind: Foo, plural: foos}\n  scope: Namespaced\n  versions:\n    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n',
      );
      const created = await kubectl('apply', '-f', file);
      assert.notEqual(created.code, 0);
      assert.match(
        created.stderr,
        /Error from server \(Forbidden\): error when creating ".*foo-crd\.yaml": customresourcedefinitions\.apiextensions\.k8s\.io is forbidden: cannot create resource "customresourcedefinitions" in API group "apiextensions\.k8s\.io"/,
      );
      assert.match(created.stderr, readOnly);
      const deleted = await kubectl('delete', 'crd', 'vpcs.kubeovn.io');
      assert.notEqual(deleted.code, 0);
      assert.match(
        deleted.stderr,
        /Error from server \(Forbidden\): customresourcedefinitions\.apiextensions\.k8s\.io "vpcs\.kubeovn\.io" is forbidden: cannot delete resource/,
      );
      const dryDeleted = await kubectl('delete', '--dry-run=server', 'crd', 'vpcs.kubeovn.io');
      assert.notEqual(dryDeleted.code, 0);
      assert.match(dryDeleted.stderr, /"vpcs\.kubeovn\.io" is forbidden: cannot delete resource/);
      const exists = await kubectl('create', '-f', 'deploy/crds/vpcs.kubeovn.io.yaml');
      assert.match(exists.stderr, /\(AlreadyExists\).*"vpcs\.kubeovn\.io" already exists/);
      assert.match(ok(await kubectl('get', 'crd', 'vpcs.kubeovn.io')), /^vpcs\.kubeovn\.io /m);
      assert.equal((await kubectl('get', 'crd', 'foos.example.com')).code, 1);
    });
  },
);
