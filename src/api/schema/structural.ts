/**
 * Structural-schema handling (a step of the admission pipeline, ../admission.ts) of an object against its OpenAPI v3
 * schema (the TypeBox schema from the API package, read as plain JSON Schema): unknown fields are pruned unless `x-kubernetes-preserve-unknown-fields`
 * (and reported, for fieldValidation=Strict/Warn), `default`s are filled in, and values are checked for type,
 * required, enum/const, pattern, bounds, lengths and item counts, worded as kube-apiserver words CRD validation.
 */
import type { FieldIssue, KubeObject } from '../types.ts';

type Schema = Record<string, unknown>;

export interface SchemaOutcome {
  value: unknown;
  issues: FieldIssue[];
  /** Paths of fields that were dropped because the schema does not declare them. */
  unknown: string[];
}

const objectMetaFields = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function schemaTypes(schema: Schema): string[] {
  const t = schema.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

function constValues(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if ('const' in schema) return [schema.const];
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(union) && union.length && union.every((s) => 'const' in s || Array.isArray(s.enum))) {
    return union.flatMap((s) => ('const' in s ? [s.const] : (s.enum as unknown[])));
  }
  return undefined;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

class Walker {
  readonly issues: FieldIssue[] = [];
  readonly unknown: string[] = [];

  walk(schema: Schema | undefined, value: unknown, path: string): unknown {
    if (!schema || typeof schema !== 'object') return value;
    if (value === undefined) return undefined;
    if (value === null) {
      if (schema.nullable === true) return null;
      return undefined;
    }
    const enumValues = constValues(schema);
    const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (!enumValues && Array.isArray(union) && union.length) return this.walkUnion(union, value, path);
    if (Array.isArray(schema.allOf)) {
      let v: unknown = value;
      for (const s of schema.allOf as Schema[]) v = this.walk(s, v, path);
      return v;
    }
    if (!this.checkType(schema, value, path)) return value;
    if (enumValues && !enumValues.some((e) => e === value)) {
      this.issues.push({
        field: path,
        type: 'FieldValueNotSupported',
        value,
        message: `supported values: ${enumValues.map(quote).join(', ')}`,
      });
    }
    if (typeof value === 'string') this.checkString(schema, value, path);
    if (typeof value === 'number') this.checkNumber(schema, value, path);
    if (Array.isArray(value)) return this.walkArray(schema, value, path);
    if (typeof value === 'object') return this.walkObject(schema, value as Record<string, unknown>, path);
    return value;
  }

  private walkUnion(branches: Schema[], value: unknown, path: string): unknown {
    let best: { walker: Walker; value: unknown } | undefined;
    for (const branch of branches) {
      const w = new Walker();
      const v = w.walk(branch, value, path);
      if (!w.issues.length) {
        this.unknown.push(...w.unknown);
        return v;
      }
      if (!best || w.issues.length < best.walker.issues.length) best = { walker: w, value: v };
    }
    if (best) {
      this.issues.push(...best.walker.issues);
      this.unknown.push(...best.walker.unknown);
      return best.value;
    }
    return value;
  }

  private checkType(schema: Schema, value: unknown, path: string): boolean {
    if (schema['x-kubernetes-int-or-string'] === true) {
      if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return true;
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value: typeOf(value),
        message: `${path} in body must be of type integer,string: "${typeOf(value)}"`,
      });
      return false;
    }
    const types = schemaTypes(schema);
    if (!types.length) return true;
    const actual = typeOf(value);
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value: actual,
        message: `${path} in body must be of type ${types.join(',')}: "${actual}"`,
      });
    }
    return ok;
  }

  private checkString(schema: Schema, value: string, path: string): void {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value,
        message: `${path} in body should match '${schema.pattern}'`,
      });
    }
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value,
        message: `${path} in body should be at least ${schema.minLength} chars long`,
      });
    }
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value,
        message: `may not be more than ${schema.maxLength} bytes`,
      });
    }
  }

  private checkNumber(schema: Schema, value: number, path: string): void {
    const min = schema.minimum ?? schema.exclusiveMinimum;
    const max = schema.maximum ?? schema.exclusiveMaximum;
    if (
      typeof min === 'number' &&
      (value < min || (value === min && typeof schema.exclusiveMinimum === 'number'))
    ) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value,
        message: `${path} in body should be greater than or equal to ${min}`,
      });
    }
    if (
      typeof max === 'number' &&
      (value > max || (value === max && typeof schema.exclusiveMaximum === 'number'))
    ) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value,
        message: `${path} in body should be less than or equal to ${max}`,
      });
    }
  }

  private walkArray(schema: Schema, value: unknown[], path: string): unknown[] {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value: value.length,
        message: `${path} in body should have at least ${schema.minItems} items`,
      });
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      this.issues.push({
        field: path,
        type: 'FieldValueInvalid',
        value: value.length,
        message: `must have at most ${schema.maxItems} items`,
      });
    }
    const items = schema.items as Schema | undefined;
    if (!items || Array.isArray(items)) return value;
    return value.map((v, i) => this.walk(items, v, `${path}[${i}]`));
  }

  private walkObject(schema: Schema, value: Record<string, unknown>, path: string): Record<string, unknown> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const additional = schema.additionalProperties;
    const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>).map(
      ([p, s]) => [new RegExp(p, 'u'), s] as const,
    );
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const declared = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (declared) {
        const w = this.walk(declared, v, join(path, key));
        if (w !== undefined) out[key] = w;
        continue;
      }
      const pattern = patterns.find(([re]) => re.test(key));
      if (pattern) {
        const w = this.walk(pattern[1], v, `${path}[${key}]`);
        if (w !== undefined) out[key] = w;
      } else if (additional && typeof additional === 'object') {
        const w = this.walk(additional as Schema, v, `${path}[${key}]`);
        if (w !== undefined) out[key] = w;
      } else if (
        preserve ||
        additional === true ||
        (!schemaTypes(schema).length && !schema.properties && !schema.patternProperties)
      ) {
        out[key] = v;
      } else {
        this.unknown.push(join(path, key));
      }
    }
    for (const [key, s] of Object.entries(properties)) {
      if (!(key in out) && s.default !== undefined) out[key] = structuredClone(s.default);
    }
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in out))
        this.issues.push({ field: join(path, key), type: 'FieldValueRequired', message: 'Required value' });
    }
    return out;
  }
}

/** Prunes, defaults and validates a whole object; apiVersion, kind and metadata are handled as ObjectMeta. */
export function applySchema(schema: unknown, object: KubeObject): SchemaOutcome {
  const walker = new Walker();
  const root = (schema ?? {}) as Schema;
  const properties = (root.properties ?? {}) as Record<string, Schema>;
  const { apiVersion, kind, metadata, ...rest } = object;
  const metaOut: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (objectMetaFields.has(k)) metaOut[k] = v;
    else walker.unknown.push(`metadata.${k}`);
  }
  const bodySchema: Schema = {
    ...root,
    properties: Object.fromEntries(
      Object.entries(properties).filter(([k]) => !['apiVersion', 'kind', 'metadata'].includes(k)),
    ),
  };
  delete bodySchema.required;
  const body = walker.walk(bodySchema, rest, '') as Record<string, unknown>;
  const required = ((root.required ?? []) as string[]).filter(
    (k) => !['apiVersion', 'kind', 'metadata'].includes(k),
  );
  for (const key of required)
    if (!(key in body))
      walker.issues.push({ field: key, type: 'FieldValueRequired', message: 'Required value' });
  return {
    value: { apiVersion, kind, metadata: metaOut, ...body },
    issues: walker.issues,
    unknown: walker.unknown,
  };
}
