/**
 * OpenAPI v3: the `/openapi/v3` index (one entry per group-version, each URL carrying a content hash) and the
 * per group-version documents with component schemas and paths. The PATCH/PUT/POST operations carry
 * `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter, which is how kubectl decides to let
 * the server validate (fieldValidation=Strict) instead of validating client-side; their request bodies list the
 * patch types kube-apiserver accepts for custom resources (no strategic merge), so kubectl computes merge
 * patches for CRDs and strategic patches from its compiled-in types for built-in kinds.
 */
import { createHash } from 'node:crypto';
import { groupVersionPath } from '../../kube/paths.ts';
import type { Catalog } from '../resources/catalog.ts';
import type { ServedResource } from '../resources/served.ts';
import { metaDefinitions, metaPackage } from './meta-v1.ts';
import { gvk, kindSchema, listSchema } from './schemas.ts';

type Json = Record<string, unknown>;

const ref = (name: string): string => `#/components/schemas/${name}`;

/** The index key of a group-version: its path without the leading slash (`api/v1`, `apis/kubeovn.io/v1`). */
export function gvPath(group: string, version: string): string {
  return groupVersionPath({ group, version }).slice(1);
}

function queryParam(name: string, description: string): Json {
  return { name, in: 'query', description, schema: { type: 'string', uniqueItems: true } };
}

const dryRun = queryParam(
  'dryRun',
  'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
);
const fieldManager = queryParam(
  'fieldManager',
  'fieldManager is a name associated with the actor or entity that is making these changes.',
);
const fieldValidation = queryParam(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
);

function operations(r: ServedResource): Record<string, Json> {
  const { group, version, plural, kind, namespaced } = r.type;
  const base = groupVersionPath({ group, version });
  const collection = namespaced ? `${base}/namespaces/{namespace}/${plural}` : `${base}/${plural}`;
  const item = `${collection}/{name}`;
  const objectContent = { 'application/json': { schema: { $ref: ref(r.definitionName) } } };
  const ok = (content: Json = objectContent): Json => ({ '200': { description: 'OK', content } });
  const op = (action: string, verb: string, extra: Json = {}): Json => ({
    operationId: `${verb}${namespaced ? 'Namespaced' : ''}${kind}`,
    tags: [group ? `${group.split('.')[0]}_${version}` : `core_${version}`],
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(r),
    responses: ok(),
    ...extra,
  });
  const body = { required: true, content: objectContent };
  const patchSchema = { schema: { $ref: ref(`${metaPackage}.Patch`) } };
  const patchContent: Json = {
    'application/json-patch+json': patchSchema,
    'application/merge-patch+json': patchSchema,
    'application/apply-patch+yaml': patchSchema,
  };
  const pathParams: Json[] = [
    {
      name: 'name',
      in: 'path',
      required: true,
      description: `name of the ${kind}`,
      schema: { type: 'string', uniqueItems: true },
    },
  ];
  if (namespaced)
    pathParams.push({
      name: 'namespace',
      in: 'path',
      required: true,
      description: 'object name and auth scope',
      schema: { type: 'string', uniqueItems: true },
    });
  const writeParams = [dryRun, fieldManager, fieldValidation];
  const itemOps = (suffix: string): Json => ({
    get: op('get', `read${suffix}`),
    put: op('put', `replace${suffix}`, { parameters: writeParams, requestBody: body }),
    patch: op('patch', `patch${suffix}`, {
      parameters: [...writeParams, queryParam('force', 'Force is going to "force" Apply requests.')],
      requestBody: { required: true, content: patchContent },
    }),
    parameters: pathParams,
  });
  const paths: Record<string, Json> = {
    [item]: { ...itemOps(''), delete: op('delete', 'delete', { parameters: [dryRun] }) },
    [collection]: {
      get: op('list', 'list', {
        responses: ok({ 'application/json': { schema: { $ref: ref(`${r.definitionName}List`) } } }),
      }),
      post: op('post', 'create', { parameters: writeParams, requestBody: body }),
      parameters: namespaced ? [pathParams[1]] : [],
    },
  };
  if (r.type.subresources.status) paths[`${item}/status`] = itemOps('Status');
  return paths;
}

export function groupVersionDocument(catalog: Catalog, group: string, version: string): Json | undefined {
  const served = catalog.inGroupVersion(group, version);
  if (!served.length) return undefined;
  const schemas: Record<string, Json> = { ...metaDefinitions(ref) };
  let paths: Record<string, Json> = {};
  for (const r of served) {
    schemas[r.definitionName] = kindSchema(r, ref, true);
    schemas[`${r.definitionName}List`] = listSchema(r, ref);
    paths = { ...paths, ...operations(r) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

export interface V3Cache {
  index: Json;
  documents: Map<string, { json: string; hash: string }>;
}

/** Builds every document once (the catalog is fixed for the life of the server). */
export function buildV3(catalog: Catalog): V3Cache {
  const documents = new Map<string, { json: string; hash: string }>();
  const paths: Record<string, Json> = {};
  for (const gv of catalog.groupVersions()) {
    const doc = groupVersionDocument(catalog, gv.group, gv.version);
    if (!doc) continue;
    const json = JSON.stringify(doc);
    const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
    const key = gvPath(gv.group, gv.version);
    documents.set(key, { json, hash });
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index: { paths }, documents };
}
