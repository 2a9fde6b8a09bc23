// The committed CRDs are generated from the schemas; the check must notice any drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

const check = (dir: string) =>
  spawnSync(process.execPath, ['scripts/gen-crds.ts', '--check', '--dir', dir], { encoding: 'utf8' });

test('gen-crds --check passes on the committed files and fails on an edited or missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-crds-'));
  try {
    cpSync('deploy/crds', dir, { recursive: true });
    assert.equal(check(dir).status, 0);
    appendFileSync(join(dir, 'vpcs.kubeovn.io.yaml'), '# hand edit\n');
    const edited = check(dir);
    assert.equal(edited.status, 1);
    assert.match(edited.stderr, /vpcs\.kubeovn\.io\.yaml is out of date/);
    unlinkSync(join(dir, 'subnets.kubeovn.io.yaml'));
    assert.match(check(dir).stderr, /subnets\.kubeovn\.io\.yaml is out of date/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the generated Subnet CRD carries the reference names, columns and fields', () => {
  const crd = parse(readFileSync('deploy/crds/subnets.kubeovn.io.yaml', 'utf8')) as {
    spec: {
      scope: string;
      names: { shortNames: string[] };
      versions: {
        additionalPrinterColumns: { name: string }[];
        subresources: unknown;
        schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } };
      }[];
    };
  };
  const version = crd.spec.versions[0]!;
  assert.equal(crd.spec.scope, 'Cluster');
  assert.deepEqual(crd.spec.names.shortNames, ['subnet']);
  assert.deepEqual(version.subresources, { status: {} });
  assert.deepEqual(
    version.additionalPrinterColumns.map((c) => c.name),
    [
      'Provider',
      'Vpc',
      'Vlan',
      'Protocol',
      'CIDR',
      'Private',
      'NAT',
      'Default',
      'GatewayType',
      'V4Used',
      'V4Available',
      'V6Used',
      'V6Available',
      'ExcludeIPs',
      'U2OInterconnectionIP',
    ],
  );
  const fields = Object.keys(version.schema.openAPIV3Schema.properties.spec.properties);
  for (const field of [
    'vpc',
    'cidrBlock',
    'gateway',
    'excludeIps',
    'provider',
    'namespaces',
    'routeTable',
    'natOutgoing',
    'enableLb',
    'disableGatewayCheck',
  ]) {
    assert.ok(fields.includes(field), field);
  }
});
