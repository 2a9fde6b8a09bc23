/**
 * Structural-schema checking as a Kubernetes API server does it for CRDs, over the subset of JSON Schema our
 * schemas use (type, properties, required, items, additionalProperties, minimum/maximum, enum and
 * x-kubernetes-preserve-unknown-fields): type errors and missing required fields become field issues, fields the
 * schema does not know are reported (strict field validation) and pruned, nulls are dropped.
 */
import { invalid, required } from '../issues.ts';
import type { FieldIssue } from '../types.ts';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface StructuralResult {
  /** The value with unknown fields and nulls removed. */
  value: unknown;
  issues: FieldIssue[];
  /** Paths of fields the schema does not declare (removed from `value`). */
  unknownFields: string[];
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function walk(schema: JsonSchema, value: unknown, path: string, out: StructuralResult): unknown {
  const actual = typeOf(value);
  const expected = schema.type;
  if (expected && actual !== expected && !(expected === 'number' && actual === 'integer')) {
    out.issues.push(invalid(path, value, `must be of type ${expected}`));
    return value;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    out.issues.push(
      invalid(path, value, `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`),
    );
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      out.issues.push(invalid(path, value, `must be greater than or equal to ${schema.minimum}`));
    if (schema.maximum !== undefined && value > schema.maximum)
      out.issues.push(invalid(path, value, `must be less than or equal to ${schema.maximum}`));
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, i) =>
      schema.items ? walk(schema.items, item, `${path}[${i}]`, out) : item,
    );
  }
  if (actual !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of schema.required ?? []) {
    if (record[key] === undefined || record[key] === null) out.issues.push(required(join(path, key)));
  }
  for (const [key, child] of Object.entries(record)) {
    if (child === null || child === undefined) continue;
    const declared = schema.properties?.[key];
    if (declared) result[key] = walk(declared, child, join(path, key), out);
    else if (typeof schema.additionalProperties === 'object')
      result[key] = walk(schema.additionalProperties, child, join(path, key), out);
    else if (schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties === true)
      result[key] = child;
    else out.unknownFields.push(join(path, key));
  }
  return result;
}

/** Checks `value` against `schema`; `metadata` is left to the API machinery and passed through untouched. */
export function checkStructure(schema: JsonSchema, value: Record<string, unknown>): StructuralResult {
  const out: StructuralResult = { value: undefined, issues: [], unknownFields: [] };
  const { metadata, ...rest } = value;
  const checked = walk(schema, rest, '', out) as Record<string, unknown>;
  out.value = metadata === undefined ? checked : { ...checked, metadata };
  return out;
}
