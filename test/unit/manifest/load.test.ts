import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldPathKeys, loadManifests, parseManifestText } from '../../../src/manifest/load.ts';

test('every manifest of the seed document loads, with kinds in order', () => {
  const { documents, errors } = loadManifests(['examples/seed', 'examples/config-vpc']);
  assert.deepEqual(errors, []);
  const kinds = new Set(documents.map((d) => d.object.kind));
  for (const kind of [
    'Namespace',
    'Vpc',
    'Subnet',
    'Pod',
    'ConfigMap',
    'NetworkAttachmentDefinition',
    'VpcNatGateway',
    'IptablesEIP',
    'IptablesDnatRule',
    'IptablesSnatRule',
    'IptablesFIPRule',
    'ClusterRole',
    'ClusterRoleBinding',
    'ServiceAccount',
    'VpcDns',
  ]) {
    assert.ok(kinds.has(kind), kind);
  }
  assert.equal(documents.length, 34); // 07-second-external-network.yaml: a Subnet and its NAD
  const nad = documents.find(
    (d) =>
      d.object.kind === 'NetworkAttachmentDefinition' &&
      d.object.metadata.name === 'ovn-vpc-external-network',
  );
  const config = JSON.parse((nad?.object['spec'] as { config: string }).config) as {
    master: string;
    ipam: { type: string };
  };
  assert.equal(config.master, 'eth1');
  assert.equal(config.ipam.type, 'kube-ovn');
});

test('documents keep file, index and line; field paths map to lines', () => {
  const text = [
    '# comment',
    'kind: Vpc',
    'apiVersion: kubeovn.io/v1',
    'metadata:',
    '  name: a',
    'spec:',
    '  staticRoutes:',
    '    - cidr: 0.0.0.0/0',
    '      nextHopIP: 10.0.1.254',
    '---',
    '',
    'kind: Vpc',
    'apiVersion: kubeovn.io/v1',
    'metadata: {name: b}',
  ].join('\n');
  const { documents, errors } = parseManifestText('x.yaml', text);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    documents.map((d) => [d.index, d.line, d.object.metadata.name]),
    [
      [0, 2, 'a'],
      [1, 12, 'b'],
    ],
  );
  assert.equal(documents[0]!.lineOf('spec.staticRoutes[0].nextHopIP'), 9);
  assert.equal(
    documents[0]!.lineOf('spec.staticRoutes[0].policy'),
    8,
    'missing field: nearest existing parent',
  );
  assert.equal(documents[0]!.lineOf('spec'), 6);
});

test('syntax and shape errors name file, document and line', () => {
  const text = [
    'kind: Vpc',
    'apiVersion: kubeovn.io/v1',
    'metadata: {name: a}',
    '---',
    'kind: Vpc',
    'metadata:',
    '  name: [unclosed',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {}',
    '---',
    '- just a list',
  ].join('\n');
  const { documents, errors } = parseManifestText('bad.yaml', text);
  assert.equal(documents.length, 1);
  assert.deepEqual(
    errors.map((e) => [e.index, e.line]),
    [
      [1, 8],
      [2, 9],
      [3, 13],
    ],
  );
  assert.match(errors[1]!.message, /metadata\.name: Required value/);
  assert.match(errors[2]!.message, /must be a mapping/);
});

test('a List is expanded into its items', () => {
  const text =
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: ns1}\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: ns2}\n';
  const { documents } = parseManifestText('list.yaml', text);
  assert.deepEqual(
    documents.map((d) => [d.object.metadata.name, d.line]),
    [
      ['ns1', 4],
      ['ns2', 7],
    ],
  );
});

test('field paths split into keys', () => {
  assert.deepEqual(fieldPathKeys('spec.staticRoutes[0].cidr'), ['spec', 'staticRoutes', 0, 'cidr']);
  assert.deepEqual(fieldPathKeys('metadata.annotations[ovn.kubernetes.io/ip_address]'), [
    'metadata',
    'annotations',
    'ovn.kubernetes.io/ip_address',
  ]);
});
