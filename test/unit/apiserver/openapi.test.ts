import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { encodeOpenApiV2 } from '../../../src/apiserver/openapi/protobuf.ts';
import { toOpenApi } from '../../../src/apiserver/openapi/schemas.ts';

/** Reads top-level protobuf fields: number -> list of raw values (varints as numbers, length-delimited as Buffers). */
function fields(buf: Buffer): Map<number, Array<number | Buffer>> {
  const out = new Map<number, Array<number | Buffer>>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++] ?? 0;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let value: number | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 1) {
      value = buf.readDoubleLE(i);
      i += 8;
    } else throw new Error(`wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

describe('OpenAPI conversion', () => {
  it('turns TypeBox idioms into plain OpenAPI', () => {
    const schema = Type.Object({
      mode: Type.Union([Type.Literal('a'), Type.Literal('b')]),
      port: Type.Union([Type.Integer(), Type.String()]),
      labels: Type.Record(Type.String(), Type.String()),
      maybe: Type.Union([Type.String(), Type.Null()]),
      fixed: Type.Literal(3),
    });
    const out = toOpenApi(schema) as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(out.properties.mode, { type: 'string', enum: ['a', 'b'] });
    assert.deepEqual(out.properties.port, { 'x-kubernetes-int-or-string': true });
    assert.deepEqual(out.properties.labels, { type: 'object', additionalProperties: { type: 'string' } });
    assert.deepEqual(out.properties.maybe, { type: 'string', nullable: true });
    assert.deepEqual(out.properties.fixed, { type: 'number', enum: [3] });
    assert.deepEqual(out.required, ['mode', 'port', 'labels', 'maybe', 'fixed']);
  });

  it('encodes a v2 document as gnostic protobuf', () => {
    const buf = encodeOpenApiV2({
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1' },
      definitions: {
        'io.x.v1.K': {
          type: 'object',
          required: ['spec'],
          properties: { spec: { type: 'string', description: 'd' } },
          'x-kubernetes-group-version-kind': [{ group: 'x.io', kind: 'K', version: 'v1' }],
        },
      },
    });
    const doc = fields(buf);
    assert.equal(String(doc.get(1)?.[0]), '2.0');
    const definitions = fields(doc.get(9)?.[0] as Buffer);
    const named = fields(definitions.get(1)?.[0] as Buffer);
    assert.equal(String(named.get(1)?.[0]), 'io.x.v1.K');
    const schema = fields(named.get(2)?.[0] as Buffer);
    assert.equal(String(schema.get(19)?.[0]), 'spec');
    assert.equal(String(fields(schema.get(22)?.[0] as Buffer).get(1)?.[0]), 'object');
    const ext = fields(schema.get(31)?.[0] as Buffer);
    assert.equal(String(ext.get(1)?.[0]), 'x-kubernetes-group-version-kind');
    assert.deepEqual(JSON.parse(String(fields(ext.get(2)?.[0] as Buffer).get(2)?.[0])), [
      { group: 'x.io', kind: 'K', version: 'v1' },
    ]);
  });
});
