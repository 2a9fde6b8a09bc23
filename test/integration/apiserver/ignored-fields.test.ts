// A field kovn accepts but ignores (src/api/ignored-fields.ts) is never silent: the embedded API server answers
// a create, an update (PUT) and a patch that set it with a Warning header naming the field, real kubectl prints it
// as `Warning: ...` on apply (created and configured), and `kovn validate` prints the same line offline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.ts';
import { kubectlAvailable, kubectlBin, kubectlFor, ok } from './kubectl-cli.ts';

const VLAN_WARNING =
  'spec.vlan: kovn ignores this field: underlay (VLAN) networks are not implemented; the subnet is an overlay';
const SUBNETS = '/apis/kubeovn.io/v1/subnets';
const repo = new URL('../../../', import.meta.url).pathname;

/** The texts of `Warning: 299 - "..."` headers (node joins repeated headers with ", "). */
const warningsOf = (header: string | string[] | undefined): string[] =>
  [...String(header ?? '').matchAll(/299 - ("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string);

const subnet = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: { cidrBlock: '10.77.0.0/24', ...spec },
});

const subnetYaml = (name: string, cidr: string, extra: string) =>
  `apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata:\n  name: ${name}\nspec:\n  cidrBlock: ${cidr}\n${extra}`;

let t: TestServer;
const kubectl = kubectlFor(() => t);

describe('fields kovn ignores', () => {
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('the API server warns on create, update and patch, and not for a subnet without them', async () => {
    const created = await t.request('POST', SUBNETS, { body: subnet('ig-vlan', { vlan: 'vlan10' }) });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(warningsOf(created.headers['warning']), [VLAN_WARNING]);

    const stored = created.body as ReturnType<typeof subnet>;
    const changed = { ...stored, spec: { ...stored.spec, excludeIps: ['10.77.0.9'] } };
    const updated = await t.request('PUT', `${SUBNETS}/ig-vlan`, { body: changed });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(warningsOf(updated.headers['warning']), [VLAN_WARNING]);

    const patched = await t.request('PATCH', `${SUBNETS}/ig-vlan`, {
      body: { spec: { enableLb: false } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(warningsOf(patched.headers['warning']), [
      VLAN_WARNING,
      "spec.enableLb: kovn ignores this field: the VPC's load balancers are attached to every switch of the VPC",
    ]);

    const plain = await t.request('POST', SUBNETS, {
      body: subnet('ig-plain', { cidrBlock: '10.78.0.0/24', gatewayType: 'distributed' }),
    });
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.headers['warning'], undefined);
    const replaced = await t.request('PUT', `${SUBNETS}/ig-plain`, { body: plain.body });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.headers['warning'], undefined);
  });

  it(
    'kubectl apply prints the warning, on create and on a change',
    { skip: kubectlAvailable ? false : `${kubectlBin} not found` },
    async () => {
      const file = join(t.dir, 'vlan-subnet.yaml');
      writeFileSync(file, subnetYaml('ig-kubectl', '10.79.0.0/24', '  vlan: vlan20\n'));
      const first = await kubectl('apply', '-f', file);
      assert.match(ok(first), /subnet.kubeovn.io\/ig-kubectl created/);
      assert.match(first.stderr, new RegExp(`^Warning: ${escape(VLAN_WARNING)}$`, 'm'));
      writeFileSync(
        file,
        subnetYaml('ig-kubectl', '10.79.0.0/24', '  vlan: vlan20\n  excludeIps: [10.79.0.9]\n'),
      );
      const second = await kubectl('apply', '-f', file);
      assert.match(ok(second), /subnet.kubeovn.io\/ig-kubectl configured/);
      assert.match(second.stderr, new RegExp(`^Warning: ${escape(VLAN_WARNING)}$`, 'm'));
    },
  );

  it('kovn validate prints the same warning and exits 0', () => {
    const file = join(t.dir, 'validate-vlan.yaml');
    writeFileSync(file, subnetYaml('ig-validate', '10.80.0.0/24', '  vlan: vlan30\n'));
    const run = spawnSync(join(repo, 'bin/kovn'), ['validate', '-f', file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, `${file}:7 Subnet/ig-validate Warning: ${VLAN_WARNING}\n`);
    assert.equal(run.stdout, '1 object valid (1 warning)\n');
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
