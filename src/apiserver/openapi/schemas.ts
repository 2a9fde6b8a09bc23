/**
 * OpenAPI schemas of the served kinds: the TypeBox schema turned into plain OpenAPI (unions of literals become
 * enums, string|integer becomes x-kubernetes-int-or-string, patternProperties become additionalProperties),
 * `metadata` pointing at ObjectMeta, `x-kubernetes-group-version-kind` on each kind and list (what kubectl
 * explain and client-side validation look up). The meta.k8s.io definitions they refer to are meta-v1.ts's.
 */
import type { ServedResource } from '../resources/served.ts';
import { listMetaName, objectMetaName, type RefFn } from './meta-v1.ts';

type Json = Record<string, unknown>;

function isJson(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function literalType(v: unknown): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

/** Plain OpenAPI v3 (structural) from a TypeBox / JSON Schema object. */
export function toOpenApi(schema: unknown): Json {
  if (!isJson(schema)) return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (
      k === '$id' ||
      k === '$schema' ||
      k === 'anyOf' ||
      k === 'oneOf' ||
      k === 'const' ||
      k === 'patternProperties'
    )
      continue;
    if (k === 'additionalProperties' && v === false) continue;
    if (k === 'properties' && isJson(v))
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toOpenApi(s)]));
    else if ((k === 'items' || k === 'additionalProperties') && isJson(v)) out[k] = toOpenApi(v);
    else if (k === 'allOf' && Array.isArray(v)) out.allOf = v.map(toOpenApi);
    else out[k] = v;
  }
  if ('const' in schema) {
    out.enum = [schema.const];
    out.type ??= literalType(schema.const);
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    const branches = union.filter(isJson);
    const nonNull = branches.filter((b) => b.type !== 'null');
    if (nonNull.length < branches.length) out.nullable = true;
    if (nonNull.length && nonNull.every((b) => 'const' in b || Array.isArray(b.enum))) {
      const values = nonNull.flatMap((b) => ('const' in b ? [b.const] : (b.enum as unknown[])));
      out.enum = values;
      out.type ??= literalType(values[0]);
    } else if (
      nonNull.length === 2 &&
      nonNull.some((b) => b.type === 'string') &&
      nonNull.some((b) => b.type === 'integer')
    ) {
      out['x-kubernetes-int-or-string'] = true;
    } else if (nonNull.length === 1) {
      Object.assign(out, toOpenApi(nonNull[0]), out.nullable ? { nullable: true } : {});
    } else if (nonNull.length) {
      out.anyOf = nonNull.map(toOpenApi);
    }
  }
  const patterns = schema.patternProperties;
  if (isJson(patterns)) {
    const first = Object.values(patterns)[0];
    if (first !== undefined) out.additionalProperties = toOpenApi(first);
    out.type ??= 'object';
  }
  return out;
}

export function gvk(r: ServedResource, kind = r.type.kind): Json {
  return { group: r.type.group, kind, version: r.type.version };
}

/** The schema of a kind, with metadata as a reference to ObjectMeta. */
export function kindSchema(r: ServedResource, ref: RefFn, v3: boolean): Json {
  const schema = toOpenApi(r.type.schema);
  const properties = isJson(schema.properties) ? { ...schema.properties } : {};
  properties.apiVersion = {
    type: 'string',
    description:
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  };
  properties.kind = {
    type: 'string',
    description:
      'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  };
  const metaDescription =
    "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
  properties.metadata = v3
    ? { allOf: [{ $ref: ref(objectMetaName) }], default: {}, description: metaDescription }
    : { $ref: ref(objectMetaName), description: metaDescription };
  const result: Json = { ...schema, type: 'object', properties };
  if (Array.isArray(result.required))
    result.required = (result.required as string[]).filter(
      (k) => k !== 'metadata' && k !== 'apiVersion' && k !== 'kind',
    );
  if (Array.isArray(result.required) && !(result.required as string[]).length) delete result.required;
  result['x-kubernetes-group-version-kind'] = [gvk(r)];
  return result;
}

export function listSchema(r: ServedResource, ref: RefFn): Json {
  return {
    type: 'object',
    description: `${r.type.listKind} is a list of ${r.type.kind}`,
    required: ['items'],
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      items: {
        type: 'array',
        description: `List of ${r.type.plural}.`,
        items: { $ref: ref(r.definitionName) },
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
      metadata: { $ref: ref(listMetaName), description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [gvk(r, r.type.listKind)],
  };
}
