/**
 * OpenAPI v2 (swagger 2.0), definitions only, served as JSON or as gnostic protobuf (what kubectl asks for). It
 * carries the custom kinds (kubeovn.io, NetworkAttachmentDefinition) with their group-version-kind, so kubectl
 * 1.20 validates and explains them; built-in kinds are left out, so kubectl neither validates them against our
 * permissive schemas nor derives patch strategies from them (it uses its compiled-in types).
 */
import type { Catalog } from '../resources/catalog.ts';
import { encodeOpenApiV2 } from './protobuf.ts';
import { metaDefinitions } from './meta-v1.ts';
import { kindSchema, listSchema } from './schemas.ts';

type Json = Record<string, unknown>;

const ref = (name: string): string => `#/definitions/${name}`;

/** v2 has no nullable/anyOf/int-or-string as v3 has them; drop what v2 cannot say. */
function downgrade(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(downgrade);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === 'nullable' || k === 'anyOf' || k === 'oneOf' || k === 'not') continue;
    out[k] =
      k === 'properties' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, downgrade(s)]))
        : downgrade(v);
  }
  if (out['x-kubernetes-int-or-string'] === true) delete out.type;
  return out;
}

export interface V2Cache {
  json: string;
  protobuf: Buffer;
}

export function buildV2(catalog: Catalog): V2Cache {
  const definitions: Record<string, Json> = { ...metaDefinitions(ref) };
  for (const r of catalog.resources) {
    if (r.builtin) continue;
    definitions[r.definitionName] = downgrade(kindSchema(r, ref, false)) as Json;
    definitions[`${r.definitionName}List`] = listSchema(r, ref);
  }
  const doc = { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions };
  return { json: JSON.stringify(doc), protobuf: encodeOpenApiV2(doc) };
}
