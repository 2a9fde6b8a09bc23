import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { KubeObject } from '../../../src/api/types.ts';
import { applySchema } from '../../../src/api/schema/structural.ts';
import { nameProblem, validateMeta } from '../../../src/api/schema/object-meta.ts';

const schema = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  metadata: Type.Optional(Type.Object({})),
  spec: Type.Object({
    cidr: Type.String({ pattern: '^[0-9./]+$' }),
    mode: Type.Optional(Type.Union([Type.Literal('a'), Type.Literal('b')], { default: 'a' })),
    port: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    list: Type.Optional(Type.Array(Type.Object({ name: Type.String() }), { maxItems: 2 })),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    free: Type.Optional(Type.Object({}, { 'x-kubernetes-preserve-unknown-fields': true })),
    maybe: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  }),
});

function obj(spec: unknown, metadata: Record<string, unknown> = { name: 'x' }): KubeObject {
  return { apiVersion: 'g/v1', kind: 'K', metadata, spec };
}

describe('structural schema', () => {
  it('prunes unknown fields (reporting them), keeps preserved ones, fills defaults', () => {
    const out = applySchema(
      schema,
      obj(
        { cidr: '10.0.0.0/8', bogus: 1, list: [{ name: 'n', extra: true }], free: { any: { thing: 1 } } },
        { name: 'x', weird: 1 },
      ),
    );
    assert.deepEqual(out.unknown.sort(), ['metadata.weird', 'spec.bogus', 'spec.list[0].extra']);
    assert.deepEqual(out.issues, []);
    const spec = (out.value as { spec: Record<string, unknown> }).spec;
    assert.equal(spec.mode, 'a');
    assert.deepEqual(spec.free, { any: { thing: 1 } });
    assert.deepEqual(spec.list, [{ name: 'n' }]);
    assert.deepEqual((out.value as KubeObject).metadata, { name: 'x' });
  });

  it('reports type, required, enum, pattern, bounds and item counts with Kubernetes wording', () => {
    const out = applySchema(
      schema,
      obj({
        cidr: 'x y',
        mode: 'c',
        port: 1.5,
        count: 9,
        list: [{}, { name: 'a' }, { name: 'b' }],
        labels: { a: 1 },
      }),
    );
    const text = out.issues.map((i) => `${i.field} ${i.type} ${i.message}`);
    assert.deepEqual(text.sort(), [
      "spec.cidr FieldValueInvalid spec.cidr in body should match '^[0-9./]+$'",
      'spec.count FieldValueInvalid spec.count in body should be less than or equal to 3',
      'spec.labels[a] FieldValueInvalid spec.labels[a] in body must be of type string: "integer"',
      'spec.list FieldValueInvalid must have at most 2 items',
      'spec.list[0].name FieldValueRequired Required value',
      'spec.mode FieldValueNotSupported supported values: "a", "b"',
      'spec.port FieldValueInvalid spec.port in body must be of type integer: "number"',
    ]);
    const missing = applySchema(schema, { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'x' } });
    assert.deepEqual(
      missing.issues.map((i) => `${i.field} ${i.type}`),
      ['spec FieldValueRequired'],
    );
  });

  it('accepts int-or-string unions and nullable fields', () => {
    assert.deepEqual(applySchema(schema, obj({ cidr: '1', port: 'http', maybe: null })).issues, []);
    assert.deepEqual(applySchema(schema, obj({ cidr: '1', port: 80 })).issues, []);
  });
});

describe('object meta', () => {
  it('checks names per rule and labels', () => {
    assert.equal(nameProblem('ok-name.x', 'subdomain'), undefined);
    assert.match(nameProblem('Bad', 'subdomain') ?? '', /RFC 1123 subdomain/);
    assert.match(nameProblem('a.b', 'label') ?? '', /RFC 1123 label/);
    assert.match(nameProblem('1abc', 'dns1035') ?? '', /DNS-1035/);
    assert.equal(nameProblem('system:vpc-dns', 'path'), undefined);
    assert.match(nameProblem('a/b', 'path') ?? '', /may not contain/);
    const issues = validateMeta(
      { apiVersion: 'v1', kind: 'X', metadata: { name: 'x', labels: { 'bad key!': 'v', ok: 'not valid!' } } },
      'subdomain',
    );
    assert.equal(issues.length, 2);
    assert.deepEqual(
      validateMeta({ apiVersion: 'v1', kind: 'X', metadata: {} }, 'subdomain').map((i) => i.message),
      ['name or generateName is required'],
    );
  });

  it('checks the generateName prefix of an object not named yet (a manifest checked offline)', () => {
    const meta = (m: Record<string, string>) =>
      validateMeta({ apiVersion: 'v1', kind: 'X', metadata: m }, 'subdomain').map(
        (i) => `${i.field} ${i.type}`,
      );
    const cases: [Record<string, string>, string[]][] = [
      [{ generateName: 'web-' }, []],
      [{ generateName: 'web' }, []],
      [{ generateName: 'Web-' }, ['metadata.generateName FieldValueInvalid']],
      [{ generateName: '-web' }, ['metadata.generateName FieldValueInvalid']],
      [{ name: 'web-1', generateName: 'Bad_' }, []],
      [{ name: 'Bad_1', generateName: 'web-' }, ['metadata.name FieldValueInvalid']],
    ];
    for (const [m, want] of cases) assert.deepEqual(meta(m), want, JSON.stringify(m));
  });
});
