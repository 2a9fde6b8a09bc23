// The fields kovn accepts but ignores (src/api/ignored-fields.ts): every entry names a field of its kind's schema,
// warns when set (through the whole admission pipeline, on create and on update) and not when unset or at its
// default; what kovn implements never warns; README's list is the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { admit } from '../../../src/api/admission.ts';
import {
  ignoredFields,
  ignoredFieldsMarkdown,
  ignoredFieldWarnings,
  isIgnoredFieldWarning,
  isSet,
  valuesAt,
  type IgnoredField,
} from '../../../src/api/ignored-fields.ts';
import { kubeovnTypeOf } from '../../../src/api/registry.ts';
import { formatWarning } from '../../../src/api/issues.ts';
import type { FieldIssue, KubeObject } from '../../../src/api/types.ts';
import { defaultNetworkObjects } from '../../../src/api/default-network.ts';
import { kubeovn, memoryView } from '../../support/objects.ts';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/**
 * The schema at a table path (`[i]` steps into the items), or undefined where the schema has no such field. Below a
 * free-form object (Kube-OVN's settings objects kovn keeps as given) any path is one, typed as a boolean.
 */
function schemaAt(root: Schema, path: string): Schema | undefined {
  let at: Schema | undefined = root;
  for (const segment of path.split('.')) {
    if (at?.['x-kubernetes-preserve-unknown-fields'] && !at.properties) return { type: 'boolean' };
    const list = segment.endsWith('[i]');
    at = at?.properties?.[list ? segment.slice(0, -3) : segment];
    if (list) at = at?.type === 'array' ? at.items : undefined;
  }
  return at;
}

/** A value that counts as set, of the schema's type. */
function setValue(schema: Schema): unknown {
  if (schema.type === 'boolean') return true;
  if (schema.type === 'string') return 'x';
  if (schema.type === 'integer' || schema.type === 'number') return 5;
  if (schema.type === 'array') return [schema.items ? setValue(schema.items) : 'x'];
  const [first] = Object.entries(schema.properties ?? {});
  return first ? { [first[0]]: setValue(first[1]) } : { a: 'x' };
}

/** The value that warns for an entry, and values that must not (unset is always checked too). */
function samples(entry: IgnoredField, schema: Schema): { warns: unknown; quiet: unknown[] } {
  const when = entry.when ?? 'set';
  if (when === 'false') return { warns: false, quiet: [true] };
  if (when === 'set') {
    const empty = { boolean: false, string: '', integer: 0, number: 0, array: [] }[schema.type ?? ''];
    return { warns: setValue(schema), quiet: empty === undefined ? [{}] : [empty] };
  }
  if ('equals' in when) return { warns: when.equals, quiet: ['distributed'] };
  return { warns: when.above + 1, quiet: [when.above] };
}

/** An object of the entry's kind with `value` at its path (index 0 for `[i]`), others nested as needed. */
function objectWith(entry: IgnoredField, value: unknown): KubeObject {
  const object: Record<string, unknown> = {
    apiVersion: 'kubeovn.io/v1',
    kind: entry.kind,
    metadata: { name: 'o' },
    ...(entry.only ? { spec: { ...entry.only.example } } : {}),
  };
  const segments = entry.path.split('.');
  let at: Record<string, unknown> = object;
  segments.forEach((segment, i) => {
    const list = segment.endsWith('[i]');
    const key = list ? segment.slice(0, -3) : segment;
    const last = i === segments.length - 1;
    const next: Record<string, unknown> = (!list && !last && (at[key] as Record<string, unknown>)) || {};
    if (list) at[key] = [last ? value : next];
    else at[key] = last ? value : next;
    at = next;
  });
  return object as unknown as KubeObject;
}

const concrete = (path: string) => path.replaceAll('[i]', '[0]');

test('every entry names a field of its kind schema', () => {
  for (const entry of ignoredFields) {
    const type = kubeovnTypeOf(entry.kind);
    assert.ok(type, `${entry.kind} is a kubeovn.io kind`);
    assert.ok(schemaAt(type.schema as Schema, entry.path), `${entry.kind} ${entry.path} is in the schema`);
  }
});

test('each entry warns when set, naming the field, and not when unset or at its default', () => {
  for (const entry of ignoredFields) {
    const schema = schemaAt(kubeovnTypeOf(entry.kind)?.schema as Schema, entry.path) ?? {};
    const { warns, quiet } = samples(entry, schema);
    const found = ignoredFieldWarnings(objectWith(entry, warns));
    assert.deepEqual(
      found.map(formatWarning),
      [`${concrete(entry.path)}: kovn ignores this field: ${entry.reason}`],
      `${entry.kind} ${entry.path} = ${JSON.stringify(warns)}`,
    );
    for (const value of [undefined, ...quiet]) {
      const none = ignoredFieldWarnings(objectWith(entry, value));
      assert.deepEqual(none, [], `${entry.kind} ${entry.path} = ${JSON.stringify(value)} does not warn`);
    }
  }
});

test('no two entries name the same field', () => {
  const keys = ignoredFields.map((e) => `${e.kind} ${e.path}`);
  assert.deepEqual([...new Set(keys)], keys);
});

