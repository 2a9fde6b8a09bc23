import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate, typeName } from '../../../scripts/gen-nb-types.ts';
import type { DatabaseSchema } from '../../../src/ovsdb/schema.ts';

const schema: DatabaseSchema = {
  name: 'OVN_Northbound',
  version: '9.9.9',
  cksum: '1 2',
  tables: {
    Logical_Router: {
      isRoot: true,
      columns: {
        name: { type: 'string' },
        enabled: { type: { key: 'boolean', min: 0, max: 1 } },
        ports: { type: { key: { type: 'uuid', refTable: 'Logical_Router_Port' }, min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    ACL: {
      columns: {
        action: { type: { key: { type: 'string', enum: ['set', ['allow', "it's"]] } } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        tags: { type: { key: 'integer', value: 'real', min: 0, max: 'unlimited' } },
        severity: { type: { key: { type: 'string', enum: ['set', ['alert', 'info']] }, min: 0, max: 1 } },
        labels: { type: { key: { type: 'string', enum: ['set', ['a', 'b']] }, min: 0, max: 'unlimited' } },
      },
    },
  },
};

void test('table names become interface names', () => {
  assert.equal(typeName('Logical_Router_Static_Route'), 'LogicalRouterStaticRoute');
  assert.equal(typeName('NB_Global'), 'NBGlobal');
  assert.equal(typeName('ACL'), 'ACL');
});

void test('columns map to TS types by min/max/key/value, sorted, with schema facts as comments', () => {
  const text = generate(schema, 'test.ovsschema');
  assert.ok(text.includes("export const OVN_NB_SCHEMA_VERSION = '9.9.9';"));
  const router = /export interface LogicalRouter \{\n([^}]*)\}/.exec(text)?.[1];
  assert.equal(
    router,
    [
      '  _uuid: string;',
      '  enabled?: boolean;',
      '  name: string;',
      '  options: Record<string, string>;',
      '  /** references Logical_Router_Port (strong) */',
      '  ports: string[];',
      '',
    ].join('\n'),
  );
  const acl = /export interface ACL \{\n([^}]*)\}/.exec(text)?.[1] ?? '';
  assert.match(acl, / {2}action: 'allow' \| 'it\\'s';/);
  assert.match(acl, /\/\*\* integer in \[0, 32767\] \*\/\n {2}priority: number;/);
  assert.match(acl, /map keys are integers, as strings \*\/\n {2}tags: Record<string, number>;/);
  assert.match(acl, / {2}severity\?: 'alert' \| 'info';/);
  assert.match(acl, / {2}labels: \('a' \| 'b'\)\[\];/);
  assert.match(text, /export type OvnNbTables = \{\n {2}ACL: ACL;\n {2}Logical_Router: LogicalRouter;\n\};/);
  assert.equal(generate(schema, 'test.ovsschema'), text, 'deterministic');
});