test('set values and paths with list items', () => {
  const cases: [unknown, boolean][] = [
    [undefined, false],
    [null, false],
    [false, false],
    ['', false],
    [0, false],
    [[], false],
    [{}, false],
    [{ enabled: false, ip: '' }, false],
    [true, true],
    ['x', true],
    [1, true],
    [['a'], true],
    [{ enabled: true }, true],
    [{ nodeSelector: { matchLabels: { a: 'b' } } }, true],
  ];
  for (const [value, expected] of cases) assert.equal(isSet(value), expected, JSON.stringify(value));
  const vpc = { spec: { staticRoutes: [{ bfdId: 'a' }, {}, { bfdId: 'b' }] } };
  assert.deepEqual(valuesAt(vpc, 'spec.staticRoutes[i].bfdId'), [
    { path: 'spec.staticRoutes[0].bfdId', value: 'a' },
    { path: 'spec.staticRoutes[1].bfdId', value: undefined },
    { path: 'spec.staticRoutes[2].bfdId', value: 'b' },
  ]);
  assert.deepEqual(valuesAt({ spec: {} }, 'spec.staticRoutes[i].bfdId'), []);
});

const ignoredOf = (outcome: { warnings: readonly FieldIssue[] }) =>
  outcome.warnings.filter(isIgnoredFieldWarning).map(formatWarning);
const subnet = (spec: Record<string, unknown>) =>
  kubeovn('Subnet', 's1', { cidrBlock: '10.66.0.0/24', ...spec });

test('admission warns about an ignored field on create and on update, after defaulting', () => {
  const view = memoryView([]);
  const withVlan = subnet({ vlan: 'vlan10' });
  const created = admit({ operation: 'CREATE', object: withVlan, view });
  assert.ok(created.allowed);
  assert.deepEqual(ignoredOf(created), [
    'spec.vlan: kovn ignores this field: underlay (VLAN) networks are not implemented; the subnet is an overlay',
  ]);
  const stored = created.object ?? withVlan;
  const updated = admit({ operation: 'UPDATE', object: stored, oldObject: stored, view });
  assert.deepEqual(ignoredOf(updated), ignoredOf(created));
  // The defaults kovn writes (enableLb true, gatewayType distributed, vpc ovn-cluster) warn about nothing.
  const plain = admit({ operation: 'CREATE', object: subnet({}), view });
  assert.ok(plain.allowed && plain.object?.spec);
  assert.deepEqual(ignoredOf(plain), []);
  const again = admit({ operation: 'UPDATE', object: plain.object, oldObject: plain.object, view });
  assert.deepEqual(ignoredOf(again), []);
});

test('natOutgoing warns on custom-VPC subnets only (it works in the default VPC; Kube-OVN ignores it elsewhere)', () => {
  const view = memoryView([kubeovn('Vpc', 'v1')]);
  const inDefault = admit({ operation: 'CREATE', object: subnet({ natOutgoing: true }), view });
  assert.deepEqual(ignoredOf(inDefault), []);
  const inCustom = admit({ operation: 'CREATE', object: subnet({ natOutgoing: true, vpc: 'v1' }), view });
  assert.deepEqual(
    ignoredOf(inCustom).map((w) => w.split(':')[0]),
    ['spec.natOutgoing'],
  );
  assert.match(ignoredOf(inCustom)[0] ?? '', /IptablesSnatRule/);
});

test('what kovn implements does not warn', () => {
  const implemented: KubeObject[] = [
    subnet({
      private: true,
      allowSubnets: ['10.0.0.0/8'],
      acls: [{ direction: 'to-lport', priority: 1000, match: 'ip', action: 'drop' }],
      namespaces: ['ns1'],
      namespaceSelectors: [{ matchLabels: { a: 'b' } }],
      routeTable: 't1',
      excludeIps: ['10.66.0.5'],
      gatewayType: 'distributed',
      natOutgoing: true,
      enableLb: true,
      default: false,
    }),
    kubeovn('Vpc', 'v1', {
      namespaces: ['ns1'],
      defaultSubnet: 's1',
      staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.66.0.254', policy: 'policyDst', routeTable: 't1' }],
      policyRoutes: [{ priority: 10, match: 'ip4.src == 10.66.0.0/24', action: 'allow' }],
      vpcPeerings: [{ remoteVpc: 'v2', localConnectIP: '169.254.0.1/30' }],
      enableExternal: false,
      enableBfd: false,
    }),
    kubeovn('VpcNatGateway', 'g1', { vpc: 'v1', subnet: 's1', lanIp: '10.66.0.254', replicas: 1 }),
    kubeovn('IptablesEIP', 'e1', { natGwDp: 'g1', v4ip: '172.18.0.10' }),
  ];
  for (const object of implemented) assert.deepEqual(ignoredFieldWarnings(object), [], object.kind);
});

test("kovn's own default network sets none of the ignored fields", () => {
  assert.deepEqual(defaultNetworkObjects().flatMap(ignoredFieldWarnings), []);
});

test("README's list of ignored fields is the table", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## Fields kovn accepts but ignores\n')[1]?.split('\n## ')[0];
  assert.ok(section, 'README has a section "Fields kovn accepts but ignores"');
  const listed = section
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .join('\n');
  assert.equal(
    listed,
    ignoredFieldsMarkdown(),
    'README lists exactly the table (paste ignoredFieldsMarkdown())',
  );
});
